package propagate

import (
	"context"
	"fmt"
	"runtime"
	"testing"

	"k8s.io/client-go/kubernetes/fake"
)

// BenchmarkSync measures Sync on the fake clientset: "create" is a first run writing every
// copy, "unchanged" a converged run writing nothing. Building the world (and, for create,
// emptying it again) is outside the timer; allocs/namespace counts only timed work, fake
// clientset included.
func BenchmarkSync(b *testing.B) {
	for _, n := range []int{1000, 10000} {
		b.Run(fmt.Sprintf("namespaces=%d/unchanged", n), func(b *testing.B) {
			c := world(n)
			ctx := context.Background()
			if _, err := Sync(ctx, c, src, runaiTargets); err != nil {
				b.Fatal(err)
			}
			c.ClearActions()
			measure(b, n, func() {
				r, err := Sync(ctx, c, src, runaiTargets)
				if err != nil || r.Count(Unchanged) != n {
					b.Fatalf("sync: %v", err)
				}
			}, func() { c.ClearActions() })
		})
		b.Run(fmt.Sprintf("namespaces=%d/create", n), func(b *testing.B) {
			var c *fake.Clientset
			ctx := context.Background()
			measure(b, n, func() {
				r, err := Sync(ctx, c, src, runaiTargets)
				if err != nil || r.Count(Created) != n {
					b.Fatalf("sync: %v", err)
				}
			}, func() { c = world(n) })
		})
	}
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
