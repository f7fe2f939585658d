package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"syscall"

	"github.com/podsecrets/podsecrets/encode"
)

// dsStore is the file macOS's Finder leaves in folders; Konduktor does not store it.
const dsStore = ".DS_Store"

// maxEntries bounds the entries one walk visits, so that symlinks to sibling directories
// (followed, each a copy) cannot make it run for ever.
const maxEntries = 100000

// directorySources walks dir as `konduktor secret create --from-directory` takes it and returns
// one encode.TreeFile per file, at a path that starts with the directory's own name
// ("secrets/nested/a.txt"), so the Secret is what encode.Tree makes of the same files:
//
//   - every regular file, dotfiles included, except files named .DS_Store;
//   - a symlink is followed wherever it points, inside the directory or outside it, to a file
//     or a directory, and taken as what it points to;
//   - devices, pipes and sockets are skipped; folders with no file are dropped (a Secret holds
//     files only).
//
// An entry is refused, with its path, only when it cannot be read (no permission, a dangling
// symlink, a symlink that resolves back to itself) or when it is a directory that contains
// itself: a symlink leading to a folder above it (a directory cycle). A directory with no file
// to store is refused, as Konduktor refuses an empty one.
func directorySources(dir string) ([]encode.Source, error) {
	flag := "--from-directory " + strconv.Quote(dir)
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", flag, err)
	}
	name := filepath.Base(abs)
	if name == string(filepath.Separator) {
		return nil, fmt.Errorf("%s: the file system root has no name to keep", flag)
	}
	fi, err := os.Stat(abs)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", flag, err)
	}
	if !fi.IsDir() {
		return nil, fmt.Errorf("%s: not a directory", flag)
	}
	// The directory and every folder above it: a symlink to any of them is a cycle.
	stack := []os.FileInfo{fi}
	for d := filepath.Dir(abs); ; d = filepath.Dir(d) {
		if above, err := os.Stat(d); err == nil {
			stack = append(stack, above)
		}
		if d == filepath.Dir(d) {
			break
		}
	}
	w := walker{flag: flag}
	if err := w.walk(abs, name, stack); err != nil {
		return nil, err
	}
	if len(w.sources) == 0 {
		return nil, fmt.Errorf("%s is empty: it holds no file to store (empty folders and %s files do not count)", flag, dsStore)
	}
	return w.sources, nil
}

type walker struct {
	flag    string
	sources []encode.Source
	entries int
}

// walk adds the files of the directory at path, whose tree path is item; stack holds the
// directory and the folders above it (on the way the walk came and on the file system), to
// find cycles.
func (w *walker) walk(path, item string, stack []os.FileInfo) error {
	entries, err := os.ReadDir(path)
	if err != nil {
		return fmt.Errorf("%s: cannot read directory %q: %w", w.flag, item, unwrapPath(err))
	}
	for _, e := range entries { // sorted by name
		if w.entries++; w.entries > maxEntries {
			return fmt.Errorf("%s: more than %d entries (are symlinks copying folders over and over?)", w.flag, maxEntries)
		}
		full, sub := filepath.Join(path, e.Name()), item+"/"+e.Name()
		fi, err := os.Stat(full) // follows symlinks
		switch {
		case errors.Is(err, syscall.ELOOP):
			return fmt.Errorf("%s: cannot read %q: a symlink that leads back to itself", w.flag, sub)
		case errors.Is(err, os.ErrNotExist) && e.Type()&os.ModeSymlink != 0:
			return fmt.Errorf("%s: cannot read %q: a symlink to nothing (dangling)", w.flag, sub)
		case err != nil:
			return fmt.Errorf("%s: cannot read %q: %w", w.flag, sub, unwrapPath(err))
		case fi.IsDir():
			for _, above := range stack {
				if os.SameFile(above, fi) {
					return fmt.Errorf("%s: %q leads back into a folder that contains it (a directory cycle)", w.flag, sub)
				}
			}
			if err := w.walk(full, sub, append(stack[:len(stack):len(stack)], fi)); err != nil {
				return err
			}
		case fi.Mode().IsRegular() && e.Name() != dsStore:
			w.sources = append(w.sources, encode.TreeFile(sub, full))
		}
	}
	return nil
}

// unwrapPath drops the *PathError's operation and absolute path, which the message replaces
// with the path in the tree.
func unwrapPath(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
