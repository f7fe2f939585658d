package admission

import (
	"context"
	"strings"
	"sync"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/podsecrets/podsecrets/preflight"
	"github.com/podsecrets/podsecrets/secretspec"
)

// preflight checks refs against the Secrets of namespace; problems that deny the object give
// its message, the others become warnings in d.
func (wh *Webhook) preflight(ctx context.Context, namespace string, refs []secretspec.Ref, names func(int) string, d *Decision) (Outcome, string) {
	g := wh.Secrets(ctx, namespace)
	if g == nil {
		return Errored, "the webhook has no SecretGetter for namespace " + namespace
	}
	rg := &recordingGetter{g: g}
	errs, warnings := preflight.Check(rg, refs, field.NewPath("refs"))
	var denials []string
	for _, fe := range errs {
		if wh.Forbidden == ForbiddenWarn && rg.forbiddenRef(refs, fe) {
			d.Warnings = append(d.Warnings, explainField(fe, names))
			continue
		}
		denials = append(denials, explainField(fe, names))
	}
	for _, fe := range warnings {
		d.Warnings = append(d.Warnings, explainField(fe, names))
	}
	if len(denials) == 0 {
		return "", ""
	}
	return Denied, strings.Join(denials, "; ")
}

// recordingGetter is a SecretGetter that remembers which Secrets it was forbidden to read.
type recordingGetter struct {
	g         secretspec.SecretGetter
	mu        sync.Mutex
	forbidden map[string]bool
}

func (r *recordingGetter) Get(name string) (*corev1.Secret, error) {
	s, err := r.g.Get(name)
	if apierrors.IsForbidden(err) {
		r.mu.Lock()
		if r.forbidden == nil {
			r.forbidden = map[string]bool{}
		}
		r.forbidden[name] = true
		r.mu.Unlock()
	}
	return s, err
}

// forbiddenRef reports whether fe is about a ref whose Secret could not be read for lack of
// permission.
func (r *recordingGetter) forbiddenRef(refs []secretspec.Ref, fe *field.Error) bool {
	i, _, ok := refIndex(fe.Field)
	if !ok || i < 0 || i >= len(refs) {
		return false
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.forbidden[refs[i].Secret]
}
