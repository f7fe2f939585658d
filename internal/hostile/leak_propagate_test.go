package hostile_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	k8stesting "k8s.io/client-go/testing"

	"github.com/go-logr/logr"
	"github.com/go-logr/logr/funcr"
	"github.com/podsecrets/podsecrets/propagate"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/validation/field"
	"k8s.io/client-go/kubernetes/fake"
	"k8s.io/client-go/tools/events"
)

func propagateLeakCases() []leakCase {
	S, S2 := sentinel, sentinel2
	source := types.NamespacedName{Namespace: "runai", Name: "creds"}
	ns := func(name string) *corev1.Namespace {
		n := &corev1.Namespace{}
		n.Name = name
		n.Status.Phase = corev1.NamespaceActive
		return n
	}
	src := func(typ corev1.SecretType) *corev1.Secret {
		s := secretWith(source.Name, map[string]string{"password": S})
		s.Namespace, s.UID, s.Type = source.Namespace, "uid-src", typ
		s.Annotations = map[string]string{"kubernetes.io/service-account.name": "default"}
		return s
	}
	foreign := secretWith(source.Name, map[string]string{"password": S2})
	foreign.Namespace = "runai-b"
	foreign.Annotations = map[string]string{"note": "hand-made"}
	world := func(objs ...runtime.Object) *fake.Clientset {
		return fake.NewClientset(append([]runtime.Object{ns("runai"), ns("runai-a"), ns("runai-b"), ns("runai-c")}, objs...)...)
	}
	targets := propagate.Targets{Pattern: "runai-*", Names: []string{"runai-missing"}}
	report := func(rep *propagate.Report, err error) leakOut {
		out := leakOut{err: err, texts: map[string]string{}}
		if rep != nil {
			out.texts["Summary()"] = rep.Summary()
			out.texts["report %v"] = fmt.Sprintf("%v", rep)
			out.texts["report %+v"] = fmt.Sprintf("%+v", rep)
			out.texts["report %#v"] = fmt.Sprintf("%#v", rep)
			var errs []error
			for _, r := range rep.Results {
				errs = append(errs, r.Err)
			}
			if e := errors.Join(errs...); e != nil {
				out.texts["results' errors"] = fmt.Sprintf("%v %+v %#v", e, e, errs)
			}
		}
		return out
	}
	failWrites := func(c *fake.Clientset, ns string, verb string, err error) {
		c.PrependReactor(verb, "secrets", func(a k8stesting.Action) (bool, runtime.Object, error) {
			if a.GetNamespace() == ns {
				return true, nil, err
			}
			return false, nil, nil
		})
	}
	gr := schema.GroupResource{Resource: "secrets"}
	syncs := func(c *fake.Clientset, opts ...propagate.Option) func(*testing.T, context.Context) leakOut {
		return func(_ *testing.T, ctx context.Context) leakOut {
			return report(propagate.Sync(ctx, c, source, targets, opts...))
		}
	}
	return []leakCase{
		{"propagate.Sync", "create, conflict, API errors", true, func(t *testing.T, ctx context.Context) leakOut {
			c := world(src(corev1.SecretTypeOpaque), foreign)
			failWrites(c, "runai-c", "create", apierrors.NewInternalError(errors.New("etcd unavailable")))
			return syncs(c)(t, ctx)
		}},
		{"propagate.Sync", "update conflicts on an edited copy", true, func(t *testing.T, ctx context.Context) leakOut {
			c := world(src(corev1.SecretTypeOpaque))
			if _, err := propagate.Sync(ctx, c, source, targets); err != nil && !strings.Contains(err.Error(), "runai-missing") {
				t.Fatalf("first Sync: %v", err)
			}
			edited, err := c.CoreV1().Secrets("runai-a").Get(ctx, source.Name, metav1.GetOptions{})
			if err != nil {
				t.Fatal(err)
			}
			edited.Data["password"] = []byte(S2)
			if _, err := c.CoreV1().Secrets("runai-a").Update(ctx, edited, metav1.UpdateOptions{}); err != nil {
				t.Fatal(err)
			}
			failWrites(c, "runai-a", "update", apierrors.NewConflict(gr, source.Name, errors.New("the object has been modified")))
			return syncs(c)(t, ctx)
		}},
		{"propagate.Sync", "stale immutable copy", true, func(t *testing.T, ctx context.Context) leakOut {
			s := src(corev1.SecretTypeOpaque)
			im := true
			s.Immutable = &im
			c := world(s)
			if _, err := propagate.Sync(ctx, c, source, targets); err != nil && !strings.Contains(err.Error(), "runai-missing") {
				t.Fatalf("first Sync: %v", err)
			}
			live, err := c.CoreV1().Secrets("runai").Get(ctx, source.Name, metav1.GetOptions{})
			if err != nil {
				t.Fatal(err)
			}
			live.Data["password"] = []byte(S2)
			if _, err := c.CoreV1().Secrets("runai").Update(ctx, live, metav1.UpdateOptions{}); err != nil {
				t.Fatal(err)
			}
			return syncs(c)(t, ctx)
		}},
		{"propagate.Sync", "dry run", true, syncs(world(src(corev1.SecretTypeOpaque), foreign), propagate.DryRun())},
		{"propagate.Sync", "service-account-token source refused", true, syncs(world(src(corev1.SecretTypeServiceAccountToken)))},
		{"propagate.Sync", "Helm release source refused", true, func(t *testing.T, ctx context.Context) leakOut {
			s := src("helm.sh/release.v1")
			return syncs(world(s))(t, ctx)
		}},
		{"propagate.Sync", "empty targets", true, func(_ *testing.T, ctx context.Context) leakOut {
			return report(propagate.Sync(ctx, world(src(corev1.SecretTypeOpaque)), source, propagate.Targets{}))
		}},
		{"propagate.Sync", "cancelled context", true, func(_ *testing.T, ctx context.Context) leakOut {
			ctx, cancel := context.WithCancel(ctx)
			cancel()
			return report(propagate.Sync(ctx, world(src(corev1.SecretTypeOpaque), foreign), source, targets))
		}},
		{"propagate.Controller", "conflict and API error logged", false, func(t *testing.T, ctx context.Context) leakOut {
			s := src(corev1.SecretTypeOpaque)
			s.Labels = map[string]string{propagate.RunAIOptInLabel: "true"}
			c := world(s, foreign)
			failWrites(c, "runai-c", "create", apierrors.NewInternalError(errors.New("etcd unavailable")))
			ctrl, err := propagate.NewController(c, propagate.RunAIConfig())
			if err != nil {
				t.Fatalf("NewController: %v", err)
			}
			ctx, cancel := context.WithCancel(ctx)
			done := make(chan error, 1)
			go func() { done <- ctrl.Run(ctx) }()
			// Wait (not a timed assertion) until the controller has written the copy it can.
			for i := 0; i < 1000; i++ {
				if _, err := c.CoreV1().Secrets("runai-a").Get(ctx, source.Name, metav1.GetOptions{}); err == nil {
					break
				}
				time.Sleep(10 * time.Millisecond)
			}
			cancel()
			return errOut(<-done)
		}},
		{"propagate.Controller", "Events and OnSync: conflict, failure, prune", false, func(t *testing.T, ctx context.Context) leakOut {
			s := src(corev1.SecretTypeOpaque)
			s.Labels = map[string]string{propagate.RunAIOptInLabel: "true"}
			c := world(s, foreign, ns("other"))
			// A copy in namespace other, which RunAIConfig does not select: pruned.
			if _, err := propagate.Sync(ctx, c, source, propagate.Targets{Names: []string{"other"}}); err != nil {
				t.Fatalf("Sync into other: %v", err)
			}
			failWrites(c, "runai-c", "create", apierrors.NewInternalError(errors.New("etcd unavailable")))
			rec := events.NewFakeRecorder(1000)
			out := leakOut{texts: map[string]string{}}
			var mu sync.Mutex
			cfg := propagate.RunAIConfig()
			cfg.Events = rec
			cfg.OnSync = func(_ context.Context, o propagate.SyncOutcome) {
				mu.Lock()
				defer mu.Unlock()
				out.texts[fmt.Sprintf("OnSync %d %%+v", len(out.texts))] = fmt.Sprintf("%+v %v", o, o.Report.Summary())
				out.err = errors.Join(out.err, o.Err)
			}
			ctrl, err := propagate.NewController(c, cfg)
			if err != nil {
				t.Fatalf("NewController: %v", err)
			}
			ctx, cancel := context.WithCancel(ctx)
			done := make(chan error, 1)
			go func() { done <- ctrl.Run(ctx) }()
			seen := map[string]bool{}
			// Wait (not a timed assertion) for the three Events.
			for i := 0; i < 3000 && len(seen) < 3; i++ {
				select {
				case e := <-rec.Events:
					mu.Lock()
					out.texts[fmt.Sprintf("Event %d", len(out.texts))] = e
					mu.Unlock()
					for _, r := range []string{propagate.EventReasonConflict, propagate.EventReasonFailed, propagate.EventReasonPruned} {
						if strings.Contains(e, " "+r+" ") {
							seen[r] = true
						}
					}
				case <-time.After(10 * time.Millisecond):
				}
			}
			if len(seen) < 3 {
				t.Errorf("Events seen: %v; want a conflict, a failure and a prune (the case tests little)", seen)
			}
			cancel()
			err = <-done
			mu.Lock()
			defer mu.Unlock()
			out.err = errors.Join(out.err, err)
			return out
		}},
		{"propagate.Remove", "copies, conflict, API error", true, func(t *testing.T, ctx context.Context) leakOut {
			c := world(src(corev1.SecretTypeOpaque))
			if _, err := propagate.Sync(ctx, c, source, propagate.Targets{Pattern: "runai-*"}); err != nil {
				t.Fatalf("Sync: %v", err)
			}
			if err := c.CoreV1().Secrets("runai-b").Delete(ctx, source.Name, metav1.DeleteOptions{}); err != nil {
				t.Fatal(err)
			}
			if _, err := c.CoreV1().Secrets("runai-b").Create(ctx, foreign, metav1.CreateOptions{}); err != nil {
				t.Fatal(err)
			}
			failWrites(c, "runai-c", "delete", apierrors.NewForbidden(gr, source.Name, errors.New("RBAC says no")))
			return report(propagate.Remove(ctx, c, source))
		}},
	}
}

// propagateRecreateLeakCases covers the messages of recreating copies the API server will
// not update in place, of writes it refuses as invalid and of namespaces that terminate
// while a Sync writes, with sentinels in the data of the old and the new source.
func propagateRecreateLeakCases() []leakCase {
	source := types.NamespacedName{Namespace: "runai", Name: "creds"}
	secretsGVR := corev1.SchemeGroupVersion.WithResource("secrets")
	gk := schema.GroupKind{Kind: "Secret"}
	world := func(s *corev1.Secret) *fake.Clientset {
		var objs []runtime.Object
		for _, n := range []string{"runai", "runai-a", "runai-b"} {
			ns := &corev1.Namespace{}
			ns.Name, ns.Status.Phase = n, corev1.NamespaceActive
			objs = append(objs, ns)
		}
		return fake.NewClientset(append(objs, s)...)
	}
	src := func(typ corev1.SecretType, immutable bool, data map[string]string) *corev1.Secret {
		s := secretWith(source.Name, data)
		s.Namespace, s.UID, s.Type = source.Namespace, "uid-1", typ
		s.Labels = map[string]string{propagate.RunAIOptInLabel: "true"}
		if immutable {
			s.Immutable = &immutable
		}
		return s
	}
	// recreated syncs s, then replaces it by next (a new UID) as kubectl delete and create do.
	recreated := func(t *testing.T, ctx context.Context, s, next *corev1.Secret) *fake.Clientset {
		c := world(s)
		if _, err := propagate.Sync(ctx, c, source, propagate.Targets{Pattern: "runai-*"}); err != nil {
			t.Fatalf("first Sync: %v", err)
		}
		if err := c.Tracker().Delete(secretsGVR, source.Namespace, source.Name); err != nil {
			t.Fatal(err)
		}
		next.UID = "uid-2"
		if err := c.Tracker().Add(next); err != nil {
			t.Fatal(err)
		}
		return c
	}
	report := func(rep *propagate.Report, err error) leakOut {
		out := leakOut{err: err, texts: map[string]string{}}
		if rep != nil {
			out.texts["Summary()"] = rep.Summary()
			out.texts["report %+v"] = fmt.Sprintf("%+v", rep)
			var errs []error
			for _, r := range rep.Results {
				errs = append(errs, r.Err)
			}
			out.texts["results' errors"] = fmt.Sprintf("%v", errors.Join(errs...))
		}
		return out
	}
	// Names a missing namespace, so that every case has an error to look at.
	targets := propagate.Targets{Pattern: "runai-*", Names: []string{"runai-missing"}}
	refuseUpdates := func(c *fake.Clientset) {
		c.PrependReactor("update", "secrets", func(a k8stesting.Action) (bool, runtime.Object, error) {
			return true, nil, apierrors.NewInvalid(gk, source.Name, field.ErrorList{
				field.Forbidden(field.NewPath("data"), "denied by policy"),
			})
		})
	}
	basicAuth := map[string]string{corev1.BasicAuthUsernameKey: "admin", corev1.BasicAuthPasswordKey: sentinel2}
	return []leakCase{
		{"propagate.Sync", "source re-created with another type", true, func(t *testing.T, ctx context.Context) leakOut {
			c := recreated(t, ctx, src(corev1.SecretTypeOpaque, false, map[string]string{"password": sentinel}),
				src(corev1.SecretTypeBasicAuth, false, basicAuth))
			return report(propagate.Sync(ctx, c, source, targets))
		}},
		{"propagate.Sync", "immutable copy to recreate without RecreateImmutable", true, func(t *testing.T, ctx context.Context) leakOut {
			c := recreated(t, ctx, src(corev1.SecretTypeOpaque, true, map[string]string{"password": sentinel}),
				src(corev1.SecretTypeBasicAuth, true, basicAuth))
			return report(propagate.Sync(ctx, c, source, targets))
		}},
		{"propagate.Sync", "update refused as invalid", true, func(t *testing.T, ctx context.Context) leakOut {
			c := recreated(t, ctx, src(corev1.SecretTypeOpaque, false, map[string]string{"password": sentinel}),
				src(corev1.SecretTypeOpaque, false, map[string]string{"password": sentinel2}))
			refuseUpdates(c)
			return report(propagate.Sync(ctx, c, source, targets))
		}},
		{"propagate.Sync", "namespace terminating at write time", true, func(t *testing.T, ctx context.Context) leakOut {
			c := world(src(corev1.SecretTypeOpaque, false, map[string]string{"password": sentinel}))
			c.PrependReactor("create", "secrets", func(a k8stesting.Action) (bool, runtime.Object, error) {
				err := apierrors.NewForbidden(schema.GroupResource{Resource: "secrets"}, source.Name, errors.New("namespace is being terminated"))
				err.ErrStatus.Details.Causes = append(err.ErrStatus.Details.Causes, metav1.StatusCause{Type: corev1.NamespaceTerminatingCause})
				return true, nil, err
			})
			return report(propagate.Sync(ctx, c, source, targets))
		}},
		{"propagate.Controller", "update refused as invalid, logged once", false, func(t *testing.T, ctx context.Context) leakOut {
			c := recreated(t, ctx, src(corev1.SecretTypeOpaque, false, map[string]string{"password": sentinel}),
				src(corev1.SecretTypeOpaque, false, map[string]string{"password": sentinel2}))
			refuseUpdates(c)
			ctrl, err := propagate.NewController(c, propagate.RunAIConfig())
			if err != nil {
				t.Fatalf("NewController: %v", err)
			}
			ctx, cancel := context.WithCancel(ctx)
			done := make(chan error, 1)
			go func() { done <- ctrl.Run(ctx) }()
			// Wait (not a timed assertion) until the controller has tried to update both copies.
			for i := 0; i < 1000 && countVerb(c, "update") < 2; i++ {
				time.Sleep(10 * time.Millisecond)
			}
			cancel()
			return errOut(<-done)
		}},
	}
}

// countVerb counts c's recorded actions with verb on secrets.
func countVerb(c *fake.Clientset, verb string) int {
	n := 0
	for _, a := range c.Actions() {
		if a.GetVerb() == verb && strings.HasSuffix(a.GetResource().Resource, "secrets") {
			n++
		}
	}
	return n
}

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
			cfg.LeaseDuration, cfg.RenewDeadline, cfg.RetryPeriod = 3*time.Second, time.Second, 200*time.Millisecond
			ctrl, err := propagate.NewController(c, cfg)
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
