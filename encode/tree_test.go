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

func TestTreeKey(t *testing.T) {
	long := "secrets/" + strings.Repeat("a", 300)
	for _, tc := range []struct{ path, want string }{
		{"secrets/a.txt", "secrets_.a.txt"},
		{"s/a_b", "s_.a__b"},
		{"s/a b", "s_.a_x20b"},
		{"s/ü", "s_._xc3_xbc"},
		{"..data/x", "_x2e.data_.x"},
		{".a/x", ".a_.x"},
		{"s/_x41", "s_.__x41"},
		{"s/A", "s_.A"},
		{long, "secrets_." + strings.Repeat("a", 202) + "_h" + "PLACEHOLDER"},
	} {
		got := TreeKey(tc.path)
		if strings.HasSuffix(tc.want, "PLACEHOLDER") {
			if len(got) != 253 || !strings.HasPrefix(got, strings.TrimSuffix(tc.want, "PLACEHOLDER")) {
				t.Errorf("TreeKey(long): got %q (%d bytes)", got, len(got))
			}
		} else if got != tc.want {
			t.Errorf("TreeKey(%q) = %q, want %q", tc.path, got, tc.want)
		}
		if errs := isConfigMapKey(got); len(errs) != 0 {
			t.Errorf("TreeKey(%q) = %q is not a valid key: %v", tc.path, got, errs)
		}
	}
}

func TestTreeKeyCollisionFree(t *testing.T) {
	seen := map[string]string{}
	paths := []string{"a/b", "a_b", "a__b", "a/_b", "a_/b", "a_.b", "a/.b", "a_x2fb", "a\x2fb", "a b", "a_x20b", "..a/b", "_x2e.a/b", ".a/b"}
	for i := 0; i < 50; i++ {
		paths = append(paths, "d/"+strings.Repeat("é", 100)+strings.Repeat("x", i))
		paths = append(paths, "d/"+strings.Repeat("_", 130+i))
	}
	for _, p := range paths {
		k := TreeKey(p)
		if other, dup := seen[k]; dup && other != p {
			t.Errorf("paths %q and %q share key %q", other, p, k)
		}
		seen[k] = p
		if errs := isConfigMapKey(k); len(errs) != 0 {
			t.Errorf("TreeKey(%q) is not a valid key: %v", p, errs)
		}
	}
}

func TestTreeErrors(t *testing.T) {
	base := t.TempDir()
	mk := func(name string, files map[string]string, links map[string]string) string {
		root := filepath.Join(base, name, "tree")
		writeFiles(t, root, files)
		for link, target := range links {
			if err := os.Symlink(target, filepath.Join(root, link)); err != nil {
				t.Fatal(err)
			}
		}
		return root
	}
	writeFiles(t, base, map[string]string{"outside-secret": secretValue})
	dotdot := filepath.Join(base, "..weird")
	writeFiles(t, dotdot, map[string]string{"a": "1"})
	for _, tc := range []struct {
		name, root, want string
	}{
		{"symlink to a file outside", mk("out", map[string]string{"a": "1"}, map[string]string{"l": filepath.Join(base, "outside-secret")}), `symlink "tree/l" is absolute`},
		{"absolute symlink inside", mk("absin", map[string]string{"a": "1"}, map[string]string{"l": filepath.Join(base, "absin", "tree", "a")}), `symlink "tree/l" is absolute`},
		{"symlink out and back in", mk("outin", map[string]string{"a": "1"}, map[string]string{"l": "../tree/a"}), "leads outside the tree"},
		{"relative symlink to a directory outside", mk("reldir", map[string]string{"a": "1"}, map[string]string{"l": "../.."}), "leads outside the tree"},
		{"relative symlink outside", mk("rel", map[string]string{"a": "1"}, map[string]string{"l": "../../outside-secret"}), "leads outside the tree"},
		{"symlink to a directory outside", mk("dirout", map[string]string{"a": "1"}, map[string]string{"l": base}), "is absolute"},
		{"dangling symlink", mk("dangling", map[string]string{"a": "1"}, map[string]string{"l": "nope"}), "cannot be resolved"},
		{"self loop", mk("self", map[string]string{"a": "1"}, map[string]string{"l": "l"}), "is a loop"},
		{"loop to the root", mk("loop", map[string]string{"sub/a": "1"}, map[string]string{"sub/up": ".."}), "a loop"},
		{"not a directory", filepath.Join(base, "outside-secret"), "not a directory"},
		{"missing", filepath.Join(base, "nope"), "no such file"},
		{"root name starts with ..", dotdot, `must not start with ".."`},
		{"invalid key name is fine but too large data is not", mk("big", map[string]string{"a": strings.Repeat("x", MaxSize), "b": "y"}, nil), "more than the limit"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Generic("x", Tree(tc.root))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("want error containing %q, got %v", tc.want, err)
			}
			noLeak(t, err, secretValue)
		})
	}
}

func TestTreeEmptyAndSiblingLink(t *testing.T) {
	base := t.TempDir()
	if err := os.MkdirAll(filepath.Join(base, "empty", "sub"), 0o755); err != nil {
		t.Fatal(err)
	}
	s, err := Generic("x", Tree(filepath.Join(base, "empty")))
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Data) != 0 || s.Annotations != nil {
		t.Errorf("empty tree: want no data and no annotation, got %d keys, annotations %v", len(s.Data), s.Annotations)
	}
	items, err := TreeItems(s)
	if err != nil || items != nil {
		t.Errorf("TreeItems without annotation: want nil, nil; got %v, %v", items, err)
	}
	// Two trees with the same name clash on their keys.
	writeFiles(t, base, map[string]string{"one/t/a": "1", "two/t/a": "2"})
	_, err = Generic("x", Tree(filepath.Join(base, "one", "t")), Tree(filepath.Join(base, "two", "t")))
	if err == nil || !strings.Contains(err.Error(), "duplicate key") {
		t.Errorf("two trees named t: want a duplicate key error, got %v", err)
	}
}

func TestTreeItemsErrors(t *testing.T) {
	for _, tc := range []struct {
		name, ann string
		data      []string
		want      string
	}{
		{"not JSON", "{", []string{"a"}, "must be one JSON object"},
		{"not an object", `["a"]`, []string{"a"}, "must be one JSON object"},
		{"null", `null`, []string{"a"}, "must be one JSON object"},
		{"trailing", `{"a":"t/a"} {}`, []string{"a"}, "must be one JSON object"},
		{"missing key", `{"a":"t/a","b":"t/b"}`, []string{"a"}, `metadata.annotations[podsecrets.io/tree][b]: Not found`},
		{"invalid key", `{"a b":"t/a"}`, []string{"a b"}, `key: must not contain " " at byte 1: a valid config key`},
		{"absolute", `{"a":"/etc/passwd"}`, []string{"a"}, "must be relative"},
		{"dotdot element", `{"a":"t/../../x"}`, []string{"a"}, "must not contain '..'"},
		{"dotdot prefix", `{"a":"..t/x"}`, []string{"a"}, "must not start with '..'"},
		{"empty path", `{"a":""}`, []string{"a"}, "must not be empty"},
		{"empty element", `{"a":"t//x"}`, []string{"a"}, "empty elements"},
		{"trailing slash", `{"a":"t/x/"}`, []string{"a"}, "empty elements"},
		{"dot element", `{"a":"t/./x"}`, []string{"a"}, "'.' elements"},
		{"same path twice", `{"a":"t/x","b":"t/x"}`, []string{"a", "b"}, "Duplicate value"},
		{"file and directory", `{"a":"t/x","b":"t/x/y"}`, []string{"a", "b"}, "path lies inside t/x, the file of key a"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := newSecret("x", "")
			s.Annotations = map[string]string{TreeAnnotation: tc.ann}
			for _, k := range tc.data {
				s.Data[k] = []byte(secretValue)
			}
			_, err := TreeItems(s)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("want error containing %q, got %v", tc.want, err)
			}
			noLeak(t, err, secretValue)
			if errs := Validate(s); len(errs) == 0 {
				t.Error("Validate accepts the bad mapping")
			}
		})
	}
}

// TestTreeFile builds, from the files Tree finds, the same Secret with one TreeFile each, and
// follows a symlink wherever it points (the caller's walk decided to take it).
func TestTreeFile(t *testing.T) {
	base := t.TempDir()
	root := filepath.Join(base, "secrets")
	writeFiles(t, root, map[string]string{"a.txt": "a", "sub/b.txt": "b", ".hidden": "h"})
	writeFiles(t, base, map[string]string{"elsewhere/c.txt": "c"})
	want, err := Generic("x", Tree(root))
	if err != nil {
		t.Fatal(err)
	}
	got, err := Generic("x",
		TreeFile("secrets/sub/b.txt", filepath.Join(root, "sub", "b.txt")),
		TreeFile("secrets/a.txt", filepath.Join(root, "a.txt")),
		TreeFile("secrets/.hidden", filepath.Join(root, ".hidden")))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("TreeFile of each file against Tree (-want +got):\n%s", diff)
	}

	link := filepath.Join(base, "link")
	if err := os.Symlink(filepath.Join(base, "elsewhere", "c.txt"), link); err != nil {
		t.Fatal(err)
	}
	s, err := Generic("x", TreeFile("secrets/c.txt", link), Literal("plain", "p"))
	if err != nil {
		t.Fatal(err)
	}
	items, err := TreeItems(s)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]corev1.KeyToPath{{Key: "secrets_.c.txt", Path: "secrets/c.txt"}}, items); diff != "" {
		t.Errorf("items (-want +got):\n%s", diff)
	}
	if string(s.Data["secrets_.c.txt"]) != "c" || string(s.Data["plain"]) != "p" {
		t.Errorf("data %q", s.Data)
	}
}

func TestTreeFileErrors(t *testing.T) {
	base := t.TempDir()
	writeFiles(t, base, map[string]string{"f": secretValue})
	f := filepath.Join(base, "f")
	for _, tc := range []struct {
		name    string
		sources []Source
		want    string
	}{
		{"empty item", []Source{TreeFile("", f)}, `encode: tree file "" (file "` + f + `"): path must not be empty`},
		{"absolute item", []Source{TreeFile("/etc/x", f)}, `path must be relative`},
		{"dotdot item", []Source{TreeFile("t/../x", f)}, `path must not contain '..'`},
		{"dotdot prefix", []Source{TreeFile("..t/x", f)}, `path must not start with '..'`},
		{"empty element", []Source{TreeFile("t//x", f)}, `path must not contain empty elements`},
		{"dot element", []Source{TreeFile("t/./x", f)}, `path must not contain '.' elements`},
		{"the same item twice", []Source{TreeFile("t/x", f), TreeFile("t/x", f)}, `duplicate key, already added by tree file "t/x"`},
		{"a file at a directory's path", []Source{TreeFile("t/x", f), TreeFile("t/x/y", f)}, "path lies inside t/x, the file of key t_.x"},
		{"a directory", []Source{TreeFile("t/x", base)}, "is a directory"},
		{"missing file", []Source{TreeFile("t/x", filepath.Join(base, "nope"))}, "no such file"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Generic("x", tc.sources...)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("want error containing %q, got %v", tc.want, err)
			}
			noLeak(t, err, secretValue)
		})
	}
}
