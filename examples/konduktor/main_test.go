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

// runAs runs one command line as a user (through $USER) against client; $HOME is testdata.
func runAs(ctx context.Context, client kubernetes.Interface, user string, args ...string) (string, error) {
	var out, errOut bytes.Buffer
	getenv := func(k string) string {
		switch k {
		case "USER":
			return user
		case "HOME":
			return "testdata"
		}
		return ""
	}
	err := run(ctx, cli.Env{Stdout: &out, Stderr: &errOut, Getenv: getenv, Client: client}, args)
	return out.String(), err
}

// TestSession runs the commands of Konduktor's secrets page for two users against one
// in-memory cluster: every kind and source, a merge, both listings, a delete, and the
// injected workload.
func TestSession(t *testing.T) {
	ctx := context.Background()
	client := fake.NewClientset(kindless("konduktor-ssh-keys-alice", "alice"))
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
	step("alice", "secret", "create", "--kind=git-ssh", "--from-file=~/id_ed25519", "my-ssh-name")
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
	dirs := t.TempDir()
	writeTree(t, dirs, map[string]string{"only-ds-store/.DS_Store": "x", "only-ds-store/empty/.DS_Store": "x"})
	mkdirs(t, dirs, "empty/sub/subsub")
	for _, tc := range []struct {
		name  string
		user  string
		args  []string
		usage bool
		want  string
	}{
		{"owner not a label", "Alice.Smith", []string{"secret", "list"}, true, `owner "Alice.Smith" from $USER is not a DNS-1123 label`},
		{"no owner", "", []string{"secret", "list"}, true, "no owner"},
		{"two sources", "alice", []string{"secret", "create", "--inline", "A=b", "--from-file", "x", "s"}, true,
			"secret create: give exactly one of --from-file, --from-directory and --inline (got 2)"},
		{"no source", "alice", []string{"secret", "create", "s"}, true, "give exactly one of --from-file, --from-directory and --inline (got 0)"},
		{"env from a file", "alice", []string{"secret", "create", "--kind=env", "--from-file", "testdata/id_ed25519", "s"}, true,
			"secret create: --kind env takes --inline (not --from-file or --from-directory)"},
		{"git-ssh inline", "alice", []string{"secret", "create", "--kind=git-ssh", "--inline", "A=b", "s"}, true,
			"secret create: --kind git-ssh takes --from-file (not --from-directory or --inline)"},
		{"git-ssh from a directory", "alice", []string{"secret", "create", "--kind=git-ssh", "--from-directory", "testdata/secrets", "s"}, true,
			"--kind git-ssh takes --from-file"},
		{"unknown kind", "alice", []string{"secret", "create", "--kind=vault", "--inline", "A=b", "s"}, true, `--kind must be default, env or git-ssh, not "vault"`},
		{"inline without =", "alice", []string{"secret", "create", "--inline", "Ab", "s"}, true, "secret create: --inline #1 is not KEY=VALUE (no '=')"},
		{"name with a dot", "alice", []string{"secret", "create", "--inline", "A=b", "my.secret"}, true, `secret create: secret name "my.secret" is invalid: must not contain dots`},
		{"name with upper case", "alice", []string{"secret", "create", "--inline", "A=b", "Bad-Name"}, true, `secret name "Bad-Name" is invalid: must be lower case ("B" at byte 0)`},
		{"name with underscore", "alice", []string{"secret", "create", "--inline", "A=b", "my_secret"}, true, `secret name "my_secret" is invalid: must not contain "_" at byte 2`},
		{"name ending in -", "alice", []string{"secret", "create", "--inline", "A=b", "s-"}, true, `must end with a letter or digit, not "-" at byte 1`},
		{"two names", "alice", []string{"secret", "create", "--inline", "A=b", "s", "t"}, true, "want exactly one secret name, got 2"},
		{"invalid key", "alice", []string{"secret", "create", "--inline", "a b=c", "s"}, false, `invalid key: must not contain " " at byte 1`},
		{"empty directory", "alice", []string{"secret", "create", "--from-directory", filepath.Join(dirs, "empty"), "s"}, true,
			`--from-directory "` + filepath.Join(dirs, "empty") + `" is empty: it holds no file to store (empty folders and .DS_Store files do not count)`},
		{"directory of .DS_Store files", "alice", []string{"secret", "create", "--from-directory", filepath.Join(dirs, "only-ds-store"), "s"}, true, "is empty"},
		{"directory that is a file", "alice", []string{"secret", "create", "--from-directory", "testdata/id_ed25519", "s"}, true, `--from-directory "testdata/id_ed25519": not a directory`},
		{"missing directory", "alice", []string{"secret", "create", "--from-directory", "testdata/nope", "s"}, true, "no such file or directory"},
		{"file that is a directory", "alice", []string{"secret", "create", "--from-file", "testdata/secrets", "s"}, false, "is a directory"},
		{"missing file", "alice", []string{"secret", "create", "--from-file", "testdata/nope", "s"}, false, "no such file or directory"},
		{"delete missing", "alice", []string{"secret", "delete", "nope"}, false, "secret delete: alice has no secret named nope in namespace default"},
		{"inject no file", "alice", []string{"inject"}, true, "inject: want -f task.yaml and no arguments"},
		{"inject bad --env", "alice", []string{"inject", "-f", "testdata/workload.yaml", "--env", "X"}, true, "inject: --env #1 is not KEY=VALUE"},
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
