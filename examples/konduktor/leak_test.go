package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"k8s.io/client-go/kubernetes/fake"
)

// TestNoSecretLeaks runs every command, on its good and its failing paths, with secret values
// that every output (stdout and the error) is searched for.
func TestNoSecretLeaks(t *testing.T) {
	const sentinel = "S3NT1NEL-konduktor-value"
	ctx := context.Background()
	dir := t.TempDir()
	writeTree(t, dir, map[string]string{
		"key": sentinel, "secrets": sentinel,
		"tree/secrets/a": sentinel, "tree/secrets/.DS_Store": sentinel,
		"broken/secrets/a": sentinel,
	})
	if err := os.Symlink("nope", filepath.Join(dir, "broken", "secrets", "gone")); err != nil {
		t.Fatal(err)
	}
	client := fake.NewClientset(kindless("konduktor-ssh-keys-alice", "alice"))
	for _, args := range [][]string{
		{"secret", "create", "--inline", sentinel, "s"},
		{"secret", "create", "--inline", "bad key=" + sentinel, "s"},
		{"secret", "create", "--kind=env", "--inline", "TOKEN=" + sentinel, "e"},
		{"secret", "create", "--kind=env", "--inline", "TOKEN=" + sentinel + "2", "e"},
		{"secret", "create", "--kind=env", "--inline", "TOKEN=" + sentinel, "zz"},
		{"secret", "create", "--kind=git-ssh", "--from-file", filepath.Join(dir, "key"), "ssh"},
		{"secret", "create", "--kind=git-ssh", "--from-file", filepath.Join(dir, "key"), "ssh2"},
		{"secret", "create", "--from-directory", filepath.Join(dir, "tree", "secrets"), "d"},
		{"secret", "create", "--from-file", filepath.Join(dir, "secrets"), "d"},
		{"secret", "create", "--from-directory", filepath.Join(dir, "broken", "secrets"), "b"},
		{"secret", "create", "--kind=env", "--inline", "A=" + sentinel, "Bad.Name"},
		{"secret", "create", "--kind=vault", "--inline", "A=" + sentinel, "v"},
		{"secret", "list"},
		{"secret", "list", "-u"},
		{"secret", "delete", "e"},
		{"secret", "delete", "e"},
		{"inject", "-f", "testdata/workload.yaml", "--kind", "job"},
		{"inject", "-f", "testdata/workload.yaml", "--env", sentinel},
	} {
		out, err := runAs(ctx, client, "alice", args...)
		shown := strings.ReplaceAll(strings.Join(args, " "), sentinel, "<sentinel>")
		if strings.Contains(out, sentinel) {
			t.Errorf("%s: the output shows a secret value", shown)
		}
		if err != nil && strings.Contains(err.Error(), sentinel) {
			t.Errorf("%s: the error shows a secret value", shown)
		}
	}
	// Another user's name clash: the refusal names the Secret, never its data.
	if _, err := runAs(ctx, client, "bob-x", "secret", "create", "--inline", "A="+sentinel, "a"); err != nil {
		t.Fatal(err)
	}
	if _, err := runAs(ctx, client, "x", "secret", "create", "--inline", "A="+sentinel, "a-bob"); err == nil || strings.Contains(err.Error(), sentinel) {
		t.Errorf("name clash: error %v (want one, without the value)", err)
	}
}
