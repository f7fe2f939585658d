package propagate

import (
	"fmt"
)

// DefaultConcurrency is the number of namespaces written to at the same time unless
// Concurrency says otherwise.
const DefaultConcurrency = 8

// Option changes how Sync, Remove and a Controller work.
type Option interface {
	apply(*options)
}

type options struct {
	dryRun            bool
	concurrency       int
	noPrune           bool
	recreateImmutable bool
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

func buildOptions(opts []Option) (options, error) {
	o := options{concurrency: DefaultConcurrency}
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
