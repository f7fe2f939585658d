// Quickstart is a tour of podsecrets that needs no cluster: one screen per system it reads
// (Run:ai, Pachyderm, Konduktor, Flyte, and its own canonical form), each showing the system's
// input, the refs podsecrets reads from it, and only the lines they add to one small pod.
//
// Usage:
//
//	go run ./examples/quickstart
//
// It takes no flags; the output is the same on every run, and ends with where to go next.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Stdout, os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "quickstart:", err)
		os.Exit(1)
	}
}

// screen is one system's part of the tour.
type screen struct {
	name string
	show func(ctx context.Context, w io.Writer) error
}

// run prints the whole tour to w. It takes no arguments.
func run(ctx context.Context, w io.Writer, args []string) error {
	if len(args) > 0 {
		return fmt.Errorf("takes no arguments, got %d", len(args))
	}
	if err := intro(w); err != nil {
		return err
	}
	for _, s := range []screen{
		{"Run:ai", showRunai},
		{"Pachyderm", showPachyderm},
		{"Konduktor", showKonduktor},
		{"Flyte", showFlyte},
		{"canonical form", showCanonical},
	} {
		if err := s.show(ctx, w); err != nil {
			return fmt.Errorf("%s: %w", s.name, err)
		}
	}
	next(w)
	return nil
}

// heading starts a screen: its title and the package that reads the system's input.
func heading(w io.Writer, title, pkg string) {
	fmt.Fprintf(w, "\n== %s (package %s) ==\n", title, pkg)
}

// next says where to go from here.
func next(w io.Writer) {
	fmt.Fprint(w, `
== Where to go next ==
Each system has a runnable example with more (Secrets, a cluster, a webhook):
  go run ./examples/runai submit -i ubuntu -e MYUSERNAME=SECRET:my-secret,username
  go run ./examples/pachyderm pipeline -f examples/pachyderm/testdata/mnist.json
  go run ./examples/konduktor -h
  go run ./examples/flyte-webhook -h
The packages, with examples:
  go doc ./inject      Apply, ApplyPod, ApplyTemplate, Patch and their options
  go doc ./encode      Secrets as kubectl builds them; Decode, Validate, Merge, Hash
  go doc ./propagate   one Secret copied across namespaces, and a controller that keeps it so
  go doc ./secretspec  the Ref and its canonical text form
`)
}
