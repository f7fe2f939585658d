package rollout

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/kubernetes/scheme"
	"k8s.io/client-go/tools/reference"

	"github.com/podsecrets/podsecrets/inject"
	"github.com/podsecrets/podsecrets/internal/record"
)

// EventReasonRolled is the reason of the Normal Event a Controller records on a workload it
// rolls (Config.Events); the note names the Secrets and keys that changed, never a value.
const EventReasonRolled = "SecretsChanged"

// eventActionRoll is the action of the Controller's Events.
const eventActionRoll = "Roll"

// Roll is one roll of a workload, made or tried; Config.OnRoll receives one per patch. It
// holds names, never a value.
type Roll struct {
	Kind      string // "Deployment", "StatefulSet", "DaemonSet"
	Namespace string
	Name      string
	// Secrets are the changes the Controller saw, by Secret name, since the workload last
	// rolled or was found up to date. Empty when it saw none: the template's stamp differs
	// from what it consumes because the data changed while no controller watched.
	Secrets []SecretChange
	// Err is set when the patch failed; the roll is tried again.
	Err error
}

// SecretChange is what changed in one Secret a workload consumes.
type SecretChange struct {
	Name string
	// Keys are the keys whose data changed, appeared or went, sorted. A key the workload does
	// not read may be among them, beside one it does.
	Keys []string
	// Recreated is true when the Secret was deleted and created again (a new UID): the
	// secrets hash changes even when the data is the same.
	Recreated bool
}

// change is what the Controller saw happen to one Secret, accumulated until a roll.
type change struct {
	keys      map[string]bool
	recreated bool
	deleted   bool // the last thing seen was its deletion
	created   bool // the first thing seen was its creation
}

// secretDiff returns what changed from old to s (either may be nil: created, deleted), or
// nil when their data and UID are the same.
func secretDiff(old, s *corev1.Secret) *change {
	c := &change{keys: map[string]bool{}}
	var before, after map[string][]byte
	if old != nil {
		before = old.Data
	}
	if s != nil {
		after = s.Data
	}
	for k, v := range before {
		if w, ok := after[k]; !ok || string(v) != string(w) {
			c.keys[k] = true
		}
	}
	for k := range after {
		if _, ok := before[k]; !ok {
			c.keys[k] = true
		}
	}
	c.recreated = old != nil && s != nil && old.UID != s.UID
	c.deleted, c.created = s == nil, old == nil
	if len(c.keys) == 0 && !c.recreated {
		return nil
	}
	return c
}

// merge adds what o saw, after c, to c: a deletion followed by a creation is a re-creation.
func (c *change) merge(o *change) {
	maps.Copy(c.keys, o.keys)
	c.recreated = c.recreated || o.recreated || c.deleted && o.created
	c.deleted = o.deleted
}

// secretChanges lists changes by Secret name, sorted.
func secretChanges(changes map[string]*change) []SecretChange {
	var out []SecretChange
	for _, name := range slices.Sorted(maps.Keys(changes)) {
		c := changes[name]
		out = append(out, SecretChange{Name: name, Keys: slices.Sorted(maps.Keys(c.keys)), Recreated: c.recreated})
	}
	return out
}

// rollNote is the note of a roll's Event: the Secrets and keys that changed.
func rollNote(secrets []SecretChange) string {
	if len(secrets) == 0 {
		return fmt.Sprintf("rolled: the data its pod template consumes differs from its %s annotation (it changed while no controller watched)", inject.AnnotationSecretsHash)
	}
	parts := make([]string, 0, len(secrets))
	for _, s := range secrets {
		var what []string
		if s.Recreated {
			what = append(what, "re-created")
		}
		if len(s.Keys) > 0 {
			what = append(what, "keys: "+strings.Join(s.Keys, ", "))
		}
		parts = append(parts, fmt.Sprintf("Secret %q (%s)", s.Name, strings.Join(what, ", ")))
	}
	return "rolled: data its pod template consumes changed: " + strings.Join(parts, "; ")
}

// rollEvent records the Event of a roll on the workload obj, when Config.Events is set.
func (r *run) rollEvent(obj runtime.Object, secrets []SecretChange) {
	if r.c.cfg.Events == nil {
		return
	}
	ref, err := reference.GetReference(scheme.Scheme, obj)
	if err != nil {
		r.log.V(1).Info("no Event: the workload has no reference", "error", err.Error())
		return
	}
	record.Event(r.c.cfg.Events, ref, nil, corev1.EventTypeNormal, EventReasonRolled, eventActionRoll, rollNote(secrets))
}
