package propagate

import (
	"path"
	"slices"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/podsecrets/podsecrets/internal/validation"
)

// Targets selects the namespaces a source is copied into. A namespace is selected when
// Selector matches its labels, OR its name is in Names, OR its name matches Pattern, AND no
// entry of Exclude matches its name. labels.Everything() selects every namespace. A nil
// Selector, no Names and no Pattern is empty, and Sync refuses empty Targets rather than
// pruning every copy. The source's own namespace is never a target.
type Targets struct {
	Selector labels.Selector // namespaces by label
	Names    []string        // explicit namespaces; a missing one is reported Skipped
	Pattern  string          // glob on namespace names (path.Match), e.g. "runai-*"
	Exclude  []string        // names or path.Match globs
}

// IsEmpty reports whether t selects nothing by construction (nil Selector, no Names, no
// Pattern).
func (t Targets) IsEmpty() bool {
	return t.Selector == nil && len(t.Names) == 0 && t.Pattern == ""
}

// Validate returns every problem with t: emptiness, invalid namespace names and malformed
// globs, with paths such as targets.exclude[1].
func (t Targets) Validate(fldPath *field.Path) field.ErrorList {
	var errs field.ErrorList
	if t.IsEmpty() {
		errs = append(errs, field.Required(fldPath, "set a selector, names or a pattern (labels.Everything() selects every namespace)"))
	}
	for i, n := range t.Names {
		for _, msg := range validation.IsDNS1123Label(n) {
			errs = append(errs, field.Invalid(fldPath.Child("names").Index(i), n, msg))
		}
	}
	if t.Pattern != "" {
		if _, err := path.Match(t.Pattern, ""); err != nil {
			errs = append(errs, field.Invalid(fldPath.Child("pattern"), t.Pattern, "malformed glob (path.Match syntax)"))
		}
	}
	for i, x := range t.Exclude {
		if x == "" {
			errs = append(errs, field.Required(fldPath.Child("exclude").Index(i), "a namespace name or glob"))
		} else if _, err := path.Match(x, ""); err != nil {
			errs = append(errs, field.Invalid(fldPath.Child("exclude").Index(i), x, "malformed glob (path.Match syntax)"))
		}
	}
	return errs
}

// Selects reports whether t selects ns. It assumes t is valid.
func (t Targets) Selects(ns *corev1.Namespace) bool {
	return t.included(ns) && !t.excluded(ns.Name)
}

func (t Targets) included(ns *corev1.Namespace) bool {
	if t.Selector != nil && t.Selector.Matches(labels.Set(ns.Labels)) {
		return true
	}
	if slices.Contains(t.Names, ns.Name) {
		return true
	}
	if t.Pattern != "" {
		if ok, _ := path.Match(t.Pattern, ns.Name); ok {
			return true
		}
	}
	return false
}

func (t Targets) excluded(name string) bool {
	for _, x := range t.Exclude {
		if ok, _ := path.Match(x, name); ok {
			return true
		}
	}
	return false
}
