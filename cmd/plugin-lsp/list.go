package main

import "context"

// runList is a placeholder until the list subcommand lands.
func runList(ctx context.Context, args []string) int { return notImplemented("list") }
