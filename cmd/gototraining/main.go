// Command gototraining does GoToTraining work by hand and in scripts: look
// trainings up, schedule and cancel them, list, export and cancel
// registrations, export attendance, list and download recordings.
//
//	gototraining <group> <command> [flags] [arguments]
//
// Run "gototraining help" for the commands, and "gototraining <group>
// <command> -h" for one command's flags and examples.
//
// Credentials and the organizer come from the environment:
//
//	GOTOTRAINING_ACCESS_TOKEN   an OAuth access token
//	GOTOTRAINING_ORGANIZER_KEY  the organizer the commands act for (or --organizer)
//	GOTOTRAINING_BASE_URL       the API's base URL (default https://api.getgo.com/G2T/rest)
//
// Output is a table on a terminal; --json and --csv print JSON (one
// document) or CSV (a header row, then one row per item) for scripts. Keys
// are always decimal strings, exact at 19 digits.
//
// Exit codes:
//
//	0  success
//	1  an error not listed below (network, an unreadable answer)
//	2  usage: unknown command, bad flag or argument, invalid input; nothing was sent
//	3  not authorized: no token, or GoTo refused it (run "gototraining login" or set GOTOTRAINING_ACCESS_TOKEN)
//	4  not found
//	5  refused by GoTo: bad request, forbidden, conflict
//	6  GoTo unavailable: rate limited, server error, or the outcome of a creating call is unknown
//	7  partly done: some items of a bulk command failed (the summary says which)
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"
)

func main() { os.Exit(mainCode()) }

func mainCode() int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return run(ctx, os.Args[1:], stdio{in: os.Stdin, out: os.Stdout, err: os.Stderr}, os.Getenv)
}
