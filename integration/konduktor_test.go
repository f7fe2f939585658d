package integration

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/yaml"

	"github.com/podsecrets/podsecrets/encode"
	"github.com/podsecrets/podsecrets/secretspec/konduktor"
)

// testKonduktorWorkload runs examples/konduktor as Konduktor's users run `konduktor secret`
// against this API server, then creates the Indexed Job its inject prints: the Secrets and the
// Job are what the server stores, and the Job's task container gets exactly the user's secrets.
func testKonduktorWorkload(t *testing.T, c *cluster) {
	ctx := context.Background()
	ns := c.namespace(t)
	kubeconfig := c.writeKubeconfig(t, t.TempDir())
	bin := c.buildExample(t, "konduktor")
	secrets := c.client.CoreV1().Secrets(ns)

	// Konduktor's own Secret of alice (set_secret's labels, no kind): never injected.
	if _, err := secrets.Create(ctx, &corev1.Secret{
		ObjectMeta: metav1.ObjectMeta{Name: "konduktor-ssh-keys-alice", Labels: map[string]string{
			konduktor.LabelParent: konduktor.ParentValue, konduktor.LabelOwner: "alice", konduktor.LabelBasename: "konduktor-ssh-keys-alice",
		}},
		Data: map[string][]byte{"PRIVKEY": []byte("k")},
	}, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}

	// The files a user has: a directory in two versions (with a dotfile, a .DS_Store, an empty
	// folder and a symlink to a file outside it), a file, two keys.
	dir := t.TempDir()
	write := func(files map[string]string) {
		for p, content := range files {
			full := filepath.Join(dir, filepath.FromSlash(p))
			if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(full, []byte(content), 0o600); err != nil {
				t.Fatal(err)
			}
		}
	}
	write(map[string]string{
		"v1/secrets/a.txt": "a1", "v1/secrets/old.txt": "old", "v1/secrets/.env": "dot", "v1/secrets/.DS_Store": "finder",
		"v2/secrets/a.txt": "a2", "v2/secrets/nested/b.txt": "b", "v2/secrets/.DS_Store": "finder",
		"outside/token": "tok", "notes.txt": "n", "id_one": "key-1", "id_two": "key-2",
	})
	if err := os.MkdirAll(filepath.Join(dir, "v2", "secrets", "empty"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join(dir, "outside", "token"), filepath.Join(dir, "v2", "secrets", "token")); err != nil {
		t.Fatal(err)
	}

	as := func(user string) []string {
		return []string{"--user", user, "--namespace", ns, "--kubeconfig", kubeconfig}
	}
	create := func(user string, args ...string) {
		t.Helper()
		runProgram(t, bin, append(append([]string{"secret", "create"}, as(user)...), args...)...)
	}
	create("alice", "--kind=default", "--from-file="+filepath.Join(dir, "notes.txt"), "files")
	create("alice", "--kind=default", "--from-directory="+filepath.Join(dir, "v1", "secrets"), "files")
	create("alice", "--kind=default", "--from-directory="+filepath.Join(dir, "v2", "secrets"), "files")
	create("alice", "--kind=env", "--inline", "FOO=first", "--inline", "ONLY=o", "aa-env")
	create("alice", "--kind=env", "--inline", "FOO=second", "zz-env")
	create("alice", "--kind=env", "--inline", "A=1", "relabel")
	create("alice", "--kind=default", "--inline", "B=2", "relabel")
	create("alice", "--kind=git-ssh", "--from-file="+filepath.Join(dir, "id_one"), "ssh-one")
	create("alice", "--kind=git-ssh", "--from-file="+filepath.Join(dir, "id_two"), "ssh-two")
	create("bob", "--kind=env", "--inline", "FOO=bobs", "aa-env")

	// What the server stores.
	files, err := secrets.Get(ctx, "files-alice", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	items, err := encode.TreeItems(files)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, it := range items {
		got[it.Path] = string(files.Data[it.Key])
	}
	got["(loose) notes.txt"] = string(files.Data["notes.txt"])
	want := map[string]string{"secrets/a.txt": "a2", "secrets/nested/b.txt": "b", "secrets/token": "tok", "(loose) notes.txt": "n"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("files-alice after a file and two versions of a directory (-want +got):\n%s", diff)
	}
	if files.Type != corev1.SecretTypeOpaque || len(files.Data) != 4 {
		t.Errorf("files-alice: type %q, %d keys; want Opaque, 4 (no stale file)", files.Type, len(files.Data))
	}
	wantLabels := map[string]string{"parent": "konduktor", konduktor.LabelOwner: "alice", konduktor.LabelBasename: "files", konduktor.LabelKind: "default"}
	if diff := cmp.Diff(wantLabels, files.Labels); diff != "" {
		t.Errorf("files-alice labels (-want +got):\n%s", diff)
	}
	if relabel, err := secrets.Get(ctx, "relabel-alice", metav1.GetOptions{}); err != nil || relabel.Labels[konduktor.LabelKind] != "default" || len(relabel.Data) != 2 {
		t.Errorf("relabel-alice after env then default: %v, labels %v, %d keys; want kind default, keys A and B", err, relabel.Labels, len(relabel.Data))
	}
	if _, err := secrets.Get(ctx, "ssh-one-alice", metav1.GetOptions{}); !apierrors.IsNotFound(err) {
		t.Errorf("ssh-one-alice after a second git-ssh secret: %v, want NotFound", err)
	}
	if two, err := secrets.Get(ctx, "ssh-two-alice", metav1.GetOptions{}); err != nil || string(two.Data[konduktor.GitSSHKey]) != "key-2" || len(two.Data) != 1 {
		t.Errorf("ssh-two-alice: %v, %d keys; want the one key gitkey", err, len(two.Data))
	}

	// Listing, and deleting another user's secret.
	list := string(runProgram(t, bin, append([]string{"secret", "list", "-u"}, as("alice")...)...))
	for _, line := range []string{"aa-env", "bob", "konduktor-ssh-keys-alice", "(none)"} {
		if !strings.Contains(list, line) {
			t.Errorf("secret list -u does not show %q:\n%s", line, list)
		}
	}
	var stderr bytes.Buffer
	cmd := exec.Command(bin, append([]string{"secret", "delete", "aa-env"}, as("carol")...)...)
	cmd.Stderr = &stderr
	if err := cmd.Run(); err == nil || !strings.Contains(stderr.String(), "carol has no secret named aa-env") {
		t.Errorf("carol deleting aa-env: %v, stderr %s", err, stderr.String())
	}
	if _, err := secrets.Get(ctx, "aa-env-bob", metav1.GetOptions{}); err != nil {
		t.Errorf("bob's secret after carol's delete: %v", err)
	}

	// The workload: an Indexed Job of two pods, created for real.
	task := filepath.Join(dir, "task.yaml")
	if err := os.WriteFile(task, []byte("name: train\nnum_nodes: 2\nresources:\n  image_id: ubuntu:22.04\nrun: |\n  ls $KONDUKTOR_DEFAULT_SECRETS/files/secrets\n  git clone git@github.com:example/repo.git\nenvs:\n  EPOCHS: \"10\"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	out := runProgram(t, bin, append([]string{"inject", "-f", task, "--kind", "job"}, as("alice")...)...)
	var job batchv1.Job
	if err := yaml.UnmarshalStrict(out, &job); err != nil {
		t.Fatalf("inject --kind job: not a Job: %v", err)
	}
	created, err := c.client.BatchV1().Jobs(ns).Create(ctx, &job, metav1.CreateOptions{})
	if err != nil {
		t.Fatalf("creating the Job: %v", err)
	}
	spec := created.Spec.Template.Spec
	if len(spec.Containers) != 1 || spec.Containers[0].Name != konduktor.MainContainer {
		t.Fatalf("containers %v, want the task container", spec.Containers)
	}
	env := map[string]string{}
	for _, e := range spec.Containers[0].Env {
		if e.ValueFrom != nil && e.ValueFrom.SecretKeyRef != nil {
			env[e.Name] = e.ValueFrom.SecretKeyRef.Name + "/" + e.ValueFrom.SecretKeyRef.Key
		} else {
			env[e.Name] = e.Value
		}
	}
	// relabel-alice is a default secret now: its keys are files, not variables.
	wantEnv := map[string]string{
		"PYTHONUNBUFFERED":          "0",
		"NUM_NODES":                 "2",
		"EPOCHS":                    "10",
		"FOO":                       "zz-env-alice/FOO", // the later env Secret by name
		"ONLY":                      "aa-env-alice/ONLY",
		"GIT_SSH_COMMAND":           "ssh -i /etc/git-ssh/gitkey -o IdentitiesOnly=yes -o StrictHostKeyChecking=accept-new",
		"KONDUKTOR_DEFAULT_SECRETS": "/konduktor/default-secrets",
	}
	if diff := cmp.Diff(wantEnv, env); diff != "" {
		t.Errorf("task container env (-want +got):\n%s", diff)
	}
	var mounts []string
	for _, v := range spec.Volumes {
		m := v.Secret.SecretName + ":"
		var paths []string
		for _, it := range v.Secret.Items {
			paths = append(paths, it.Path)
		}
		sort.Strings(paths)
		mounts = append(mounts, m+strings.Join(paths, ","))
	}
	sort.Strings(mounts)
	wantMounts := []string{
		"files-alice:notes.txt,secrets/a.txt,secrets/nested/b.txt,secrets/token",
		"relabel-alice:",
		"ssh-two-alice:gitkey",
	}
	if diff := cmp.Diff(wantMounts, mounts); diff != "" {
		t.Errorf("secret volumes (-want +got):\n%s", diff)
	}
}
