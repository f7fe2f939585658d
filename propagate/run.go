package propagate

import (
	"context"
	"fmt"
	"sync"

	"github.com/go-logr/logr"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/util/retry"
)

// runner holds what one Sync or Remove needs while it writes.
type runner struct {
	client kubernetes.Interface
	source types.NamespacedName
	src    *corev1.Secret // nil for Remove
	hash   string         // contentHash of src
	remove bool
	opts   options
	log    logr.Logger
}

// work is one namespace of a run: the same-name Secret found there (nil if none), whether
// the namespace is selected, and a reason to skip it without looking further.
type work struct {
	ns       string
	live     *corev1.Secret
	selected bool
	skip     error
}

// op is the write a namespace needs.
type op int

const (
	opNone op = iota
	opCreate
	opUpdate
	opDelete
	opRecreate
)

var secretsResource = schema.GroupResource{Resource: "secrets"}

// decide says what to do in w's namespace, given w.live as it is now.
func (r *runner) decide(w work) (op, Action, error) {
	if w.skip != nil {
		return opNone, Skipped, w.skip
	}
	if w.live == nil {
		if w.selected && !r.remove {
			return opCreate, Created, nil
		}
		return opNone, r.goneAction(), nil
	}
	if !owns(r.source, w.live) {
		return opNone, Conflict, &ConflictError{Namespace: w.ns, Name: r.source.Name, Source: r.source, Owner: describeOwner(w.live)}
	}
	if r.remove {
		return opDelete, Deleted, nil
	}
	if !w.selected {
		if r.opts.noPrune {
			return opNone, Skipped, fmt.Errorf("namespace %q is no longer selected; its copy is kept because of NoPrune", w.ns)
		}
		return opDelete, Pruned, nil
	}
	if contentHash(r.src.UID, w.live) == r.hash {
		if marksCurrent(r.src, w.live, r.hash) {
			return opNone, Unchanged, nil
		}
		return opUpdate, Updated, nil // marks only: allowed on an immutable copy too
	}
	if w.live.Immutable != nil && *w.live.Immutable {
		if !r.opts.recreateImmutable {
			return opNone, Skipped, fmt.Errorf("copy in namespace %q is immutable and differs from the source; opt in with RecreateImmutable to delete and recreate it", w.ns)
		}
		return opRecreate, Updated, nil
	}
	return opUpdate, Updated, nil
}

func (r *runner) goneAction() Action {
	if r.remove {
		return Deleted
	}
	return Pruned
}

// run writes where the plan says so, on at most opts.concurrency workers, and returns the
// report in the order of works.
func (r *runner) run(ctx context.Context, works []work) *Report {
	results := make([]Result, len(works))
	jobs := make(chan int, len(works))
	for i, w := range works {
		o, a, err := r.decide(w)
		if o == opNone {
			results[i] = Result{Namespace: w.ns, Action: a, Err: err}
			continue
		}
		if r.opts.dryRun {
			results[i] = Result{Namespace: w.ns, Action: a}
			continue
		}
		jobs <- i
	}
	close(jobs)
	var wg sync.WaitGroup
	for range min(r.opts.concurrency, len(jobs)) {
		wg.Go(func() {
			for i := range jobs {
				if err := ctx.Err(); err != nil {
					results[i] = Result{Namespace: works[i].ns, Action: Failed, Err: err}
					continue
				}
				results[i] = r.execute(ctx, works[i])
			}
		})
	}
	wg.Wait()
	return &Report{Results: results}
}

// execute brings one namespace to the wanted state, re-reading the copy after a conflict.
func (r *runner) execute(ctx context.Context, w work) Result {
	first := true
	var action Action
	var reason error
	err := retry.RetryOnConflict(retry.DefaultRetry, func() error {
		if err := ctx.Err(); err != nil {
			return err
		}
		if !first {
			cur, err := r.client.CoreV1().Secrets(w.ns).Get(ctx, r.source.Name, metav1.GetOptions{})
			switch {
			case apierrors.IsNotFound(err):
				w.live = nil
			case err != nil:
				return err
			default:
				w.live = cur
			}
		}
		first = false
		o, a, why := r.decide(w)
		action, reason = a, why
		err := r.write(ctx, o, w)
		if apierrors.IsAlreadyExists(err) || (apierrors.IsNotFound(err) && o != opCreate && o != opRecreate) {
			// Someone created or deleted the Secret since we looked: look again.
			return apierrors.NewConflict(secretsResource, r.source.Name, err)
		}
		return err
	})
	if err != nil {
		r.log.V(1).Info("write failed", "namespace", w.ns, "secret", r.source.Name, "error", err.Error())
		return Result{Namespace: w.ns, Action: Failed, Err: err}
	}
	r.log.V(2).Info("wrote copy", "namespace", w.ns, "secret", r.source.Name, "action", string(action))
	return Result{Namespace: w.ns, Action: action, Err: reason}
}

// write performs o in w's namespace.
func (r *runner) write(ctx context.Context, o op, w work) error {
	secrets := r.client.CoreV1().Secrets(w.ns)
	switch o {
	case opCreate:
		_, err := secrets.Create(ctx, desiredCopy(r.src, w.ns, r.hash), metav1.CreateOptions{})
		return err
	case opUpdate:
		c := desiredCopy(r.src, w.ns, r.hash)
		c.ResourceVersion = w.live.ResourceVersion
		_, err := secrets.Update(ctx, c, metav1.UpdateOptions{})
		return err
	case opDelete:
		return secrets.Delete(ctx, w.live.Name, exactly(w.live))
	case opRecreate:
		if err := secrets.Delete(ctx, w.live.Name, exactly(w.live)); err != nil && !apierrors.IsNotFound(err) {
			return err
		}
		_, err := secrets.Create(ctx, desiredCopy(r.src, w.ns, r.hash), metav1.CreateOptions{})
		return err
	}
	return nil
}

// exactly deletes s only if it is still the object we looked at.
func exactly(s *corev1.Secret) metav1.DeleteOptions {
	pre := &metav1.Preconditions{}
	if s.UID != "" {
		uid := s.UID
		pre.UID = &uid
	}
	if s.ResourceVersion != "" {
		rv := s.ResourceVersion
		pre.ResourceVersion = &rv
	}
	return metav1.DeleteOptions{Preconditions: pre}
}

// describeOwner says whom a Secret that is not our copy belongs to, from its own marks.
func describeOwner(s *corev1.Secret) string {
	if from, ok := copySource(s); ok {
		if from.Namespace == "" || from.Name == "" {
			return "marked as managed by podsecrets but names no source"
		}
		return fmt.Sprintf("a podsecrets copy of %q", from.String())
	}
	if s.Type == helmReleaseType || s.Labels[helmOwnerLabel] == helmOwnerValue {
		return "a Helm release record"
	}
	if v := s.Labels[managedByAppKey]; v != "" {
		return fmt.Sprintf("managed by %q", v)
	}
	for _, ref := range s.OwnerReferences {
		if ref.Controller != nil && *ref.Controller {
			return fmt.Sprintf("owned by %s %q", ref.Kind, ref.Name)
		}
	}
	if len(s.OwnerReferences) > 0 {
		return fmt.Sprintf("owned by %s %q", s.OwnerReferences[0].Kind, s.OwnerReferences[0].Name)
	}
	return ""
}
