package leader

import (
	"fmt"
	"time"

	"k8s.io/apimachinery/pkg/util/validation/field"
	coordinationv1client "k8s.io/client-go/kubernetes/typed/coordination/v1"
)

// Timing is a Lease's timing, as in client-go's LeaderElectionConfig.
type Timing struct {
	// LeaseDuration is how long the Lease holds after a renewal. The Lease stores it in whole
	// seconds, which is what other processes wait for.
	LeaseDuration time.Duration
	// RenewDeadline is how long after the last renewal sent the work goes on without another
	// one succeeding.
	RenewDeadline time.Duration
	// RetryPeriod is the wait between two attempts to acquire or renew.
	RetryPeriod time.Duration
}

// Margin is how much shorter than LeaseDuration (in whole seconds) RenewDeadline must be. An
// elector tells one renewal from the next by the Lease's times, which it compares at whole
// seconds: it may have begun its wait at a renewal up to a second before this process's last
// one. The second second is for stopping the work and the requests it has in flight.
const Margin = 2 * time.Second

// Validate checks t and returns its problem at fldPath: LeaseDuration, in whole seconds, ≥
// RenewDeadline + Margin, and RenewDeadline > 1.2 × RetryPeriod > 0.
func (t Timing) Validate(fldPath *field.Path) field.ErrorList {
	whole := t.LeaseDuration.Truncate(time.Second)
	if t.RetryPeriod > 0 && t.RenewDeadline > t.RetryPeriod*6/5 && whole >= t.RenewDeadline+Margin {
		return nil
	}
	return field.ErrorList{field.Invalid(fldPath,
		fmt.Sprintf("%v, %v, %v", t.LeaseDuration, t.RenewDeadline, t.RetryPeriod),
		fmt.Sprintf("want leaseDuration (in whole seconds, as the Lease stores it) ≥ renewDeadline + %v, and renewDeadline > 1.2 × retryPeriod > 0", Margin))}
}

// Config says which Lease Run campaigns for and how.
type Config struct {
	Client    coordinationv1client.LeasesGetter
	Namespace string // the Lease's namespace
	Name      string // the Lease's name
	Identity  string // this process's name in the Lease
	Timing
}
