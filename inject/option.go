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

// config is what the options set. Each option adds its own field (or appends to a list),
// so options combine in any order.
type config struct {
	policy ConflictPolicy
	noInit bool
	extras []secretspec.Extras // WithExtras and WithEnv, in the order given: paths "extras[i]"
	obj    objectConfig        // ApplyObject's options (object.go)
	hash   *secretsHashOption
}

type optionFunc func(config) config

func (f optionFunc) apply(c config) config { return f(c) }

// WithConflictPolicy sets how a clash with the pod's own entries is resolved; see ConflictPolicy.
// An unknown policy makes Apply return an error.
func WithConflictPolicy(p ConflictPolicy) Option {
	return optionFunc(func(c config) config { c.policy = p; return c })
}

// WithInitContainers says whether refs and Extras that name no container also reach the init
// containers (the default, true). An init container a ref names explicitly always receives it.
// Ephemeral containers never receive secrets, and the init containers of Extras receive
// nothing but what they were given.
func WithInitContainers(on bool) Option {
	return optionFunc(func(c config) config { c.noInit = !on; return c })
}

// WithEnv adds plain variables to every container the refs without a container list reach
// (all containers, and init containers unless WithInitContainers(false)). It is exactly
// WithExtras(secretspec.Extras{Env: vars}): the variables are appended after the refs'
// variables, in the order given, and their paths in errors are "extras[i].env[j]".
func WithEnv(vars ...corev1.EnvVar) Option {
	return WithExtras(secretspec.Extras{Env: vars})
}

// WithExtras adds what a pod needs beside its refs (see secretspec.Extras): plain variables
// and volume mounts for the containers x.Containers names (nil: every container refs without
// a container list reach), volumes, fetcher init containers placed before the pod's own, and
// annotations on the Pod or pod template. Several WithExtras (and WithEnv) options add up, in
// order; the i-th is "extras[i]" in errors. Each is validated like refs (Extras.Validate and
// against the pod), and applied through the same steps: an identical existing entry is left
// alone, a different one is a conflict for the ConflictPolicy. x is read, never modified, and
// what Apply returns shares no memory with it.
func WithExtras(x secretspec.Extras) Option {
	return optionFunc(func(c config) config {
		// a new backing array each time: options may be reused by many Apply calls
		c.extras = append(c.extras[:len(c.extras):len(c.extras)], x)
		return c
	})
}
