package main

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/podsecrets/podsecrets/encode"
)

func symlink(t *testing.T, target, link string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(link), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(target, link); err != nil {
		t.Fatal(err)
	}
}

// treeFiles is what `secret create --from-directory dir` stores: tree path -> content.
func treeFiles(t *testing.T, dir string) (map[string]string, error) {
	t.Helper()
	sources, err := directorySources(dir)
	if err != nil {
		return nil, err
	}
	s, err := encode.Generic("x", sources...)
	if err != nil {
		return nil, err
	}
	items, err := encode.TreeItems(s)
	if err != nil {
		t.Fatal(err)
	}
	files := map[string]string{}
	for _, it := range items {
		files[it.Path] = string(s.Data[it.Key])
	}
	return files, nil
}

// TestDirectoryWalk stores a directory as Konduktor's zip_base64encode does (shutil.copytree,
// then every file but .DS_Store): dotfiles in, .DS_Store out at every depth, symlinks followed
// wherever they point, empty folders and special files gone, the directory's own name kept.
func TestDirectoryWalk(t *testing.T) {
	base := t.TempDir()
	dir := filepath.Join(base, "project", "secrets")
	writeTree(t, dir, map[string]string{
		"a.txt": "a", ".env": "dot", ".DS_Store": "finder", "nested/deep/b.txt": "b", "nested/.DS_Store": "finder",
		".config/tool.json": "{}",
	})
	mkdirs(t, dir, "empty", "only-empty/inside")
	writeTree(t, base, map[string]string{"elsewhere/key.pem": "pem", "elsewhere/dir/c.txt": "c", "elsewhere/dir/.DS_Store": "finder"})
	symlink(t, filepath.Join(base, "elsewhere", "key.pem"), filepath.Join(dir, "key.pem")) // absolute, outside
	symlink(t, "../../elsewhere/dir", filepath.Join(dir, "linked-dir"))                    // relative, outside
	symlink(t, "nested/deep", filepath.Join(dir, "shortcut"))                              // inside: a second copy
	symlink(t, ".DS_Store", filepath.Join(dir, "finder-link"))                             // a link to it is a file of its own name
	if err := syscall.Mkfifo(filepath.Join(dir, "pipe"), 0o600); err != nil {              // skipped
		t.Fatal(err)
	}
	got, err := treeFiles(t, dir)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"secrets/.config/tool.json": "{}",
		"secrets/.env":              "dot",
		"secrets/a.txt":             "a",
		"secrets/finder-link":       "finder",
		"secrets/key.pem":           "pem",
		"secrets/linked-dir/c.txt":  "c",
		"secrets/nested/deep/b.txt": "b",
		"secrets/shortcut/b.txt":    "b",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("stored files (-want +got):\n%s", diff)
	}

	// "secrets/" and "./secrets" keep the name too (Konduktor takes the absolute path's base name).
	for _, d := range []string{dir + "/", filepath.Join(dir, ".")} {
		if again, err := treeFiles(t, d); err != nil || !cmp.Equal(again, got) {
			t.Errorf("%s: %v, files differ: %v", d, err, cmp.Diff(got, again))
		}
	}
}

// TestDirectoryWalkRefused: an entry is refused only when it cannot be read or makes a
// directory cycle.
func TestDirectoryWalkRefused(t *testing.T) {
	base := t.TempDir()
	mk := func(name string, files map[string]string, links map[string]string) string {
		d := filepath.Join(base, name, "secrets")
		writeTree(t, d, files)
		for link, target := range links {
			symlink(t, target, filepath.Join(d, link))
		}
		return d
	}
	for _, tc := range []struct {
		name, dir, want string
	}{
		{"dangling symlink", mk("dangling", map[string]string{"a": "1"}, map[string]string{"gone": "nope"}),
			`cannot read "secrets/gone": a symlink to nothing (dangling)`},
		{"symlink to itself", mk("self", map[string]string{"a": "1"}, map[string]string{"me": "me"}),
			`cannot read "secrets/me": a symlink that leads back to itself`},
		{"symlink to the directory itself", mk("cycle", map[string]string{"a": "1"}, map[string]string{"again": "."}),
			`"secrets/again" leads back into a folder that contains it (a directory cycle)`},
		{"symlink to a folder above", mk("up", map[string]string{"sub/deeper/a": "1"}, map[string]string{"sub/deeper/up": "../.."}),
			`"secrets/sub/deeper/up" leads back into a folder that contains it (a directory cycle)`},
		{"symlink to a folder above the directory", mk("above", map[string]string{"a": "1"}, map[string]string{"root": "../.."}),
			`"secrets/root" leads back into a folder that contains it (a directory cycle)`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := treeFiles(t, tc.dir)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want one containing %q", err, tc.want)
			}
		})
	}

	t.Run("unreadable file and folder", func(t *testing.T) {
		if os.Geteuid() == 0 {
			t.Skip("root reads files without permission")
		}
		d := mk("perm", map[string]string{"secret": "1", "closed/x": "2"}, nil)
		if err := os.Chmod(filepath.Join(d, "closed"), 0); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = os.Chmod(filepath.Join(d, "closed"), 0o755) })
		if _, err := treeFiles(t, d); err == nil || !strings.Contains(err.Error(), `cannot read directory "secrets/closed": permission denied`) {
			t.Errorf("unreadable folder: error %v", err)
		}
		if err := os.Chmod(filepath.Join(d, "closed"), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(filepath.Join(d, "secret"), 0); err != nil {
			t.Fatal(err)
		}
		if _, err := treeFiles(t, d); err == nil || !strings.Contains(err.Error(), "permission denied") {
			t.Errorf("unreadable file: error %v", err)
		}
	})
}
