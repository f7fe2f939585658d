package encode

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// TreeAnnotation is the annotation in which a Secret built from Tree records
// where each of its keys belongs: a JSON object from data key to relative
// file path, keys sorted, e.g. {"secrets_.a.txt":"secrets/a.txt"}.
// TreeItems reads it back.
const TreeAnnotation = "podsecrets.io/tree"

// maxTreeEntries bounds the entries a Tree walk visits, so that chains of
// symlinks to directories cannot make it run for ever.
const maxTreeEntries = 100000

// Tree takes a whole directory, nested folders included. Each regular file
// becomes one data key, and the Secret's TreeAnnotation maps that key to the
// file's path, which starts with the directory's own name:
// Tree("./tests/secrets") stores tests/secrets/a/b.txt at path
// "secrets/a/b.txt". Mounted with the Items from TreeItems, the Secret
// rebuilds the tree under the mount path.
//
// Keys are derived from paths, deterministic and collision-free (see
// TreeKey), so any file name works. Symlinks are followed only inside the
// tree: a symlink that resolves outside it, cannot be resolved, or leads back
// into one of its own parent directories (a loop) is an error. Devices,
// pipes and sockets are skipped. File and directory names must be valid
// UTF-8, and the directory's own name must not start with "..". An empty
// tree adds no keys and no annotation.
func Tree(path string) Source { return treeSource{path: path} }

type treeSource struct{ path string }

type treeWalker struct {
	b       *builder
	src     string
	root    string // the tree's real (symlink-free) path
	entries int
}

func (s treeSource) addTo(b *builder) error {
	src := "tree " + strconv.Quote(s.path)
	abs, err := filepath.Abs(s.path)
	if err != nil {
		return fmt.Errorf("encode: %s: %w", src, err)
	}
	name := filepath.Base(abs)
	switch {
	case name == string(filepath.Separator):
		return fmt.Errorf("encode: %s: the file system root has no name to keep", src)
	case strings.HasPrefix(name, ".."):
		return fmt.Errorf("encode: %s: directory name must not start with \"..\"", src)
	case !utf8.ValidString(name):
		return fmt.Errorf("encode: %s: directory name is not valid UTF-8", src)
	}
	root, err := filepath.EvalSymlinks(abs)
	if err != nil {
		return fmt.Errorf("encode: %s: %w", src, err)
	}
	fi, err := os.Stat(root)
	if err != nil {
		return fmt.Errorf("encode: %s: %w", src, err)
	}
	if !fi.IsDir() {
		return fmt.Errorf("encode: %s: not a directory", src)
	}
	w := &treeWalker{b: b, src: src, root: root}
	return w.walk(root, name, []string{root})
}

// walk adds the files of the real directory dir, whose item path is rel;
// stack holds the real paths of dir and its parents, to detect loops.
func (w *treeWalker) walk(dir, rel string, stack []string) error {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return fmt.Errorf("encode: %s: %w", w.src, err)
	}
	for _, e := range entries { // sorted by name
		w.entries++
		if w.entries > maxTreeEntries {
			return fmt.Errorf("encode: %s: more than %d entries", w.src, maxTreeEntries)
		}
		p := rel + "/" + e.Name()
		if !utf8.ValidString(e.Name()) {
			return fmt.Errorf("encode: %s: name %q is not valid UTF-8", w.src, p)
		}
		full := filepath.Join(dir, e.Name())
		switch t := e.Type(); {
		case t.IsDir():
			if err := w.walk(full, p, append(slices.Clip(stack), full)); err != nil {
				return err
			}
		case t.IsRegular():
			if err := w.addFile(full, p); err != nil {
				return err
			}
		case t&fs.ModeSymlink != 0:
			if err := w.follow(full, p, stack); err != nil {
				return err
			}
		}
	}
	return nil
}

// follow adds what the symlink full (item path p) points to, if it stays in
// the tree.
func (w *treeWalker) follow(full, p string, stack []string) error {
	target, err := filepath.EvalSymlinks(full)
	if err != nil {
		return fmt.Errorf("encode: %s: symlink %q cannot be resolved (dangling or a loop)", w.src, p)
	}
	if target != w.root && !strings.HasPrefix(target, w.root+string(filepath.Separator)) {
		return fmt.Errorf("encode: %s: symlink %q leads outside the tree", w.src, p)
	}
	fi, err := os.Stat(target)
	if err != nil {
		return fmt.Errorf("encode: %s: symlink %q: %w", w.src, p, err)
	}
	switch {
	case fi.IsDir():
		if slices.Contains(stack, target) {
			return fmt.Errorf("encode: %s: symlink %q leads back into its own parent directory (a loop)", w.src, p)
		}
		return w.walk(target, p, append(slices.Clip(stack), target))
	case fi.Mode().IsRegular():
		return w.addFile(target, p)
	}
	return nil
}

func (w *treeWalker) addFile(real, p string) error {
	src := w.src + " file " + strconv.Quote(p)
	key := TreeKey(p)
	if err := w.b.checkKey(src, key); err != nil {
		return err
	}
	data, err := w.b.readFile(src, real)
	if err != nil {
		return err
	}
	if err := w.b.add(src, key, data); err != nil {
		return err
	}
	w.b.tree[key] = p
	return nil
}

// treeKeyMax is the longest key TreeKey returns: Kubernetes' key limit.
const treeKeyMax = 253

// TreeKey is the data key Tree stores the file at item path p under. Bytes
// in [A-Za-z0-9.-] stay, '_' becomes "__", '/' becomes "_." and any other
// byte "_x" and two lower-case hex digits; a key that would start with ".."
// gets its first '.' written "_x2e". The result is a valid Secret key,
// different for every path. A key longer than 253 bytes is cut at an escape
// boundary and ends in "_h" and 40 hex digits of the path's SHA-256, a
// marker that no unshortened key contains.
func TreeKey(p string) string {
	var sb strings.Builder
	bounds := make([]int, 0, len(p)+1) // where each escape unit ends
	for i := 0; i < len(p); i++ {
		c := p[i]
		switch {
		case c == '.' && i == 0 && strings.HasPrefix(p, ".."):
			sb.WriteString("_x2e")
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9', c == '-', c == '.':
			sb.WriteByte(c)
		case c == '_':
			sb.WriteString("__")
		case c == '/':
			sb.WriteString("_.")
		default:
			sb.WriteString("_x")
			sb.WriteString(hex.EncodeToString([]byte{c}))
		}
		bounds = append(bounds, sb.Len())
	}
	k := sb.String()
	if len(k) <= treeKeyMax {
		return k
	}
	sum := sha256.Sum256([]byte(p))
	tail := "_h" + hex.EncodeToString(sum[:20])
	cut := 0
	for _, b := range bounds {
		if b > treeKeyMax-len(tail) {
			break
		}
		cut = b
	}
	return k[:cut] + tail
}
