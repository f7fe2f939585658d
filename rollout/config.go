package rollout

import (
	"time"

	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/podsecrets/podsecrets/internal/leader"
)

// LabelOptIn is the label that opts a Deployment, StatefulSet or DaemonSet in, with the value
// "true": the default Selector. It is a label, not an annotation, so that the API server
// filters the workloads and the controller holds only the opted-in ones in memory.
const LabelOptIn = "podsecrets.io/restart-on-rotation"

// Defaults for the zero values of Config.
const (
	DefaultDebounce      = 5 * time.Second
	DefaultLeaseDuration = 15 * time.Second
	DefaultRenewDeadline = 10 * time.Second
	DefaultRetryPeriod   = 2 * time.Second
)

// Config says which workloads a Controller rolls and how it elects a leader. Its zero value
// watches every namespace for workloads labelled LabelOptIn=true, without leader election.
type Config struct {
	Namespace string          // where the workloads are; "" = every namespace
	Selector  labels.Selector // the opt-in; nil = LabelOptIn=true; labels.Everything() is refused
	// Debounce is how long after the first change of a Secret a workload is looked at: every
	// change within it, to one Secret or several, makes one roll. 0 = DefaultDebounce.
	Debounce time.Duration

	LeaseName      string // "" = no leader election
	LeaseNamespace string // required with LeaseName
	Identity       string // this replica's name in the Lease; required with LeaseName
	// Lease timing; 0 = the Default… values. Want LeaseDuration, in whole seconds as the Lease
	// stores it, ≥ RenewDeadline + 2 s, and RenewDeadline > 1.2 × RetryPeriod.
	LeaseDuration, RenewDeadline, RetryPeriod time.Duration
}

// withDefaults fills the zero values.
func (c Config) withDefaults() Config {
	if c.Selector == nil {
		c.Selector = labels.SelectorFromSet(labels.Set{LabelOptIn: "true"})
	}
	if c.Debounce == 0 {
		c.Debounce = DefaultDebounce
	}
	if c.LeaseDuration == 0 {
		c.LeaseDuration = DefaultLeaseDuration
	}
	if c.RenewDeadline == 0 {
		c.RenewDeadline = DefaultRenewDeadline
	}
	if c.RetryPeriod == 0 {
		c.RetryPeriod = DefaultRetryPeriod
	}
	return c
}

// Validate checks c (after defaults) and returns every problem, with paths below fldPath.
func (c Config) Validate(fldPath *field.Path) field.ErrorList {
	c = c.withDefaults()
	var errs field.ErrorList
	if c.Namespace != "" {
		for _, msg := range validation.IsDNS1123Label(c.Namespace) {
			errs = append(errs, field.Invalid(fldPath.Child("Namespace"), c.Namespace, msg))
		}
	}
	if c.Selector.Empty() {
		errs = append(errs, field.Invalid(fldPath.Child("Selector"), c.Selector.String(),
			"selects every workload; the opt-in needs a label, e.g. "+LabelOptIn+"=true"))
	}
	if c.Debounce < 0 {
		errs = append(errs, field.Invalid(fldPath.Child("Debounce"), c.Debounce.String(), "must not be negative"))
	}
	if c.LeaseName == "" {
		return errs
	}
	for _, msg := range validation.IsDNS1123Subdomain(c.LeaseName) {
		errs = append(errs, field.Invalid(fldPath.Child("LeaseName"), c.LeaseName, msg))
	}
	if c.LeaseNamespace == "" {
		errs = append(errs, field.Required(fldPath.Child("LeaseNamespace"), "with LeaseName"))
	}
	if c.Identity == "" {
		errs = append(errs, field.Required(fldPath.Child("Identity"), "with LeaseName"))
	}
	return append(errs, c.timing().Validate(fldPath.Child("LeaseDuration"))...)
}

// timing returns c's Lease timing.
func (c Config) timing() leader.Timing {
	return leader.Timing{LeaseDuration: c.LeaseDuration, RenewDeadline: c.RenewDeadline, RetryPeriod: c.RetryPeriod}
}
