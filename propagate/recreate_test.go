package propagate

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-logr/logr"
	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/validation/field"
	"k8s.io/client-go/kubernetes/fake"
	k8stesting "k8s.io/client-go/testing"
)

var secretsGVR = corev1.SchemeGroupVersion.WithResource("secrets")

// recreateSource deletes the source and creates it again under the same name with a new
// UID, changed by mutate, as a user running kubectl delete and kubectl create would.
func recreateSource(t *testing.T, c *fake.Clientset, uid types.UID, mutate func(*corev1.Secret)) {
	t.Helper()
	s := getSecret(t, c, src.Namespace, src.Name)
	if err := c.Tracker().Delete(secretsGVR, src.Namespace, src.Name); err != nil {
		t.Fatal(err)
	}
	s.UID, s.ResourceVersion = uid, ""
	mutate(s)
	if err := c.Tracker().Add(s); err != nil {
		t.Fatal(err)
	}
}

func basicAuth(s *corev1.Secret) {
	s.Type = corev1.SecretTypeBasicAuth
	s.Data = map[string][]byte{corev1.BasicAuthUsernameKey: []byte("admin"), corev1.BasicAuthPasswordKey: []byte("n3w")}
}

func makeImmutable(s *corev1.Secret) { s.Immutable = new(bool); *s.Immutable = true }

// copyMatchesSource fails unless ns holds an up-to-date copy of the source with its marks.
func copyMatchesSource(t *testing.T, c *fake.Clientset, ns string) {
	t.Helper()
	got := getSecret(t, c, ns, src.Name)
	source := getSecret(t, c, src.Namespace, src.Name)
	h := contentHash(source.UID, source)
	if contentHash(source.UID, got) != h || !marksCurrent(source, got, h) {
		t.Errorf("copy in %s: type %q, immutable %v, source UID %q; want the source's type %q, immutable %v, data and UID %q",
			ns, got.Type, isImmutable(got), got.Annotations[AnnotationSourceUID], source.Type, isImmutable(source), source.UID)
	}
}

// TestSyncSourceRecreatedWithAnotherType is the bug of issue 12: the source is deleted and
// created again as kubernetes.io/basic-auth and one Sync sees both. The API server refuses
// an update that changes a type, so every copy is deleted (with preconditions) and created.
func TestSyncSourceRecreatedWithAnotherType(t *testing.T) {
	const n = 3
	c := world(n)
	refused := serverRules(c)
	ctx := context.Background()
	if _, err := Sync(ctx, c, src, runaiTargets); err != nil {
		t.Fatal(err)
	}
	before := map[string]types.UID{}
	for i := range n {
		ns := fmt.Sprintf("runai-%d", i)
		before[ns] = getSecret(t, c, ns, src.Name).UID
	}
	recreateSource(t, c, "uid-2", basicAuth)
	c.ClearActions()

	r, err := Sync(ctx, c, src, runaiTargets)
	if err != nil {
		t.Fatalf("Sync after the source was re-created with another type: %v", err)
	}
	diffActions(t, want(n, Updated), actions(r))
	// The read promise holds on the recreate path: three reads, no GET, one delete and one
	// create per copy.
	if d := cmp.Diff(map[string]int{"get secrets": 1, "list namespaces": 1, "list secrets": 1, "delete secrets": n, "create secrets": n}, counts(c)); d != "" {
		t.Errorf("API calls (-want +got):\n%s", d)
	}
	if got := refused.total(); got != 0 {
		t.Errorf("%d updates refused as invalid, want 0", got)
	}
	for ns, uid := range before {
		copyMatchesSource(t, c, ns)
		if cp := getSecret(t, c, ns, src.Name); cp.UID == uid || cp.Type != corev1.SecretTypeBasicAuth {
			t.Errorf("copy in %s: type %q, same object %v; want a new kubernetes.io/basic-auth object", ns, cp.Type, cp.UID == uid)
		}
	}

	c.ClearActions()
	r, err = Sync(ctx, c, src, runaiTargets)
	if err != nil {
		t.Fatal(err)
	}
	diffActions(t, want(n, Unchanged), actions(r))
	if w, rd := writes(c), reads(c); w != 0 || rd != 3 {
		t.Errorf("sync after the recreate: %d writes, %d reads; want 0 and 3", w, rd)
	}
}

// TestSyncFollowsTheServersUpdateRules walks the cases ValidateSecretUpdate refuses, and
// their neighbours it accepts, against RecreateImmutable.
func TestSyncFollowsTheServersUpdateRules(t *testing.T) {
	noop := func(*corev1.Secret) {}
	mutable := func(s *corev1.Secret) { s.Immutable = nil }
	newData := func(s *corev1.Secret) { s.Data = map[string][]byte{"a": []byte("n3w")} }
	recreated := map[string]int{"delete secrets": 1, "create secrets": 1}
	inPlace := map[string]int{"update secrets": 1}
	for _, tc := range []struct {
		name          string
		first, second func(*corev1.Secret) // the source before and after it is re-created
		opts          []Option
		want          Action
		wantErr       string
		wantWrites    map[string]int
	}{
		{"type changed", noop, basicAuth, nil, Updated, "", recreated},
		{"type changed, RecreateImmutable set", noop, basicAuth, []Option{RecreateImmutable()}, Updated, "", recreated},
		{"type changed, immutable copy", makeImmutable, func(s *corev1.Secret) { basicAuth(s); makeImmutable(s) }, nil,
			Skipped, "opt in with RecreateImmutable", nil},
		{"type changed, immutable copy, RecreateImmutable", makeImmutable, func(s *corev1.Secret) { basicAuth(s); makeImmutable(s) },
			[]Option{RecreateImmutable()}, Updated, "", recreated},
		{"immutable copy, data changed", makeImmutable, func(s *corev1.Secret) { newData(s); makeImmutable(s) }, nil,
			Skipped, "opt in with RecreateImmutable", nil},
		{"immutable copy, data changed, RecreateImmutable", makeImmutable, func(s *corev1.Secret) { newData(s); makeImmutable(s) },
			[]Option{RecreateImmutable()}, Updated, "", recreated},
		{"immutable copy, source now mutable with the same data", makeImmutable, mutable, nil, Skipped, "opt in with RecreateImmutable", nil},
		{"immutable copy, source now mutable, RecreateImmutable", makeImmutable, mutable, []Option{RecreateImmutable()}, Updated, "", recreated},
		{"mutable copy, source now immutable", noop, func(s *corev1.Secret) { newData(s); makeImmutable(s) }, nil, Updated, "", inPlace},
		{"immutable copy, only the source UID changed", makeImmutable, makeImmutable, nil, Updated, "", inPlace},
		{"mutable copy, data changed", noop, newData, nil, Updated, "", inPlace},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := world(1)
			refused := serverRules(c)
			ctx := context.Background()
			updateSource(t, c, tc.first)
			if _, err := Sync(ctx, c, src, runaiTargets); err != nil {
				t.Fatal(err)
			}
			old := getSecret(t, c, "runai-0", src.Name)
			recreateSource(t, c, "uid-2", tc.second)
			c.ClearActions()

			r, err := Sync(ctx, c, src, runaiTargets, tc.opts...)
			diffActions(t, map[string]Action{"runai-0": tc.want}, actions(r))
			if tc.wantErr == "" && err != nil || tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)) {
				t.Errorf("error = %v, want one containing %q", err, tc.wantErr)
			}
			gotWrites := counts(c)
			for _, k := range []string{"get secrets", "list namespaces", "list secrets"} {
				if gotWrites[k] != 1 {
					t.Errorf("%d %s, want 1", gotWrites[k], k)
				}
				delete(gotWrites, k)
			}
			if d := cmp.Diff(tc.wantWrites, gotWrites, cmpEmpty); d != "" {
				t.Errorf("writes (-want +got):\n%s", d)
			}
			if got := refused.total(); got != 0 {
				t.Errorf("%d updates refused as invalid, want 0: the update should have been predicted", got)
			}
			if tc.want == Updated {
				copyMatchesSource(t, c, "runai-0")
			} else if d := cmp.Diff(old, getSecret(t, c, "runai-0", src.Name)); d != "" {
				t.Errorf("skipped copy was modified (-before +after):\n%s", d)
			}
		})
	}
}

// cmpEmpty treats a nil and an empty map alike.
var cmpEmpty = cmp.Comparer(func(a, b map[string]int) bool { return len(a) == 0 && len(b) == 0 || cmp.Equal(a, b) })

func TestUpdateRefusal(t *testing.T) {
	sec := func(typ corev1.SecretType, immutable bool, data map[string]string) *corev1.Secret {
		s := &corev1.Secret{Type: typ}
		if immutable {
			makeImmutable(s)
		}
		if data != nil {
			s.Data = map[string][]byte{}
			for k, v := range data {
				s.Data[k] = []byte(v)
			}
		}
		return s
	}
	typeErr := field.Invalid(field.NewPath("type"), "kubernetes.io/basic-auth", "field is immutable")
	immErr := field.Forbidden(field.NewPath("immutable"), "field is immutable when `immutable` is set")
	dataErr := field.Forbidden(field.NewPath("data"), "field is immutable when `immutable` is set")
	d := map[string]string{"a": "s3cret"}
	for _, tc := range []struct {
		name      string
		live, src *corev1.Secret
		want      field.ErrorList
	}{
		{"same", sec("Opaque", false, d), sec("Opaque", false, d), nil},
		{"empty type is Opaque", sec("", false, d), sec("Opaque", false, d), nil},
		{"data changed on a mutable Secret", sec("Opaque", false, d), sec("Opaque", false, map[string]string{"a": "n3w"}), nil},
		{"becomes immutable", sec("Opaque", false, d), sec("Opaque", true, d), nil},
		{"type changed", sec("Opaque", false, d), sec("kubernetes.io/basic-auth", false, d), field.ErrorList{typeErr}},
		{"immutable, unchanged", sec("Opaque", true, d), sec("Opaque", true, d), nil},
		{"immutable, nil and empty data", sec("Opaque", true, nil), sec("Opaque", true, map[string]string{}), nil},
		{"immutable, empty value and nil value", sec("Opaque", true, map[string]string{"a": ""}), &corev1.Secret{Type: "Opaque", Immutable: ptrTrue(), Data: map[string][]byte{"a": nil}}, nil},
		{"immutable, data changed", sec("Opaque", true, d), sec("Opaque", true, map[string]string{"a": "n3w"}), field.ErrorList{dataErr}},
		{"immutable, key renamed", sec("Opaque", true, d), sec("Opaque", true, map[string]string{"b": "s3cret"}), field.ErrorList{dataErr}},
		{"immutable dropped", sec("Opaque", true, d), sec("Opaque", false, d), field.ErrorList{immErr}},
		{"everything at once", sec("Opaque", true, d), sec("kubernetes.io/basic-auth", false, nil), field.ErrorList{typeErr, immErr, dataErr}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := updateRefusal(tc.live, tc.src)
			if d := cmp.Diff(tc.want, got); d != "" {
				t.Errorf("updateRefusal (-want +got):\n%s", d)
			}
			noSecretIn(t, got.ToAggregate())
		})
	}
}

func ptrTrue() *bool { b := true; return &b }

// refuseUpdates makes every update of a Secret fail as the API server does when a rule
// propagate cannot predict refuses it (an admission policy, a newer server's rule).
func refuseUpdates(c *fake.Clientset) *refusals {
	out := &refusals{}
	c.PrependReactor("update", "secrets", func(a k8stesting.Action) (bool, runtime.Object, error) {
		out.add(a.GetNamespace())
		return true, nil, apierrors.NewInvalid(corev1.SchemeGroupVersion.WithKind("Secret").GroupKind(), src.Name, field.ErrorList{
			field.Forbidden(field.NewPath("metadata", "annotations"), "denied by policy"),
		})
	})
	return out
}

func TestSyncInvalidUpdateFailsOnce(t *testing.T) {
	const n = 3
	c := world(n)
	ctx := context.Background()
	if _, err := Sync(ctx, c, src, runaiTargets); err != nil {
		t.Fatal(err)
	}
	updateSource(t, c, func(s *corev1.Secret) { s.Data["a"] = []byte("n3w") })
	refused := refuseUpdates(c)
	c.ClearActions()
	r, err := Sync(ctx, c, src, runaiTargets)
	diffActions(t, want(n, Failed), actions(r))
	for _, res := range r.Results {
		if !apierrors.IsInvalid(res.Err) || !strings.Contains(res.Err.Error(), "refused the update as invalid") || !strings.Contains(res.Err.Error(), "denied by policy") {
			t.Errorf("%s: Err = %v; want the Invalid error with its reason", res.Namespace, res.Err)
		}
	}
	if !apierrors.IsInvalid(err) {
		t.Errorf("returned error = %v, want it to wrap the Invalid errors", err)
	}
	noSecretIn(t, err)
	// Never retried unchanged, never turned into a delete.
	if d := cmp.Diff(map[string]int{"get secrets": 1, "list namespaces": 1, "list secrets": 1, "update secrets": n}, counts(c)); d != "" {
		t.Errorf("API calls (-want +got):\n%s", d)
	}
	if got := refused.total(); got != n {
		t.Errorf("%d refused updates, want %d", got, n)
	}
}

func TestControllerDoesNotRetryInvalidUpdates(t *testing.T) {
	c := world(2)
	updateSource(t, c, func(s *corev1.Secret) { s.Labels[RunAIOptInLabel] = "true" })
	var w watches
	serveFrom(c, c.Tracker(), &w)
	cancel, done := startController(t, c, RunAIConfig())
	defer func() { cancel(); <-done }()
	eventually(t, "initial copies", func() bool { return copyIs(c, "runai-0") && copyIs(c, "runai-1") })
	eventually(t, "three watches", func() bool { return w.count() >= 3 })

	settle(t, c)
	refused := refuseUpdates(c)
	updateSource(t, c, func(s *corev1.Secret) { s.Data["a"] = []byte("n3w") }) // past the reactor
	eventually(t, "both copies refused", func() bool { return refused.total() >= 2 })
	// The rate limiter would retry within milliseconds, ten times within two seconds; give it
	// the time to show (this is no speed assertion: a correct controller never retries).
	time.Sleep(2 * time.Second)
	refused.mu.Lock()
	defer refused.mu.Unlock()
	if d := cmp.Diff(map[string]int{"runai-0": 1, "runai-1": 1}, refused.n); d != "" {
		t.Errorf("refused updates per namespace (-want +got):\n%s", d)
	}
}

// settle waits until c has seen no request for half a second: the controller has handled the
// events of its own writes, so that what follows is the effect of one change only.
func settle(t *testing.T, c *fake.Clientset) {
	t.Helper()
	last, quiet := -1, 0
	eventually(t, "the controller to settle", func() bool {
		n := len(c.Actions())
		if n == last {
			quiet++
		} else {
			last, quiet = n, 0
		}
		return quiet >= 50 // 50 polls of 10ms
	})
}

func TestControllerRetriesOnlyWhatMayHeal(t *testing.T) {
	invalid := apierrors.NewInvalid(corev1.SchemeGroupVersion.WithKind("Secret").GroupKind(), "x", nil)
	transient := apierrors.NewTimeoutError("slow", 1)
	run := &sourceRun{c: &Controller{}, ctx: context.Background(), log: logr.Discard()}
	for _, tc := range []struct {
		name    string
		results []Result
		retry   bool
	}{
		{"all fine", []Result{{Namespace: "a", Action: Created}}, false},
		{"conflict and skip", []Result{{Namespace: "a", Action: Conflict, Err: errFake}, {Namespace: "b", Action: Skipped, Err: errFake}}, false},
		{"invalid only", []Result{{Namespace: "a", Action: Failed, Err: fmt.Errorf("wrapped: %w", invalid)}}, false},
		{"invalid and transient", []Result{{Namespace: "a", Action: Failed, Err: invalid}, {Namespace: "b", Action: Failed, Err: transient}}, true},
		{"transient", []Result{{Namespace: "b", Action: Failed, Err: transient}}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			report := &Report{Results: tc.results}
			got := run.outcome(false, time.Now(), report, report.err()) != nil
			if got != tc.retry {
				t.Errorf("retry = %v, want %v", got, tc.retry)
			}
		})
	}
}

// TestSyncIdentityChangesUnderTheRun changes the object behind a name between Sync's LIST
// and its write: preconditions make the write fail, the re-read decides again.
func TestSyncIdentityChangesUnderTheRun(t *testing.T) {
	replaceOnce := func(c *fake.Clientset, verb string, with func(ns string) *corev1.Secret) {
		var once sync.Once
		c.PrependReactor(verb, "secrets", func(a k8stesting.Action) (bool, runtime.Object, error) {
			if a.GetNamespace() != "runai-0" {
				return false, nil, nil
			}
			var err error
			once.Do(func() {
				if err = c.Tracker().Delete(secretsGVR, "runai-0", src.Name); err != nil {
					return
				}
				if with != nil {
					err = c.Tracker().Add(with("runai-0"))
				}
			})
			return err != nil, nil, err
		})
	}
	theirs := func(ns string) *corev1.Secret {
		s := unowned(ns, nil)
		s.UID, s.ResourceVersion = "theirs", "9999"
		return s
	}
	for _, tc := range []struct {
		name     string
		change   func(*testing.T, *fake.Clientset) // the source change that makes the write
		verb     string                            // the write that finds another object
		with     func(ns string) *corev1.Secret    // what is there then (nil: nothing)
		want     Action
		wantGets int
	}{
		{"copy replaced by an unowned Secret before the update", func(t *testing.T, c *fake.Clientset) {
			updateSource(t, c, func(s *corev1.Secret) { s.Data["a"] = []byte("n3w") })
		}, "update", theirs, Conflict, 2},
		{"copy replaced by an unowned Secret before the recreate", func(t *testing.T, c *fake.Clientset) {
			recreateSource(t, c, "uid-2", basicAuth)
		}, "delete", theirs, Conflict, 2},
		{"namespace deleted and re-created before the update", func(t *testing.T, c *fake.Clientset) {
			updateSource(t, c, func(s *corev1.Secret) { s.Data["a"] = []byte("n3w") })
		}, "update", nil, Created, 2},
		{"namespace deleted and re-created before the recreate", func(t *testing.T, c *fake.Clientset) {
			recreateSource(t, c, "uid-2", basicAuth)
		}, "delete", nil, Updated, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := world(2)
			serverRules(c)
			ctx := context.Background()
			if _, err := Sync(ctx, c, src, runaiTargets); err != nil {
				t.Fatal(err)
			}
			tc.change(t, c)
			replaceOnce(c, tc.verb, tc.with)
			c.ClearActions()
			r, _ := Sync(ctx, c, src, runaiTargets)
			diffActions(t, map[string]Action{"runai-0": tc.want, "runai-1": Updated}, actions(r))
			if got := counts(c)["get secrets"]; got != tc.wantGets {
				t.Errorf("%d GETs, want %d (the source, plus one per re-read)", got, tc.wantGets)
			}
			copyMatchesSource(t, c, "runai-1")
			if tc.with != nil {
				if got := getSecret(t, c, "runai-0", src.Name); got.UID != "theirs" || string(got.Data["theirs"]) != "x" || got.Labels != nil {
					t.Errorf("the unowned Secret in runai-0 was modified")
				}
			} else {
				copyMatchesSource(t, c, "runai-0")
			}
		})
	}
}

func TestSyncNamespaceTerminatingAtWriteTime(t *testing.T) {
	c := world(2)
	c.PrependReactor("create", "secrets", func(a k8stesting.Action) (bool, runtime.Object, error) {
		if a.GetNamespace() != "runai-0" {
			return false, nil, nil
		}
		// What the NamespaceLifecycle admission plugin answers.
		err := apierrors.NewForbidden(secretsGR, src.Name, errors.New("unable to create new content in namespace runai-0 because it is being terminated"))
		err.ErrStatus.Details.Causes = append(err.ErrStatus.Details.Causes, metav1.StatusCause{
			Type: corev1.NamespaceTerminatingCause, Message: "namespace runai-0 is being terminated", Field: "metadata.namespace",
		})
		return true, nil, err
	})
	r, err := Sync(context.Background(), c, src, runaiTargets)
	diffActions(t, map[string]Action{"runai-0": Skipped, "runai-1": Created}, actions(r))
	if err == nil || !strings.Contains(err.Error(), `namespace "runai-0" is terminating`) {
		t.Errorf("error = %v, want the terminating namespace named", err)
	}
	if got := counts(c)["create secrets"]; got != 2 {
		t.Errorf("%d creates, want 2 (no retry into a terminating namespace)", got)
	}
}
