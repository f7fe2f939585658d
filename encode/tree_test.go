package encode

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
)

// writeFiles creates files (path -> content) under dir.
func writeFiles(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for p, c := range files {
		full := filepath.Join(dir, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(c), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func TestTreeNested(t *testing.T) {
	base := t.TempDir()
	root := filepath.Join(base, "tests", "secrets")
	writeFiles(t, root, map[string]string{
		"secret-file.txt":    "a",
		"sub/deeper/x.pem":   "b",
		"weird name_$.txt":   "c",
		".hidden":            "d",
		"sub/link-target.md": "e",
	})
	if err := os.Symlink("sub/link-target.md", filepath.Join(root, "ln")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("sub/deeper", filepath.Join(root, "dirln")); err != nil {
		t.Fatal(err)
	}
	s, err := Generic("konduktor-secret", Tree(root))
	if err != nil {
		t.Fatalf("Generic: %v", err)
	}
	items, err := TreeItems(s)
	if err != nil {
		t.Fatalf("TreeItems: %v", err)
	}
	want := []corev1.KeyToPath{
		{Key: "secrets_..hidden", Path: "secrets/.hidden"},
		{Key: "secrets_.dirln_.x.pem", Path: "secrets/dirln/x.pem"},
		{Key: "secrets_.ln", Path: "secrets/ln"},
		{Key: "secrets_.secret-file.txt", Path: "secrets/secret-file.txt"},
		{Key: "secrets_.sub_.deeper_.x.pem", Path: "secrets/sub/deeper/x.pem"},
		{Key: "secrets_.sub_.link-target.md", Path: "secrets/sub/link-target.md"},
		{Key: "secrets_.weird_x20name___x24.txt", Path: "secrets/weird name_$.txt"},
	}
	if diff := cmp.Diff(want, items); diff != "" {
		t.Errorf("TreeItems (-want +got):\n%s", diff)
	}
	got := map[string]string{}
	for _, it := range items {
		got[it.Path] = string(s.Data[it.Key])
	}
	wantData := map[string]string{
		"secrets/.hidden": "d", "secrets/dirln/x.pem": "b", "secrets/ln": "e",
		"secrets/secret-file.txt": "a", "secrets/sub/deeper/x.pem": "b",
		"secrets/sub/link-target.md": "e", "secrets/weird name_$.txt": "c",
	}
	if diff := cmp.Diff(wantData, got); diff != "" {
		t.Errorf("content by path (-want +got):\n%s", diff)
	}
	if !strings.HasPrefix(s.Annotations[TreeAnnotation], `{"secrets_..hidden":"secrets/.hidden",`) {
		t.Errorf("annotation not sorted compact JSON: %s", s.Annotations[TreeAnnotation])
	}
}
