package propagate

import (
	"context"
	"fmt"
	"runtime"
	"testing"

	corev1 "k8s.io/api/core/v1"
	runtimek8s "k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/kubernetes/fake"
	k8stesting "k8s.io/client-go/testing"
)

// BenchmarkSync measures Sync on the fake clientset with n selected namespaces:
//
//   - unchanged: a converged run, three reads and no write;
//   - create: a first run creating every copy in the fake clientset, whose field-managed
//     tracker rebuilds a REST mapper on every create (about 1 MB and 2,700 allocations),
//     which dominates the figures;
//   - create-stubbed: the same run with creates answered by a reactor, so the figures are
//     Sync's own cost per created copy.
//
// Building the world (and, for create, a fresh one per iteration) is outside the timer;
// allocs/namespace and B/namespace count only the timed work.
func BenchmarkSync(b *testing.B) {
	ctx := context.Background()
	for _, n := range []int{1000, 10000} {
		b.Run(fmt.Sprintf("namespaces=%d/unchanged", n), func(b *testing.B) {
			c := convergedWorld(b, n)
			measure(b, n, func() {
				r, err := Sync(ctx, c, src, runaiTargets)
				if err != nil || r.Count(Unchanged) != n {
					b.Fatalf("sync: %v", err)
				}
			}, func() { c.ClearActions() })
		})
		b.Run(fmt.Sprintf("namespaces=%d/create", n), func(b *testing.B) {
			var c *fake.Clientset
			measure(b, n, func() {
				r, err := Sync(ctx, c, src, runaiTargets)
				if err != nil || r.Count(Created) != n {
					b.Fatalf("sync: %v", err)
				}
			}, func() { c = world(n) })
		})
		b.Run(fmt.Sprintf("namespaces=%d/create-stubbed", n), func(b *testing.B) {
			c := world(n)
			c.PrependReactor("create", "secrets", func(a k8stesting.Action) (bool, runtimek8s.Object, error) {
				return true, a.(k8stesting.CreateAction).GetObject(), nil
			})
			measure(b, n, func() {
				r, err := Sync(ctx, c, src, runaiTargets)
				if err != nil || r.Count(Created) != n {
					b.Fatalf("sync: %v", err)
				}
			}, func() { c.ClearActions() })
		})
	}
}

// convergedWorld is world(n) with every copy already in place, added straight to the tracker.
func convergedWorld(b *testing.B, n int) *fake.Clientset {
	b.Helper()
	c := world(n)
	obj, err := c.Tracker().Get(corev1.SchemeGroupVersion.WithResource("secrets"), src.Namespace, src.Name)
	if err != nil {
		b.Fatal(err)
	}
	s := obj.(*corev1.Secret)
	h := contentHash(s.UID, s)
	for i := range n {
		if err := c.Tracker().Add(desiredCopy(s, fmt.Sprintf("runai-%d", i), h)); err != nil {
			b.Fatal(err)
		}
	}
	return c
}

// measure times run b.N times, calling setup untimed before each, and reports allocations
// per namespace of the timed part.
func measure(b *testing.B, n int, run, setup func()) {
	b.Helper()
	var before, after runtime.MemStats
	var allocs, bytes uint64
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		b.StopTimer()
		setup()
		runtime.ReadMemStats(&before)
		b.StartTimer()
		run()
		b.StopTimer()
		runtime.ReadMemStats(&after)
		allocs += after.Mallocs - before.Mallocs
		bytes += after.TotalAlloc - before.TotalAlloc
		b.StartTimer()
	}
	b.StopTimer()
	b.ReportMetric(float64(allocs)/float64(b.N*n), "allocs/namespace")
	b.ReportMetric(float64(bytes)/float64(b.N*n), "B/namespace")
}
