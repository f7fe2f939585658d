package inject

import "slices"

// smallList is the longest list searched by a linear scan; a longer one gets a map, so
// that Apply stays O(n) in the number of refs and entries while the common small pod
// builds no map at all.
const smallList = 16

// index finds the first (or the first and last) of a list's entries with a given key: by
// a linear scan while the list is short, and beyond by a map it fills on demand with the
// entries added since (a list only grows, and an entry's key never changes while it is
// indexed).
type index[K comparable] struct {
	m map[K]span // key -> the first and last entries with it
	n int        // entries [0, n) are in m
}

// span is where a key's entries are in a list: the first and the last.
type span struct{ first, last int }

// reset forgets the list, for a new one, keeping the map's memory.
func (x *index[K]) reset() {
	clear(x.m)
	x.n = 0
}

// find returns the first of the list's first n entries whose key is k, or -1; key(i)
// is the key of entry i.
func (x *index[K]) find(n int, k K, key func(int) K) int {
	first, _ := x.span(n, k, key)
	return first
}

// span returns the first and the last of the list's first n entries whose key is k, or
// -1, -1.
func (x *index[K]) span(n int, k K, key func(int) K) (first, last int) {
	if n <= smallList {
		first, last = -1, -1
		for i := range n {
			if key(i) == k {
				if first < 0 {
					first = i
				}
				last = i
			}
		}
		return first, last
	}
	if x.m == nil {
		x.m = make(map[K]span, 2*n)
	}
	for ; x.n < n; x.n++ {
		kk := key(x.n)
		if s, ok := x.m[kk]; ok {
			s.last = x.n
			x.m[kk] = s
		} else {
			x.m[kk] = span{x.n, x.n}
		}
	}
	s, ok := x.m[k]
	if !ok || s.first >= n {
		return -1, -1
	}
	if s.last >= n { // indexed further than asked: the last before n, by a scan back
		for s.last = n - 1; key(s.last) != k; s.last-- {
		}
	}
	return s.first, s.last
}

// nameSet maps names to values, the first value given for each name: by a scan while it is
// short, by a map beyond smallList entries.
type nameSet[V any] struct {
	list []named[V]
	m    map[string]int // name -> its index in list, once long
}

type named[V any] struct {
	name string
	v    V
}

// grow makes room for n more names.
func (s *nameSet[V]) grow(n int) { s.list = slices.Grow(s.list, n) }

// at returns the value of name, or nil; it may be changed in place.
func (s *nameSet[V]) at(name string) *V {
	if s.m != nil {
		if i, ok := s.m[name]; ok {
			return &s.list[i].v
		}
		return nil
	}
	for i := range s.list {
		if s.list[i].name == name {
			return &s.list[i].v
		}
	}
	return nil
}

// add gives name the value v unless it has one already.
func (s *nameSet[V]) add(name string, v V) {
	if s.at(name) != nil {
		return
	}
	s.list = append(s.list, named[V]{name, v})
	switch {
	case s.m != nil:
		s.m[name] = len(s.list) - 1
	case len(s.list) > smallList:
		s.m = make(map[string]int, 2*len(s.list))
		for i := range s.list {
			s.m[s.list[i].name] = i
		}
	}
}
