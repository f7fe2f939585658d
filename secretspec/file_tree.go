package secretspec

import (
	"path"
	"strings"

	corev1 "k8s.io/api/core/v1"
)

// fileOwner is who writes a file into a volume: an item index (within one ref)
// or a ref index (across merged refs), with the item itself.
type fileOwner struct {
	index int
	item  corev1.KeyToPath
}

// fileTree records the files written into one volume and finds, for a new
// file, one recorded file it clashes with, in time linear in the path's length
// and depth, whatever the number of files.
type fileTree struct {
	files map[string]fileOwner // clean path -> first writer
	dirs  map[string]fileOwner // clean directory -> writer of the first file below it
}

// clash reports how a valid relative path p clashes with a recorded file, and
// that file's owner; clashNone if it does not.
func (t *fileTree) clash(p string) (pathClashKind, fileOwner) {
	p = path.Clean(p)
	if o, ok := t.files[p]; ok {
		return clashSame, o
	}
	if o, ok := t.dirs[p]; ok {
		return clashIsDir, o
	}
	for d := p; ; {
		i := strings.LastIndexByte(d, '/')
		if i < 0 {
			return clashNone, fileOwner{}
		}
		d = d[:i]
		if o, ok := t.files[d]; ok {
			return clashBelow, o
		}
	}
}

// add records a file at the valid relative path p; the first writer of a path
// stays its owner.
func (t *fileTree) add(p string, o fileOwner) {
	if t.files == nil {
		t.files, t.dirs = map[string]fileOwner{}, map[string]fileOwner{}
	}
	p = path.Clean(p)
	if _, ok := t.files[p]; !ok {
		t.files[p] = o
	}
	for d := p; ; {
		i := strings.LastIndexByte(d, '/')
		if i < 0 {
			return
		}
		d = d[:i]
		if _, ok := t.dirs[d]; ok {
			return // and every directory above it
		}
		t.dirs[d] = o
	}
}
