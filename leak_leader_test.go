package podsecrets_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/go-logr/logr"
	"github.com/go-logr/logr/funcr"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/kubernetes/fake"
	k8stesting "k8s.io/client-go/testing"

	"github.com/podsecrets/podsecrets/propagate"
)

// leaderLeakCases covers the messages of leader election (leading, a renewal overdue, a
// release that failed, client-go's own lines) with a source holding a sentinel being copied
// while the Lease is won and lost.
func leaderLeakCases() []leakCase {
	return []leakCase{
		{"propagate.Controller", "Lease renewal overdue, release failed", false, func(t *testing.T, ctx context.Context) leakOut {
			s := secretWith("creds", map[string]string{"password": sentinel})
			s.Namespace, s.UID = "runai", "uid-src"
			s.Labels = map[string]string{propagate.RunAIOptInLabel: "true"}
			var objs []runtime.Object
			for _, n := range []string{"runai", "runai-a"} {
				ns := &corev1.Namespace{}
				ns.Name, ns.Status.Phase = n, corev1.NamespaceActive
				objs = append(objs, ns)
			}
			c := fake.NewClientset(append(objs, s)...)
			var failGets, failUpdates atomic.Bool
			c.PrependReactor("*", "leases", func(a k8stesting.Action) (bool, runtime.Object, error) {
				if a.GetVerb() == "get" && failGets.Load() || a.GetVerb() == "update" && failUpdates.Load() {
					return true, nil, apierrors.NewInternalError(errors.New("etcd unavailable"))
				}
				return false, nil, nil
			})
			cfg := propagate.RunAIConfig()
			cfg.LeaseName, cfg.LeaseNamespace, cfg.Identity = "podsecrets-leak", "runai", "replica-1"
			ctrl, err := propagate.NewController(c, cfg, propagate.LeaderElectionTiming(3*time.Second, time.Second, 200*time.Millisecond))
			if err != nil {
				t.Fatalf("NewController: %v", err)
			}
			// Every line goes to the test's logger and is kept here, to wait for the ones wanted.
			base := logr.FromContextOrDiscard(ctx)
			var mu sync.Mutex
			var lines []string
			logger := funcr.New(func(prefix, args string) {
				mu.Lock()
				lines = append(lines, args)
				mu.Unlock()
				base.Info(prefix + " " + args)
			}, funcr.Options{Verbosity: 1})
			logged := func(msg string, n int) bool {
				mu.Lock()
				defer mu.Unlock()
				seen := 0
				for _, l := range lines {
					if strings.Contains(l, `"msg"="`+msg) {
						seen++
					}
				}
				return seen >= n
			}
			// waitFor waits (not a timed assertion: it only bounds a hang) for the n-th line msg.
			waitFor := func(msg string, n int) {
				for deadline := time.Now().Add(30 * time.Second); !logged(msg, n); time.Sleep(10 * time.Millisecond) {
					if time.Now().After(deadline) {
						t.Fatalf("no log line %q (%d) within 30 s", msg, n)
					}
				}
			}
			run := func(while func()) error {
				ctx, cancel := context.WithCancel(logr.NewContext(ctx, logger))
				done := make(chan error, 1)
				go func() { done <- ctrl.Run(ctx) }()
				while()
				cancel()
				return <-done
			}
			// Leading, then stopped while the Lease cannot be read: the release fails.
			err1 := run(func() {
				waitFor("leading", 1)
				waitFor("controller synced", 1)
				failGets.Store(true)
			})
			waitFor("releasing the Lease failed", 1)
			failGets.Store(false)
			// Leading again on the Lease it kept, then its renewals fail: it stops working.
			err2 := run(func() {
				waitFor("leading", 2)
				failUpdates.Store(true)
				waitFor("renewal overdue", 1)
			})
			return errOut(errors.Join(err1, err2))
		}},
	}
}
