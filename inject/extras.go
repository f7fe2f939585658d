package inject

import (
	"fmt"
	"slices"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/equality"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/podsecrets/podsecrets/secretspec"
)

// What follows applies the Extras' volumes and fetcher init containers; their variables and
// mounts are wanted per container beside the refs' (see applier.container), and their
// annotations are in annotations.go.

// extrasItem is one volume or init container of an Extras, where it came from, and what
// becomes of it: added to the pod (at < 0), or the pod's entry at index at, left alone or
// (override) replaced.
type extrasItem[T any] struct {
	x, i     int // extras[x].<list>[i]
	v        *T
	at       int
	override bool
}

// extrasPath is "extras[x].list[i]".
func extrasPath(x int, list string, i int) *field.Path {
	return field.NewPath("extras").Index(x).Child(list).Index(i)
}

// extrasNames finds, by name, the Extras' fetchers and volumes (the first of each name) and
// the pod's containers, so that the checks below stay linear in the sizes of pod and Extras.
type extrasNames struct {
	fetchers, volumes nameSet[loc]
	pod               nameSet[containerKind]
}

// loc is where an Extras' entry is: extras[x].<list>[i].
type loc struct{ x, i int }

// containerKind says which of a pod's container lists hold a name.
type containerKind uint8

const (
	regular containerKind = 1 << iota
	initContainer
	ephemeral
)

func newExtrasNames(xs []secretspec.Extras, spec *corev1.PodSpec) extrasNames {
	var n extrasNames
	var fetchers, volumes int
	for k := range xs {
		fetchers += len(xs[k].InitContainers)
		volumes += len(xs[k].Volumes)
	}
	n.fetchers.grow(fetchers)
	n.volumes.grow(volumes)
	n.pod.grow(len(spec.Containers) + len(spec.InitContainers) + len(spec.EphemeralContainers))
	for k := range xs {
		for i := range xs[k].InitContainers {
			n.fetchers.add(xs[k].InitContainers[i].Name, loc{k, i})
		}
		for i := range xs[k].Volumes {
			n.volumes.add(xs[k].Volumes[i].Name, loc{k, i})
		}
	}
	kind := func(name string, kind containerKind) {
		if p := n.pod.at(name); p != nil {
			*p |= kind
		} else {
			n.pod.add(name, kind)
		}
	}
	for i := range spec.Containers {
		kind(spec.Containers[i].Name, regular)
	}
	for i := range spec.InitContainers {
		kind(spec.InitContainers[i].Name, initContainer)
	}
	for i := range spec.EphemeralContainers {
		kind(spec.EphemeralContainers[i].Name, ephemeral)
	}
	return n
}

// isFetcher reports whether name is an init container some Extras adds.
func (n *extrasNames) isFetcher(name string) bool { return n.fetchers.at(name) != nil }

// fetcherNames is the set of the Extras' init container names, made when first asked.
type fetcherNames struct {
	set  nameSet[struct{}]
	made bool
}

// isFetcher reports whether name is an init container of one of xs.
func (f *fetcherNames) isFetcher(xs []secretspec.Extras, name string) bool {
	if !f.made {
		f.made = true
		n := 0
		for k := range xs {
			n += len(xs[k].InitContainers)
		}
		f.set.grow(n)
		for k := range xs {
			for i := range xs[k].InitContainers {
				f.set.add(xs[k].InitContainers[i].Name, struct{}{})
			}
		}
	}
	return f.set.at(name) != nil
}

// podKind says which of the pod's lists hold a container called name.
func (n *extrasNames) podKind(name string) containerKind {
	if k := n.pod.at(name); k != nil {
		return *k
	}
	return 0
}

// validateExtras checks every Extras on its own (secretspec.Extras.Validate) and against the
// pod and each other: Containers name containers of the pod, mounts name volumes of the pod or
// of an Extras, fetchers do not take the name of one of the pod's containers, and two Extras
// that give one volume, init container or annotation give the same. meta says whether there
// is metadata for annotations (a Pod or pod template).
func validateExtras(xs []secretspec.Extras, spec *corev1.PodSpec, names *extrasNames, meta bool) field.ErrorList {
	var errs field.ErrorList
	var podVolumes nameSet[struct{}]
	podVolumes.grow(len(spec.Volumes))
	for i := range spec.Volumes {
		podVolumes.add(spec.Volumes[i].Name, struct{}{})
	}
	volumeExists := func(name string) bool {
		return name == "" || podVolumes.at(name) != nil || names.volumes.at(name) != nil
	}
	for k := range xs {
		x := &xs[k]
		if e := x.Validate(nil); len(e) > 0 {
			errs = append(errs, x.Validate(field.NewPath("extras").Index(k))...)
		}
		for j, name := range x.Containers {
			fp := func() *field.Path { return field.NewPath("extras").Index(k).Child("containers").Index(j) }
			switch kind := names.podKind(name); {
			case name == "":
			case names.isFetcher(name):
				errs = append(errs, field.Invalid(fp(), name, "names an init container of the Extras; those are added as given and receive nothing else"))
			case kind&(regular|initContainer) != 0:
			case kind&ephemeral != 0:
				errs = append(errs, field.Invalid(fp(), name, "names an ephemeral container; ephemeral containers never receive secrets"))
			default:
				errs = append(errs, field.NotFound(fp(), name))
			}
		}
		for j := range x.Mounts {
			if name := x.Mounts[j].Name; !volumeExists(name) {
				errs = append(errs, field.Invalid(extrasPath(k, "mounts", j).Child("name"), name, noVolume))
			}
		}
		for j := range x.InitContainers {
			c := &x.InitContainers[j]
			for m, vm := range c.VolumeMounts {
				if !volumeExists(vm.Name) {
					errs = append(errs, field.Invalid(extrasPath(k, "initContainers", j).Child("volumeMounts").Index(m).Child("name"), vm.Name, noVolume))
				}
			}
			if names.podKind(c.Name)&(regular|ephemeral) != 0 {
				errs = append(errs, field.Invalid(extrasPath(k, "initContainers", j).Child("name"), c.Name, "is the name of one of the pod's containers"))
			}
			if first := names.fetchers.at(c.Name); first != nil && first.x < k && !equality.Semantic.DeepEqual(*c, xs[first.x].InitContainers[first.i]) {
				errs = append(errs, field.Forbidden(extrasPath(k, "initContainers", j), fmt.Sprintf(
					"init container %q differs from the one extras[%d].initContainers[%d] adds", c.Name, first.x, first.i)))
			}
		}
		for j := range x.Volumes {
			v := &x.Volumes[j]
			if first := names.volumes.at(v.Name); first != nil && first.x < k && !equality.Semantic.DeepEqual(*v, xs[first.x].Volumes[first.i]) {
				errs = append(errs, field.Forbidden(extrasPath(k, "volumes", j), fmt.Sprintf(
					"volume %q differs from the one extras[%d].volumes[%d] adds", v.Name, first.x, first.i)))
			}
		}
		if len(x.Annotations) > 0 {
			if !meta {
				errs = append(errs, field.Forbidden(field.NewPath("extras").Index(k).Child("annotations"),
					"a PodSpec has no metadata: annotations need a Pod or pod template (use ApplyPod or ApplyTemplate)"))
			}
			for _, key := range sortedKeys(x.Annotations) {
				for o := range k {
					if ov, ok := xs[o].Annotations[key]; ok && ov != x.Annotations[key] {
						errs = append(errs, field.Forbidden(field.NewPath("extras").Index(k).Child("annotations").Key(key), fmt.Sprintf(
							"annotation %q has another value in extras[%d]", key, o)))
						break
					}
				}
			}
		}
	}
	return errs
}

const noVolume = "names no volume of the pod or of the Extras"

// extrasReach reports whether the Env and Mounts of x reach the container called name.
func (a *applier) extrasReach(x *secretspec.Extras, name string, init bool) bool {
	if len(x.Containers) == 0 {
		return !init || !a.cfg.noInit
	}
	return slices.Contains(x.Containers, name)
}

// settleExtras decides, before the containers are done, what becomes of the Extras' init
// containers and volumes: each is added, or left alone because the pod has an identical one,
// or is a conflict with the pod's entry of that name, for the ConflictPolicy. An item given
// by several Extras (identical, as validated) counts once.
func (a *applier) settleExtras() {
	for k := range a.cfg.extras {
		x := &a.cfg.extras[k]
		for i := range x.InitContainers {
			c := &x.InitContainers[i]
			if a.fetcher(c.Name) != nil {
				continue
			}
			inits := a.src.InitContainers
			it := extrasItem[corev1.Container]{x: k, i: i, v: c, at: a.podInit.find(len(inits), c.Name, func(j int) string { return inits[j].Name })}
			if it.at >= 0 && !equality.Semantic.DeepEqual(a.src.InitContainers[it.at], *c) {
				it.override = a.namedClash("initContainers", "init container", c.Name, it.at, k, i)
			}
			a.fetchers = append(a.fetchers, it)
		}
		for i := range x.Volumes {
			v := &x.Volumes[i]
			if a.extraVol(v.Name) != nil {
				continue
			}
			it := extrasItem[corev1.Volume]{x: k, i: i, v: v, at: a.podVolume.find(len(a.src.Volumes), v.Name, func(j int) string { return a.src.Volumes[j].Name })}
			if it.at >= 0 && !equality.Semantic.DeepEqual(a.src.Volumes[it.at], *v) {
				it.override = a.namedClash("volumes", "volume", v.Name, it.at, k, i)
			}
			a.extraVols = append(a.extraVols, it)
		}
	}
}

// fetcher returns the Extras' init container called name (that the pod's init container of
// that name is), or nil.
// namedClash resolves, by the ConflictPolicy, a different entry of the pod's list (initContainers,
// volumes) at index at that item i of Extras k names too: it records the error, or says whether the
// Extras' entry replaces the pod's.
func (a *applier) namedClash(list, what, name string, at, k, i int) (override bool) {
	switch a.cfg.policy {
	case ConflictFail:
		a.errs = append(a.errs, field.Forbidden(specPath(a.at).Child(list).Index(at), fmt.Sprintf(
			"conflict: the pod has %s %q, and %s adds a different one of that name", what, name, extrasPath(k, list, i))))
	case ConflictOverride:
		return true
	}
	return false
}

func (a *applier) fetcher(name string) *extrasItem[corev1.Container] {
	if i := a.fetcherIdx.find(len(a.fetchers), name, func(i int) string { return a.fetchers[i].v.Name }); i >= 0 {
		return &a.fetchers[i]
	}
	return nil
}

// extraVol returns the Extras' volume called name, or nil.
func (a *applier) extraVol(name string) *extrasItem[corev1.Volume] {
	if i := a.extraVolIdx.find(len(a.extraVols), name, func(i int) string { return a.extraVols[i].v.Name }); i >= 0 {
		return &a.extraVols[i]
	}
	return nil
}

// initContainers makes the init containers: the Extras' fetchers the pod lacks, in order,
// before the pod's own (after those of its leading init containers that are fetchers, so a
// second Apply keeps the order), then the pod's own with what refs and Extras want. An init
// container that is a fetcher is copied as it is (or, with ConflictOverride, replaced): refs
// and Extras never reach fetchers.
func (a *applier) initContainers() []corev1.Container {
	src := a.src.InitContainers
	if len(a.fetchers) == 0 {
		return a.containers(src, true)
	}
	added := 0
	for i := range a.fetchers {
		if a.fetchers[i].at < 0 {
			added++
		}
	}
	lead := 0 // the pod's leading fetchers
	for lead < len(src) && a.fetcher(src[lead].Name) != nil {
		lead++
	}
	if src == nil && added == 0 {
		return nil
	}
	out := make([]corev1.Container, len(src)+added)
	n := 0
	put := func(i int) {
		if f := a.fetcher(src[i].Name); f != nil {
			if f.override {
				f.v.DeepCopyInto(&out[n])
			} else {
				src[i].DeepCopyInto(&out[n])
			}
		} else {
			a.container(&out[n], &src[i], target{at: a.at, init: true, index: i, name: src[i].Name})
		}
		n++
	}
	for i := range lead {
		put(i)
	}
	for i := range a.fetchers {
		if f := &a.fetchers[i]; f.at < 0 {
			f.v.DeepCopyInto(&out[n])
			n++
		}
	}
	for i := lead; i < len(src); i++ {
		put(i)
	}
	return out
}

// extrasVolumes appends to out the Extras' volumes the pod lacks, and replaces those
// ConflictOverride replaces.
func (a *applier) extrasVolumes(out []corev1.Volume) []corev1.Volume {
	for i := range a.extraVols {
		v := &a.extraVols[i]
		switch {
		case v.at < 0:
			out = append(out, corev1.Volume{})
			v.v.DeepCopyInto(&out[len(out)-1])
		case v.override:
			out[v.at] = corev1.Volume{}
			v.v.DeepCopyInto(&out[v.at])
		}
	}
	return out
}

// extrasVolume returns the volume called name that the pod will have from the Extras (a new
// one, or one replacing the pod's), or nil.
func (a *applier) extrasVolume(name string) (v *corev1.Volume, replaces bool) {
	if e := a.extraVol(name); e != nil && (e.at < 0 || e.override) {
		return e.v, e.at >= 0
	}
	return nil, false
}
