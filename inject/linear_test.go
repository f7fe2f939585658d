package inject

import (
	"runtime"
	"testing"

	corev1 "k8s.io/api/core/v1"

	"github.com/podsecrets/podsecrets/secretspec"
)

// TestApplyLinear checks, without timing anything, that what Apply allocates grows
// linearly with the number of refs: at 4n refs, at most 4.5 times the allocations and
// bytes of n refs. A quadratic item merge (every ref re-merging one growing volume)
// failed it with 4x the refs costing 16x the bytes. Time spent scanning is not
// allocation, so BenchmarkApplyManyRefs is what shows that the lookups stay linear.
func TestApplyLinear(t *testing.T) {
	const n, growth = 500, 4.5
	for _, as := range []secretspec.Delivery{secretspec.Env, secretspec.EnvFrom, secretspec.Mount, mountKeys, secretspec.PullSecret} {
		t.Run(string(as), func(t *testing.T) {
			spec := manyPod()
			small, large := manyRefs(as, n), manyRefs(as, 4*n)
			allocs1, bytes1 := allocated(t, func() error { _, err := Apply(spec, small); return err })
			allocs4, bytes4 := allocated(t, func() error { _, err := Apply(spec, large); return err })
			if r := float64(allocs4) / float64(allocs1); r > growth {
				t.Errorf("%d refs: %d allocations, %d refs: %d (%.1fx, want at most %.1fx)", n, allocs1, 4*n, allocs4, r, growth)
			}
			if r := float64(bytes4) / float64(bytes1); r > growth {
				t.Errorf("%d refs: %d bytes, %d refs: %d (%.1fx, want at most %.1fx)", n, bytes1, 4*n, bytes4, r, growth)
			}
		})
	}
}

// TestApplyExtrasLinear is TestApplyLinear for one Extras of n fetchers and n variables,
// applied to a pod without them and to Apply's own output.
func TestApplyExtrasLinear(t *testing.T) {
	const n, growth = 500, 4.5
	small, large := WithExtras(manyExtras(n)), WithExtras(manyExtras(4*n))
	spec := manyPod()
	onceSmall, err := Apply(spec, nil, small)
	if err != nil {
		t.Fatal(err)
	}
	onceLarge, err := Apply(spec, nil, large)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name       string
		sSmall, sL *corev1.PodSpec
	}{{"new", spec, spec}, {"again", onceSmall, onceLarge}} {
		t.Run(tc.name, func(t *testing.T) {
			allocs1, bytes1 := allocated(t, func() error { _, err := Apply(tc.sSmall, nil, small); return err })
			allocs4, bytes4 := allocated(t, func() error { _, err := Apply(tc.sL, nil, large); return err })
			if r := float64(allocs4) / float64(allocs1); r > growth {
				t.Errorf("%d fetchers: %d allocations, %d: %d (%.1fx, want at most %.1fx)", n, allocs1, 4*n, allocs4, r, growth)
			}
			if r := float64(bytes4) / float64(bytes1); r > growth {
				t.Errorf("%d fetchers: %d bytes, %d: %d (%.1fx, want at most %.1fx)", n, bytes1, 4*n, bytes4, r, growth)
			}
		})
	}
}

// allocated returns the allocations and bytes of the least of a few runs of f (the
// least, because the runtime may allocate now and then on its own).
func allocated(t *testing.T, f func() error) (allocs, bytes uint64) {
	t.Helper()
	if err := f(); err != nil { // warm up, and check
		t.Fatal(err)
	}
	for i := range 3 {
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		err := f()
		runtime.ReadMemStats(&after)
		if err != nil {
			t.Fatal(err)
		}
		a, b := after.Mallocs-before.Mallocs, after.TotalAlloc-before.TotalAlloc
		if i == 0 || a < allocs {
			allocs = a
		}
		if i == 0 || b < bytes {
			bytes = b
		}
	}
	return allocs, bytes
}
