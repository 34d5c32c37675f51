package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
	"strconv"
	"strings"

	"github.com/gototraining-go/gototraining/gototraining"
)

// stdio is where a run reads and writes; tests give buffers.
type stdio struct {
	in       io.Reader
	out, err io.Writer
}

// command is one "group verb" of the tool. setup declares its own flags on
// fs and returns what runs it, so each command's flags live beside its code.
type command struct {
	group, name string
	args        string // the positional arguments, for usage
	summary     string
	examples    []string
	// offline commands need no client (login, logout).
	offline bool
	setup   func(fs *flag.FlagSet) func(ctx context.Context, a *app, args []string) error
}

var commands []*command

func register(c *command) { commands = append(commands, c) }

func findCommand(group, name string) *command {
	for _, c := range commands {
		if c.group == group && c.name == name {
			return c
		}
	}
	return nil
}

// run runs one command line and returns the exit code (see the package doc).
func run(ctx context.Context, args []string, sio stdio, getenv func(string) string) int {
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" || args[0] == "-help" {
		if len(args) == 0 {
			printHelp(sio.err)
			return exitUsage
		}
		printHelp(sio.out)
		return exitOK
	}
	group, rest := args[0], args[1:]
	if c := findCommand(group, ""); c != nil {
		return runCommand(ctx, c, rest, sio, getenv)
	}
	if len(rest) == 0 || strings.HasPrefix(rest[0], "-") {
		if !hasGroup(group) {
			fmt.Fprintf(sio.err, "gototraining: unknown command %q; run \"gototraining help\"\n", group)
			return exitUsage
		}
		if len(rest) > 0 && (rest[0] == "-h" || rest[0] == "-help" || rest[0] == "--help") {
			fmt.Fprintf(sio.out, "gototraining %s: one of: %s (add -h to one for its flags and examples)\n", group, strings.Join(verbs(group), ", "))
			return exitOK
		}
		fmt.Fprintf(sio.err, "gototraining %s: which command? One of: %s\n", group, strings.Join(verbs(group), ", "))
		return exitUsage
	}
	name := rest[0]
	rest = rest[1:]
	c := findCommand(group, name)
	if c == nil {
		if !hasGroup(group) {
			fmt.Fprintf(sio.err, "gototraining: unknown command %q; run \"gototraining help\"\n", group)
		} else {
			fmt.Fprintf(sio.err, "gototraining %s: unknown command %q; one of: %s\n", group, name, strings.Join(verbs(group), ", "))
		}
		return exitUsage
	}
	return runCommand(ctx, c, rest, sio, getenv)
}

func runCommand(ctx context.Context, c *command, args []string, sio stdio, getenv func(string) string) int {
	fs := flag.NewFlagSet(c.title(), flag.ContinueOnError)
	fs.SetOutput(sio.err)
	a := &app{io: sio, getenv: getenv}
	a.declareCommon(fs, c)
	runner := c.setup(fs)
	fs.Usage = func() { c.usage(fs, fs.Output()) }
	ordered, err := interleave(fs, args)
	if err != nil {
		fmt.Fprintf(sio.err, "%s: %v\n", c.title(), err)
		c.usage(fs, sio.err)
		return exitUsage
	}
	if err := fs.Parse(ordered); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			c.usage(fs, sio.out)
			return exitOK
		}
		return exitUsage // the flag package has said what is wrong
	}
	if err := a.finish(ctx, c); err != nil {
		return a.fail(c, err)
	}
	if err := runner(ctx, a, fs.Args()); err != nil {
		return a.fail(c, err)
	}
	return a.exitCode
}

// interleave moves flags after the positional arguments to the front, so
// that "trainings get KEY --json" works as well as "trainings get --json
// KEY" (the flag package stops at the first argument that is not a flag).
// It refuses what the flag package would misread or echo: a value flag
// with nothing after it (which would take the "--" that ends the flags),
// and a switch given a value (the flag package quotes the value in its
// error, and --personal-access-token=<the token> is an easy mistake).
func interleave(fs *flag.FlagSet, args []string) ([]string, error) {
	var flags, positional []string
	for i := 0; i < len(args); i++ {
		arg := args[i]
		if arg == "--" {
			positional = append(positional, args[i+1:]...)
			break
		}
		if !strings.HasPrefix(arg, "-") || arg == "-" {
			positional = append(positional, arg)
			continue
		}
		flags = append(flags, arg)
		name, value, hasValue := strings.Cut(strings.TrimLeft(arg, "-"), "=")
		f := fs.Lookup(name)
		switch {
		case f == nil:
			// Unknown: the flag package says so.
		case isBoolFlag(f):
			if _, err := strconv.ParseBool(value); hasValue && err != nil {
				return nil, fmt.Errorf("flag -%s is a switch and takes no value", name)
			}
		case hasValue:
		case i+1 < len(args):
			i++
			flags = append(flags, args[i])
		default:
			return nil, fmt.Errorf("flag -%s needs a value", name)
		}
	}
	return append(append(flags, "--"), positional...), nil
}

func isBoolFlag(f *flag.Flag) bool {
	b, ok := f.Value.(interface{ IsBoolFlag() bool })
	return ok && b.IsBoolFlag()
}

func (c *command) title() string {
	if c.name == "" {
		return "gototraining " + c.group
	}
	return "gototraining " + c.group + " " + c.name
}

func (c *command) usage(fs *flag.FlagSet, w io.Writer) {
	fmt.Fprintf(w, "Usage: %s [flags] %s\n\n%s\n", c.title(), c.args, c.summary)
	if len(c.examples) > 0 {
		fmt.Fprintf(w, "\nExamples:\n")
		for _, e := range c.examples {
			fmt.Fprintf(w, "  %s\n", e)
		}
	}
	fmt.Fprintf(w, "\nFlags:\n")
	fs.SetOutput(w)
	fs.PrintDefaults()
}

func hasGroup(group string) bool {
	for _, c := range commands {
		if c.group == group {
			return true
		}
	}
	return false
}

func verbs(group string) []string {
	var out []string
	for _, c := range commands {
		if c.group == group {
			out = append(out, c.name)
		}
	}
	sort.Strings(out)
	return out
}

func printHelp(w io.Writer) {
	fmt.Fprint(w, `gototraining: GoToTraining from the command line.

Usage: gototraining <command> [flags] [arguments]

Commands:
`)
	sorted := append([]*command(nil), commands...)
	sort.SliceStable(sorted, func(i, j int) bool { return sorted[i].title() < sorted[j].title() })
	for _, c := range sorted {
		fmt.Fprintf(w, "  %-44s %s\n", strings.TrimPrefix(c.title(), "gototraining ")+" "+c.args, firstLine(c.summary))
	}
	fmt.Fprint(w, `
Every command takes --json or --csv (output for scripts; a table otherwise);
those that act for an organizer take --organizer KEY (default
$GOTOTRAINING_ORGANIZER_KEY, else the saved login's). Run a command with -h
for its flags and examples.

Environment:
  GOTOTRAINING_ACCESS_TOKEN   an OAuth access token (overrides a saved login)
  GOTOTRAINING_ORGANIZER_KEY  the organizer the commands act for
  GOTOTRAINING_BASE_URL       the API's base URL (default `+gototraining.DefaultBaseURL+`)
  GOTOTRAINING_CONFIG_DIR     where login keeps its files (default: gototraining
                              in the user's configuration folder)
  GOTOTRAINING_CLIENT_ID, GOTOTRAINING_CLIENT_SECRET   the OAuth client, for login
  GOTOTRAINING_PERSONAL_ACCESS_TOKEN                  for login --personal-access-token

Exit codes: 0 ok, 1 other error, 2 usage or invalid input (nothing sent),
3 not authorized, 4 not found, 5 refused by GoTo, 6 GoTo unavailable or
outcome unknown, 7 partly done.
`)
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}

// isTerminal reports whether w is a terminal (a character device).
func isTerminal(w any) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}
