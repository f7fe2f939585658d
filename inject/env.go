package inject

import (
	"fmt"
	"slices"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/equality"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

// wantEnv records w, unless an identical variable is already wanted; a different one of
// the same name is an error.
func (a *applier) wantEnv(t target, w wantEnv) {
	if i := a.wantedEnv.find(len(a.envs), w.name, func(i int) string { return a.envs[i].name }); i >= 0 {
		o := &a.envs[i]
		if !o.same(&w) {
			a.errs = append(a.errs, field.Forbidden(sourcePath(w.src), fmt.Sprintf(
				"container %q: %s sets env var %q from %s, but %s sets it from %s",
				t.name, describeSource(w.src), w.name, w.describe(), describeSource(o.src), o.describe())))
		}
		return
	}
	a.envs = append(a.envs, w)
}

// same reports whether two wanted variables are identical.
func (w *wantEnv) same(o *wantEnv) bool {
	if w.kind == o.kind && w.kind != envPlain {
		return w.secret == o.secret && w.key == o.key && w.optional == o.optional && w.value == o.value
	}
	var s slab // a throw-away variable: the slab is only for what Apply returns
	e := o.build(&s)
	return w.matches(&e)
}

func sourcePath(s source) *field.Path {
	switch s.list {
	case fromExtrasEnv:
		return field.NewPath("extras").Index(s.ref).Child("env").Index(s.item)
	case fromExtrasMounts:
		return field.NewPath("extras").Index(s.ref).Child("mounts").Index(s.item)
	}
	return field.NewPath("refs").Index(s.ref)
}

// build makes the variable w wants, its pointers into s; it shares no memory with the
// inputs.
func (w *wantEnv) build(s *slab) corev1.EnvVar {
	switch w.kind {
	case envSecret:
		v := take(&s.envs)
		v.sel = corev1.SecretKeySelector{LocalObjectReference: corev1.LocalObjectReference{Name: w.secret}, Key: w.key}
		if w.optional {
			v.optional = true
			v.sel.Optional = &v.optional
		}
		v.src.SecretKeyRef = &v.sel
		return corev1.EnvVar{Name: w.name, ValueFrom: &v.src}
	case envLiteral:
		return corev1.EnvVar{Name: w.name, Value: w.value}
	}
	var e corev1.EnvVar
	w.plain.DeepCopyInto(&e)
	return e
}

// matches reports whether the pod's variable e is exactly what w wants (an unset optional
// flag equals false).
func (w *wantEnv) matches(e *corev1.EnvVar) bool {
	if e.Name != w.name {
		return false
	}
	switch w.kind {
	case envSecret:
		if e.Value != "" || e.ValueFrom == nil {
			return false
		}
		s := e.ValueFrom.SecretKeyRef
		rest := *e.ValueFrom
		rest.SecretKeyRef = nil
		return s != nil && rest == (corev1.EnvVarSource{}) && s.Name == w.secret && s.Key == w.key && isTrue(s.Optional) == w.optional
	case envLiteral:
		return e.ValueFrom == nil && e.Value == w.value
	}
	return equality.Semantic.DeepEqual(*e, *w.plain)
}

// wantEnvFrom records w unless it is already wanted.
func (a *applier) wantEnvFrom(t target, w wantEnvFrom) {
	k := fromKey{w.secret, w.prefix}
	if i := a.wantedFrom.find(len(a.froms), k, func(i int) fromKey { return fromKey{a.froms[i].secret, a.froms[i].prefix} }); i >= 0 {
		o := &a.froms[i]
		if o.optional != w.optional {
			a.errs = append(a.errs, field.Forbidden(sourcePath(w.src), fmt.Sprintf(
				"container %q: %s wants envFrom %s, but %s wants %s",
				t.name, describeSource(w.src), w.describe(), describeSource(o.src), o.describe())))
		}
		return
	}
	a.froms = append(a.froms, w)
}

// applyEnv gives c the variables wanted. A container may list a name more than once (the
// API server only warns); the kubelet uses the last entry, so the last decides whether the
// wanted variable is there: ConflictFail reports the last, ConflictKeepExisting keeps every
// entry, and ConflictOverride puts the wanted variable at the first entry's place (where
// $(VAR) references after it see it) and drops the later entries of that name.
func (a *applier) applyEnv(c *corev1.Container, t target) {
	orig := len(c.Env)
	a.drops = a.drops[:0]
	for i := range a.envs {
		w := &a.envs[i]
		first, last := a.hasEnv.span(orig, w.name, func(k int) string { return c.Env[k].Name })
		if first < 0 {
			c.Env = append(c.Env, w.build(&a.slab))
			continue
		}
		if w.matches(&c.Env[last]) {
			continue
		}
		switch a.cfg.policy {
		case ConflictFail:
			a.errs = append(a.errs, field.Forbidden(t.path("env", last), fmt.Sprintf(
				"conflict: container %q has env var %q from %s%s, and %s wants it from %s",
				c.Name, w.name, describeEnvVar(&c.Env[last]), describeDuplicates(c.Env[:last], w.name, func(e *corev1.EnvVar) string { return e.Name }),
				describeSource(w.src), w.describe())))
		case ConflictOverride:
			c.Env[first] = w.build(&a.slab)
			for j := first + 1; j <= last; j++ {
				if c.Env[j].Name == w.name {
					a.drops = append(a.drops, j)
				}
			}
		}
	}
	c.Env = dropEntries(c.Env, a.drops)
}

// applyEnvFrom gives c the envFrom entries wanted. Every envFrom entry takes effect, so
// when a container lists one Secret with one prefix more than once, all of them must be
// what is wanted; ConflictOverride replaces the first and drops the others.
func (a *applier) applyEnvFrom(c *corev1.Container, t target) {
	orig := len(c.EnvFrom)
	a.drops = a.drops[:0]
	key := func(k int) fromKey {
		if e := &c.EnvFrom[k]; e.SecretRef != nil {
			return fromKey{e.SecretRef.Name, e.Prefix}
		}
		return fromKey{secret: "\x00"} // a ConfigMap: no Secret is called so (DNS names)
	}
	for i := range a.froms {
		w := &a.froms[i]
		k := fromKey{w.secret, w.prefix}
		first, last := a.hasFrom.span(orig, k, key)
		if first < 0 {
			c.EnvFrom = append(c.EnvFrom, w.build(&a.slab))
			continue
		}
		bad := -1
		for j := first; j <= last && bad < 0; j++ {
			if e := &c.EnvFrom[j]; key(j) == k && (e.ConfigMapRef != nil || isTrue(e.SecretRef.Optional) != w.optional) {
				bad = j
			}
		}
		if bad < 0 {
			continue
		}
		switch a.cfg.policy {
		case ConflictFail:
			a.errs = append(a.errs, field.Forbidden(t.path("envFrom", bad), fmt.Sprintf(
				"conflict: container %q has envFrom %s, and %s wants envFrom %s",
				c.Name, describeEnvFrom(&c.EnvFrom[bad]), describeSource(w.src), w.describe())))
		case ConflictOverride:
			c.EnvFrom[first] = w.build(&a.slab)
			for j := first + 1; j <= last; j++ {
				if key(j) == k {
					a.drops = append(a.drops, j)
				}
			}
		}
	}
	c.EnvFrom = dropEntries(c.EnvFrom, a.drops)
}

// dropEntries removes the entries at drops (indexes, in any order) from list, in place.
func dropEntries[T any](list []T, drops []int) []T {
	if len(drops) == 0 {
		return list
	}
	slices.Sort(drops)
	out := list[:drops[0]]
	for i, d := range drops {
		end := len(list)
		if i+1 < len(drops) {
			end = drops[i+1]
		}
		out = append(out, list[d+1:end]...)
	}
	clear(list[len(out):])
	return out
}

// build makes the envFrom entry w wants, its pointers into s.
func (w *wantEnvFrom) build(s *slab) corev1.EnvFromSource {
	v := take(&s.froms)
	v.ref = corev1.SecretEnvSource{LocalObjectReference: corev1.LocalObjectReference{Name: w.secret}}
	if w.optional {
		v.optional = true
		v.ref.Optional = &v.optional
	}
	return corev1.EnvFromSource{Prefix: w.prefix, SecretRef: &v.ref}
}
