package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"path/filepath"
	"strings"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/kubernetes/fake"

	"github.com/podsecrets/podsecrets/examples/internal/cli"
	"github.com/podsecrets/podsecrets/internal/golden"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// runAs runs one command line as a user (through $USER) against client.
func runAs(ctx context.Context, client kubernetes.Interface, user string, args ...string) (string, error) {
	var out, errOut bytes.Buffer
	getenv := func(k string) string {
		if k == "USER" {
			return user
		}
		return ""
	}
	err := run(ctx, cli.Env{Stdout: &out, Stderr: &errOut, Getenv: getenv, Client: client}, args)
	return out.String(), err
}

// TestSession runs the seed's commands for two users against one in-memory cluster:
// every kind and source, a merge, both listings, a delete, and the injected workload.
func TestSession(t *testing.T) {
	ctx := context.Background()
	client := fake.NewClientset()
	var transcript strings.Builder
	step := func(user string, args ...string) {
		t.Helper()
		out, err := runAs(ctx, client, user, args...)
		if err != nil {
			t.Fatalf("%s: %v: %v", user, args, err)
		}
		transcript.WriteString("$ USER=" + user + " konduktor " + strings.Join(args, " ") + "\n" + out)
	}
	step("alice", "secret", "create", "--kind=default", "--from-file=testdata/secrets/secret-file.txt", "my-default-file")
	step("alice", "secret", "create", "--kind=default", "--from-directory=testdata/secrets", "my-default-directory")
	step("alice", "secret", "create", "--kind=default", "--inline", "FOO=bar", "my-default-inline")
	step("alice", "secret", "create", "--kind=env", "--inline", "FOO=bar", "my-env-name")
	step("alice", "secret", "create", "--kind=env", "--inline", "BAR=baz", "my-env-name")
	step("alice", "secret", "create", "--kind=git-ssh", "--from-file=testdata/id_ed25519", "my-ssh-name")
	step("bob", "secret", "create", "--kind=env", "--inline", "FOO=bobs", "my-env-name")
	step("alice", "secret", "list")
	step("alice", "secret", "list", "--all-users")
	step("alice", "secret", "delete", "my-default-inline")
	step("bob", "secret", "list")
	step("alice", "inject", "-f", "testdata/workload.yaml")
	golden.Check(t, filepath.Join("testdata", "session.golden.txt"), []byte(transcript.String()), *update)

	if _, err := client.CoreV1().Secrets("default").Get(ctx, "my-env-name-bob", metav1.GetOptions{}); err != nil {
		t.Errorf("bob's secret: %v", err)
	}
}

func TestErrors(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		name  string
		user  string
		args  []string
		usage bool
		want  string
	}{
		{"owner not a label", "Alice.Smith", []string{"secret", "list"}, true, `owner "Alice.Smith" from $USER is not a DNS-1123 label`},
		{"no owner", "", []string{"secret", "list"}, true, "no owner"},
		{"two sources", "alice", []string{"secret", "create", "--inline", "A=b", "--from-file", "x", "s"}, true, "exactly one of"},
		{"no source", "alice", []string{"secret", "create", "s"}, true, "exactly one of"},
		{"env from file", "alice", []string{"secret", "create", "--kind=env", "--from-file", "testdata/id_ed25519", "s"}, true, "--inline only"},
		{"git-ssh inline", "alice", []string{"secret", "create", "--kind=git-ssh", "--inline", "A=b", "s"}, true, "--from-file only"},
		{"unknown kind", "alice", []string{"secret", "create", "--kind=vault", "--inline", "A=b", "s"}, true, "--kind must be"},
		{"inline without =", "alice", []string{"secret", "create", "--inline", "Ab", "s"}, true, "--inline #1"},
		{"bad basename", "alice", []string{"secret", "create", "--inline", "A=b", "Bad_Name"}, true, "Bad_Name"},
		{"bad key", "alice", []string{"secret", "create", "--inline", "a b=c", "s"}, false, "a b"},
		{"delete missing", "alice", []string{"secret", "delete", "nope"}, false, "alice has no secret nope"},
		{"inject no file", "alice", []string{"inject"}, true, "want -f workload.yaml"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := runAs(ctx, fake.NewClientset(), tc.user, tc.args...)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error = %v, want one containing %q", err, tc.want)
			}
			var usage *cli.UsageError
			if got := errors.As(err, &usage); got != tc.usage {
				t.Errorf("usage error = %v, want %v", got, tc.usage)
			}
		})
	}
}

// TestOwnership checks that a user cannot delete, merge into or see another's secret,
// and has at most one git-ssh secret.
func TestOwnership(t *testing.T) {
	ctx := context.Background()
	client := fake.NewClientset()
	mustRun := func(user string, args ...string) string {
		t.Helper()
		out, err := runAs(ctx, client, user, args...)
		if err != nil {
			t.Fatalf("%v: %v", args, err)
		}
		return out
	}
	mustRun("bob", "secret", "create", "--inline", "TOKEN=x", "shared")
	mustRun("alice", "secret", "create", "--kind=git-ssh", "--from-file=testdata/id_ed25519", "key-one")

	if _, err := runAs(ctx, client, "alice", "secret", "delete", "shared"); err == nil {
		t.Error("alice deleted bob's secret")
	}
	if out := mustRun("alice", "secret", "list"); strings.Contains(out, "shared") {
		t.Errorf("alice's list shows bob's secret:\n%s", out)
	}
	if _, err := runAs(ctx, client, "alice", "secret", "create", "--kind=git-ssh", "--from-file=testdata/id_ed25519", "key-two"); err == nil || !strings.Contains(err.Error(), "at most one") {
		t.Errorf("second git-ssh secret: error = %v, want one saying at most one", err)
	}
	if _, err := runAs(ctx, client, "alice", "secret", "create", "--kind=env", "--inline", "A=b", "key-one"); err == nil || !strings.Contains(err.Error(), "delete it first") {
		t.Errorf("changing the kind by merging: error = %v", err)
	}
	if _, err := client.CoreV1().Secrets("default").Get(ctx, "shared-bob", metav1.GetOptions{}); err != nil {
		t.Errorf("bob's secret: %v", err)
	}
}
