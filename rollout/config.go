package rollout

import (
	"context"
	"time"

	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/util/validation/field"
	"k8s.io/client-go/tools/events"

	"github.com/podsecrets/podsecrets/internal/leader"
	"github.com/podsecrets/podsecrets/internal/validation"
)

// LabelOptIn is the label that opts a Deployment, StatefulSet or DaemonSet in, with the value
// "true": the default Selector. It is a label, not an annotation, so that the API server
// filters the workloads and the controller holds only the opted-in ones in memory.
const LabelOptIn = "podsecrets.io/restart-on-rotation"

// Defaults for the zero values of Config. The Lease timing is the same as propagate's.
const (
	DefaultDebounce      = 5 * time.Second
	DefaultLeaseDuration = leader.DefaultLeaseDuration
	DefaultRenewDeadline = leader.DefaultRenewDeadline
	DefaultRetryPeriod   = leader.DefaultRetryPeriod
)

// Config says which workloads a Controller rolls, how it elects a leader, and what it tells
// about its work. Its zero value watches every namespace for workloads labelled
// LabelOptIn=true, without leader election, Events or hook. Leader election, Events and the
// hook are configured as in propagate.ControllerConfig: the same field names, defaults and
// validation.
type Config struct {
	Namespace string          // where the workloads are; "" = every namespace
	Selector  labels.Selector // the opt-in; nil = LabelOptIn=true; an empty one (labels.Everything()) is refused
	// Debounce is how long after the first change of a Secret a workload is looked at: every
	// change within it, to one Secret or several, makes one roll. 0 = DefaultDebounce.
	Debounce time.Duration

	LeaseName      string // "" = no leader election
	LeaseNamespace string // namespace of the Lease; required with LeaseName
	Identity       string // this replica's name in the Lease; required with LeaseName
	// Lease timing; 0 = DefaultLeaseDuration, DefaultRenewDeadline, DefaultRetryPeriod. Want
	// LeaseDuration, in whole seconds as the Lease stores it, ≥ RenewDeadline + 2 s, and
	// RenewDeadline > 1.2 × RetryPeriod.
	LeaseDuration, RenewDeadline, RetryPeriod time.Duration
	// Events, when set, records a Kubernetes Event (events.k8s.io/v1, EventReasonRolled) on
	// each workload the Controller rolls, naming the Secrets and keys that changed; never a
	// value. nil = none.
	Events events.EventRecorder
	// OnRoll, when set, is called after every patch that rolls a workload, or tried to, with
	// what changed (for metrics). It runs on the worker that rolled, so it should return
	// quickly.
	OnRoll func(ctx context.Context, r Roll)
}

// withDefaults fills the zero values.
func (c Config) withDefaults() Config {
	if c.Selector == nil {
		c.Selector = labels.SelectorFromSet(labels.Set{LabelOptIn: "true"})
	}
	if c.Debounce == 0 {
		c.Debounce = DefaultDebounce
	}
	return c
}

// Validate checks c (after defaults) and returns every problem, with paths below fldPath such
// as selector and leaseName.
func (c Config) Validate(fldPath *field.Path) field.ErrorList {
	c = c.withDefaults()
	var errs field.ErrorList
	if c.Namespace != "" {
		for _, msg := range validation.IsDNS1123Label(c.Namespace) {
			errs = append(errs, field.Invalid(fldPath.Child("namespace"), c.Namespace, msg))
		}
	}
	if c.Selector.Empty() {
		errs = append(errs, field.Forbidden(fldPath.Child("selector"),
			"an empty selector (labels.Everything()) selects every workload; workloads opt in with a label, e.g. "+LabelOptIn+"=true (nil selects that one)"))
	}
	if c.Debounce < 0 {
		errs = append(errs, field.Invalid(fldPath.Child("debounce"), c.Debounce.String(), "must not be negative"))
	}
	return append(errs, c.election().Validate(fldPath)...)
}

// election is c's leader election.
func (c Config) election() leader.Election {
	return leader.Election{LeaseName: c.LeaseName, LeaseNamespace: c.LeaseNamespace, Identity: c.Identity,
		Timing: leader.Timing{LeaseDuration: c.LeaseDuration, RenewDeadline: c.RenewDeadline, RetryPeriod: c.RetryPeriod}}
}
