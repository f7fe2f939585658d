package errlist

import (
	"testing"

	"k8s.io/apimachinery/pkg/util/validation/field"
)

// BenchmarkError compares building and printing ten problems with apimachinery's aggregate,
// the format it replaces.
func BenchmarkError(b *testing.B) {
	var errs field.ErrorList
	for i := range 10 {
		errs = append(errs, field.Invalid(field.NewPath("refs").Index(i).Child("mountPath"), "rel", "must be an absolute path"))
	}
	b.Run("errlist", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			_ = From(errs).Error()
		}
	})
	b.Run("ToAggregate", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			_ = errs.ToAggregate().Error()
		}
	})
}
