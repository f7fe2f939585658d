package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
)

// Command is one subcommand of an example program.
type Command struct {
	// Name is the words that select the command, e.g. "submit" or "secret create".
	Name string
	// Summary is a one-line description for the usage text.
	Summary string
	// Run does the work; args are the arguments after Name.
	Run func(ctx context.Context, env Env, args []string) error
}

// UsageError is a mistake on the command line: the program should print it and exit 2.
type UsageError struct{ Msg string }

// Error returns the message.
func (e *UsageError) Error() string { return e.Msg }

// Usagef returns a *UsageError with a formatted message.
func Usagef(format string, a ...any) error {
	return &UsageError{Msg: fmt.Sprintf(format, a...)}
}

// Dispatch runs the command whose Name matches the first words of args (the longest
// match wins). With no match, or with "help", "-h" or "--help", it writes the list of
// commands to env.Stderr; it returns flag.ErrHelp for a request for help and a
// *UsageError otherwise.
func Dispatch(ctx context.Context, env Env, prog string, cmds []Command, args []string) error {
	if len(args) == 0 {
		writeUsage(env.Stderr, prog, cmds)
		return Usagef("no command given")
	}
	switch args[0] {
	case "help", "-h", "-help", "--help":
		writeUsage(env.Stderr, prog, cmds)
		return flag.ErrHelp
	}
	best, bestLen := -1, 0
	for i, c := range cmds {
		words := strings.Fields(c.Name)
		if len(words) <= bestLen || len(words) > len(args) {
			continue
		}
		match := true
		for j, w := range words {
			if args[j] != w {
				match = false
				break
			}
		}
		if match {
			best, bestLen = i, len(words)
		}
	}
	if best < 0 {
		writeUsage(env.Stderr, prog, cmds)
		return Usagef("unknown command %q", strings.Join(args[:min(len(args), 2)], " "))
	}
	return cmds[best].Run(ctx, env, args[bestLen:])
}

func writeUsage(w io.Writer, prog string, cmds []Command) {
	if w == nil {
		return
	}
	fmt.Fprintf(w, "usage: %s <command> [flags] [args]\n\ncommands:\n", prog)
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	for _, c := range cmds {
		fmt.Fprintf(tw, "  %s\t%s\n", c.Name, c.Summary)
	}
	_ = tw.Flush()
	fmt.Fprintf(w, "\nRun '%s <command> -h' for the flags of a command.\n", prog)
}

// NewFlagSet returns a flag set for one command that reports errors instead of exiting
// and writes its messages to env.Stderr.
func NewFlagSet(env Env, name string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	if env.Stderr != nil {
		fs.SetOutput(env.Stderr)
	} else {
		fs.SetOutput(io.Discard)
	}
	return fs
}

// Parse parses args with fs and returns the positional arguments. Unlike
// flag.FlagSet.Parse it accepts flags after positional arguments ("delete NAME --user
// bob"); everything after "--" is positional. A flag error is a *UsageError (or
// flag.ErrHelp for -h).
func Parse(fs *flag.FlagSet, args []string) ([]string, error) {
	var positional []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, err
			}
			return nil, &UsageError{Msg: fmt.Sprintf("%s: %v", fs.Name(), err)}
		}
		rest := fs.Args()
		if len(rest) == 0 {
			return positional, nil
		}
		if consumed := len(args) - len(rest); consumed > 0 && args[consumed-1] == "--" {
			return append(positional, rest...), nil
		}
		positional = append(positional, rest[0])
		args = rest[1:]
	}
}

// StringList is a flag that may be given several times; it keeps every value in order.
type StringList []string

// String returns the values joined by commas.
func (l *StringList) String() string { return strings.Join(*l, ",") }

// Set appends one value.
func (l *StringList) Set(v string) error {
	*l = append(*l, v)
	return nil
}
