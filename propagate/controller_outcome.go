package propagate

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/go-logr/logr"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/types"

	"github.com/podsecrets/podsecrets/internal/record"
)

// The reasons of the Events a Controller records on a source Secret (ControllerConfig.Events).
// Each Event names the namespace of the copy as its related object and says why in its note;
// never a value.
const (
	// EventReasonConflict (Warning): a Secret of the source's name in a target namespace is not
	// a copy of this source, and is left untouched.
	EventReasonConflict = "CopyConflict"
	// EventReasonFailed (Warning): writing or deleting a copy failed; the note has the API
	// server's reason. Failures that may heal are retried.
	EventReasonFailed = "CopyFailed"
	// EventReasonPruned (Normal): a copy in a namespace that is no longer selected was deleted.
	EventReasonPruned = "CopyPruned"
)

// The actions of the Controller's Events: the run that wrote, or did not write, the copy.
const (
	eventActionSync   = "Sync"
	eventActionRemove = "Remove"
)

// SyncOutcome is what one Sync or Remove run by a Controller did; ControllerConfig.OnSync
// receives one per run. It holds names, actions and errors, never a value.
type SyncOutcome struct {
	Source types.NamespacedName
	// Remove is true for a Remove (the source was deleted or lost its opt-in label), false
	// for a Sync.
	Remove bool
	// Report is the run's report; nil when the run did not start (Err says why, e.g. a source
	// refused with ErrRefusedSource).
	Report *Report
	// Err is the error Sync or Remove returned.
	Err error
	// Duration is how long the run took.
	Duration time.Duration
}

// sourceRun is one reconcile of a source by a Controller.
type sourceRun struct {
	c   *Controller
	ctx context.Context
	key types.NamespacedName
	src *corev1.Secret // the source as the informer holds it; nil when it is gone
	log logr.Logger    // the Controller's own lines, with "source"
}

// outcome reports a Sync or Remove (OnSync, Events, the log) and says whether to retry it.
func (r *sourceRun) outcome(remove bool, began time.Time, report *Report, err error) error {
	if hook := r.c.cfg.OnSync; hook != nil {
		hook(r.ctx, SyncOutcome{Source: r.key, Remove: remove, Report: report, Err: err, Duration: time.Since(began)})
	}
	what := "sync"
	if remove {
		what = "remove"
	}
	if report == nil {
		if !remove && errors.Is(err, ErrRefusedSource) {
			r.log.Info("source refused", "error", err.Error())
			return nil
		}
		return err
	}
	if len(report.Results) > 0 {
		r.log.V(1).Info(what, "summary", report.Summary())
	}
	retry := false
	for _, res := range report.Results {
		r.event(remove, res)
		switch {
		case res.Action == Conflict || res.Action == Skipped || res.Action == Failed && !mayHeal(res.Err):
			r.log.Info(what+": namespace not written", "namespace", res.Namespace, "action", string(res.Action), "reason", res.Err.Error())
		case res.Action == Failed:
			retry = true
		}
	}
	if retry {
		return err
	}
	return nil
}

// event records the Event a namespace's result calls for, on the source, if it still exists.
func (r *sourceRun) event(remove bool, res Result) {
	if r.c.cfg.Events == nil || r.src == nil {
		return
	}
	var eventtype, reason, note string
	switch res.Action {
	case Conflict:
		eventtype, reason, note = corev1.EventTypeWarning, EventReasonConflict, res.Err.Error()
	case Failed:
		eventtype, reason, note = corev1.EventTypeWarning, EventReasonFailed, fmt.Sprintf("copy in namespace %q: %v", res.Namespace, res.Err)
	case Pruned:
		eventtype, reason, note = corev1.EventTypeNormal, EventReasonPruned, fmt.Sprintf("copy in namespace %q deleted: the namespace is no longer selected", res.Namespace)
	default:
		return
	}
	action := eventActionSync
	if remove {
		action = eventActionRemove
	}
	regarding := &corev1.ObjectReference{APIVersion: "v1", Kind: "Secret", Namespace: r.src.Namespace, Name: r.src.Name,
		UID: r.src.UID, ResourceVersion: r.src.ResourceVersion}
	related := &corev1.ObjectReference{APIVersion: "v1", Kind: "Secret", Namespace: res.Namespace, Name: r.src.Name}
	record.Event(r.c.cfg.Events, regarding, related, eventtype, reason, action, note)
}
