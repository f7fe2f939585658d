package integration

import (
	"bytes"
	"maps"
	"slices"
)

// secretDataEqual reports whether a and b hold the same keys with byte-identical
// values. An empty value equals a missing one only if both sides have the key.
func secretDataEqual(a, b map[string][]byte) bool {
	if len(a) != len(b) {
		return false
	}
	for k, av := range a {
		bv, ok := b[k]
		if !ok || !bytes.Equal(av, bv) {
			return false
		}
	}
	return true
}

// keys returns the sorted keys of a Secret's data, safe to print in a failure.
func keys(m map[string][]byte) []string {
	return slices.Sorted(maps.Keys(m))
}
