package propagate

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/kubernetes/fake"
	k8stesting "k8s.io/client-go/testing"
)

var secretsGR = schema.GroupResource{Resource: "secrets"}

// failIn makes verb on secrets fail with mk(namespace) in the namespaces for which it
// returns non-nil, at most times times per namespace (0 = always).
func failIn(c *fake.Clientset, verb string, times int, mk func(ns string) error) {
	var mu sync.Mutex
	seen := map[string]int{}
	c.PrependReactor(verb, "secrets", func(a k8stesting.Action) (bool, runtime.Object, error) {
		err := mk(a.GetNamespace())
		if err == nil {
			return false, nil, nil
		}
		mu.Lock()
		defer mu.Unlock()
		if times > 0 && seen[a.GetNamespace()] >= times {
			return false, nil, nil
		}
		seen[a.GetNamespace()]++
		return true, nil, err
	})
}

func TestSyncRetriesUpdateConflicts(t *testing.T) {
	const n = 3
	c := world(n)
	ctx := context.Background()
	if _, err := Sync(ctx, c, src, runaiTargets); err != nil {
		t.Fatal(err)
	}
	updateSource(t, c, func(s *corev1.Secret) { s.Data["a"] = []byte("n3w") })
	failIn(c, "update", 2, func(ns string) error {
		return apierrors.NewConflict(secretsGR, src.Name, errors.New("the object has been modified"))
	})
	c.ClearActions()
	r, err := Sync(ctx, c, src, runaiTargets)
	if err != nil {
		t.Fatal(err)
	}
	diffActions(t, want(n, Updated), actions(r))
	// Two conflicts per namespace: two extra GETs each, three update attempts each.
	if d := cmp.Diff(map[string]int{"get secrets": 1 + 2*n, "list namespaces": 1, "list secrets": 1, "update secrets": 3 * n}, counts(c)); d != "" {
		t.Errorf("API calls (-want +got):\n%s", d)
	}
}

func TestSyncCreateRaceBecomesConflict(t *testing.T) {
	c := world(1)
	// Someone else creates the Secret between our LIST and our create.
	c.PrependReactor("create", "secrets", func(a k8stesting.Action) (bool, runtime.Object, error) {
		if err := c.Tracker().Add(unowned(a.GetNamespace(), nil)); err != nil {
			return true, nil, err
		}
		return true, nil, apierrors.NewAlreadyExists(secretsGR, src.Name)
	})
	r, _ := Sync(context.Background(), c, src, runaiTargets)
	diffActions(t, map[string]Action{"runai-0": Conflict}, actions(r))
	if got := counts(c)["get secrets"]; got != 2 {
		t.Errorf("%d GETs, want 2 (source, one re-read after the race)", got)
	}
}

func TestSyncReportsFaultsAndConverges(t *testing.T) {
	for _, tc := range []struct {
		name string
		err  func(ns string) error
		is   func(error) bool
	}{
		{"forbidden", func(ns string) error {
			return apierrors.NewForbidden(secretsGR, src.Name, fmt.Errorf("no access to %s", ns))
		}, apierrors.IsForbidden},
		{"timeout", func(string) error { return apierrors.NewTimeoutError("request timed out", 1) }, apierrors.IsTimeout},
		{"too many requests", func(string) error { return apierrors.NewTooManyRequests("slow down", 1) }, apierrors.IsTooManyRequests},
	} {
		t.Run(tc.name, func(t *testing.T) {
			const n = 6
			c := world(n)
			bad := func(ns string) bool { i, _ := strconv.Atoi(strings.TrimPrefix(ns, "runai-")); return i%2 == 1 }
			failIn(c, "create", 0, func(ns string) error {
				if bad(ns) {
					return tc.err(ns)
				}
				return nil
			})
			r, err := Sync(context.Background(), c, src, runaiTargets)
			wantActions := map[string]Action{}
			for i := range n {
				ns := fmt.Sprintf("runai-%d", i)
				wantActions[ns] = Created
				if bad(ns) {
					wantActions[ns] = Failed
				}
			}
			diffActions(t, wantActions, actions(r))
			for _, res := range r.Results {
				if res.Action == Failed && !tc.is(res.Err) {
					t.Errorf("%s: Err = %v, not the injected kind", res.Namespace, res.Err)
				}
			}
			if err == nil || !strings.Contains(err.Error(), `namespace "runai-1": failed:`) || !tc.is(err) {
				t.Errorf("returned error = %v; want the joined namespace errors", err)
			}
			noSecretIn(t, err)

			c.ReactionChain = c.ReactionChain[1:] // the fault is gone
			r, err = Sync(context.Background(), c, src, runaiTargets)
			if err != nil {
				t.Fatalf("re-run: %v", err)
			}
			for ns, a := range wantActions {
				if a == Failed {
					wantActions[ns] = Created
				} else {
					wantActions[ns] = Unchanged
				}
			}
			diffActions(t, wantActions, actions(r))
		})
	}
}

// paginate serves LISTs of resource in pages of two items with Continue tokens, as a server
// may return fewer items than the Limit asked for.
func paginate(c *fake.Clientset, resource, kind string, pages *int) {
	c.PrependReactor("list", resource, func(a k8stesting.Action) (bool, runtime.Object, error) {
		opts := a.(k8stesting.ListActionImpl).ListOptions
		if opts.Limit == 0 {
			return true, nil, errors.New("list without limit")
		}
		obj, err := c.Tracker().List(a.GetResource(), corev1.SchemeGroupVersion.WithKind(kind), a.GetNamespace())
		if err != nil {
			return true, nil, err
		}
		items, err := meta.ExtractList(obj)
		if err != nil {
			return true, nil, err
		}
		start, _ := strconv.Atoi(opts.Continue)
		end := min(start+2, len(items))
		if err := meta.SetList(obj, items[start:end]); err != nil {
			return true, nil, err
		}
		if end < len(items) {
			obj.(metav1.ListInterface).SetContinue(strconv.Itoa(end))
		}
		*pages++
		return true, obj, nil
	})
}

func TestSyncFollowsPagination(t *testing.T) {
	const n = 7
	c := world(n, unowned("default", nil), unowned("runai-6", nil))
	var nsPages, secretPages int
	paginate(c, "namespaces", "Namespace", &nsPages)
	paginate(c, "secrets", "Secret", &secretPages)
	r, err := Sync(context.Background(), c, src, runaiTargets)
	wantActions := want(n, Created)
	wantActions["runai-6"] = Conflict // seen only on a later page
	diffActions(t, wantActions, actions(r))
	if err == nil || r == nil {
		t.Errorf("conflict not reported: %v", err)
	}
	// 9 namespaces in pages of 2; 3 secrets (source and two unowned) in pages of 2.
	if nsPages != 5 || secretPages != 2 {
		t.Errorf("read %d namespace pages and %d secret pages; want 5 and 2", nsPages, secretPages)
	}

	// Converged: every page read again, nothing written.
	c.ClearActions()
	nsPages, secretPages = 0, 0
	r, _ = Sync(context.Background(), c, src, runaiTargets)
	wantActions = want(n, Unchanged)
	wantActions["runai-6"] = Conflict
	diffActions(t, wantActions, actions(r))
	if w := writes(c); w != 0 || nsPages != 5 || secretPages != 5 {
		t.Errorf("second run: %d writes, %d namespace pages, %d secret pages; want 0, 5, 5", w, nsPages, secretPages)
	}
}

func TestSyncCancelledMidRun(t *testing.T) {
	const n = 50
	c := world(n)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var mu sync.Mutex
	created := 0
	c.PrependReactor("create", "secrets", func(k8stesting.Action) (bool, runtime.Object, error) {
		mu.Lock()
		defer mu.Unlock()
		created++
		if created == 5 {
			cancel()
		}
		return false, nil, nil
	})
	r, err := Sync(ctx, c, src, runaiTargets, Concurrency(1))
	if r == nil || len(r.Results) != n {
		t.Fatalf("want a report of %d namespaces, got %v", n, r)
	}
	if got := r.Count(Created); got != 5 {
		t.Errorf("%d created, want 5", got)
	}
	if got := r.Count(Failed); got != n-5 {
		t.Errorf("%d failed, want %d", got, n-5)
	}
	for _, res := range r.Results {
		if res.Action == Failed && !errors.Is(res.Err, context.Canceled) {
			t.Errorf("%s: Err = %v, want context.Canceled", res.Namespace, res.Err)
		}
	}
	if !errors.Is(err, context.Canceled) {
		t.Errorf("returned error = %v, want it to wrap context.Canceled", err)
	}
	if got := counts(c)["create secrets"]; got != 5 {
		t.Errorf("%d creates after cancel, want 5", got)
	}
	// A re-run converges.
	r, err = Sync(context.Background(), c, src, runaiTargets)
	if err != nil || r.Count(Created) != n-5 || r.Count(Unchanged) != 5 {
		t.Errorf("re-run: %s, %v", r.Summary(), err)
	}
}
