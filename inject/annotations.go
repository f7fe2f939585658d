package inject

import (
	"fmt"
	"strings"

	apivalidation "k8s.io/apimachinery/pkg/api/validation"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

// annotations makes dst's annotations those of src plus the Extras' (validated: two Extras
// never give one key two values). A key src has with another value is a conflict for the
// ConflictPolicy; an equal one is left alone. Keys are visited in sorted order, so errors
// come in a stable order. Values are never printed. at is the metadata's path.
func (a *applier) annotations(dst, src *metav1.ObjectMeta, at *field.Path) {
	var out map[string]string
	for k := range a.cfg.extras {
		x := &a.cfg.extras[k]
		for _, key := range sortedKeys(x.Annotations) {
			val := x.Annotations[key]
			if have, ok := src.Annotations[key]; ok {
				if have == val {
					continue
				}
				switch a.cfg.policy {
				case ConflictFail:
					a.errs = append(a.errs, field.Forbidden(at.Child("annotations").Key(key), fmt.Sprintf(
						"conflict: the pod has annotation %q with another value than extras[%d] gives it", key, k)))
					continue
				case ConflictKeepExisting:
					continue
				}
			}
			if out == nil {
				out = make(map[string]string, len(src.Annotations)+len(x.Annotations))
				for k, v := range src.Annotations {
					out[k] = v
				}
			}
			out[key] = val
		}
	}
	if out == nil {
		return
	}
	if err := apivalidation.ValidateAnnotationsSize(out); err != nil {
		a.errs = append(a.errs, field.TooLong(at.Child("annotations"), "", apivalidation.TotalAnnotationSizeLimitB))
		return
	}
	dst.Annotations = out
}

// metadataPath is the path of the metadata beside the PodSpec at the path at ("spec" when
// nil): "metadata" for a Pod or template, "spec.template.metadata" for a workload's
// "spec.template.spec". The result is only printed, so it may be one element.
func metadataPath(at *field.Path) *field.Path {
	if at == nil {
		return field.NewPath("metadata")
	}
	s := at.String()
	if parent, ok := strings.CutSuffix(s, ".spec"); ok {
		return field.NewPath(parent).Child("metadata")
	}
	if s == "spec" {
		return field.NewPath("metadata")
	}
	return at.Child("metadata") // not beside a spec: name it below the path given
}
