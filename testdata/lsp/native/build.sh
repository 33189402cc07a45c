#!/bin/sh
# Builds the counter plugin next to the host.
go build -buildmode=plugin -o counter.so ./counter
