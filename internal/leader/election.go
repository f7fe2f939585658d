package leader

import (
	"time"

	"k8s.io/apimachinery/pkg/util/validation/field"
	coordinationv1client "k8s.io/client-go/kubernetes/typed/coordination/v1"

	"github.com/podsecrets/podsecrets/internal/validation"
)

// The default Lease timing, as kube-controller-manager uses it.
const (
	DefaultLeaseDuration = 15 * time.Second
	DefaultRenewDeadline = 10 * time.Second
	DefaultRetryPeriod   = 2 * time.Second
)

// Election is leader election as a controller's configuration gives it, in the fields
// propagate.ControllerConfig and rollout.Config both have: LeaseName "" means none, a zero
// duration its default. Both controllers default and validate it here, so they take the same
// values and name the same fields in their errors.
type Election struct {
	LeaseName      string
	LeaseNamespace string
	Identity       string
	Timing
}

// On reports whether leader election is asked for.
func (e Election) On() bool { return e.LeaseName != "" }

// WithDefaults fills the zero durations with the defaults.
func (e Election) WithDefaults() Election {
	if e.LeaseDuration == 0 {
		e.LeaseDuration = DefaultLeaseDuration
	}
	if e.RenewDeadline == 0 {
		e.RenewDeadline = DefaultRenewDeadline
	}
	if e.RetryPeriod == 0 {
		e.RetryPeriod = DefaultRetryPeriod
	}
	return e
}

// Validate checks e (after defaults) when it is on, and returns every problem at the
// configuration's own field names below fldPath: leaseName, leaseNamespace, identity, and
// leaseDuration for the timing (the one that must exceed the others).
func (e Election) Validate(fldPath *field.Path) field.ErrorList {
	if !e.On() {
		return nil
	}
	e = e.WithDefaults()
	var errs field.ErrorList
	for _, msg := range validation.IsDNS1123Subdomain(e.LeaseName) {
		errs = append(errs, field.Invalid(fldPath.Child("leaseName"), e.LeaseName, msg))
	}
	if e.LeaseNamespace == "" {
		errs = append(errs, field.Required(fldPath.Child("leaseNamespace"), "the namespace of the Lease, with leaseName"))
	} else {
		for _, msg := range validation.IsDNS1123Label(e.LeaseNamespace) {
			errs = append(errs, field.Invalid(fldPath.Child("leaseNamespace"), e.LeaseNamespace, msg))
		}
	}
	if e.Identity == "" {
		errs = append(errs, field.Required(fldPath.Child("identity"), "a name unique to this replica, e.g. the pod name, with leaseName"))
	}
	return append(errs, e.Timing.Validate(fldPath.Child("leaseDuration"))...)
}

// Config is the Config that Run takes for e (after defaults) and client.
func (e Election) Config(client coordinationv1client.LeasesGetter) Config {
	e = e.WithDefaults()
	return Config{Client: client, Namespace: e.LeaseNamespace, Name: e.LeaseName, Identity: e.Identity, Timing: e.Timing}
}
