package admission

import (
	"context"
	"errors"

	"github.com/go-logr/logr"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

// logDecision logs d through the context's logger: an admission at V(1), a denial at V(0),
// an errored request as an error. Names, counts and the reason only, never the object.
func logDecision(ctx context.Context, d *Decision) {
	log := logr.FromContextOrDiscard(ctx)
	admitted := d.Outcome == Patched || d.Outcome == Unchanged
	if admitted && !log.V(1).Enabled() || log.GetSink() == nil {
		return // no line: do not build one
	}
	kv := []any{
		"uid", d.UID,
		"kind", schema.GroupKind{Group: d.Kind.Group, Kind: d.Kind.Kind}.String(),
		"operation", d.Operation,
		"namespace", d.Namespace,
	}
	if d.Name != "" || d.GenerateName == "" {
		kv = append(kv, "name", d.Name)
	} else {
		kv = append(kv, "generateName", d.GenerateName)
	}
	kv = append(kv, "outcome", d.Outcome, "stage", d.Stage, "patchBytes", d.PatchBytes, "duration", d.Duration)
	if len(d.Warnings) > 0 {
		kv = append(kv, "warnings", d.Warnings)
	}
	switch {
	case admitted:
		log.V(1).Info("admitted", kv...)
	case d.Outcome == Denied:
		log.Info("denied", append(kv, "reason", d.Message)...)
	default:
		log.Error(errors.New(d.Message), "admission request failed", kv...)
	}
}
