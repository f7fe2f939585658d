package inject

import (
	"strconv"

	corev1 "k8s.io/api/core/v1"

	"github.com/podsecrets/podsecrets/secretspec"
)

// Option changes how Apply and ApplyPod inject refs. Options are made by the With… functions
// of this package; the interface is sealed.
type Option interface {
	apply(config) config
}

// ConflictPolicy decides what happens when the pod already has an entry (an env var, an
// envFrom source or a volume mount) that differs from the one a ref or a WithEnv variable
// needs. An existing entry identical to the wanted one is never a conflict.
type ConflictPolicy int

const (
	// ConflictFail makes Apply return an error naming both sides. It is the default.
	ConflictFail ConflictPolicy = iota
	// ConflictKeepExisting keeps the pod's entry and drops the ref's.
	ConflictKeepExisting
	// ConflictOverride replaces the pod's entry, in place, with the ref's.
	ConflictOverride
)

// String returns the policy's Go name, e.g. "ConflictFail".
func (p ConflictPolicy) String() string {
	switch p {
	case ConflictFail:
		return "ConflictFail"
	case ConflictKeepExisting:
		return "ConflictKeepExisting"
	case ConflictOverride:
		return "ConflictOverride"
	}
	return "ConflictPolicy(" + strconv.Itoa(int(p)) + ")"
}

// config is what the options set.
type config struct {
	policy ConflictPolicy
	noInit bool
	env    []corev1.EnvVar
	obj    objectConfig // ApplyObject's options (object.go)
	hash   *secretsHashOption

	stubExtras bool // STUB: an Extras field other than Env was given
}

type optionFunc func(config) config

func (f optionFunc) apply(c config) config { return f(c) }

// WithConflictPolicy sets how a clash with the pod's own entries is resolved; see ConflictPolicy.
// An unknown policy makes Apply return an error.
func WithConflictPolicy(p ConflictPolicy) Option {
	return optionFunc(func(c config) config { c.policy = p; return c })
}

// WithInitContainers says whether refs that name no container also reach the init containers
// (the default, true). An init container a ref names explicitly always receives it. Ephemeral
// containers never receive secrets.
func WithInitContainers(on bool) Option {
	return optionFunc(func(c config) config { c.noInit = !on; return c })
}

// WithEnv adds plain variables to every container the refs without a container list reach
// (all containers, and init containers unless WithInitContainers(false)). They are appended
// after the refs' variables, in the order given; several WithEnv options add up.
// A variable the pod already has with different content is a conflict, handled by the
// ConflictPolicy; two different variables of one name among the refs and WithEnv are an error.
func WithEnv(vars ...corev1.EnvVar) Option {
	return optionFunc(func(c config) config {
		// a new backing array each time: options may be reused by many Apply calls
		c.env = append(c.env[:len(c.env):len(c.env)], vars...)
		return c
	})
}

// WithExtras adds what a pod needs beside its refs (see secretspec.Extras). WithEnv(v...) is
// WithExtras(secretspec.Extras{Env: v}).
//
// STUB (phase 0): only Env is applied; the other fields are refused until the Extras mechanism
// lands.
func WithExtras(x secretspec.Extras) Option {
	return optionFunc(func(c config) config {
		c.env = append(c.env[:len(c.env):len(c.env)], x.Env...)
		x.Env = nil
		if !x.IsZero() {
			c.stubExtras = true
		}
		return c
	})
}
