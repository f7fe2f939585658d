package leader

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/go-logr/logr"
	"github.com/go-logr/logr/testr"
	coordinationv1 "k8s.io/api/coordination/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/client-go/tools/leaderelection"
	"k8s.io/client-go/tools/leaderelection/resourcelock"
)

// timing is short, so that losing the Lease happens within a test.
var timing = Timing{LeaseDuration: 3 * time.Second, RenewDeadline: time.Second, RetryPeriod: 200 * time.Millisecond}

const testWait = 30 * time.Second // bounds every wait for something that must happen

func config(s *leaseServer, id string) Config {
	return Config{Client: s.CoordinationV1(), Namespace: "ns", Name: "lease", Identity: id, Timing: timing}
}

// runner is one Run in a goroutine, with what its work saw.
type runner struct {
	cancel  context.CancelFunc
	done    chan error
	started chan struct{} // receives once per call of work
	ended   chan time.Time
}

func start(t *testing.T, cfg Config, work func(context.Context)) *runner {
	ctx, cancel := context.WithCancel(logr.NewContext(context.Background(), testr.New(t).WithValues("replica", cfg.Identity)))
	r := &runner{cancel: cancel, done: make(chan error, 1), started: make(chan struct{}, 100), ended: make(chan time.Time, 100)}
	go func() {
		r.done <- Run(ctx, cfg, func(ctx context.Context) error {
			r.started <- struct{}{}
			if work != nil {
				work(ctx)
			} else {
				<-ctx.Done()
			}
			r.ended <- time.Now()
			return nil
		})
	}()
	return r
}

// stop cancels r and waits for Run to return.
func (r *runner) stop(t *testing.T) {
	t.Helper()
	r.cancel()
	select {
	case err := <-r.done:
		if err != nil {
			t.Errorf("Run returned %v", err)
		}
	case <-time.After(testWait):
		t.Fatalf("Run did not return within %v of its context ending", testWait)
	}
}

func receive[T any](t *testing.T, c <-chan T, what string) T {
	t.Helper()
	select {
	case v := <-c:
		return v
	case <-time.After(testWait):
		t.Fatalf("%s did not happen within %v", what, testWait)
		var zero T
		return zero
	}
}

func holder(t *testing.T, s *leaseServer) string {
	t.Helper()
	l, err := s.CoordinationV1().Leases("ns").Get(context.Background(), "lease", metav1.GetOptions{})
	if err != nil {
		t.Fatalf("getting the Lease: %v", err)
	}
	if l.Spec.HolderIdentity == nil {
		return ""
	}
	return *l.Spec.HolderIdentity
}

// TestRunStopsWorkBeforeTheLeaseCanExpire hangs every renewal, as a connection that sends and
// never answers does. client-go's renew loop waits on the hung request; the work must still
// stop before another process could take the Lease: LeaseDuration after the last renewal
// that succeeded.
func TestRunStopsWorkBeforeTheLeaseCanExpire(t *testing.T) {
	s := newLeaseServer()
	unhang := make(chan struct{})
	r := start(t, config(s, "a"), nil)
	defer r.stop(t) // after the hung request returned: until then, client-go's renew loop waits
	defer close(unhang)
	receive(t, r.started, "leading")
	time.Sleep(3 * timing.RetryPeriod) // a few renewals
	s.setRefuse(func(*coordinationv1.Lease) error {
		select {
		case <-unhang:
		case <-time.After(testWait):
		}
		return errors.New("connection reset")
	})
	ended := receive(t, r.ended, "the end of work")
	last, ok := s.lastRenewal("a")
	if !ok {
		t.Fatal("no successful write of the Lease by a")
	}
	if after := ended.Sub(last.at); after >= timing.LeaseDuration {
		t.Errorf("work ended %v after the last successful renewal another elector can tell apart, want before the Lease can expire (%v)", after, timing.LeaseDuration)
	}
}

// TestRunStopsWorkBeforeAnotherElectorLeads cuts the Lease writes of a and lets a plain
// client-go elector with a quick retry campaign: it must begin leading only after a's work
// ended. Two ways to cut: just after two renewals within one second (another elector tells
// renewals apart only at whole seconds, so it may count from the earlier one), and with a
// RetryPeriod so long that client-go's renew loop alone (RetryPeriod + RenewDeadline after the
// last success) would give up after the other elector took over.
func TestRunStopsWorkBeforeAnotherElectorLeads(t *testing.T) {
	for _, tc := range []struct {
		name   string
		timing Timing
		// cuts reports whether this successful write of a's, renewed at renew after one
		// renewed at prev, is the last one to land.
		cuts func(prev, renew time.Time, n int) bool
	}{
		{"two renewals in one second", timing, func(prev, renew time.Time, _ int) bool {
			return renew.Truncate(time.Second).Equal(prev.Truncate(time.Second)) && renew.Sub(prev) >= timing.RetryPeriod
		}},
		{"retry period near the renew deadline", Timing{LeaseDuration: 5 * time.Second, RenewDeadline: 3 * time.Second, RetryPeriod: 2400 * time.Millisecond},
			func(_, _ time.Time, n int) bool { return n == 3 }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := newLeaseServer()
			var (
				mu    sync.Mutex
				prev  time.Time
				n     int
				cut   bool
				cutAt time.Time
			)
			s.setRefuse(func(l *coordinationv1.Lease) error {
				if l.Spec.HolderIdentity == nil || *l.Spec.HolderIdentity != "a" {
					return nil
				}
				mu.Lock()
				defer mu.Unlock()
				if cut {
					return errors.New("connection reset")
				}
				renew := l.Spec.RenewTime.Time
				n++
				if !prev.IsZero() && tc.cuts(prev, renew, n) {
					cut, cutAt = true, time.Now() // this write lands, every later one is refused
				}
				prev = renew
				return nil
			})
			cfg := config(s, "a")
			cfg.Timing = tc.timing
			a := start(t, cfg, nil)
			defer a.stop(t)
			receive(t, a.started, "a leading")

			bLeads := make(chan time.Time, 1)
			b, err := leaderelection.NewLeaderElector(leaderelection.LeaderElectionConfig{
				Lock: &resourcelock.LeaseLock{LeaseMeta: metav1.ObjectMeta{Name: "lease", Namespace: "ns"},
					Client: s.CoordinationV1(), LockConfig: resourcelock.ResourceLockConfig{Identity: "b"}},
				LeaseDuration: tc.timing.LeaseDuration, RenewDeadline: tc.timing.RenewDeadline, RetryPeriod: 20 * time.Millisecond,
				Callbacks: leaderelection.LeaderCallbacks{
					OnStartedLeading: func(context.Context) { bLeads <- time.Now() },
					OnStoppedLeading: func() {},
				},
			})
			if err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithCancel(logr.NewContext(context.Background(), testr.New(t).WithValues("replica", "b")))
			defer cancel()
			go b.Run(ctx)
			bAt := receive(t, bLeads, "b leading")
			aEnded := receive(t, a.ended, "the end of a's work")
			mu.Lock()
			defer mu.Unlock()
			t.Logf("after the cut, a's work ended at %v and b led at %v", aEnded.Sub(cutAt), bAt.Sub(cutAt))
			if bAt.Before(aEnded) {
				t.Errorf("b led %v before a's work ended", aEnded.Sub(bAt))
			}
		})
	}
}

// TestRunNeverReleasesAnotherHoldersLease lets another process take the Lease while this one
// still believes it leads, then ends this one: the release must leave the other's Lease alone.
func TestRunNeverReleasesAnotherHoldersLease(t *testing.T) {
	s := newLeaseServer()
	cfg := config(s, "a")
	cfg.Timing = Timing{LeaseDuration: 10 * time.Second, RenewDeadline: 5 * time.Second, RetryPeriod: 200 * time.Millisecond}
	r := start(t, cfg, nil)
	receive(t, r.started, "leading")
	s.setRefuse(func(l *coordinationv1.Lease) error { // a's renewals are lost from now on
		if l.Spec.HolderIdentity != nil && *l.Spec.HolderIdentity == "a" {
			return errors.New("connection reset")
		}
		return nil
	})
	// b takes the Lease; a renewal of a's sent just before the refusal may win the race once.
	err := wait.PollUntilContextTimeout(context.Background(), 10*time.Millisecond, testWait, true, func(ctx context.Context) (bool, error) {
		lease, err := s.CoordinationV1().Leases("ns").Get(ctx, "lease", metav1.GetOptions{})
		if err != nil {
			return false, err
		}
		b, now := "b", metav1.NewMicroTime(time.Now())
		lease.Spec.HolderIdentity, lease.Spec.AcquireTime, lease.Spec.RenewTime = &b, &now, &now
		_, err = s.CoordinationV1().Leases("ns").Update(ctx, lease, metav1.UpdateOptions{})
		return err == nil, nil
	})
	if err != nil {
		t.Fatalf("b could not take the Lease: %v", err)
	}
	r.stop(t) // a's fence (5 s) still holds: it tries to release
	if got := holder(t, s); got != "b" {
		t.Errorf("after a stopped, the Lease names %q, want b, who took it", got)
	}
}

// TestRunReleasesItsLeaseWhenItsContextEnds lets another process take over at once rather than
// after LeaseDuration.
func TestRunReleasesItsLeaseWhenItsContextEnds(t *testing.T) {
	s := newLeaseServer()
	a := start(t, config(s, "a"), nil)
	receive(t, a.started, "a leading")
	b := start(t, config(s, "b"), nil)
	defer b.stop(t)
	a.stop(t)
	if got := holder(t, s); got != "" && got != "b" {
		t.Errorf("after a stopped, the Lease names %q, want it released", got)
	}
	receive(t, b.started, "b leading")
}

// TestRunStepsDownWhenWorkReturns campaigns again when work returns by itself, and never runs
// two calls of work at once, across two processes.
func TestRunStepsDownWhenWorkReturns(t *testing.T) {
	s := newLeaseServer()
	var running, most atomic.Int32
	var calls sync.Map
	work := func(id string) func(context.Context) {
		return func(ctx context.Context) {
			n := running.Add(1)
			defer running.Add(-1)
			for m := most.Load(); n > m && !most.CompareAndSwap(m, n); m = most.Load() {
			}
			v, _ := calls.LoadOrStore(id, new(atomic.Int32))
			v.(*atomic.Int32).Add(1)
			select { // return by itself after a little work
			case <-ctx.Done():
			case <-time.After(timing.RetryPeriod):
			}
		}
	}
	a := start(t, config(s, "a"), work("a"))
	b := start(t, config(s, "b"), work("b"))
	for range 4 {
		select {
		case <-a.started:
		case <-b.started:
		case <-time.After(testWait):
			t.Fatal("work was not called again after it returned")
		}
	}
	a.stop(t)
	b.stop(t)
	if most.Load() != 1 {
		t.Errorf("%d calls of work ran at once, want 1", most.Load())
	}
}
