package main

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"k8s.io/client-go/kubernetes/fake"

	"github.com/podsecrets/podsecrets/internal/golden"
)

// TestInjectJobSet prints the JobSet of the seed's task for alice, with one secret of each
// kind wired into its pod template.
func TestInjectJobSet(t *testing.T) {
	ctx := context.Background()
	client := fake.NewClientset()
	for _, args := range [][]string{
		{"secret", "create", "--kind=default", "--from-directory=testdata/secrets", "my-default-directory"},
		{"secret", "create", "--kind=env", "--inline", "FOO=bar", "my-env-name"},
		{"secret", "create", "--kind=git-ssh", "--from-file=testdata/id_ed25519", "my-ssh-name"},
	} {
		if _, err := runAs(ctx, client, "alice", args...); err != nil {
			t.Fatalf("%v: %v", args, err)
		}
	}
	out, err := runAs(ctx, client, "alice", "inject", "-f", "testdata/workload.yaml", "--kind", "jobset", "--num-nodes", "2")
	if err != nil {
		t.Fatalf("inject --kind jobset: %v", err)
	}
	golden.Check(t, filepath.Join("testdata", "jobset.golden.yaml"), []byte(out), *update)

	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--kind", "job"}, `--kind "job": want pod or jobset`},
		{[]string{"--kind", "jobset", "--num-nodes", "0"}, "--num-nodes 0: want at least 1"},
	} {
		_, err := runAs(ctx, client, "alice", append([]string{"inject", "-f", "testdata/workload.yaml"}, tc.args...)...)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v: error %v, want %q", tc.args, err, tc.want)
		}
	}
}
