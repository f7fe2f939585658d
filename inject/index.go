package inject

// smallList is the longest list searched by a linear scan; a longer one gets a map, so
// that Apply stays O(n) in the number of refs and entries while the common small pod
// builds no map at all.
const smallList = 16

// index finds the first of a list's entries with a given key: by a linear scan while
// the list is short, and beyond by a map it fills on demand with the entries added since
// (a list only grows, and an entry's key never changes while it is indexed).
type index[K comparable] struct {
	m map[K]int // key -> first entry with it
	n int       // entries [0, n) are in m
}

// reset forgets the list, for a new one, keeping the map's memory.
func (x *index[K]) reset() {
	clear(x.m)
	x.n = 0
}

// find returns the first of the list's first n entries whose key is k, or -1; key(i)
// is the key of entry i.
func (x *index[K]) find(n int, k K, key func(int) K) int {
	if n <= smallList {
		for i := range n {
			if key(i) == k {
				return i
			}
		}
		return -1
	}
	if x.m == nil {
		x.m = make(map[K]int, 2*n)
	}
	for ; x.n < n; x.n++ {
		if kk := key(x.n); !hasKey(x.m, kk) {
			x.m[kk] = x.n
		}
	}
	if i, ok := x.m[k]; ok && i < n {
		return i
	}
	return -1
}

func hasKey[K comparable](m map[K]int, k K) bool {
	_, ok := m[k]
	return ok
}
