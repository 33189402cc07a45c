package main

import "context"

// runGraph is a placeholder until the graph subcommand lands.
func runGraph(ctx context.Context, args []string) int { return notImplemented("graph") }
