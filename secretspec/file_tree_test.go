package secretspec

import (
	"testing"

	corev1 "k8s.io/api/core/v1"
)

// TestFileTreeAgreesWithPathClash checks fileTree against pathClash on every
// sequence of four paths drawn from a set with every kind of clash: the tree
// finds a clash exactly when some earlier path clashes, and the owner it names
// clashes in the way it says.
func TestFileTreeAgreesWithPathClash(t *testing.T) {
	paths := []string{"a", "a/b", "./a", "a/b/c", "b", "ab", "a/bc"}
	n := len(paths)
	for code := range n * n * n * n {
		var seq []string
		for c := code; len(seq) < 4; c /= n {
			seq = append(seq, paths[c%n])
		}
		var tree fileTree
		for i, p := range seq {
			kind, owner := tree.clash(p)
			want := false
			for _, q := range seq[:i] {
				if pathClash(p, q) != clashNone {
					want = true
				}
			}
			if (kind != clashNone) != want {
				t.Fatalf("%q: clash(%q) = %v, want a clash: %v", seq, p, kind, want)
			}
			if kind != clashNone && pathClash(p, owner.item.Path) != kind {
				t.Fatalf("%q: clash(%q) = %v with %q, but pathClash says %v", seq, p, kind, owner.item.Path, pathClash(p, owner.item.Path))
			}
			tree.add(p, fileOwner{index: i, item: corev1.KeyToPath{Key: "k", Path: p}})
		}
	}
}
