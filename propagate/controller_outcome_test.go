package propagate

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-logr/logr"
	"github.com/go-logr/logr/funcr"
	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/runtime"
	k8stesting "k8s.io/client-go/testing"
)

// capturedEvent is one Event a Controller recorded, with its objects by reference.
type capturedEvent struct {
	Regarding, Related         string // "Secret runai/registry"
	Type, Reason, Action, Note string
}

// eventCapture is an events.EventRecorder that keeps what it is given.
type eventCapture struct {
	mu     sync.Mutex
	events []capturedEvent
}

// Eventf keeps the Event.
func (e *eventCapture) Eventf(regarding, related runtime.Object, eventtype, reason, action, note string, args ...any) {
	ref := func(o runtime.Object) string {
		r, ok := o.(*corev1.ObjectReference)
		if !ok {
			return fmt.Sprintf("%T", o)
		}
		return r.Kind + " " + r.Namespace + "/" + r.Name
	}
	ev := capturedEvent{Regarding: ref(regarding), Type: eventtype, Reason: reason, Action: action, Note: fmt.Sprintf(note, args...)}
	if related != nil {
		ev.Related = ref(related)
	}
	e.mu.Lock()
	e.events = append(e.events, ev)
	e.mu.Unlock()
}

// distinct returns the Events recorded so far, each once, sorted.
func (e *eventCapture) distinct() []capturedEvent {
	e.mu.Lock()
	defer e.mu.Unlock()
	var out []capturedEvent
	for _, ev := range e.events {
		if !slices.Contains(out, ev) {
			out = append(out, ev)
		}
	}
	slices.SortFunc(out, func(a, b capturedEvent) int { return strings.Compare(a.Reason+a.Related, b.Reason+b.Related) })
	return out
}

// TestControllerEventsAndOnSync runs a Controller with a recorder and a hook over a conflict
// (runai-1 holds someone else's Secret), a write that fails (runai-2) and a prune (runai-0
// loses the label that selected it): each has its Event on the source, naming the namespace,
// and every run reaches the hook.
func TestControllerEventsAndOnSync(t *testing.T) {
	c := world(3, unowned("runai-1", map[string]string{"app.kubernetes.io/managed-by": "helm"}))
	c.PrependReactor("create", "secrets", func(a k8stesting.Action) (bool, runtime.Object, error) {
		return a.GetNamespace() == "runai-2", nil, errFake
	})
	var w watches
	serveFrom(c, c.Tracker(), &w)
	rec := &eventCapture{}
	var mu sync.Mutex
	var outcomes []SyncOutcome
	cfg := RunAIConfig()
	cfg.Targets = Targets{Selector: labels.SelectorFromSet(labels.Set{"project": "yes"})}
	cfg.Events = rec
	cfg.OnSync = func(_ context.Context, s SyncOutcome) {
		mu.Lock()
		outcomes = append(outcomes, s)
		mu.Unlock()
	}
	cancel, done := startController(t, c, cfg)
	defer cancel()
	eventually(t, "the copy in runai-0", func() bool { return copyIs(c, "runai-0") })
	eventually(t, "three watches", func() bool { return w.count() >= 3 })
	ns, err := c.CoreV1().Namespaces().Get(context.Background(), "runai-0", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	ns.Labels = nil
	if _, err := c.CoreV1().Namespaces().Update(context.Background(), ns, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
	eventually(t, "the copy in runai-0 pruned", func() bool { return !hasSecret(c, "runai-0", src.Name) })
	eventually(t, "three kinds of Event", func() bool { return len(rec.distinct()) >= 3 })
	cancel()
	if err := <-done; err != nil {
		t.Errorf("Run = %v", err)
	}

	source := "Secret runai/registry"
	want := []capturedEvent{
		{source, "Secret runai-1/registry", corev1.EventTypeWarning, EventReasonConflict, "Sync",
			`secret "registry" in namespace "runai-1" is not a copy of "runai/registry": it is managed by "helm"; left untouched`},
		{source, "Secret runai-2/registry", corev1.EventTypeWarning, EventReasonFailed, "Sync",
			`copy in namespace "runai-2": injected failure`},
		{source, "Secret runai-0/registry", corev1.EventTypeNormal, EventReasonPruned, "Sync",
			`copy in namespace "runai-0" deleted: the namespace is no longer selected`},
	}
	slices.SortFunc(want, func(a, b capturedEvent) int { return strings.Compare(a.Reason+a.Related, b.Reason+b.Related) })
	if diff := cmp.Diff(want, rec.distinct()); diff != "" {
		t.Errorf("Events (-want +got):\n%s", diff)
	}

	mu.Lock()
	defer mu.Unlock()
	if len(outcomes) == 0 {
		t.Fatal("OnSync was never called")
	}
	pruned := false
	for _, o := range outcomes {
		if o.Source != src || o.Remove || o.Report == nil || o.Duration <= 0 {
			t.Errorf("OnSync got %+v, want a Sync of %s with its report and duration", o, src)
		}
		pruned = pruned || o.Report.Count(Pruned) == 1
		if o.Report.Count(Conflict) != 1 || o.Err == nil {
			t.Errorf("OnSync report %q (err %v), want the conflict in runai-1 and an error", o.Report.Summary(), o.Err)
		}
	}
	if !pruned {
		t.Errorf("no OnSync report has the prune")
	}
}

// TestControllerRemoveOnSync: a source that loses its opt-in label is removed, and the hook
// says so.
func TestControllerRemoveOnSync(t *testing.T) {
	c := world(1)
	var w watches
	serveFrom(c, c.Tracker(), &w)
	removed := make(chan SyncOutcome, 100)
	cfg := RunAIConfig()
	cfg.OnSync = func(_ context.Context, s SyncOutcome) {
		if s.Remove {
			removed <- s
		}
	}
	cancel, done := startController(t, c, cfg)
	defer cancel()
	eventually(t, "the copy", func() bool { return copyIs(c, "runai-0") })
	eventually(t, "three watches", func() bool { return w.count() >= 3 })
	updateSource(t, c, func(s *corev1.Secret) { delete(s.Labels, RunAIOptInLabel) })
	var o SyncOutcome
	select {
	case o = <-removed:
	case <-time.After(time.Minute): // only stops a broken test from hanging
		t.Fatal("OnSync never saw a Remove")
	}
	if o.Report.Count(Deleted) != 1 || o.Err != nil {
		t.Errorf("OnSync after the label went: %q, err %v; want 1 deleted", o.Report.Summary(), o.Err)
	}
	cancel()
	if err := <-done; err != nil {
		t.Errorf("Run = %v", err)
	}
}

// TestControllerLogsSourceOnce: the Controller's lines and those of the Sync it runs name the
// source once each.
func TestControllerLogsSourceOnce(t *testing.T) {
	c := world(2, unowned("runai-1", nil))
	var mu sync.Mutex
	var lines []string
	logger := funcr.New(func(prefix, args string) {
		mu.Lock()
		lines = append(lines, args)
		mu.Unlock()
	}, funcr.Options{Verbosity: 2})
	ctrl, err := NewController(c, RunAIConfig())
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(logr.NewContext(context.Background(), logger))
	done := make(chan error, 1)
	go func() { done <- ctrl.Run(ctx) }()
	logged := func(msg string) bool {
		mu.Lock()
		defer mu.Unlock()
		return slices.ContainsFunc(lines, func(l string) bool { return strings.Contains(l, msg) })
	}
	eventually(t, "the conflict and the Sync logged", func() bool {
		return logged("namespace not written") && logged("sync finished")
	})
	cancel()
	if err := <-done; err != nil {
		t.Errorf("Run = %v", err)
	}
	mu.Lock()
	defer mu.Unlock()
	for _, l := range lines {
		if n := strings.Count(l, `"source"=`); n > 1 {
			t.Errorf("a line names the source %d times: %s", n, l)
		}
	}
}
