package encode_test

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/podsecrets/podsecrets/encode"
)

// hostileNames are keys and file names that must never become a Secret key:
// path tricks, NUL, non-UTF-8, look-alikes of '/' and '.', and overlong names.
var hostileNames = []struct{ name, key string }{
	{"empty", ""},
	{"dot", "."},
	{"dot dot", ".."},
	{"dot dot prefix", "..a"},
	{"parent path", "../etc/passwd"},
	{"absolute", "/etc/passwd"},
	{"slash inside", "a/b"},
	{"double slash", "a//b"},
	{"backslash", `a\b`},
	{"NUL", "a\x00b"},
	{"newline", "a\nb"},
	{"space", "a b"},
	{"non-UTF-8", "a\xffb"},
	{"division slash U+2215", "a\u2215b"},
	{"fraction slash U+2044", "a\u2044b"},
	{"fullwidth dots", "\uff0e\uff0e"},
	{"fullwidth solidus", "a\uff0fb"},
	{"one dot leader U+2024 twice", "\u2024\u2024"},
	{"too long", strings.Repeat("a", 254)},
}

// TestHostileLiteralKeys: every hostile key is refused with a *KeyError naming
// the source, and the longest valid key is kept.
func TestHostileLiteralKeys(t *testing.T) {
	for _, c := range hostileNames {
		t.Run(c.name, func(t *testing.T) {
			s, err := encode.Generic("s", encode.Literal(c.key, "v"))
			var ke *encode.KeyError
			if !errors.As(err, &ke) {
				t.Fatalf("Generic(Literal(%q)) = %v, %v; want a *KeyError", c.key, s, err)
			}
			if ke.Source != "literal" {
				t.Errorf("KeyError.Source = %q, want %q", ke.Source, "literal")
			}
			s, err = encode.Generic("s", encode.FileAs(c.key, writeTemp(t, "f", "v")))
			if !errors.As(err, &ke) {
				t.Fatalf("Generic(FileAs(%q)) = %v, %v; want a *KeyError", c.key, s, err)
			}
		})
	}
	long := strings.Repeat("a", 253)
	s, err := encode.Generic("s", encode.Literal(long, "v"))
	if err != nil || len(s.Data) != 1 {
		t.Fatalf("a 253-byte key: %v", err)
	}
}

// TestHostileFileNames: a file whose base name is not a valid key is refused
// by File and Dir (Dir does not skip it silently), before it is read.
func TestHostileFileNames(t *testing.T) {
	for _, c := range hostileNames {
		if c.key == "" || strings.ContainsAny(c.key, "/\x00") || c.key == "." || c.key == ".." || len(c.key) > 255 {
			continue // not a possible file name
		}
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			p := filepath.Join(dir, c.key)
			if err := os.WriteFile(p, []byte("v"), 0o600); err != nil {
				t.Skipf("the file system refuses the name: %v", err)
			}
			var ke *encode.KeyError
			if _, err := encode.Generic("s", encode.File(p)); !errors.As(err, &ke) {
				t.Errorf("File: err = %v, want a *KeyError", err)
			}
			if _, err := encode.Generic("s", encode.Dir(dir)); !errors.As(err, &ke) {
				t.Errorf("Dir: err = %v, want a *KeyError", err)
			}
		})
	}
}

// TestHostilePaths: paths that cannot name a file give an error, never a
// panic and never data.
func TestHostilePaths(t *testing.T) {
	dir := t.TempDir()
	paths := map[string]string{
		"NUL":        filepath.Join(dir, "a\x00b"),
		"too long":   filepath.Join(dir, strings.Repeat("a", 5000)),
		"deep":       dir + strings.Repeat("/x", 3000),
		"missing":    filepath.Join(dir, "missing"),
		"empty":      "", // names nothing: Tree must not take the working directory
		"non-UTF-8":  filepath.Join(dir, "\xff"),
		"dot dot up": filepath.Join(dir, "missing", "..", "..", "nothing-here"),
	}
	for name, p := range paths {
		t.Run(name, func(t *testing.T) {
			for what, src := range map[string]encode.Source{
				"File": encode.File(p), "FileAs": encode.FileAs("k", p), "Dir": encode.Dir(p),
				"EnvFile": encode.EnvFile(p), "Tree": encode.Tree(p),
			} {
				if s, err := encode.Generic("s", src); err == nil {
					t.Errorf("%s: got a Secret with %d keys, want an error", what, len(s.Data))
				}
			}
		})
	}
}

// TestSpecialFilesRefused: a directory, a device and a pipe are refused by
// File, FileAs and EnvFile without blocking on the pipe; Dir and Tree skip
// pipes and devices (kubectl's rule) and do not block either.
func TestSpecialFilesRefused(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	writeFile(t, filepath.Join(dir, "ok"), "v")
	for name, p := range map[string]string{"pipe": fifo, "directory": dir, "device": os.DevNull} {
		for what, src := range map[string]encode.Source{
			"File": encode.File(p), "FileAs": encode.FileAs("k", p), "EnvFile": encode.EnvFile(p),
		} {
			if _, err := generic(t, src); err == nil {
				t.Errorf("%s of a %s: no error", what, name)
			}
		}
	}
	for what, src := range map[string]encode.Source{"Dir": encode.Dir(dir), "Tree": encode.Tree(dir)} {
		s, err := generic(t, src)
		if err != nil {
			t.Errorf("%s with a pipe inside: %v", what, err)
			continue
		}
		if len(s.Data) != 1 {
			t.Errorf("%s with a pipe inside: %d keys, want 1 (the regular file only)", what, len(s.Data))
		}
	}
}

// generic runs Generic in a goroutine and fails the test if it blocks (for
// example opening a pipe nobody writes to). The wait is a hang detector, not
// a speed assertion.
func generic(t *testing.T, sources ...encode.Source) (*corev1.Secret, error) {
	t.Helper()
	type result struct {
		s   *corev1.Secret
		err error
	}
	done := make(chan result, 1)
	go func() {
		s, err := encode.Generic("s", sources...)
		done <- result{s, err}
	}()
	select {
	case r := <-done:
		return r.s, r.err
	case <-time.After(30 * time.Second):
		t.Fatal("Generic blocked (a pipe opened for reading?)")
		return nil, nil
	}
}

// TestTreeSymlinkAttacks: symlinks that leave the tree, are absolute, dangle
// or loop are refused with a message saying which; nothing outside is read.
func TestTreeSymlinkAttacks(t *testing.T) {
	const outside = "outside-content"
	cases := []struct {
		name, link, target string
		msg                string // part of the error
	}{
		{"relative outside", "l", "../outside.txt", "outside the tree"},
		{"outside and back in", "l", "../tree/a", "outside the tree"},
		{"absolute outside", "l", "/etc/hostname", "absolute"},
		{"absolute inside", "l", "", "absolute"}, // target set below: the tree's own file
		{"dangling", "l", "missing", "dangling"},
		{"self loop", "l", "l", "loop"},
		{"two-link loop", "l", "m", "loop"},
		{"into own parent", "sub/up", "..", "loop"},
		{"into itself", "sub/self", ".", "loop"},
		{"deep outside", "sub/l", "../../outside.txt", "outside the tree"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			base := t.TempDir()
			writeFile(t, filepath.Join(base, "outside.txt"), outside)
			tree := filepath.Join(base, "tree")
			writeFile(t, filepath.Join(tree, "a"), "inside")
			writeFile(t, filepath.Join(tree, "sub", "b"), "inside")
			target := c.target
			if target == "" {
				target = filepath.Join(tree, "a")
			}
			if err := os.Symlink(target, filepath.Join(tree, c.link)); err != nil {
				t.Fatal(err)
			}
			if c.name == "two-link loop" {
				if err := os.Symlink("l", filepath.Join(tree, "m")); err != nil {
					t.Fatal(err)
				}
			}
			s, err := generic(t, encode.Tree(tree))
			if err == nil {
				t.Fatalf("Tree: %d keys and no error, want an error", len(s.Data))
			}
			if !strings.Contains(err.Error(), c.msg) {
				t.Errorf("Tree error %q does not say %q", err, c.msg)
			}
		})
	}
}

// TestTreeInsideSymlinks: relative symlinks that stay inside are followed.
func TestTreeInsideSymlinks(t *testing.T) {
	tree := filepath.Join(t.TempDir(), "tree")
	writeFile(t, filepath.Join(tree, "d", "a"), "A")
	for link, target := range map[string]string{"la": "d/a", "ld": "d", "d/self-a": "a"} {
		if err := os.Symlink(target, filepath.Join(tree, link)); err != nil {
			t.Fatal(err)
		}
	}
	s, err := generic(t, encode.Tree(tree))
	if err != nil {
		t.Fatal(err)
	}
	items, err := encode.TreeItems(s)
	if err != nil {
		t.Fatal(err)
	}
	var paths []string
	for _, it := range items {
		paths = append(paths, it.Path)
	}
	want := []string{"tree/d/a", "tree/d/self-a", "tree/la", "tree/ld/a", "tree/ld/self-a"}
	if diff := cmp.Diff(want, slices.Sorted(slices.Values(paths))); diff != "" {
		t.Errorf("tree paths (-want +got):\n%s", diff)
	}
}

// TestTreeHostileNames: names that look like path syntax become escaped keys
// and item paths that stay one path element; non-UTF-8 names are refused.
func TestTreeHostileNames(t *testing.T) {
	tree := filepath.Join(t.TempDir(), "tree")
	names := []string{"a\u2215b", "\uff0e\uff0e", "..x", "a b", "a\\b", "\u2024\u2024", strings.Repeat("n", 255)}
	for _, n := range names {
		writeFile(t, filepath.Join(tree, n), "v")
	}
	s, err := generic(t, encode.Tree(tree))
	if err != nil {
		t.Fatal(err)
	}
	if errs := encode.Validate(s); len(errs) != 0 {
		t.Fatalf("Validate: %v", errs)
	}
	items, err := encode.TreeItems(s)
	if err != nil {
		t.Fatal(err)
	}
	if len(items) != len(names) {
		t.Fatalf("%d items, want %d", len(items), len(names))
	}
	for _, it := range items {
		rest, ok := strings.CutPrefix(it.Path, "tree/")
		if !ok || strings.Contains(rest, "/") {
			t.Errorf("item path %q is not one element under tree/", it.Path)
		}
		if len(it.Key) > 253 {
			t.Errorf("key of %d bytes", len(it.Key))
		}
	}

	bad := filepath.Join(t.TempDir(), "tree")
	writeFile(t, filepath.Join(bad, "a\xffb"), "v")
	if _, err := generic(t, encode.Tree(bad)); err == nil || !strings.Contains(err.Error(), "UTF-8") {
		t.Errorf("Tree with a non-UTF-8 name: err = %v, want one saying UTF-8", err)
	}
	for _, root := range []string{"/", filepath.Join(t.TempDir(), "..x")} {
		_ = os.MkdirAll(root, 0o755)
		if _, err := generic(t, encode.Tree(root)); err == nil {
			t.Errorf("Tree(%q): no error", root)
		}
	}
	if _, err := generic(t, encode.Tree(filepath.Join(tree, names[0]))); err == nil {
		t.Error("Tree of a file: no error")
	}
}

// TestTreeItemsHostileAnnotation: a tree annotation whose paths escape the
// mount, or hold NUL or non-UTF-8, is refused by TreeItems, Validate and Merge.
func TestTreeItemsHostileAnnotation(t *testing.T) {
	paths := map[string]string{
		"parent":          `../x`,
		"parent inside":   `a/../../x`,
		"dot dot element": `a/../x`,
		"absolute":        `/etc/x`,
		"double slash":    `a//b`,
		"dot element":     `a/./b`,
		"trailing slash":  `a/`,
		"empty":           ``,
		"dot dot prefix":  `..a`,
		"NUL":             `a\u0000b`,
	}
	for name, p := range paths {
		t.Run(name, func(t *testing.T) {
			s := &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: "s", Annotations: map[string]string{
				encode.TreeAnnotation: `{"k":"` + p + `"}`,
			}}, Data: map[string][]byte{"k": []byte("v")}}
			if items, err := encode.TreeItems(s); err == nil {
				t.Errorf("TreeItems: %v, no error", items)
			}
			if errs := encode.Validate(s); len(errs) == 0 {
				t.Error("Validate: no error")
			}
			base := &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: "s"}, Data: map[string][]byte{"j": []byte("v")}}
			if _, err := encode.Merge(base, s); err == nil {
				t.Error("Merge: no error")
			}
		})
	}
}

// TestTreeItemsNonUTF8Annotation: JSON decoding turns invalid UTF-8 in the
// annotation into U+FFFD, so the path that comes out is valid UTF-8 (or refused).
func TestTreeItemsNonUTF8Annotation(t *testing.T) {
	s := &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: "s", Annotations: map[string]string{
		encode.TreeAnnotation: "{\"k\":\"a\xffb\"}",
	}}, Data: map[string][]byte{"k": []byte("v")}}
	items, err := encode.TreeItems(s)
	for _, it := range items {
		if !utf8.ValidString(it.Path) {
			t.Errorf("TreeItems gave a path that is not valid UTF-8 (err %v)", err)
		}
	}
}

func writeTemp(t *testing.T, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	writeFile(t, p, content)
	return p
}

func writeFile(t *testing.T, p, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}
