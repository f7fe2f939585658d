package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"strings"
	"syscall"
)

// Main runs a program's run function with the process's streams and environment and a
// context that ends on SIGINT or SIGTERM, then exits: 0 on success or -h, 2 for a
// *UsageError, 1 for any other error (printed as Message says).
func Main(prog string, run func(ctx context.Context, env Env, args []string) error) {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, Env{Stdout: os.Stdout, Stderr: os.Stderr, Getenv: os.Getenv}, os.Args[1:])
	stop()
	var usage *UsageError
	switch {
	case err == nil, errors.Is(err, flag.ErrHelp):
		os.Exit(0)
	case errors.As(err, &usage):
		fmt.Fprintln(os.Stderr, Message(prog, err))
		os.Exit(2)
	default:
		fmt.Fprintln(os.Stderr, Message(prog, err))
		os.Exit(1)
	}
}

// Message is how Main prints err: "prog: error", or the error as it is when it already starts
// with "prog: " (a library package of the program's name, such as secretspec/runai for the
// runai example, names itself once at the start of its errors).
func Message(prog string, err error) string {
	msg := err.Error()
	if strings.HasPrefix(msg, prog+": ") {
		return msg
	}
	return prog + ": " + msg
}
