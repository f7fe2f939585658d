package encode

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
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
// tree: a symlink that is absolute (wherever it points), resolves outside
// the tree (even on the way back in, as "../tree/a"), cannot be resolved, or
// leads back into one of its own parent directories (a loop) is an error,
// never silently skipped. Devices,
// pipes and sockets are skipped. Every file is opened through an os.Root
// on the directory, so even a symlink swapped in while Tree runs cannot make
// it read outside the tree. File and directory names must be valid
// UTF-8, and the directory's own name must not start with "..". An empty
// tree adds no keys and no annotation.
func Tree(path string) Source { return treeSource{path: path} }

// TreeFile is one file of a tree, for a caller that walks a directory by rules of its own: the
// content of the file at path (a symlink followed, a directory, device or pipe refused, as File
// does) stored under TreeKey(item) and recorded at item in TreeAnnotation, exactly as Tree
// records a file it finds. item is the file's path in the tree, starting with the directory's
// own name as Tree's paths do ("secrets/a/b.txt"): relative, valid UTF-8, without empty, "."
// or ".." elements, not starting with ".."; an item that is the directory of another item is
// refused by Generic's validation. Tree(dir) and the TreeFile of each file Tree finds make the
// same Secret.
func TreeFile(item, path string) Source { return treeFileSource{item: item, path: path} }

type treeFileSource struct{ item, path string }

func (s treeFileSource) addTo(b *builder) error {
	src := "tree file " + strconv.Quote(s.item) + " (file " + strconv.Quote(s.path) + ")"
	if msg := checkItemPath(s.item); msg != "" {
		return fmt.Errorf("encode: %s: %s", src, msg)
	}
	key := TreeKey(s.item)
	if err := b.checkKey(src, key); err != nil {
		return err
	}
	data, err := b.readFile(src, s.path, false)
	if err != nil {
		return err
	}
	if err := b.add(src, key, data); err != nil {
		return err
	}
	b.tree[key] = s.item
	return nil
}

type treeSource struct{ path string }

type treeWalker struct {
	b       *builder
	src     string
	root    *os.Root // every open goes through it, so nothing outside the tree is ever read
	entries int
}

func (s treeSource) addTo(b *builder) error {
	src := "tree " + strconv.Quote(s.path)
	if s.path == "" {
		return fmt.Errorf("encode: %s: empty path", src)
	}
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
	fi, err := os.Stat(abs)
	if err != nil {
		return fmt.Errorf("encode: %s: %w", src, err)
	}
	if !fi.IsDir() {
		return fmt.Errorf("encode: %s: not a directory", src)
	}
	root, err := os.OpenRoot(abs)
	if err != nil {
		return fmt.Errorf("encode: %s: %w", src, err)
	}
	defer root.Close()
	w := &treeWalker{b: b, src: src, root: root}
	return w.walk(".", name, []os.FileInfo{fi})
}

// walk adds the files of directory dir (relative to the root), whose item
// path is item; stack holds dir and its parents, to detect loops.
func (w *treeWalker) walk(dir, item string, stack []os.FileInfo) error {
	d, err := w.root.Open(dir)
	if err != nil {
		return fmt.Errorf("encode: %s: directory %q: %w", w.src, item, err)
	}
	entries, err := d.ReadDir(-1)
	d.Close()
	if err != nil {
		return fmt.Errorf("encode: %s: directory %q: %w", w.src, item, err)
	}
	slices.SortFunc(entries, func(a, b fs.DirEntry) int { return strings.Compare(a.Name(), b.Name()) })
	for _, e := range entries {
		w.entries++
		if w.entries > maxTreeEntries {
			return fmt.Errorf("encode: %s: more than %d entries", w.src, maxTreeEntries)
		}
		p := item + "/" + e.Name()
		if !utf8.ValidString(e.Name()) {
			return fmt.Errorf("encode: %s: name %q is not valid UTF-8", w.src, p)
		}
		rel := filepath.Join(dir, e.Name())
		switch t := e.Type(); {
		case t.IsDir():
			fi, err := e.Info()
			if err != nil {
				return fmt.Errorf("encode: %s: directory %q: %w", w.src, p, err)
			}
			if err := w.walk(rel, p, append(slices.Clip(stack), fi)); err != nil {
				return err
			}
		case t.IsRegular():
			if err := w.addFile(rel, p); err != nil {
				return err
			}
		case t&fs.ModeSymlink != 0:
			if err := w.follow(rel, p, stack); err != nil {
				return err
			}
		}
	}
	return nil
}

// follow adds what the symlink rel (item path p) points to. The root
// refuses a link that leaves the tree, at any step of its resolution.
func (w *treeWalker) follow(rel, p string, stack []os.FileInfo) error {
	fi, err := w.root.Stat(rel)
	switch {
	case err == nil:
	case errors.Is(err, syscall.ELOOP):
		return fmt.Errorf("encode: %s: symlink %q is a loop", w.src, p)
	case errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("encode: %s: symlink %q cannot be resolved (dangling)", w.src, p)
	case strings.Contains(err.Error(), "escapes"):
		if target, lerr := w.root.Readlink(rel); lerr == nil && filepath.IsAbs(target) {
			return fmt.Errorf("encode: %s: symlink %q is absolute; only relative symlinks that stay inside the tree are followed", w.src, p)
		}
		return fmt.Errorf("encode: %s: symlink %q leads outside the tree", w.src, p)
	default:
		return fmt.Errorf("encode: %s: symlink %q: %w", w.src, p, err)
	}
	switch {
	case fi.IsDir():
		for _, anc := range stack {
			if os.SameFile(anc, fi) {
				return fmt.Errorf("encode: %s: symlink %q leads back into its own parent directory (a loop)", w.src, p)
			}
		}
		return w.walk(rel, p, append(slices.Clip(stack), fi))
	case fi.Mode().IsRegular():
		return w.addFile(rel, p)
	}
	return nil
}

func (w *treeWalker) addFile(rel, p string) error {
	src := w.src + " file " + strconv.Quote(p)
	key := TreeKey(p)
	if err := w.b.checkKey(src, key); err != nil {
		return err
	}
	// O_NONBLOCK: a file swapped for a pipe since it was listed must not
	// block the open; readOpen then refuses it as not regular.
	f, err := w.root.OpenFile(rel, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return fmt.Errorf("encode: %s: %w", src, err)
	}
	defer f.Close()
	data, err := w.b.readOpen(src, f)
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
