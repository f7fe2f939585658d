package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/kubernetes/fake"

	"github.com/podsecrets/podsecrets/examples/internal/cli"
	"github.com/podsecrets/podsecrets/internal/golden"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// runCmd runs one command line against client and returns its standard output.
func runCmd(t *testing.T, ctx context.Context, client kubernetes.Interface, args ...string) (string, error) {
	t.Helper()
	var out, errOut bytes.Buffer
	err := run(ctx, cli.Env{Stdout: &out, Stderr: &errOut, Client: client}, args)
	return out.String(), err
}

func TestSubmit(t *testing.T) {
	out, err := runCmd(t, context.Background(), nil, "submit", "--project", "team-a", "--image", "ubuntu", "--name", "train",
		"-e", "MYUSERNAME=SECRET:my-secret,username", "-e", "LOG_LEVEL=debug", "-e", "MYPASSWORD=SECRET:my-secret,password",
		"--", "python", "train.py")
	if err != nil {
		t.Fatalf("submit: %v", err)
	}
	golden.Check(t, filepath.Join("testdata", "submit.golden.yaml"), []byte(out), *update)
}

// TestSubmitSeed runs the command of Run:ai's documentation as it is written there.
func TestSubmitSeed(t *testing.T) {
	out, err := runCmd(t, context.Background(), nil, "submit", "-i", "ubuntu", "-e", "MYUSERNAME=SECRET:my-secret,username")
	if err != nil {
		t.Fatalf("submit: %v", err)
	}
	golden.Check(t, filepath.Join("testdata", "submit-seed.golden.yaml"), []byte(out), *update)
}

func TestSubmitErrors(t *testing.T) {
	for _, tc := range []struct {
		name  string
		args  []string
		usage bool   // a *cli.UsageError is expected
		want  string // in the error
	}{
		{"no image", []string{"submit", "--project", "a"}, true, "-i/--image is required"},
		{"empty project", []string{"submit", "-p", "", "-i", "x"}, true, "-p/--project must not be empty"},
		{"bad project", []string{"submit", "--project", "A_B", "--image", "x"}, true, `project "A_B" gives namespace "runai-A_B"`},
		{"bad secret ref", []string{"submit", "--project", "a", "--image", "x", "-e", "U=SECRET:s"}, false,
			`1st -e flag ("U"): byte 10: secret reference has no key`},
		{"same name twice", []string{"submit", "-i", "x", "-e", "A=1", "-e", "U=1", "-e", "U=SECRET:s,k"}, false,
			`3rd -e flag ("U"): byte 0: variable is already set by the 2nd -e flag`},
		{"flag pasted whole", []string{"submit", "-i", "x", "-e", "-e A=SECRET:s,k"}, false, `1st -e flag ("-e A"): byte 0: invalid variable name: begins with "-"`},
		{"several problems, one per line", []string{"submit", "-i", "x", "-e", "A", "-e", "B=SECRET:s"}, false,
			"2 problems:\n\t- 1st -e flag: byte 1: missing '='"},
		{"unknown flag", []string{"submit", "--nope"}, true, "flag provided but not defined"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := runCmd(t, context.Background(), nil, tc.args...)
			if err == nil {
				t.Fatal("got no error")
			}
			var usage *cli.UsageError
			if got := errors.As(err, &usage); got != tc.usage {
				t.Errorf("usage error = %v, want %v (%v)", got, tc.usage, err)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q does not contain %q", err, tc.want)
			}
			// What main prints names the program (and secretspec/runai) once.
			if msg := cli.Message("runai", err); !strings.HasPrefix(msg, "runai: ") || strings.Count(msg, "runai:") != 1 {
				t.Errorf("main prints %q: want \"runai: \" once, at the start", msg)
			}
		})
	}
}

// cluster is a Run:ai cluster: namespace runai with Secret regcred, two projects, and
// a namespace that is not a project.
func cluster(t *testing.T) *fake.Clientset {
	t.Helper()
	objs, err := cli.LoadState(filepath.Join("testdata", "cluster.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	return fake.NewClientset(objs...)
}

// copies returns the namespaces that hold a Secret named name, other than runai.
func copies(t *testing.T, client kubernetes.Interface, name string) []string {
	t.Helper()
	list, err := client.CoreV1().Secrets("").List(context.Background(), metav1.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var ns []string
	for _, s := range list.Items {
		if s.Name == name && s.Namespace != "runai" {
			ns = append(ns, s.Namespace)
		}
	}
	return ns
}

func TestSecretSetAndRemove(t *testing.T) {
	ctx := context.Background()
	client := cluster(t)
	var transcript strings.Builder
	step := func(args ...string) {
		t.Helper()
		out, err := runCmd(t, ctx, client, args...)
		if err != nil {
			t.Fatalf("%v: %v", args, err)
		}
		transcript.WriteString("$ runai " + strings.Join(args, " ") + "\n" + out)
	}

	step("secret", "set", "regcred", "--cluster-wide", "--dry-run")
	if got := copies(t, client, "regcred"); len(got) != 0 {
		t.Fatalf("dry run made copies in %v", got)
	}
	step("secret", "set", "regcred", "--cluster-wide")
	if diff := cmp.Diff([]string{"runai-team-a", "runai-team-b"}, copies(t, client, "regcred")); diff != "" {
		t.Errorf("copies after set (-want +got):\n%s", diff)
	}
	step("secret", "set", "regcred", "--cluster-wide")
	step("secret", "remove", "regcred", "--cluster-wide")
	if got := copies(t, client, "regcred"); len(got) != 0 {
		t.Errorf("copies left after remove: %v", got)
	}
	src, err := client.CoreV1().Secrets("runai").Get(ctx, "regcred", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := src.Labels["runai/cluster-wide"]; ok {
		t.Error("the source still has the cluster-wide label")
	}
	step("secret", "remove", "regcred", "--cluster-wide")
	golden.Check(t, filepath.Join("testdata", "secret.golden.txt"), []byte(transcript.String()), *update)
}

func TestSecretErrors(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"no --cluster-wide", []string{"secret", "set", "regcred"}, "add --cluster-wide"},
		{"no name", []string{"secret", "set", "--cluster-wide"}, "exactly one Secret name"},
		{"watch and dry run", []string{"secret", "set", "regcred", "--cluster-wide", "--watch", "--dry-run"}, "do not go together"},
		{"missing secret", []string{"secret", "set", "nope", "--cluster-wide"}, `secret runai/nope: secrets "nope" not found`},
		{"remove has no --watch", []string{"secret", "remove", "regcred", "--cluster-wide", "--watch"}, "flag provided but not defined: -watch"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := runCmd(t, ctx, cluster(t), tc.args...)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error = %v, want one containing %q", err, tc.want)
			}
		})
	}
}

// TestSecretSetWatch runs the controller, adds a project namespace while it runs, and
// stops it by cancelling the context, as Ctrl-C does.
func TestSecretSetWatch(t *testing.T) {
	client := cluster(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var out, errOut bytes.Buffer
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, cli.Env{Stdout: &out, Stderr: &errOut, Client: client}, []string{"secret", "set", "regcred", "--cluster-wide", "--watch"})
	}()
	waitFor(t, done, func() bool { return len(copies(t, client, "regcred")) == 2 })
	_, err := client.CoreV1().Namespaces().Create(context.Background(), &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "runai-team-c"}}, metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	waitFor(t, done, func() bool {
		_, err := client.CoreV1().Secrets("runai-team-c").Get(context.Background(), "regcred", metav1.GetOptions{})
		if err != nil && !apierrors.IsNotFound(err) {
			t.Fatal(err)
		}
		return err == nil
	})
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("run: %v", err)
	}
	want := "secret runai/regcred labelled runai/cluster-wide=true\n" +
		"watching Secrets in runai labelled runai/cluster-wide=true; copying into runai-* until interrupted\n" +
		"stopped\n"
	if diff := cmp.Diff(want, out.String()); diff != "" {
		t.Errorf("output (-want +got):\n%s", diff)
	}
}

// waitFor polls cond until it holds; it fails the test if run ends first or nothing
// happens for a minute (a hang, not a speed measurement).
func waitFor(t *testing.T, done <-chan error, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for !cond() {
		select {
		case err := <-done:
			t.Fatalf("run ended early: %v", err)
		case <-time.After(20 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatal("condition not reached within a minute")
		}
	}
}
