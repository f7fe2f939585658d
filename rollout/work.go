package rollout

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"sync"

	"github.com/go-logr/logr"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/watch"
	"k8s.io/client-go/informers"
	"k8s.io/client-go/tools/cache"
	"k8s.io/client-go/util/workqueue"

	"github.com/podsecrets/podsecrets/inject"
)

// workers is the number of workloads a Controller reconciles at the same time.
const workers = 2

// errNotSynced says a Secret's watch has not listed it yet: retry.
var errNotSynced = errors.New("the Secret's watch has not synced yet")

// run is the state of one working loop.
type run struct {
	c      *Controller
	ctx    context.Context
	log    logr.Logger
	queue  workqueue.TypedRateLimitingInterface[workload]
	stores map[string]cache.Store // by kind: the opted-in workloads

	watching sync.WaitGroup // the Secret watches' goroutines

	mu       sync.Mutex
	uses     map[workload][]types.NamespacedName        // Secrets each workload's template names
	users    map[types.NamespacedName]map[workload]bool // workloads naming each Secret
	watches  map[types.NamespacedName]*secretWatch      // one per named Secret
	baseline map[workload]string                        // hash seen first, for templates never stamped
	changes  map[workload]map[string]*change            // what changed in its Secrets since it last rolled
}

// secretWatch is the watch of one Secret: a LIST and WATCH with fieldSelector metadata.name.
type secretWatch struct {
	store  cache.Store
	synced cache.InformerSynced
	stop   context.CancelFunc
}

// work runs informers and workers until ctx ends.
func (c *Controller) work(ctx context.Context) error {
	r := &run{
		c: c, ctx: ctx, log: logr.FromContextOrDiscard(ctx),
		queue:    workqueue.NewTypedRateLimitingQueue(workqueue.DefaultTypedControllerRateLimiter[workload]()),
		stores:   map[string]cache.Store{},
		uses:     map[workload][]types.NamespacedName{},
		users:    map[types.NamespacedName]map[workload]bool{},
		watches:  map[types.NamespacedName]*secretWatch{},
		baseline: map[workload]string{},
		changes:  map[workload]map[string]*change{},
	}
	defer r.watching.Wait()
	defer r.stopWatches()
	defer r.queue.ShutDown()
	selector := c.cfg.Selector.String()
	factory := informers.NewSharedInformerFactoryWithOptions(c.client, 0,
		informers.WithNamespace(c.cfg.Namespace),
		informers.WithTweakListOptions(func(o *metav1.ListOptions) { o.LabelSelector = selector }))
	defer factory.Shutdown()
	for _, k := range kinds() {
		inf := k.informer(factory)
		r.stores[k.name] = inf.GetStore()
		if _, err := inf.AddEventHandler(cache.ResourceEventHandlerFuncs{
			AddFunc:    r.workloadChanged,
			UpdateFunc: func(_, obj any) { r.workloadChanged(obj) },
			DeleteFunc: r.workloadDeleted,
		}); err != nil {
			return fmt.Errorf("rollout: add event handler: %w", err)
		}
	}
	factory.Start(ctx.Done())
	for typ, ok := range factory.WaitForCacheSync(ctx.Done()) {
		if !ok {
			if ctx.Err() != nil {
				return nil
			}
			return fmt.Errorf("rollout: informer for %v did not sync", typ)
		}
	}
	r.log.V(1).Info("controller synced", "namespace", c.cfg.Namespace, "selector", selector)
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for r.processNext() {
			}
		})
	}
	<-ctx.Done()
	r.queue.ShutDown()
	wg.Wait()
	return nil
}

// workloadChanged indexes the Secrets a workload's template names, starts the watches it
// needs and looks at the workload after the debounce.
func (r *run) workloadChanged(obj any) {
	w, _, t, ok := templateOf(obj)
	if !ok {
		return
	}
	var names []types.NamespacedName
	for _, ref := range inject.Uses(&t.Spec) {
		n := types.NamespacedName{Namespace: w.Namespace, Name: ref.Secret}
		if !slices.Contains(names, n) {
			names = append(names, n)
		}
	}
	r.mu.Lock()
	r.unindex(w)
	r.uses[w] = names
	for _, n := range names {
		if r.users[n] == nil {
			r.users[n] = map[workload]bool{}
		}
		r.users[n][w] = true
		if r.watches[n] == nil {
			r.watches[n] = r.watch(n)
		}
	}
	r.stopUnused()
	r.mu.Unlock()
	r.queue.AddAfter(w, r.c.cfg.Debounce)
}

func (r *run) workloadDeleted(obj any) {
	w, _, _, ok := templateOf(obj)
	if !ok {
		return
	}
	r.mu.Lock()
	r.unindex(w)
	delete(r.baseline, w)
	delete(r.changes, w)
	r.stopUnused()
	r.mu.Unlock()
}

// unindex forgets the Secrets w named; r.mu is held.
func (r *run) unindex(w workload) {
	for _, n := range r.uses[w] {
		delete(r.users[n], w)
		if len(r.users[n]) == 0 {
			delete(r.users, n)
		}
	}
	delete(r.uses, w)
}

// stopUnused stops the watches of Secrets no workload names; r.mu is held.
func (r *run) stopUnused() {
	for n, sw := range r.watches {
		if r.users[n] == nil {
			sw.stop()
			delete(r.watches, n)
			r.log.V(1).Info("secret unwatched", "secret", n.String())
		}
	}
}

func (r *run) stopWatches() {
	r.mu.Lock()
	defer r.mu.Unlock()
	for n, sw := range r.watches {
		sw.stop()
		delete(r.watches, n)
	}
}

// watch starts the watch of one Secret; r.mu is held.
func (r *run) watch(n types.NamespacedName) *secretWatch {
	ctx, stop := context.WithCancel(r.ctx)
	byName := func(o *metav1.ListOptions) { o.FieldSelector = "metadata.name=" + n.Name }
	secrets := r.c.client.CoreV1().Secrets(n.Namespace)
	lw := &cache.ListWatch{
		ListWithContextFunc: func(ctx context.Context, o metav1.ListOptions) (runtime.Object, error) {
			byName(&o)
			return secrets.List(ctx, o)
		},
		WatchFuncWithContext: func(ctx context.Context, o metav1.ListOptions) (watch.Interface, error) {
			byName(&o)
			return secrets.Watch(ctx, o)
		},
	}
	// changed looks at the Secret's users, telling them what changed from old to obj (nil
	// for a Secret listed when the watch started: nothing is known to have changed).
	changed := func(old, obj any, known bool) {
		s, ok := secretOf(obj)
		if !ok || s.Name != n.Name {
			return
		}
		var diff *change
		if known {
			before, _ := secretOf(old)
			diff = secretDiff(before, s)
		}
		r.secretChanged(n, diff)
	}
	store, ctrl := cache.NewInformerWithOptions(cache.InformerOptions{
		ListerWatcher: cache.ToListWatcherWithWatchListSemantics(lw, r.c.client), // as generated informers do
		ObjectType:    &corev1.Secret{},
		Handler: cache.ResourceEventHandlerDetailedFuncs{
			AddFunc:    func(obj any, initial bool) { changed(nil, obj, !initial) },
			UpdateFunc: func(old, obj any) { changed(old, obj, true) },
			DeleteFunc: func(obj any) {
				if s, ok := secretOf(obj); ok && s.Name == n.Name {
					r.secretChanged(n, secretDiff(s, nil))
				}
			},
		},
		Transform: dropManagedFields,
	})
	r.watching.Go(func() { ctrl.RunWithContext(ctx) })
	r.log.V(1).Info("secret watched", "secret", n.String())
	return &secretWatch{store: store, synced: ctrl.HasSynced, stop: stop}
}

// secretChanged notes diff (nil: nothing known) for every workload naming n and looks at each
// after the debounce.
func (r *run) secretChanged(n types.NamespacedName, diff *change) {
	r.mu.Lock()
	ws := make([]workload, 0, len(r.users[n]))
	for w := range r.users[n] {
		ws = append(ws, w)
		if diff == nil {
			continue
		}
		if r.changes[w] == nil {
			r.changes[w] = map[string]*change{}
		}
		if c := r.changes[w][n.Name]; c != nil {
			c.merge(diff)
		} else {
			r.changes[w][n.Name] = &change{keys: maps.Clone(diff.keys), recreated: diff.recreated, deleted: diff.deleted, created: diff.created}
		}
	}
	r.mu.Unlock()
	for _, w := range ws {
		r.queue.AddAfter(w, r.c.cfg.Debounce)
	}
}

// Get reads a watched Secret; it is the SecretGetter of one namespace through getter.
func (r *run) get(namespace, name string) (*corev1.Secret, error) {
	n := types.NamespacedName{Namespace: namespace, Name: name}
	r.mu.Lock()
	sw := r.watches[n]
	r.mu.Unlock()
	if sw == nil || !sw.synced() {
		return nil, errNotSynced
	}
	obj, ok, err := sw.store.GetByKey(n.String())
	switch {
	case err != nil:
		return nil, err
	case !ok:
		return nil, apierrors.NewNotFound(corev1.Resource("secrets"), name)
	}
	return obj.(*corev1.Secret), nil
}

type getter struct {
	r         *run
	namespace string
}

func (g getter) Get(name string) (*corev1.Secret, error) { return g.r.get(g.namespace, name) }

func (r *run) processNext() bool {
	w, shutdown := r.queue.Get()
	if shutdown {
		return false
	}
	defer r.queue.Done(w)
	if err := r.reconcile(w); err != nil && r.ctx.Err() == nil {
		r.log.V(1).Info("will retry", "workload", w.String(), "error", err.Error())
		r.queue.AddRateLimited(w)
		return true
	}
	r.queue.Forget(w)
	return true
}

// reconcile rolls w if what its template consumes changed. The error is non-nil only when a
// retry may help.
func (r *run) reconcile(w workload) error {
	log := r.log.WithValues("workload", w.String())
	obj, ok, err := r.stores[w.Kind].GetByKey(w.Namespace + "/" + w.Name)
	if err != nil || !ok {
		return err
	}
	_, lbls, t, _ := templateOf(obj)
	if !r.c.cfg.Selector.Matches(labels.Set(lbls)) {
		return nil // not opted in (the informer's selector says so too)
	}
	// What changed since the last look goes with this roll; put back when the look does not
	// finish.
	changes := r.takeChanges(w)
	h, err := inject.SecretsHash(getter{r, w.Namespace}, inject.Uses(&t.Spec))
	switch {
	case errors.Is(err, errNotSynced):
		r.putBackChanges(w, changes)
		return err
	case err != nil:
		// A required Secret or key is gone: new pods would not start, so the running ones stay.
		r.putBackChanges(w, changes)
		log.Info("not rolling: what the template consumes cannot be read", "reason", err.Error())
		return nil
	}
	stamped := t.Annotations[inject.AnnotationSecretsHash]
	r.mu.Lock()
	was, known := stamped, stamped != ""
	if !known {
		was, known = r.baseline[w]
		if !known {
			r.baseline[w] = h
		}
	}
	r.mu.Unlock()
	switch {
	case !known:
		log.V(1).Info("baseline taken: the template carries no secrets hash yet")
		return nil
	case was == h:
		log.V(1).Info("up to date")
		return nil
	}
	patch, err := json.Marshal(map[string]any{"spec": map[string]any{"template": map[string]any{
		"metadata": map[string]any{"annotations": map[string]string{inject.AnnotationSecretsHash: h}}}}})
	if err != nil {
		return err
	}
	for _, k := range kinds() {
		if k.name == w.Kind {
			err = k.patch(r.ctx, r.c.client, w.Namespace, w.Name, patch)
		}
	}
	if apierrors.IsNotFound(err) {
		return nil // deleted meanwhile
	}
	roll := Roll{Kind: w.Kind, Namespace: w.Namespace, Name: w.Name, Secrets: secretChanges(changes), Err: err}
	if hook := r.c.cfg.OnRoll; hook != nil {
		hook(r.ctx, roll)
	}
	if err != nil {
		r.putBackChanges(w, changes)
		return err
	}
	r.mu.Lock()
	delete(r.baseline, w)
	r.mu.Unlock()
	if o, ok := obj.(runtime.Object); ok {
		r.rollEvent(o, roll.Secrets)
	}
	log.Info("rolling: a Secret it consumes changed", "secrets", secretNames(r.usesOf(w)), "changed", rollNote(roll.Secrets))
	return nil
}

// takeChanges returns and forgets what changed in w's Secrets.
func (r *run) takeChanges(w workload) map[string]*change {
	r.mu.Lock()
	defer r.mu.Unlock()
	c := r.changes[w]
	delete(r.changes, w)
	return c
}

// putBackChanges adds changes taken from w back to what changed since.
func (r *run) putBackChanges(w workload, changes map[string]*change) {
	if len(changes) == 0 {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, ok := r.uses[w]; !ok {
		return // deleted meanwhile
	}
	if r.changes[w] == nil {
		r.changes[w] = changes
		return
	}
	for name, c := range changes {
		if cur := r.changes[w][name]; cur != nil {
			cur.merge(c)
		} else {
			r.changes[w][name] = c
		}
	}
}

func (r *run) usesOf(w workload) []types.NamespacedName {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.uses[w])
}

func secretNames(ns []types.NamespacedName) []string {
	out := make([]string, len(ns))
	for i, n := range ns {
		out[i] = n.Name
	}
	return out
}

// secretOf unwraps informer objects, tombstones included.
func secretOf(obj any) (*corev1.Secret, bool) {
	if t, ok := obj.(cache.DeletedFinalStateUnknown); ok {
		obj = t.Obj
	}
	s, ok := obj.(*corev1.Secret)
	return s, ok
}

// dropManagedFields keeps managed fields out of the Secret watches' memory.
func dropManagedFields(obj any) (any, error) {
	if s, ok := obj.(*corev1.Secret); ok {
		s.ManagedFields = nil
	}
	return obj, nil
}
