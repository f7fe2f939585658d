package main

import (
	"bytes"
	"context"
	"encoding/base64"
	"flag"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/podsecrets/podsecrets/internal/golden"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// TestRun runs the whole tour in memory and compares its output with
// testdata/quickstart.golden (rewrite it with go test -update).
func TestRun(t *testing.T) {
	var out bytes.Buffer
	if err := run(context.Background(), &out, nil); err != nil {
		t.Fatalf("run: %v", err)
	}
	golden.Check(t, filepath.Join("testdata", "quickstart.golden"), out.Bytes(), *update)
}

// TestRunIsDeterministic runs the tour twice: map order or time must not show.
func TestRunIsDeterministic(t *testing.T) {
	var a, b bytes.Buffer
	if err := run(context.Background(), &a, nil); err != nil {
		t.Fatal(err)
	}
	if err := run(context.Background(), &b, nil); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(a.String(), b.String()); diff != "" {
		t.Errorf("two runs differ (-first +second):\n%s", diff)
	}
}

// TestRunFitsScreens checks that every line fits 100 columns and every system's screen a
// terminal of 40 lines.
func TestRunFitsScreens(t *testing.T) {
	var out bytes.Buffer
	if err := run(context.Background(), &out, nil); err != nil {
		t.Fatal(err)
	}
	for i, l := range strings.Split(out.String(), "\n") {
		if n := len(strings.ReplaceAll(l, "\t", "        ")); n > 100 {
			t.Errorf("line %d is %d columns, more than 100: %q", i+1, n, l)
		}
	}
	screens := strings.Split(out.String(), "\n== ")
	if len(screens) != 7 { // the intro, five systems, where to go next
		t.Fatalf("%d screens, want 7", len(screens))
	}
	for _, s := range screens {
		if n := strings.Count(s, "\n"); n > 40 {
			title, _, _ := strings.Cut(s, "\n")
			t.Errorf("screen %q is %d lines, more than 40", title, n)
		}
	}
}

// TestRunPrintsNoSecretValue checks that no value of the Secrets built appears in the
// output, neither as is nor base64-encoded.
func TestRunPrintsNoSecretValue(t *testing.T) {
	var out bytes.Buffer
	if err := run(context.Background(), &out, nil); err != nil {
		t.Fatal(err)
	}
	for i, v := range []string{"ci-bot", "correct-horse", "0123456789abcdef", "hf_alice_0123456789", "hf_bob_9876543210"} {
		for _, form := range []string{v, base64.StdEncoding.EncodeToString([]byte(v))} {
			if strings.Contains(out.String(), form) {
				t.Errorf("secret value #%d appears in the output", i)
			}
		}
	}
}

// TestRunRejectsArguments checks that run takes no arguments.
func TestRunRejectsArguments(t *testing.T) {
	var out bytes.Buffer
	if err := run(context.Background(), &out, []string{"extra"}); err == nil {
		t.Error("run with an argument: got no error")
	}
}
