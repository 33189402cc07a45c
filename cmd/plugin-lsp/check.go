package main

import "context"

// runCheck is a placeholder until the check subcommand lands.
func runCheck(ctx context.Context, args []string) int { return notImplemented("check") }
