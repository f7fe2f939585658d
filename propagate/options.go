package propagate

import (
	"fmt"
	"time"

	"github.com/podsecrets/podsecrets/internal/leader"
)

// DefaultConcurrency is the number of namespaces written to at the same time unless
// Concurrency says otherwise.
const DefaultConcurrency = 8

// Default leader-election timing, as kube-controller-manager uses it.
const (
	// DefaultLeaseDuration is how long a Lease holds after its last renewal.
	DefaultLeaseDuration = 15 * time.Second
	// DefaultRenewDeadline is how long the leader keeps trying to renew before it stops.
	DefaultRenewDeadline = 10 * time.Second
	// DefaultRetryPeriod is the wait between attempts to acquire or renew.
	DefaultRetryPeriod = 2 * time.Second
)

// Option changes how Sync, Remove and a Controller work.
type Option interface {
	apply(*options)
}

type options struct {
	dryRun            bool
	concurrency       int
	noPrune           bool
	recreateImmutable bool
	leaseDuration     time.Duration
	renewDeadline     time.Duration
	retryPeriod       time.Duration
}

type optionFunc func(*options)

func (f optionFunc) apply(o *options) { f(o) }

// DryRun decides and reports everything as a real run would, but writes nothing.
func DryRun() Option { return optionFunc(func(o *options) { o.dryRun = true }) }

// Concurrency sets how many namespaces are written to at the same time (DefaultConcurrency
// unless set). n must be at least 1.
func Concurrency(n int) Option { return optionFunc(func(o *options) { o.concurrency = n }) }

// NoPrune keeps copies in namespaces that are no longer selected; they are reported Skipped.
func NoPrune() Option { return optionFunc(func(o *options) { o.noPrune = true }) }

// RecreateImmutable lets Sync delete and create again an immutable copy that differs from its
// source (in data, type or immutability). Without it such a copy is left alone and reported
// Skipped. It is about immutable copies only: a mutable copy whose type differs from the
// source's (the source was recreated with another type) is always recreated, since the API
// server cannot update it in place.
func RecreateImmutable() Option {
	return optionFunc(func(o *options) { o.recreateImmutable = true })
}

// LeaderElectionTiming sets the Lease timing of a Controller with leader election (defaults
// DefaultLeaseDuration, DefaultRenewDeadline, DefaultRetryPeriod). NewController wants
// leaseDuration, in whole seconds as the Lease stores it, at least renewDeadline + 2 s (the
// Lease's times have whole-second resolution, and the work needs a moment to stop), and
// renewDeadline > 1.2 × retryPeriod > 0. Sync and Remove ignore it.
func LeaderElectionTiming(leaseDuration, renewDeadline, retryPeriod time.Duration) Option {
	return optionFunc(func(o *options) {
		o.leaseDuration, o.renewDeadline, o.retryPeriod = leaseDuration, renewDeadline, retryPeriod
	})
}

// timing returns the Lease timing the options set.
func (o options) timing() leader.Timing {
	return leader.Timing{LeaseDuration: o.leaseDuration, RenewDeadline: o.renewDeadline, RetryPeriod: o.retryPeriod}
}

func buildOptions(opts []Option) (options, error) {
	o := options{
		concurrency:   DefaultConcurrency,
		leaseDuration: DefaultLeaseDuration,
		renewDeadline: DefaultRenewDeadline,
		retryPeriod:   DefaultRetryPeriod,
	}
	for _, opt := range opts {
		if opt != nil {
			opt.apply(&o)
		}
	}
	if o.concurrency < 1 {
		return o, fmt.Errorf("propagate: Concurrency(%d): must be at least 1", o.concurrency)
	}
	return o, nil
}
