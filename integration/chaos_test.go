package integration

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/podsecrets/podsecrets/propagate"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/client-go/kubernetes"
)

// Chaos timing. The Lease uses propagate's defaults (15 s duration, 10 s renew deadline, 2 s
// retry), as a deployment would; a refusal lasts longer than the renew deadline, so the leader
// loses the Lease while it is cut off.
const (
	chaosRefusal = 12 * time.Second
	// chaosIsolation bounds how long the leader is cut off: until the follower has taken over,
	// and chaosIsolationAfter more, so that the old leader comes back to a Lease it no longer
	// holds. The follower takes over a Lease duration after it saw the last renewal, and it
	// looks every retry period with client-go's jitter (up to 2.2 × 2 s), so about 15–24 s in.
	chaosIsolation      = 3 * propagate.DefaultLeaseDuration
	chaosIsolationAfter = 2 * time.Second
	// chaosConverge bounds the wait for the copies to match the world after a fault. It is no
	// speed assertion: it is several times the Lease duration, so only a controller that does
	// not recover fails it. The times it took are logged (see BENCHMARKS.md).
	chaosConverge = 90 * time.Second
	chaosLease    = "podsecrets-chaos"
	// chaosAfterFault is how long the churn goes on after a fault, so that a replica that
	// wrongly believes it leads has work to show it.
	chaosAfterFault = 3 * time.Second
	// chaosChurnInterval is the pause between two changes of the world during a fault.
	chaosChurnInterval = 150 * time.Millisecond
)

// TestChaos runs two leader-elected propagate Controllers against a kube-apiserver of its own
// (it restarts it) while the world changes, injects one fault per subtest, and checks after
// each that the copies converge, that no unowned Secret or source was written, and that only
// the Lease holder wrote Secrets. It stops by itself: every fault, churn and wait is bounded.
//
//	cd integration && go test -count=1 -run TestChaos -v .
func TestChaos(t *testing.T) {
	seed := uint64(time.Now().UnixNano())
	t.Logf("seed %d", seed)
	srv := startChaosServer(t)
	_, admin := srv.client(t, "podsecrets-chaos-world", nil)
	w := newWorld(t, admin, seed)
	h := &chaosHarness{srv: srv, world: w, log: &writeLog{}, top: t}
	h.addReplica(t)
	h.addReplica(t)
	if took, diff, err := w.converge(chaosConverge); err != nil {
		t.Fatalf("the first sync did not converge in %v: %s", chaosConverge, diff)
	} else {
		t.Logf("first sync converged after %v", took.Round(10*time.Millisecond))
	}

	for _, f := range []chaosFault{
		{"CutConnections", "every connection of both replicas reset, three times 1 s apart", func(t *testing.T, h *chaosHarness) {
			for range 3 {
				for _, r := range h.replicas {
					r.proxy.cut()
				}
				time.Sleep(time.Second)
			}
		}},
		{"IsolateLeader", "the leader's connections reset and refused until the other replica holds the Lease, and 2 s more", func(t *testing.T, h *chaosHarness) {
			leader := h.leader(t)
			began := time.Now()
			leader.proxy.refuse(chaosIsolation)
			defer leader.proxy.admit()
			for now := h.log.current(); now == leader.id || now == ""; now = h.log.current() {
				if time.Since(began) > chaosIsolation {
					t.Errorf("the Lease is held by %q after its holder %s was cut off for %v; want the other replica", now, leader.id, chaosIsolation)
					return
				}
				time.Sleep(50 * time.Millisecond)
			}
			t.Logf("the other replica took the Lease %v after the leader was cut off", time.Since(began).Round(10*time.Millisecond))
			time.Sleep(chaosIsolationAfter)
		}},
		{"RefuseAll", "both replicas' connections reset and refused for 12 s", func(t *testing.T, h *chaosHarness) {
			for _, r := range h.replicas {
				r.proxy.refuse(chaosRefusal)
			}
			time.Sleep(chaosRefusal)
		}},
		{"CancelLeader", "the leader's context cancelled while it writes; a new replica joins", func(t *testing.T, h *chaosHarness) {
			leader := h.leader(t)
			before := len(h.log.since(time.Time{}))
			h.touchAllSources(t)
			deadline := time.Now().Add(10 * time.Second)
			for time.Now().Before(deadline) && !h.wroteSince(leader.id, before) {
				time.Sleep(5 * time.Millisecond)
			}
			leader.stop()
			h.removeReplica(leader)
			h.addReplica(t)
		}},
		{"RestartAPIServer", "kube-apiserver stopped and started again on the same etcd", func(t *testing.T, h *chaosHarness) {
			t.Logf("API server down for %v", h.srv.restart(t).Round(10*time.Millisecond))
		}},
		{"RetypeWhileDisconnected", "both replicas refused for 12 s while every source is deleted and re-created with another type", func(t *testing.T, h *chaosHarness) {
			for _, r := range h.replicas {
				r.proxy.refuse(chaosRefusal)
			}
			// The churn may re-create the same source at the same time: retry on its conflicts.
			for _, name := range h.world.sources {
				err := wait.PollUntilContextTimeout(context.Background(), 50*time.Millisecond, 10*time.Second, true, func(ctx context.Context) (bool, error) {
					return h.world.recreateSource(ctx, name, true) == nil, nil
				})
				if err != nil {
					t.Errorf("re-creating source %s with another type: %v", name, err)
				}
			}
			time.Sleep(chaosRefusal)
		}},
	} {
		t.Run(f.name, func(t *testing.T) {
			h.run(t, f)
		})
	}
	var lines []string
	for _, r := range h.results {
		lines = append(lines, fmt.Sprintf("%-24s converged after %v", r.fault, r.took.Round(10*time.Millisecond)))
	}
	t.Logf("convergence after each fault (seed %d):\n%s", seed, strings.Join(lines, "\n"))
}

// chaosFault is one fault: inject starts it and returns once it is over.
type chaosFault struct {
	name, what string
	inject     func(*testing.T, *chaosHarness)
}

// chaosHarness holds the server, the world, the replicas and what was measured.
type chaosHarness struct {
	srv      *chaosServer
	world    *world
	log      *writeLog
	top      *testing.T // replicas belong to the top-level test: they outlive a subtest
	replicas []*chaosReplica
	n        int
	results  []chaosResult
}

// chaosReplica is one Controller with its own proxy and identity.
type chaosReplica struct {
	id    string
	proxy *faultProxy
	stop  func()
}

// chaosResult is how long the copies took to converge after a fault.
type chaosResult struct {
	fault string
	took  time.Duration
}

// addReplica starts a leader-elected Controller on a client of its own, through a proxy of its
// own, whose Secret writes are recorded.
func (h *chaosHarness) addReplica(t *testing.T) {
	t.Helper()
	h.n++
	id := fmt.Sprintf("replica-%d", h.n)
	proxy, client := h.srv.client(t, chaosControllerAgent+"/"+id, h.log.wrap(id))
	stop := runLeaderElected(h.top, client, propagate.ControllerConfig{
		SourceNamespace: chaosSourceNS,
		SourceSelector:  labels.SelectorFromSet(labels.Set{chaosOptIn: "true"}),
		Targets:         chaosTargets(),
		LeaseName:       chaosLease,
		LeaseNamespace:  chaosSourceNS,
		Identity:        id,
	})
	h.replicas = append(h.replicas, &chaosReplica{id: id, proxy: proxy, stop: stop})
}

// removeReplica forgets r, which was stopped.
func (h *chaosHarness) removeReplica(r *chaosReplica) {
	for i, x := range h.replicas {
		if x == r {
			h.replicas = append(h.replicas[:i], h.replicas[i+1:]...)
			return
		}
	}
}

// leader waits until the Lease names one of the running replicas and returns it.
func (h *chaosHarness) leader(t *testing.T) *chaosReplica {
	t.Helper()
	deadline := time.Now().Add(chaosConverge)
	for time.Now().Before(deadline) {
		holder := h.log.current()
		for _, r := range h.replicas {
			if r.id == holder {
				return r
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("no running replica holds the Lease after %v (holder %q)", chaosConverge, h.log.current())
	return nil
}

// wroteSince reports whether replica id wrote a Secret after the first n writes of the log.
func (h *chaosHarness) wroteSince(id string, n int) bool {
	writes := h.log.since(time.Time{})
	for _, w := range writes[min(n, len(writes)):] {
		if w.replica == id {
			return true
		}
	}
	return false
}

// touchAllSources updates every source, so the leader has work in every namespace.
func (h *chaosHarness) touchAllSources(t *testing.T) {
	t.Helper()
	ctx := context.Background()
	for range len(h.world.sources) * 2 {
		if err := h.world.updateSource(ctx); err != nil {
			t.Logf("updating a source: %v", err)
		}
	}
}

// run injects f while the world churns, then waits for the copies to converge and checks who
// wrote.
func (h *chaosHarness) run(t *testing.T, f chaosFault) {
	if _, diff, err := h.world.converge(chaosConverge); err != nil {
		t.Fatalf("not converged before the fault: %s", diff)
	}
	began := time.Now()
	stop := make(chan struct{})
	var churning sync.WaitGroup
	churning.Go(func() { h.world.churn(stop, chaosChurnInterval, 400) })
	time.Sleep(time.Second)
	t.Logf("fault: %s", f.what)
	f.inject(t, h)
	time.Sleep(chaosAfterFault)
	close(stop)
	churning.Wait()
	t.Logf("churn: %s", h.world.counts())

	took, diff, err := h.world.converge(chaosConverge)
	if err != nil {
		t.Errorf("not converged %v after the fault and the churn ended: %s", chaosConverge, diff)
	} else {
		t.Logf("converged %v after the fault and the churn ended", took.Round(10*time.Millisecond))
		h.results = append(h.results, chaosResult{fault: f.name, took: took})
	}
	writes := h.log.since(began)
	byReplica := map[string]int{}
	for _, w := range writes {
		byReplica[w.replica]++
	}
	t.Logf("Secret writes by replica: %v; Lease now held by %q", byReplica, h.log.current())
	if lines, n := h.log.strays(writes); n > 0 {
		t.Errorf("%d Secret writes by a replica that did not hold the Lease, e.g.:\n%s", n, strings.Join(lines, "\n"))
	}
}

// runLeaderElected starts a Controller on client and returns a function that cancels its
// context and waits for Run to return; it is also called when t ends.
func runLeaderElected(t *testing.T, client kubernetes.Interface, cfg propagate.ControllerConfig) (stop func()) {
	ctrl, err := propagate.NewController(client, cfg)
	if err != nil {
		t.Fatalf("NewController: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- ctrl.Run(ctx) }()
	var once sync.Once
	stop = func() {
		once.Do(func() {
			cancel()
			select {
			case err := <-done:
				if err != nil {
					t.Errorf("Controller.Run of %s: %v", cfg.Identity, err)
				}
			case <-time.After(time.Minute):
				t.Errorf("Controller.Run of %s did not return within a minute of its context ending", cfg.Identity)
			}
		})
	}
	t.Cleanup(stop)
	return stop
}
