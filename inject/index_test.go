package inject

import (
	"math/rand/v2"
	"slices"
	"strconv"
	"testing"
)

// TestIndexFind checks index.find against a scan, for lists that grow past smallList,
// shrink back to empty after a reset, and hold repeated keys (find returns the first, span the first and the last).
func TestIndexFind(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	var x index[string]
	for round := range 3 {
		var list []string
		x.reset()
		for len(list) < 4*smallList {
			list = append(list, "k"+strconv.Itoa(r.IntN(3*smallList)))
			for k := range 3 * smallList {
				key := "k" + strconv.Itoa(k)
				for _, n := range []int{len(list), len(list) / 2} { // the whole list, or a shorter prefix than is indexed
					want := slices.Index(list[:n], key)
					if got := x.find(n, key, func(i int) string { return list[i] }); got != want {
						t.Fatalf("round %d, %d entries, key %q: find = %d, want %d", round, n, key, got, want)
					}
					wantLast := -1
					for i := range n {
						if list[i] == key {
							wantLast = i
						}
					}
					if first, last := x.span(n, key, func(i int) string { return list[i] }); first != want || last != wantLast {
						t.Fatalf("round %d, %d entries, key %q: span = %d, %d, want %d, %d", round, n, key, first, last, want, wantLast)
					}
				}
			}
		}
	}
}

// TestNameSet checks nameSet against a map, for sets that grow past smallList: the first
// value given for a name stays, and values can be changed in place.
func TestNameSet(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	var s nameSet[int]
	want := map[string]int{}
	for i := range 4 * smallList {
		name := "n" + strconv.Itoa(r.IntN(3*smallList))
		s.add(name, i)
		if _, ok := want[name]; !ok {
			want[name] = i
		}
		if i%7 == 0 {
			*s.at(name) += 1000
			want[name] += 1000
		}
		for k := range 3 * smallList {
			key := "n" + strconv.Itoa(k)
			w, ok := want[key]
			got := s.at(key)
			if (got != nil) != ok || ok && *got != w {
				t.Fatalf("after %d adds, at(%q) = %v, want %d (%v)", i+1, key, got, w, ok)
			}
		}
	}
}
