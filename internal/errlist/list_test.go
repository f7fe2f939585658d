package errlist

import (
	"errors"
	"fmt"
	"io"
	"testing"

	"github.com/google/go-cmp/cmp"
	utilerrors "k8s.io/apimachinery/pkg/util/errors"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

func TestError(t *testing.T) {
	p := field.NewPath("refs")
	tests := []struct {
		name string
		err  error
		want string
	}{{
		name: "one problem is one line",
		err:  From(field.ErrorList{field.Required(p.Index(0).Child("key"), "")}),
		want: "refs[0].key: Required value",
	}, {
		name: "several, one per line",
		err: From(field.ErrorList{
			field.Required(p.Index(0).Child("key"), ""),
			field.Invalid(p.Index(2).Child("mountPath"), "rel", "must be an absolute path"),
		}),
		want: "2 problems:\n\t- refs[0].key: Required value\n\t- refs[2].mountPath: Invalid value: \"rel\": must be an absolute path",
	}, {
		name: "multi-line member indented",
		err:  New(errors.New("a\nb"), errors.New("c")),
		want: "2 problems:\n\t- a\n\t  b\n\t- c",
	}, {
		name: "nested lists flattened, duplicates dropped, nils skipped",
		err:  New(errors.New("a"), nil, New(errors.New("b"), errors.New("a")), errors.New("c")),
		want: "3 problems:\n\t- a\n\t- b\n\t- c",
	}, {
		name: "wrapped list keeps the count",
		err:  fmt.Errorf("encode: merge: %w", New(errors.New("a"), errors.New("b"))),
		want: "encode: merge: 2 problems:\n\t- a\n\t- b",
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, tc.err.Error()); diff != "" {
				t.Errorf("Error() (-want +got):\n%s", diff)
			}
		})
	}
}

func TestNil(t *testing.T) {
	if err := New(); err != nil {
		t.Errorf("New() = %v, want nil", err)
	}
	if err := New(nil, nil); err != nil {
		t.Errorf("New(nil, nil) = %v, want nil", err)
	}
	if err := From(nil); err != nil {
		t.Errorf("From(nil) = %v, want nil", err)
	}
}

func TestAggregate(t *testing.T) {
	fe := field.Required(field.NewPath("a"), "")
	err := fmt.Errorf("wrapped: %w", New(io.EOF, fe))
	var agg utilerrors.Aggregate
	if !errors.As(err, &agg) {
		t.Fatal("errors.As(err, *utilerrors.Aggregate) = false")
	}
	if got := len(agg.Errors()); got != 2 {
		t.Errorf("len(Errors()) = %d, want 2", got)
	}
	if !errors.Is(err, io.EOF) || !agg.Is(io.EOF) {
		t.Error("errors.Is(err, io.EOF) = false, want true")
	}
	if errors.Is(err, io.ErrUnexpectedEOF) {
		t.Error("errors.Is(err, io.ErrUnexpectedEOF) = true, want false")
	}
	var got *field.Error
	if !errors.As(err, &got) || got != fe {
		t.Errorf("errors.As(err, **field.Error) = %v, want the member", got)
	}
}

func ExampleFrom() {
	errs := field.ErrorList{
		field.Required(field.NewPath("refs").Index(0).Child("key"), ""),
		field.Invalid(field.NewPath("refs").Index(2).Child("mountPath"), "rel", "must be an absolute path"),
	}
	fmt.Println(From(errs))
	// Output:
	// 2 problems:
	//	- refs[0].key: Required value
	//	- refs[2].mountPath: Invalid value: "rel": must be an absolute path
}

func TestWithPrefix(t *testing.T) {
	a, b := errors.New("2nd -e flag: a"), errors.New("3rd -e flag: b")
	tests := []struct {
		name string
		err  error
		want string
	}{
		{"one problem", WithPrefix("runai", a), "runai: 2nd -e flag: a"},
		{"several", WithPrefix("runai", a, b), "runai: 2 problems:\n\t- 2nd -e flag: a\n\t- 3rd -e flag: b"},
		{"a List flattened", WithPrefix("runai", New(a, b)), "runai: 2 problems:\n\t- 2nd -e flag: a\n\t- 3rd -e flag: b"},
		{"the same prefix once", WithPrefix("flyte", WithPrefix("flyte", a), b), "flyte: 2 problems:\n\t- 2nd -e flag: a\n\t- 3rd -e flag: b"},
		{"another prefix kept", WithPrefix("flyte", WithPrefix("runai", a)), "flyte: runai: 2nd -e flag: a"},
		{"field errors", WithPrefix("flyte", From(field.ErrorList{field.Required(field.NewPath("secrets").Index(0).Child("key"), "")})),
			"flyte: secrets[0].key: Required value"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, tc.err.Error()); diff != "" {
				t.Errorf("Error() (-want +got):\n%s", diff)
			}
		})
	}
	if err := WithPrefix("runai"); err != nil {
		t.Errorf("WithPrefix without errors = %v, want nil", err)
	}
	if err := WithPrefix("runai", nil, New()); err != nil {
		t.Errorf("WithPrefix of nils = %v, want nil", err)
	}
	err := WithPrefix("runai", a, io.EOF)
	var agg utilerrors.Aggregate
	if !errors.As(err, &agg) || len(agg.Errors()) != 2 || agg.Errors()[0] != a {
		t.Errorf("not an Aggregate of its members: %#v", err)
	}
	if !errors.Is(err, io.EOF) {
		t.Error("errors.Is(err, io.EOF) = false, want true")
	}
}
