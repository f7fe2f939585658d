package secretspec

import (
	"path"
	"reflect"
	"slices"
	"strings"

	corev1 "k8s.io/api/core/v1"
	apivalidation "k8s.io/apimachinery/pkg/api/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/podsecrets/podsecrets/internal/validation"
)

// Validate checks x on its own, as the API server would check what it adds to a pod, and
// returns every problem at once with paths below fldPath (e.g. "extras[1].volumes[0].name"):
// variable names (IsRelaxedEnvVarName) unique among Env; mounts naming a volume (a DNS-1123
// label), at absolute, clean paths unique among Mounts, with a relative SubPath; Containers as
// a ref's; volume names DNS-1123 labels unique among Volumes, each of at most one volume
// type and none a Secret volume (a Secret is mounted by a Mount ref); init container names
// DNS-1123 labels unique among InitContainers; annotation keys and their total size as
// apimachinery's ValidateAnnotations checks them. Whether mounts name volumes that exist,
// Containers name containers that exist and init containers clash with the pod's is for the
// caller that knows the pod (inject). Values are never printed.
func (x Extras) Validate(fldPath *field.Path) field.ErrorList {
	// Paths are built only for errors: a valid Extras costs no allocation here.
	at := func(list string, i int) *field.Path { return fldPath.Child(list).Index(i) }
	var errs field.ErrorList
	var envs, paths, volumes, inits seenNames
	for i := range x.Env {
		e := &x.Env[i]
		dup := repeated(&envs, x.Env, i, func(e *corev1.EnvVar) string { return e.Name })
		if msg := validation.RelaxedEnvVarNameProblem(e.Name); msg != "" {
			errs = append(errs, field.Invalid(at("env", i).Child("name"), e.Name, msg))
		}
		if e.Name != "" && dup {
			errs = append(errs, field.Duplicate(at("env", i).Child("name"), e.Name))
		}
	}
	for i := range x.Mounts {
		m := &x.Mounts[i]
		dup := repeated(&paths, x.Mounts, i, func(m *corev1.VolumeMount) string { return m.MountPath })
		if !validLabel(m.Name) {
			errs = append(errs, validateLabel(m.Name, at("mounts", i), "name", "the name of a volume of the Extras or of the pod")...)
		}
		switch {
		case m.MountPath == "":
			errs = append(errs, field.Required(at("mounts", i).Child("mountPath"), "an absolute directory"))
		case dup:
			errs = append(errs, field.Duplicate(at("mounts", i).Child("mountPath"), m.MountPath))
		default:
			if e := validateMountPath(m.MountPath, nil, "mountPath"); len(e) > 0 {
				errs = append(errs, validateMountPath(m.MountPath, at("mounts", i), "mountPath")...)
			}
		}
		if sp := m.SubPath; sp != "" && (path.IsAbs(sp) || slices.Contains(strings.Split(sp, "/"), "..")) {
			errs = append(errs, field.Invalid(at("mounts", i).Child("subPath"), sp, `must be a relative path without ".." elements`))
		}
	}
	if x.Containers != nil {
		errs = append(errs, validateContainers(x.Containers, fldPath, "containers")...)
	}
	for i := range x.Volumes {
		v := &x.Volumes[i]
		dup := repeated(&volumes, x.Volumes, i, func(v *corev1.Volume) string { return v.Name })
		if !validLabel(v.Name) {
			errs = append(errs, validateLabel(v.Name, at("volumes", i), "name", "a volume name (a DNS-1123 label)")...)
		}
		if v.Name != "" && dup {
			errs = append(errs, field.Duplicate(at("volumes", i).Child("name"), v.Name))
		}
		if v.Secret != nil {
			errs = append(errs, field.Forbidden(at("volumes", i).Child("secret"),
				"Extras holds non-Secret volumes: mount a Secret with a Mount ref, which names and merges its volume"))
		}
		if n := volumeTypes(&v.VolumeSource); n > 1 {
			errs = append(errs, field.Forbidden(at("volumes", i), "may not specify more than 1 volume type"))
		}
	}
	for i := range x.InitContainers {
		c := &x.InitContainers[i]
		dup := repeated(&inits, x.InitContainers, i, func(c *corev1.Container) string { return c.Name })
		if !validLabel(c.Name) {
			errs = append(errs, validateLabel(c.Name, at("initContainers", i), "name", "a container name (a DNS-1123 label)")...)
		}
		if c.Name != "" && dup {
			errs = append(errs, field.Duplicate(at("initContainers", i).Child("name"), c.Name))
		}
	}
	if len(x.Annotations) > 0 {
		// The keys are printed, never the values.
		errs = append(errs, apivalidation.ValidateAnnotations(x.Annotations, fldPath.Child("annotations"))...)
	}
	return errs
}

// seenNames is the set of names repeated has seen, once a list is long.
type seenNames struct{ m map[string]struct{} }

// repeated reports whether list[i] has the name of one of list[:i]: by a scan of a short
// list, by the set s beyond smallNames entries (so validation stays linear). It must be
// called for i = 0, 1, … in order.
func repeated[T any](s *seenNames, list []T, i int, name func(*T) string) bool {
	n := name(&list[i])
	if len(list) <= smallNames {
		for j := range i {
			if name(&list[j]) == n {
				return true
			}
		}
		return false
	}
	if s.m == nil {
		s.m = make(map[string]struct{}, len(list))
	}
	_, ok := s.m[n]
	s.m[n] = struct{}{}
	return ok
}

func validLabel(name string) bool { return name != "" && validation.DNS1123LabelProblem(name) == "" }

// validateLabel checks a name that must be a DNS-1123 label; what says what is expected
// when it is empty.
func validateLabel(name string, parent *field.Path, child, what string) field.ErrorList {
	if name == "" {
		return field.ErrorList{field.Required(parent.Child(child), what)}
	}
	return invalidName(validation.DNS1123LabelProblem(name), name, parent, child)
}

// volumeTypes counts the volume types s sets (the API server allows one; none is read as an
// emptyDir).
func volumeTypes(s *corev1.VolumeSource) int {
	n := 0
	v := reflect.ValueOf(s).Elem()
	for i := range v.NumField() {
		if f := v.Field(i); f.Kind() == reflect.Pointer && !f.IsNil() {
			n++
		}
	}
	return n
}
