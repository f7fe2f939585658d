package leader

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

func TestTimingValidate(t *testing.T) {
	const s = time.Second
	for _, tc := range []struct {
		name string
		t    Timing
		want bool // valid
	}{
		{"defaults", Timing{15 * s, 10 * s, 2 * s}, true},
		{"short", Timing{3 * s, s, 200 * time.Millisecond}, true},
		{"lease exactly the margin longer", Timing{12*s + 900*time.Millisecond, 10 * s, 2 * s}, true},
		{"lease not longer than the deadline", Timing{10 * s, 10 * s, 2 * s}, false},
		// The Lease stores 12 s, and another elector may have started waiting a second early.
		{"lease longer by less than the margin, in whole seconds", Timing{12*s + 900*time.Millisecond, 10*s + time.Millisecond, 2 * s}, false},
		// Two renewals within one second look alike to another elector: it took over 0.1 s
		// before the work of this one stopped.
		{"lease longer by a second", Timing{2 * s, 1900 * time.Millisecond, 300 * time.Millisecond}, false},
		{"deadline too close to the retry", Timing{15 * s, 2 * s, 2 * s}, false},
		{"no retry", Timing{15 * s, 10 * s, 0}, false},
		{"zero", Timing{}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			errs := tc.t.Validate(field.NewPath("timing"))
			if tc.want {
				if len(errs) > 0 {
					t.Errorf("Validate(%+v) = %v, want no error", tc.t, errs)
				}
				return
			}
			var got []string
			for _, e := range errs {
				got = append(got, e.Field)
			}
			if diff := cmp.Diff([]string{"timing"}, got); diff != "" {
				t.Errorf("Validate(%+v) fields (-want +got):\n%s", tc.t, diff)
			}
		})
	}
}
