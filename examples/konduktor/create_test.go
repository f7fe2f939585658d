package main

import (
	"context"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/kubernetes/fake"

	"github.com/podsecrets/podsecrets/encode"
	"github.com/podsecrets/podsecrets/secretspec/konduktor"
)

// kindless is one of Konduktor's own Secrets of an owner: its labels without a kind, as
// set_secret writes konduktor-ssh-keys-<owner>.
func kindless(name, owner string) *corev1.Secret {
	return &corev1.Secret{
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: "default", Labels: map[string]string{
			konduktor.LabelParent: konduktor.ParentValue, konduktor.LabelOwner: owner, konduktor.LabelBasename: name,
		}},
		Type: corev1.SecretTypeOpaque,
		Data: map[string][]byte{"PUBKEY": []byte("pub"), "PRIVKEY": []byte("priv")},
	}
}

// writeTree writes files (slash path -> content) under dir.
func writeTree(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for p, c := range files {
		full := filepath.Join(dir, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(c), 0o600); err != nil {
			t.Fatal(err)
		}
	}
}

func mkdirs(t *testing.T, dir string, paths ...string) {
	t.Helper()
	for _, p := range paths {
		if err := os.MkdirAll(filepath.Join(dir, filepath.FromSlash(p)), 0o755); err != nil {
			t.Fatal(err)
		}
	}
}

// stored is what a user's secret holds: the files a pod sees under its mount (the Items of its
// ref: tree paths and loose keys) with their content, and its kind; "" if it does not exist.
func stored(t *testing.T, client kubernetes.Interface, name string) (files map[string]string, kind string) {
	t.Helper()
	s, err := client.CoreV1().Secrets("default").Get(context.Background(), name, metav1.GetOptions{})
	if err != nil {
		return nil, ""
	}
	if s.Type != corev1.SecretTypeOpaque {
		t.Errorf("Secret %s has type %q, want Opaque", name, s.Type)
	}
	items, err := encode.TreeItems(s)
	if err != nil {
		t.Fatalf("Secret %s: %v", name, err)
	}
	files = map[string]string{}
	inTree := map[string]bool{}
	for _, it := range items {
		files[it.Path] = string(s.Data[it.Key])
		inTree[it.Key] = true
	}
	for k, v := range s.Data {
		if !inTree[k] {
			files[k] = string(v)
		}
	}
	return files, s.Labels[konduktor.LabelKind]
}

// TestCreatePatches runs `secret create` twice (or more) under one name, as Konduktor users do,
// and checks what the Secret holds after each: Konduktor patches (set_secret), so keys merge,
// the new value wins and the kind label is rewritten; a directory replaces the directory
// before it; a git-ssh secret replaces the user's git-ssh secret.
func TestCreatePatches(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	v1, v2, other := filepath.Join(dir, "v1", "secrets"), filepath.Join(dir, "v2", "secrets"), filepath.Join(dir, "other", "config")
	writeTree(t, v1, map[string]string{"a.txt": "a1", "old.txt": "old", "sub/x": "x1"})
	writeTree(t, v2, map[string]string{"a.txt": "a2", "sub/y": "y2"})
	writeTree(t, other, map[string]string{"c.yaml": "c"})
	writeTree(t, dir, map[string]string{"notes.txt": "n", "key1": "k1", "key2": "k2", "secrets": "clash"})

	type step struct {
		user string
		args []string
	}
	create := func(args ...string) step { return step{"alice", append([]string{"secret", "create"}, args...)} }
	for _, tc := range []struct {
		name      string
		steps     []step
		secret    string
		wantFiles map[string]string
		wantKind  string
		wantErr   string // of the last step
	}{
		{"keys merge and the new value wins", []step{
			create("--kind=env", "--inline", "FOO=1", "e"), create("--kind=env", "--inline", "FOO=2", "e"), create("--kind=env", "--inline", "BAR=x", "e"),
		}, "e-alice", map[string]string{"FOO": "2", "BAR": "x"}, "env", ""},
		{"a different kind relabels the secret", []step{
			create("--inline", "A=1", "s"), create("--kind=env", "--inline", "B=2", "s"),
		}, "s-alice", map[string]string{"A": "1", "B": "2"}, "env", ""},
		{"re-creating a directory leaves no stale file", []step{
			create("--from-directory", v1, "d"), create("--from-directory", v2, "d"),
		}, "d-alice", map[string]string{"secrets/a.txt": "a2", "secrets/sub/y": "y2"}, "default", ""},
		{"another directory replaces the first, as Konduktor's one zip", []step{
			create("--from-directory", v1, "d"), create("--from-directory", other, "d"),
		}, "d-alice", map[string]string{"config/c.yaml": "c"}, "default", ""},
		{"a file, then a directory: both", []step{
			create("--from-file", filepath.Join(dir, "notes.txt"), "both"), create("--from-directory", v2, "both"),
		}, "both-alice", map[string]string{"notes.txt": "n", "secrets/a.txt": "a2", "secrets/sub/y": "y2"}, "default", ""},
		{"a directory, then a file and an inline key: all", []step{
			create("--from-directory", v2, "both"), create("--from-file", filepath.Join(dir, "notes.txt"), "both"), create("--inline", "TOKEN=t", "both"),
		}, "both-alice", map[string]string{"notes.txt": "n", "TOKEN": "t", "secrets/a.txt": "a2", "secrets/sub/y": "y2"}, "default", ""},
		{"a file where the directory has a folder is refused", []step{
			create("--from-directory", v2, "clash"), create("--from-file", filepath.Join(dir, "secrets"), "clash"),
		}, "clash-alice", map[string]string{"secrets/a.txt": "a2", "secrets/sub/y": "y2"}, "default",
			`secret create: the secret would not reach a workload, not storing it: secret "clash" (kind default).data: Invalid value: the file of key "secrets" would have the path of the tree's directory "secrets"`},
		{"git-ssh from another file under one name: one key", []step{
			create("--kind=git-ssh", "--from-file", filepath.Join(dir, "key1"), "ssh"), create("--kind=git-ssh", "--from-file", filepath.Join(dir, "key2"), "ssh"),
		}, "ssh-alice", map[string]string{"gitkey": "k2"}, "git-ssh", ""},
		{"git-ssh over a default secret of that name: patched and relabelled", []step{
			create("--inline", "A=1", "mixed"), create("--kind=git-ssh", "--from-file", filepath.Join(dir, "key1"), "mixed"),
		}, "mixed-alice", map[string]string{"A": "1", "gitkey": "k1"}, "git-ssh", ""},
		{"a Secret of the name that is not the user's is not changed", []step{
			{"bob-x", []string{"secret", "create", "--inline", "A=bob", "a"}}, {"x", []string{"secret", "create", "--inline", "A=x", "a-bob"}},
		}, "a-bob-x", map[string]string{"A": "bob"}, "default", "secret create: the Secret default/a-bob-x exists and is not a Konduktor secret of x; not changing it"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			client := fake.NewClientset()
			var err error
			for i, s := range tc.steps {
				_, err = runAs(ctx, client, s.user, s.args...)
				if err != nil && i < len(tc.steps)-1 {
					t.Fatalf("step %d %v: %v", i, s.args, err)
				}
			}
			switch {
			case tc.wantErr == "" && err != nil:
				t.Fatalf("last step: %v", err)
			case tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)):
				t.Fatalf("last step: error %v, want one containing %q", err, tc.wantErr)
			}
			files, kind := stored(t, client, tc.secret)
			if diff := cmp.Diff(tc.wantFiles, files); diff != "" {
				t.Errorf("files of %s (-want +got):\n%s", tc.secret, diff)
			}
			if kind != tc.wantKind {
				t.Errorf("kind of %s = %q, want %q", tc.secret, kind, tc.wantKind)
			}
		})
	}
}

// TestGitSSHOnePerUser rotates alice's key under another name: her first git-ssh secret is
// deleted, bob's stays.
func TestGitSSHOnePerUser(t *testing.T) {
	ctx := context.Background()
	client := fake.NewClientset()
	dir := t.TempDir()
	writeTree(t, dir, map[string]string{"id_old": "old", "id_new": "new", "id_bob": "bob"})
	for _, s := range []struct{ user, file, name string }{
		{"bob", "id_bob", "bob-key"},
		{"alice", "id_old", "key-one"},
		{"alice", "id_new", "key-two"},
	} {
		if _, err := runAs(ctx, client, s.user, "secret", "create", "--kind=git-ssh", "--from-file="+filepath.Join(dir, s.file), s.name); err != nil {
			t.Fatal(err)
		}
	}
	list, err := client.CoreV1().Secrets("default").List(ctx, metav1.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, s := range list.Items {
		got = append(got, s.Name+"="+string(s.Data[konduktor.GitSSHKey]))
	}
	sort.Strings(got)
	if diff := cmp.Diff([]string{"bob-key-bob=bob", "key-two-alice=new"}, got); diff != "" {
		t.Errorf("Secrets (-want +got):\n%s", diff)
	}
}
