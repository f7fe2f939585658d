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
		{"short", Timing{2 * s, s, 200 * time.Millisecond}, true},
		{"lease not longer than the deadline", Timing{10 * s, 10 * s, 2 * s}, false},
		// The Lease stores 10 s, so another process may take it before the deadline passes.
		{"lease longer only by a fraction of a second", Timing{10*s + 500*time.Millisecond, 10*s + 200*time.Millisecond, 2 * s}, false},
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
