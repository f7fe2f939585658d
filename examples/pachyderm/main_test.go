package main

import (
	"bytes"
	"context"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/kubernetes/fake"

	"github.com/podsecrets/podsecrets/examples/internal/cli"
	"github.com/podsecrets/podsecrets/internal/golden"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

func runCmd(ctx context.Context, client kubernetes.Interface, args ...string) (string, error) {
	var out, errOut bytes.Buffer
	err := run(ctx, cli.Env{Stdout: &out, Stderr: &errOut, Client: client}, args)
	return out.String(), err
}

func TestPipeline(t *testing.T) {
	for _, spec := range []string{"mnist.json", "mounts.yaml"} {
		t.Run(spec, func(t *testing.T) {
			out, err := runCmd(context.Background(), nil, "pipeline", "-f", filepath.Join("testdata", spec))
			if err != nil {
				t.Fatalf("pipeline: %v", err)
			}
			golden.Check(t, filepath.Join("testdata", strings.TrimSuffix(spec, filepath.Ext(spec))+".golden.yaml"), []byte(out), *update)
		})
	}
}

func TestPipelineErrors(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.json")
	if err := os.WriteFile(bad, []byte(`{"transform": {"secrets": [{"name": "s", "env_var": "X"}]}}`), 0o600); err != nil {
		t.Fatal(err)
	}
	several := filepath.Join(dir, "several.json")
	if err := os.WriteFile(several, []byte(`{"transform": {"image": 1, "secrets": [{"name": "s", "mount": "/m"}, {"name": "t", "env_var": "X"}]}}`), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"no file", []string{"pipeline"}, "want -f spec.json"},
		{"every problem, one per line", []string{"pipeline", "-f", several}, several + ": 3 problems:\n" +
			"\t- transform.secrets[0].mount: Forbidden: unknown field; a secrets entry takes name, key, mount_path (or mountPath) and env_var (or envVar); did you mean mount_path?\n" +
			"\t- transform.image: Invalid value: must be a string\n" +
			"\t- transform.secrets[1].key: Required value: env_var needs the key whose value it receives"},
		{"env_var without key", []string{"pipeline", "-f", bad}, "transform.secrets[0]"},
		{"missing file", []string{"pipeline", "-f", filepath.Join(dir, "nope.json")}, "no such file"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := runCmd(context.Background(), nil, tc.args...)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error = %v, want one containing %q", err, tc.want)
			}
		})
	}
}

// TestSecretLifecycle drives create, list, inspect and delete against one in-memory
// cluster that also holds a Secret pachctl did not create.
func TestSecretLifecycle(t *testing.T) {
	ctx := context.Background()
	client := fake.NewClientset(&corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: "not-ours", Namespace: "default"}})
	var transcript strings.Builder
	step := func(args ...string) {
		t.Helper()
		out, err := runCmd(ctx, client, args...)
		if err != nil {
			t.Fatalf("%v: %v", args, err)
		}
		transcript.WriteString("$ pachyderm " + strings.Join(args, " ") + "\n" + out)
	}
	step("create", "secret", "-f", "testdata/clearml.json")
	step("list", "secret")
	step("inspect", "secret", "clearml")
	step("delete", "secret", "clearml")
	step("list", "secret")
	golden.Check(t, filepath.Join("testdata", "secret.golden.txt"), []byte(transcript.String()), *update)

	if _, err := client.CoreV1().Secrets("default").Get(ctx, "not-ours", metav1.GetOptions{}); err != nil {
		t.Errorf("the Secret pachctl did not create is gone: %v", err)
	}
}

func TestSecretErrors(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		name   string
		args   []string
		want   string
		secret string // must not appear in the error
	}{
		{"bad base64", []string{"create", "secret", "-f", "testdata/bad-base64.json"}, "data[token]", "not base64 at all"},
		{"tls without key", []string{"create", "secret", "-f", "testdata/bad-tls.yaml"}, "tls.key", "only the certificate"},
		{"other namespace", []string{"create", "secret", "-f", "testdata/clearml.json", "--namespace", "Bad_NS"}, "metadata.namespace", ""},
		{"no -f", []string{"create", "secret"}, "want -f secret.json", ""},
		{"inspect not ours", []string{"inspect", "secret", "not-ours"}, "was not created by pachctl", ""},
		{"delete not ours", []string{"delete", "secret", "not-ours"}, "was not created by pachctl", ""},
		{"delete missing", []string{"delete", "secret", "nope"}, `secret default/nope not found`, ""},
		{"inspect two names", []string{"inspect", "secret", "a", "b"}, "exactly one Secret name", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			client := fake.NewClientset(&corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: "not-ours", Namespace: "default"}})
			_, err := runCmd(ctx, client, tc.args...)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error = %v, want one containing %q", err, tc.want)
			}
			if tc.secret != "" && strings.Contains(err.Error(), tc.secret) {
				t.Error("the error quotes the manifest's data")
			}
		})
	}
}
