package errtext

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
	utilerrors "k8s.io/apimachinery/pkg/util/errors"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

func TestMessages(t *testing.T) {
	tests := []struct {
		name string
		err  error
		want []string
	}{{
		name: "nil",
	}, {
		name: "single",
		err:  errors.New("boom"),
		want: []string{"boom"},
	}, {
		name: "aggregate",
		err: field.ErrorList{
			field.Required(field.NewPath("refs").Index(0).Child("key"), ""),
			field.Invalid(field.NewPath("refs").Index(2).Child("mountPath"), "rel", "must be absolute"),
		}.ToAggregate(),
		want: []string{
			"refs[0].key: Required value",
			`refs[2].mountPath: Invalid value: "rel": must be absolute`,
		},
	}, {
		name: "plain aggregate",
		err:  utilerrors.NewAggregate([]error{errors.New("a"), errors.New("b")}),
		want: []string{"a", "b"},
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, Messages(tc.err)); diff != "" {
				t.Errorf("Messages (-want +got):\n%s", diff)
			}
		})
	}
}
