package secretspec

// TEMPORARY stub so that dependent packages compile while the real validation lands.

import "k8s.io/apimachinery/pkg/util/validation/field"

// Validate checks one ref.
func (r Ref) Validate(fldPath *field.Path) field.ErrorList { return nil }

// ValidateRefs checks each ref and the conflicts between them.
func ValidateRefs(refs []Ref, fldPath *field.Path) field.ErrorList { return nil }
