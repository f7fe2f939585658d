package main

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/client-go/kubernetes/fake"
	"sigs.k8s.io/yaml"

	"github.com/podsecrets/podsecrets/internal/golden"
)

// aliceSecrets creates one secret of each kind for alice, plus Konduktor's own kindless Secret.
func aliceSecrets(t *testing.T) *fake.Clientset {
	t.Helper()
	client := fake.NewClientset(kindless("konduktor-ssh-keys-alice", "alice"))
	for _, args := range [][]string{
		{"secret", "create", "--kind=default", "--from-directory=testdata/secrets", "my-default-directory"},
		{"secret", "create", "--kind=env", "--inline", "FOO=bar", "my-env-name"},
		{"secret", "create", "--kind=git-ssh", "--from-file=testdata/id_ed25519", "my-ssh-name"},
	} {
		if _, err := runAs(context.Background(), client, "alice", args...); err != nil {
			t.Fatalf("%v: %v", args, err)
		}
	}
	return client
}

// TestInjectWorkloads prints the Indexed Job and the JobSet of the seed's task for alice, with
// one secret of each kind wired into the task container of their pod template.
func TestInjectWorkloads(t *testing.T) {
	ctx := context.Background()
	client := aliceSecrets(t)
	for _, kind := range []string{"job", "jobset"} {
		out, err := runAs(ctx, client, "alice", "inject", "-f", "testdata/workload.yaml", "--kind", kind, "--num-nodes", "2")
		if err != nil {
			t.Fatalf("inject --kind %s: %v", kind, err)
		}
		golden.Check(t, filepath.Join("testdata", kind+".golden.yaml"), []byte(out), *update)
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--kind", "deployment"}, `--kind "deployment": want pod, job or jobset`},
		{[]string{"--kind", "jobset", "--num-nodes", "-1"}, "--num-nodes -1: want at least 1"},
	} {
		_, err := runAs(ctx, client, "alice", append([]string{"inject", "-f", "testdata/workload.yaml"}, tc.args...)...)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v: error %v, want %q", tc.args, err, tc.want)
		}
	}
}

// TestInjectPrecedence: Konduktor's order, template env < env secrets < task envs < --env, in
// the task container only.
func TestInjectPrecedence(t *testing.T) {
	ctx := context.Background()
	client := aliceSecrets(t)
	// An env secret over the template's NUM_NODES and the task's EPOCHS; a later one (by name)
	// over FOO of my-env-name.
	for _, args := range [][]string{
		{"secret", "create", "--kind=env", "--inline", "NUM_NODES=from-secret", "--inline", "EPOCHS=from-secret", "--inline", "TOKEN=t", "run-config"},
		{"secret", "create", "--kind=env", "--inline", "FOO=later", "zz-override"},
	} {
		if _, err := runAs(ctx, client, "alice", args...); err != nil {
			t.Fatal(err)
		}
	}
	out, err := runAs(ctx, client, "alice", "inject", "-f", "testdata/workload.yaml", "--env", "TOKEN=from-flag")
	if err != nil && strings.Contains(err.Error(), "but refs[") {
		// Until inject settles a ref against an Extras' variable by the ConflictPolicy (DESIGN.md,
		// Rules: Order), which the core of issue #20 builds.
		t.Skipf("inject does not yet let the Extras override a ref: %v", err)
	}
	if err != nil {
		t.Fatal(err)
	}
	var pod corev1.Pod
	if err := yaml.Unmarshal([]byte(out), &pod); err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, e := range pod.Spec.Containers[0].Env {
		switch {
		case e.ValueFrom != nil && e.ValueFrom.SecretKeyRef != nil:
			got[e.Name] = "secret " + e.ValueFrom.SecretKeyRef.Name
		default:
			got[e.Name] = e.Value
		}
	}
	want := map[string]string{
		"PYTHONUNBUFFERED":          "0",
		"NUM_NODES":                 "secret run-config-alice",
		"EPOCHS":                    "10",
		"TOKEN":                     "from-flag",
		"FOO":                       "secret zz-override-alice",
		"GIT_SSH_COMMAND":           "ssh -i /etc/git-ssh/gitkey -o IdentitiesOnly=yes -o StrictHostKeyChecking=accept-new",
		"KONDUKTOR_DEFAULT_SECRETS": "/konduktor/default-secrets",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("variables of the task container (-want +got):\n%s", diff)
	}
}
