package rollout

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/kubernetes/fake"
)

// capturedEvent is one Event a Controller recorded.
type capturedEvent struct {
	Regarding                  string // "Deployment team/app"
	Type, Reason, Action, Note string
}

// eventCapture is an events.EventRecorder that keeps what it is given.
type eventCapture struct {
	mu     sync.Mutex
	events []capturedEvent
}

// Eventf keeps the Event.
func (e *eventCapture) Eventf(regarding, _ runtime.Object, eventtype, reason, action, note string, args ...any) {
	r, _ := regarding.(*corev1.ObjectReference)
	ev := capturedEvent{Type: eventtype, Reason: reason, Action: action, Note: fmt.Sprintf(note, args...)}
	if r != nil {
		ev.Regarding = r.APIVersion + " " + r.Kind + " " + r.Namespace + "/" + r.Name
	}
	e.mu.Lock()
	e.events = append(e.events, ev)
	e.mu.Unlock()
}

func (e *eventCapture) all() []capturedEvent {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]capturedEvent(nil), e.events...)
}

// TestRollEventAndOnRoll: a roll records an Event on the workload naming the Secret and the
// keys that changed, and reaches the hook; a workload whose stamp differs when the controller
// starts rolls with an Event saying the change was not seen.
func TestRollEventAndOnRoll(t *testing.T) {
	spec := envSpec("db", "password")
	c := fake.NewClientset(dbSecret("p0", "o"))
	c = fake.NewClientset(dbSecret("p0", "o"),
		deployment("app", true, spec, hashOf(t, c, spec)),
		deployment("stale", true, spec, "a-stamp-from-other-data"))
	rec := &eventCapture{}
	var mu sync.Mutex
	var rolls []Roll
	l, w := start(t, c, Config{Debounce: 20 * time.Millisecond, Events: rec, OnRoll: func(_ context.Context, r Roll) {
		mu.Lock()
		rolls = append(rolls, r)
		mu.Unlock()
	}})
	eventually(t, "app up to date, stale rolled", func() bool {
		return l.count("up to date", "Deployment team/app") > 0 && len(patches(c, "stale")) == 1
	})
	watchingSecrets(t, w)
	updateSecret(t, c, dbSecret("p1", "o1"))
	// Both read db's password: the change rolls both.
	eventually(t, "both rolled", func() bool {
		return len(patches(c, "app")) == 1 && len(patches(c, "stale")) == 2 && len(rec.all()) == 3
	})

	changed := `rolled: data its pod template consumes changed: Secret "db" (keys: other, password)`
	want := []capturedEvent{
		{"apps/v1 Deployment team/app", corev1.EventTypeNormal, EventReasonRolled, "Roll", changed},
		{"apps/v1 Deployment team/stale", corev1.EventTypeNormal, EventReasonRolled, "Roll",
			"rolled: the data its pod template consumes differs from its podsecrets.io/secrets-hash annotation (it changed while no controller watched)"},
		{"apps/v1 Deployment team/stale", corev1.EventTypeNormal, EventReasonRolled, "Roll", changed},
	}
	byRegarding := cmpopts.SortSlices(func(a, b capturedEvent) bool { return a.Regarding+a.Note < b.Regarding+b.Note })
	if diff := cmp.Diff(want, rec.all(), byRegarding); diff != "" {
		t.Errorf("Events (-want +got):\n%s", diff)
	}
	mu.Lock()
	defer mu.Unlock()
	db := []SecretChange{{Name: "db", Keys: []string{"other", "password"}}}
	wantRolls := []Roll{
		{Kind: "Deployment", Namespace: ns, Name: "app", Secrets: db},
		{Kind: "Deployment", Namespace: ns, Name: "stale"},
		{Kind: "Deployment", Namespace: ns, Name: "stale", Secrets: db},
	}
	byName := cmpopts.SortSlices(func(a, b Roll) bool { return a.Name < b.Name || a.Name == b.Name && len(a.Secrets) < len(b.Secrets) })
	if diff := cmp.Diff(wantRolls, rolls, byName); diff != "" {
		t.Errorf("OnRoll (-want +got):\n%s", diff)
	}
}

func TestSecretDiff(t *testing.T) {
	secret := func(uid types.UID, kv ...string) *corev1.Secret {
		s := &corev1.Secret{Data: map[string][]byte{}}
		s.UID = uid
		for i := 0; i < len(kv); i += 2 {
			s.Data[kv[i]] = []byte(kv[i+1])
		}
		return s
	}
	for _, tc := range []struct {
		name     string
		old, new *corev1.Secret
		then     *corev1.Secret // when set, what new became next, merged in
		want     []SecretChange // nil: no change
	}{
		{"same", secret("u", "a", "1"), secret("u", "a", "1"), nil, nil},
		{"value changed, key added, key gone", secret("u", "a", "1", "b", "2"), secret("u", "a", "9", "c", "3"), nil,
			[]SecretChange{{Name: "s", Keys: []string{"a", "b", "c"}}}},
		{"created", nil, secret("u", "a", "1"), nil, []SecretChange{{Name: "s", Keys: []string{"a"}}}},
		{"deleted", secret("u", "a", "1"), nil, nil, []SecretChange{{Name: "s", Keys: []string{"a"}}}},
		{"recreated with the same data", secret("u", "a", "1"), secret("v", "a", "1"), nil,
			[]SecretChange{{Name: "s", Recreated: true}}},
		{"deleted, then created", secret("u", "a", "1"), nil, secret("v", "a", "2"),
			[]SecretChange{{Name: "s", Keys: []string{"a"}, Recreated: true}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := secretDiff(tc.old, tc.new)
			if tc.then != nil {
				d.merge(secretDiff(tc.new, tc.then))
			}
			var got []SecretChange
			if d != nil {
				got = secretChanges(map[string]*change{"s": d})
			}
			if diff := cmp.Diff(tc.want, got, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestRollNote(t *testing.T) {
	got := rollNote([]SecretChange{{Name: "db", Keys: []string{"password"}}, {Name: "tls", Recreated: true, Keys: []string{"tls.crt"}}})
	want := `rolled: data its pod template consumes changed: Secret "db" (keys: password); Secret "tls" (re-created, keys: tls.crt)`
	if got != want {
		t.Errorf("rollNote = %q, want %q", got, want)
	}
}
