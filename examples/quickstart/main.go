// Quickstart is a tour of podsecrets that needs no cluster: it builds Secrets, reads one
// secret reference in each supported dialect and one in the canonical form, injects them
// into a sample Pod, prints the Pod and the JSON patch a webhook would answer with, and
// fans a Secret out across the namespaces of an in-memory cluster.
//
// Usage:
//
//	go run ./examples/quickstart
//
// It takes no flags; the output is the same on every run. Each section names the
// package doing the work, so the output doubles as a map of the library:
//
//  1. encode      Secrets built as kubectl create secret builds them (keys and sizes only)
//  2. dialects    Run:ai -e flags, a Pachyderm transform, Konduktor secrets, Flyte annotations,
//     and the canonical secretspec form, all as secretspec.Refs
//  3. inject      the Pod with every ref applied, and the RFC 6902 patch from the original
//  4. propagate   a Run:ai cluster-wide Secret synced into every runai-* namespace, twice
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

// run prints the whole tour to w. It takes no arguments.
func run(ctx context.Context, w io.Writer, args []string) error {
	if len(args) > 0 {
		return fmt.Errorf("takes no arguments, got %d", len(args))
	}
	fmt.Fprintln(w, "podsecrets quickstart: everything below runs in memory, no cluster needed.")
	secrets, err := buildSecrets(w)
	if err != nil {
		return fmt.Errorf("encode: %w", err)
	}
	pod, err := samplePod()
	if err != nil {
		return fmt.Errorf("sample pod: %w", err)
	}
	refs, plain, err := readRefs(w, pod, secrets.konduktor)
	if err != nil {
		return fmt.Errorf("dialects: %w", err)
	}
	if err := injectPod(w, pod, refs, plain); err != nil {
		return fmt.Errorf("inject: %w", err)
	}
	if err := fanOut(ctx, w, secrets.registry); err != nil {
		return fmt.Errorf("propagate: %w", err)
	}
	return nil
}

// heading prints a section heading and a one-line explanation.
func heading(w io.Writer, title, explain string) {
	fmt.Fprintf(w, "\n== %s ==\n%s\n\n", title, explain)
}
