package cli

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes/fake"
)

func TestDispatch(t *testing.T) {
	var called []string
	cmd := func(name string) func(context.Context, Env, []string) error {
		return func(_ context.Context, _ Env, args []string) error {
			called = append(called, name+"("+strings.Join(args, " ")+")")
			return nil
		}
	}
	cmds := []Command{
		{Name: "secret", Summary: "s", Run: cmd("secret")},
		{Name: "secret create", Summary: "c", Run: cmd("create")},
		{Name: "list", Summary: "l", Run: cmd("list")},
	}
	for _, tc := range []struct {
		args      []string
		wantCall  string
		wantErr   string // "" for success, "help" for flag.ErrHelp, else in a *UsageError
		wantUsage bool   // the command list is written to stderr
	}{
		{[]string{"secret", "create", "x"}, "create(x)", "", false},
		{[]string{"secret", "delete"}, "secret(delete)", "", false},
		{[]string{"list"}, "list()", "", false},
		{nil, "", "no command given", true},
		{[]string{"nope", "x", "y"}, "", `unknown command "nope x"`, true},
		{[]string{"-h"}, "", "help", true},
		{[]string{"help"}, "", "help", true},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			called = nil
			var stderr bytes.Buffer
			err := Dispatch(context.Background(), Env{Stderr: &stderr}, "prog", cmds, tc.args)
			switch {
			case tc.wantErr == "":
				if err != nil {
					t.Fatal(err)
				}
			case tc.wantErr == "help":
				if !errors.Is(err, flag.ErrHelp) {
					t.Fatalf("error %v, want flag.ErrHelp", err)
				}
			default:
				var u *UsageError
				if !errors.As(err, &u) || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("error %v, want a usage error containing %q", err, tc.wantErr)
				}
			}
			if got := strings.Join(called, ","); got != tc.wantCall {
				t.Errorf("called %q, want %q", got, tc.wantCall)
			}
			if got := strings.Contains(stderr.String(), "secret create  c"); got != tc.wantUsage {
				t.Errorf("usage written = %v, want %v:\n%s", got, tc.wantUsage, stderr.String())
			}
		})
	}
}

func TestParse(t *testing.T) {
	for _, tc := range []struct {
		args     []string
		wantPos  []string
		wantName string
		wantList []string
		wantErr  bool
	}{
		{args: []string{"a", "--name", "n", "b"}, wantPos: []string{"a", "b"}, wantName: "n"},
		{args: []string{"-e", "X=1", "a", "-e", "Y=2"}, wantPos: []string{"a"}, wantList: []string{"X=1", "Y=2"}},
		{args: []string{"--name", "n", "--", "-e", "x"}, wantPos: []string{"-e", "x"}, wantName: "n"},
		{args: []string{"a", "--", "--name", "x"}, wantPos: []string{"a", "--name", "x"}},
		{args: []string{"--nope"}, wantErr: true},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			fs := NewFlagSet(Env{}, "test")
			name := fs.String("name", "", "")
			var list StringList
			fs.Var(&list, "e", "")
			pos, err := Parse(fs, tc.args)
			if tc.wantErr {
				var u *UsageError
				if !errors.As(err, &u) {
					t.Fatalf("error %v, want a *UsageError", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.wantPos, pos); diff != "" {
				t.Errorf("positional (-want +got):\n%s", diff)
			}
			if *name != tc.wantName {
				t.Errorf("name %q, want %q", *name, tc.wantName)
			}
			if diff := cmp.Diff(tc.wantList, []string(list)); diff != "" {
				t.Errorf("list (-want +got):\n%s", diff)
			}
		})
	}
}

func TestTableTrimsTrailingSpaces(t *testing.T) {
	var buf bytes.Buffer
	tw := Table(&buf)
	for _, line := range []string{"A\tB\tC\n", "long value\t\t\n", "x\ty\tz\n"} {
		if _, err := tw.Write([]byte(line)); err != nil {
			t.Fatal(err)
		}
	}
	if err := tw.Flush(); err != nil {
		t.Fatal(err)
	}
	want := "A           B  C\nlong value\nx           y  z\n"
	if diff := cmp.Diff(want, buf.String()); diff != "" {
		t.Errorf("table (-want +got):\n%s", diff)
	}
}

func TestKeys(t *testing.T) {
	s := &corev1.Secret{
		Data:       map[string][]byte{"b": []byte("12345"), "a": []byte("x")},
		StringData: map[string]string{"c": "abc"},
	}
	if got, want := Keys(s), "a (1 B), b (5 B), c (3 B)"; got != want {
		t.Errorf("Keys = %q, want %q", got, want)
	}
	if got := Keys(&corev1.Secret{}); got != "(none)" {
		t.Errorf("Keys of an empty Secret = %q", got)
	}
}

func TestYAMLDropsNoise(t *testing.T) {
	got, err := YAML(&corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: "p"}, Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "c"}}}})
	if err != nil {
		t.Fatal(err)
	}
	want := "metadata:\n  name: p\nspec:\n  containers:\n  - name: c\n"
	if diff := cmp.Diff(want, string(got)); diff != "" {
		t.Errorf("YAML (-want +got):\n%s", diff)
	}
}

func TestLoadState(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good.yaml")
	if err := os.WriteFile(good, []byte("apiVersion: v1\nkind: Namespace\nmetadata:\n  name: a\n---\n---\n"+
		`{"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "s", "namespace": "a"}, "data": {"k": "dg=="}}`+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	objs, err := LoadState(good)
	if err != nil {
		t.Fatal(err)
	}
	c := fake.NewClientset(objs...)
	s, err := c.CoreV1().Secrets("a").Get(context.Background(), "s", metav1.GetOptions{})
	if err != nil || string(s.Data["k"]) != "v" {
		t.Errorf("seeded Secret: err %v, value differs or missing", err)
	}

	bad := filepath.Join(dir, "bad.yaml")
	if err := os.WriteFile(bad, []byte("apiVersion: v1\nkind: Namespace\nmetadata:\n  name: a\n---\nkind: Secret\ndata: {k: hunter2-is-not-base64!}\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err = LoadState(bad)
	if err == nil || !strings.Contains(err.Error(), "document 2") {
		t.Fatalf("error %v, want one naming document 2", err)
	}
	if strings.Contains(err.Error(), "hunter2") {
		t.Error("the error quotes the state file")
	}
}

func TestClientChoice(t *testing.T) {
	given := fake.NewClientset()
	f := ClusterFlags{Kubeconfig: "/nonexistent"}
	if c, err := f.Client(Env{Client: given}); err != nil || c != given {
		t.Errorf("Env.Client is not used: %v", err)
	}
	f = ClusterFlags{Fake: true, Kubeconfig: "x"}
	var u *UsageError
	if _, err := f.Client(Env{}); !errors.As(err, &u) {
		t.Errorf("--fake with --kubeconfig: error %v, want a usage error", err)
	}
	f = ClusterFlags{Fake: true}
	if c, err := f.Client(Env{}); err != nil || c == nil {
		t.Errorf("--fake: %v", err)
	}
}

// TestClientFallsBackToMemory checks that with no flags and no in-cluster config the
// client is an in-memory cluster and stderr says so.
func TestClientFallsBackToMemory(t *testing.T) {
	if os.Getenv("KUBERNETES_SERVICE_HOST") != "" {
		t.Skip("running inside a cluster")
	}
	var stderr bytes.Buffer
	var f ClusterFlags
	c, err := f.Client(Env{Stderr: &stderr})
	if err != nil || c == nil {
		t.Fatalf("Client: %v", err)
	}
	if !strings.Contains(stderr.String(), "in-memory cluster") {
		t.Errorf("no note on stderr: %q", stderr.String())
	}
}

func TestMessage(t *testing.T) {
	tests := []struct{ err, want string }{
		{"submit: -i/--image is required", "runai: submit: -i/--image is required"},
		{"runai: 2nd -e flag: byte 1: missing '='", "runai: 2nd -e flag: byte 1: missing '='"},
		{"runaix: y", "runai: runaix: y"},
	}
	for _, tt := range tests {
		if got := Message("runai", errors.New(tt.err)); got != tt.want {
			t.Errorf("Message(%q) = %q, want %q", tt.err, got, tt.want)
		}
	}
}
