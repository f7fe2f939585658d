package propagate

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"sync"
	"time"

	"github.com/go-logr/logr"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/validation/field"
	"k8s.io/client-go/informers"
	"k8s.io/client-go/kubernetes"
	listersv1 "k8s.io/client-go/listers/core/v1"
	"k8s.io/client-go/tools/cache"
	"k8s.io/client-go/util/workqueue"

	"github.com/podsecrets/podsecrets/internal/errlist"
	"github.com/podsecrets/podsecrets/internal/leader"
)

// SourceResync is how often a Controller syncs every source even without events. It heals
// what no watched object reports, such as an unowned Secret that blocked a copy (Conflict)
// being deleted.
const SourceResync = 10 * time.Minute

// controllerWorkers is the number of sources a Controller syncs at the same time.
const controllerWorkers = 2

// Controller keeps the copies of opted-in sources in sync: it calls Sync for a source when the
// source changes, a namespace appears or is relabelled, or a copy is edited or deleted, and
// Remove when the source is deleted or loses its opt-in label. Its informers see only the
// sources (SourceNamespace and SourceSelector), the copies podsecrets made of them (label
// selector on LabelManagedBy and LabelSourceNamespace) and namespaces. Failed namespaces are
// retried with a rate-limited work queue; conflicts, skips and writes the API server refused
// as invalid are logged once and wait for the next event or SourceResync.
type Controller struct {
	client kubernetes.Interface
	cfg    ControllerConfig
	opts   []Option
}

// NewController checks cfg and the options and returns a Controller that Run starts. opts are
// passed to every Sync and Remove.
func NewController(c kubernetes.Interface, cfg ControllerConfig, opts ...Option) (*Controller, error) {
	if c == nil {
		return nil, errors.New("propagate: NewController: nil client")
	}
	if _, err := buildOptions(opts); err != nil {
		return nil, err
	}
	if errs := cfg.Validate(field.NewPath("config")); len(errs) > 0 {
		return nil, fmt.Errorf("propagate: NewController: %w", errlist.From(errs))
	}
	return &Controller{client: c, cfg: cfg, opts: opts}, nil
}

// Run works until ctx ends, then stops its informers and workers and returns nil. With a
// LeaseName it first campaigns for the Lease and works only while it holds it; if it loses the
// Lease it stops working and campaigns again. It stops working RenewDeadline after the last
// renewal that succeeded, before another replica can take the Lease, and when ctx ends it
// releases the Lease only if the Lease still names it. Only a failure to start returns an
// error.
func (c *Controller) Run(ctx context.Context) error {
	election := c.cfg.election()
	if !election.On() {
		return c.work(ctx)
	}
	if err := leader.Run(ctx, election.Config(c.client.CoordinationV1()), c.work); err != nil {
		return fmt.Errorf("propagate: %w", err)
	}
	return nil
}

// work runs informers and workers until ctx ends.
func (c *Controller) work(ctx context.Context) error {
	log := logr.FromContextOrDiscard(ctx)
	srcSelector := c.cfg.SourceSelector.String()
	sources := informers.NewSharedInformerFactoryWithOptions(c.client, SourceResync,
		informers.WithNamespace(c.cfg.SourceNamespace),
		informers.WithTweakListOptions(func(o *metav1.ListOptions) { o.LabelSelector = srcSelector }))
	copySelector := labels.SelectorFromSet(labels.Set{LabelManagedBy: ManagedBy, LabelSourceNamespace: c.cfg.SourceNamespace})
	copies := informers.NewSharedInformerFactoryWithOptions(c.client, 0,
		informers.WithTweakListOptions(func(o *metav1.ListOptions) { o.LabelSelector = copySelector.String() }))
	namespaces := informers.NewSharedInformerFactory(c.client, 0)
	defer sources.Shutdown()
	defer copies.Shutdown()
	defer namespaces.Shutdown()

	srcInformer := sources.Core().V1().Secrets()
	lister := srcInformer.Lister()
	queue := workqueue.NewTypedRateLimitingQueue(workqueue.DefaultTypedControllerRateLimiter[types.NamespacedName]())
	defer queue.ShutDown()

	isSource := func(obj any) (types.NamespacedName, bool) {
		s, ok := secretOf(obj)
		if !ok || s.Namespace != c.cfg.SourceNamespace {
			return types.NamespacedName{}, false
		}
		return types.NamespacedName{Namespace: s.Namespace, Name: s.Name}, true
	}
	enqueueSource := func(obj any) {
		if key, ok := isSource(obj); ok {
			queue.Add(key)
		}
	}
	enqueueAll := func() {
		all, err := lister.Secrets(c.cfg.SourceNamespace).List(c.cfg.SourceSelector)
		if err != nil {
			return
		}
		for _, s := range all {
			queue.Add(types.NamespacedName{Namespace: s.Namespace, Name: s.Name})
		}
	}
	enqueueCopySource := func(obj any) {
		s, ok := secretOf(obj)
		if !ok || !copySelector.Matches(labels.Set(s.Labels)) {
			return
		}
		if from, ok := copySource(s); ok && from.Name != "" {
			queue.Add(from)
		}
	}
	handlers := []struct {
		informer cache.SharedIndexInformer
		funcs    cache.ResourceEventHandlerFuncs
	}{
		{srcInformer.Informer(), cache.ResourceEventHandlerFuncs{
			AddFunc:    enqueueSource,
			UpdateFunc: func(_, obj any) { enqueueSource(obj) },
			DeleteFunc: enqueueSource,
		}},
		{copies.Core().V1().Secrets().Informer(), cache.ResourceEventHandlerFuncs{
			AddFunc: enqueueCopySource,
			UpdateFunc: func(old, obj any) {
				enqueueCopySource(old)
				enqueueCopySource(obj)
			},
			DeleteFunc: enqueueCopySource,
		}},
		{namespaces.Core().V1().Namespaces().Informer(), cache.ResourceEventHandlerFuncs{
			AddFunc: func(any) { enqueueAll() },
			UpdateFunc: func(old, obj any) {
				if namespaceChanged(old, obj) {
					enqueueAll()
				}
			},
		}},
	}
	for _, h := range handlers {
		if _, err := h.informer.AddEventHandler(h.funcs); err != nil {
			return fmt.Errorf("propagate: add event handler: %w", err)
		}
	}
	sources.Start(ctx.Done())
	copies.Start(ctx.Done())
	namespaces.Start(ctx.Done())
	for _, f := range []informers.SharedInformerFactory{sources, copies, namespaces} {
		for typ, ok := range f.WaitForCacheSync(ctx.Done()) {
			if !ok {
				if ctx.Err() != nil {
					return nil
				}
				return fmt.Errorf("propagate: informer for %v did not sync", typ)
			}
		}
	}
	log.V(1).Info("controller synced", "sourceNamespace", c.cfg.SourceNamespace, "sourceSelector", srcSelector)

	var wg sync.WaitGroup
	for range controllerWorkers {
		wg.Go(func() {
			for c.processNext(ctx, queue, lister) {
			}
		})
	}
	<-ctx.Done()
	queue.ShutDown()
	wg.Wait()
	return nil
}

// processNext handles one key; false when the queue shut down.
func (c *Controller) processNext(ctx context.Context, queue workqueue.TypedRateLimitingInterface[types.NamespacedName], lister listersv1.SecretLister) bool {
	key, shutdown := queue.Get()
	if shutdown {
		return false
	}
	defer queue.Done(key)
	if err := c.reconcile(ctx, key, lister); err != nil && ctx.Err() == nil {
		logr.FromContextOrDiscard(ctx).V(1).Info("will retry", "source", key.String(), "error", err.Error())
		queue.AddRateLimited(key)
		return true
	}
	queue.Forget(key)
	return true
}

// reconcile syncs an opted-in source and removes the copies of any other. The error is
// non-nil only when a retry may help.
func (c *Controller) reconcile(ctx context.Context, key types.NamespacedName, lister listersv1.SecretLister) error {
	s, err := lister.Secrets(key.Namespace).Get(key.Name)
	switch {
	case apierrors.IsNotFound(err):
		s = nil
	case err != nil:
		return err
	}
	// Sync and Remove log with "source" themselves; the Controller's own lines add it here.
	run := &sourceRun{c: c, ctx: ctx, key: key, src: s, log: logr.FromContextOrDiscard(ctx).WithValues("source", key.String())}
	if s != nil && c.cfg.SourceSelector.Matches(labels.Set(s.Labels)) {
		began := time.Now()
		report, err := Sync(ctx, c.client, key, c.cfg.Targets, c.opts...)
		if report != nil || !apierrors.IsNotFound(err) {
			return run.outcome(false, began, report, err)
		}
		// Deleted since the informer saw it: its delete event follows; remove now.
		run.src = nil
	}
	began := time.Now()
	report, err := Remove(ctx, c.client, key, c.opts...)
	return run.outcome(true, began, report, err)
}

// mayHeal reports whether running the same write again can succeed. A write the API server
// refused as invalid (422) fails the same way until the source or the copy changes, and
// either change is an event that syncs the source again.
func mayHeal(err error) bool {
	return !apierrors.IsInvalid(err)
}

// secretOf unwraps informer objects, tombstones included.
func secretOf(obj any) (*corev1.Secret, bool) {
	if t, ok := obj.(cache.DeletedFinalStateUnknown); ok {
		obj = t.Obj
	}
	s, ok := obj.(*corev1.Secret)
	return s, ok
}

// namespaceChanged reports a change that can change selection: labels or termination.
func namespaceChanged(old, obj any) bool {
	a, ok1 := old.(*corev1.Namespace)
	b, ok2 := obj.(*corev1.Namespace)
	if !ok1 || !ok2 {
		return true
	}
	return !maps.Equal(a.Labels, b.Labels) || a.Status.Phase != b.Status.Phase ||
		(a.DeletionTimestamp == nil) != (b.DeletionTimestamp == nil)
}
