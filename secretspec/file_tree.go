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

// smallTree is the number of files a fileTree keeps in a plain list, searched
// by scanning; beyond it, the tree indexes its files in maps.
const smallTree = 8

// fileTree records the files written into one volume and finds, for a new
// file, one recorded file it clashes with. Up to smallTree files it scans a
// list (no map to build for the common few files); beyond, it finds a clash in
// time linear in the path's length and depth, whatever the number of files.
// Both ways give the same answers.
type fileTree struct {
	list  []treeFile           // every file in the order added, while small (files == nil)
	files map[string]fileOwner // clean path -> first writer
	dirs  map[string]fileOwner // clean directory -> writer of the first file below it
}

// treeFile is a file of a small fileTree.
type treeFile struct {
	path  string // clean
	owner fileOwner
}

// clash reports how a valid relative path p clashes with a recorded file, and
// that file's owner; clashNone if it does not.
func (t *fileTree) clash(p string) (pathClashKind, fileOwner) {
	p = path.Clean(p)
	if t.files == nil {
		return t.clashSmall(p)
	}
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

// clashSmall is clash for a small tree, with the same answers: the first
// writer of p, else the writer of the first file below p, else the first
// writer of the deepest directory of p that is a file.
func (t *fileTree) clashSmall(p string) (pathClashKind, fileOwner) {
	for i := range t.list {
		if t.list[i].path == p {
			return clashSame, t.list[i].owner
		}
	}
	for i := range t.list {
		if f := t.list[i].path; len(f) > len(p) && f[len(p)] == '/' && f[:len(p)] == p {
			return clashIsDir, t.list[i].owner
		}
	}
	for d := p; ; {
		i := strings.LastIndexByte(d, '/')
		if i < 0 {
			return clashNone, fileOwner{}
		}
		d = d[:i]
		for i := range t.list {
			if t.list[i].path == d {
				return clashBelow, t.list[i].owner
			}
		}
	}
}

// add records a file at the valid relative path p; the first writer of a path
// stays its owner.
func (t *fileTree) add(p string, o fileOwner) {
	p = path.Clean(p)
	if t.files == nil {
		if len(t.list) < smallTree {
			if t.list == nil {
				t.list = make([]treeFile, 0, 2)
			}
			t.list = append(t.list, treeFile{path: p, owner: o})
			return
		}
		t.files, t.dirs = make(map[string]fileOwner, 2*smallTree), make(map[string]fileOwner, 2*smallTree)
		for _, f := range t.list {
			t.index(f.path, f.owner)
		}
		t.list = nil
	}
	t.index(p, o)
}

// index records a clean path p in the maps.
func (t *fileTree) index(p string, o fileOwner) {
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
