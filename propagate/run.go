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
	"k8s.io/apimachinery/pkg/util/validation/field"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/util/retry"

	"github.com/podsecrets/podsecrets/internal/errlist"
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

// String names the write for messages.
func (o op) String() string {
	switch o {
	case opCreate:
		return "create"
	case opUpdate:
		return "update"
	case opDelete:
		return "delete"
	case opRecreate:
		return "delete and create"
	}
	return "no write"
}

var secretsResource = schema.GroupResource{Resource: "secrets"}

// decision is what a namespace needs: the write, the action it reports, the reason for an
// action that writes nothing, and for a recreate what the API server would refuse.
type decision struct {
	op      op
	action  Action
	err     error
	refusal field.ErrorList
}

// decide says what to do in w's namespace, given w.live as it is now. A copy that differs
// from the source is updated in place unless updateRefusal says the API server would refuse
// that; then it is deleted and created again, which for an immutable copy needs
// RecreateImmutable.
func (r *runner) decide(w work) decision {
	if w.skip != nil {
		return decision{action: Skipped, err: w.skip}
	}
	if w.live == nil {
		if w.selected && !r.remove {
			return decision{op: opCreate, action: Created}
		}
		return decision{action: r.goneAction()}
	}
	if !owns(r.source, w.live) {
		return decision{action: Conflict, err: &ConflictError{Namespace: w.ns, Name: r.source.Name, Source: r.source, Owner: describeOwner(w.live)}}
	}
	if r.remove {
		return decision{op: opDelete, action: Deleted}
	}
	if !w.selected {
		if r.opts.noPrune {
			return decision{action: Skipped, err: fmt.Errorf("namespace %q is no longer selected; its copy is kept because of NoPrune", w.ns)}
		}
		return decision{op: opDelete, action: Pruned}
	}
	if contentHash(r.src.UID, w.live) == r.hash && marksCurrent(r.src, w.live, r.hash) {
		return decision{action: Unchanged}
	}
	refusal := updateRefusal(w.live, r.src)
	if len(refusal) == 0 {
		return decision{op: opUpdate, action: Updated} // content, or only marks (allowed on an immutable copy too)
	}
	if isImmutable(w.live) && !r.opts.recreateImmutable {
		return decision{action: Skipped, err: fmt.Errorf("copy in namespace %q is immutable and differs from the source (%v); opt in with RecreateImmutable to delete and recreate it", w.ns, errlist.From(refusal))}
	}
	return decision{op: opRecreate, action: Updated, refusal: refusal}
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
		d := r.decide(w)
		if d.op == opNone {
			results[i] = Result{Namespace: w.ns, Action: d.action, Err: d.err}
			continue
		}
		if r.opts.dryRun {
			results[i] = Result{Namespace: w.ns, Action: d.action}
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
// A write the API server refuses as invalid is not retried: retrying it unchanged cannot
// succeed. A create refused because the namespace is terminating is a skip.
func (r *runner) execute(ctx context.Context, w work) Result {
	first := true
	var d decision
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
		d = r.decide(w)
		if d.op == opRecreate {
			r.log.V(1).Info("recreating copy: the API server does not update it in place", "namespace", w.ns, "secret", r.source.Name, "refused", errlist.From(d.refusal).Error())
		}
		err := r.write(ctx, d.op, w)
		if apierrors.IsAlreadyExists(err) || (apierrors.IsNotFound(err) && d.op != opCreate && d.op != opRecreate) {
			// Someone created or deleted the Secret since we looked: look again.
			return apierrors.NewConflict(secretsResource, r.source.Name, err)
		}
		return err
	})
	switch {
	case err == nil:
		r.log.V(2).Info("wrote copy", "namespace", w.ns, "secret", r.source.Name, "action", string(d.action))
		return Result{Namespace: w.ns, Action: d.action, Err: d.err}
	case apierrors.HasStatusCause(err, corev1.NamespaceTerminatingCause):
		r.log.V(1).Info("namespace is terminating", "namespace", w.ns, "secret", r.source.Name)
		return Result{Namespace: w.ns, Action: Skipped, Err: fmt.Errorf("namespace %q is terminating", w.ns)}
	case apierrors.IsInvalid(err):
		err = fmt.Errorf("the API server refused the %s as invalid; it is not retried until the source or the copy changes: %w", d.op, err)
	}
	r.log.V(1).Info("write failed", "namespace", w.ns, "secret", r.source.Name, "error", err.Error())
	return Result{Namespace: w.ns, Action: Failed, Err: err}
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
