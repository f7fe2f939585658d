package flyte

import (
	"errors"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// annotationErrors flattens err into its *AnnotationError parts.
func annotationErrors(t *testing.T, err error) []AnnotationError {
	t.Helper()
	if err == nil {
		return nil
	}
	errs := []error{err}
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		errs = j.Unwrap()
	}
	var out []AnnotationError
	for _, e := range errs {
		var ae *AnnotationError
		if !errors.As(e, &ae) {
			t.Fatalf("error %v is not an *AnnotationError", e)
		}
		out = append(out, *ae)
	}
	return out
}

func TestEncodeAnnotations(t *testing.T) {
	tests := []struct {
		name    string
		in      []Secret
		want    map[string]string
		wantErr []AnnotationError
	}{
		{name: "nil", want: map[string]string{}},
		// The vectors of Flyte's own marshaler tests.
		{name: "without group", in: []Secret{{Key: "my_key"}}, want: map[string]string{"flyte.secrets/s0": "nnsxsoraejwxsx2lmv3secq"}},
		{name: "forbidden characters", in: []Secret{{Group: ";':/\\"}}, want: map[string]string{"flyte.secrets/s0": "m4zg54lqhiqceozhhixvyxbcbi"}},
		{name: "every field", in: []Secret{{}, {Group: "g", GroupVersion: "v\u00e9\n", Key: "k", MountRequirement: MountFile, EnvVar: "E"}},
			want: map[string]string{
				"flyte.secrets/s0": "",
				"flyte.secrets/s1": "m4zg54lqhiqcezzcbjtxe22vobpxmzlsonuw52r1earhmxbtgazvymrvgfog3iqknnsxsoraejvsectnn41w34c6ojsxc4ljojsw1zlooq4carsjjrcquzloozpxmylshiqcerjcbi",
			}},
		{name: "unknown mount requirement", in: []Secret{{Key: "a"}, {Key: "b", MountRequirement: 3}},
			wantErr: []AnnotationError{{Annotation: "flyte.secrets/s1", Offset: -1, Msg: "secrets[1]: unknown mount requirement 3: expected MountAny, MountEnvVar or MountFile"}}},
		{name: "over the size limit", in: []Secret{{Key: strings.Repeat("k", 100000)}, {Key: strings.Repeat("k", 100000)}},
			wantErr: []AnnotationError{{Offset: -1, Msg: "the 2 secret requests need 320058 bytes of annotations, over Kubernetes' limit of 262144 bytes for all annotations of a pod"}}},
		{name: "just under the size limit", in: []Secret{{Key: strings.Repeat("k", 163820)}},
			want: map[string]string{"flyte.secrets/s0": encoding().EncodeToString([]byte(marshalText(Secret{Key: strings.Repeat("k", 163820)})))}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := EncodeAnnotations(tt.in)
			if diff := cmp.Diff(tt.wantErr, annotationErrors(t, err)); diff != "" {
				t.Errorf("errors (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("annotations (-want +got):\n%s", diff)
			}
		})
	}
}

func TestDecodeAnnotations(t *testing.T) {
	enc := func(text string) string { return encoding().EncodeToString([]byte(text)) }
	tests := []struct {
		name    string
		in      map[string]string
		want    []Secret
		wantErr []AnnotationError
	}{
		{name: "nil"},
		{name: "others ignored", in: map[string]string{"app": "x", "flyte.secrets/other": "y", "flyte.secretsX/s0": "z", "x/flyte.secrets/s0": "w"}},
		{name: "Flyte's vectors", in: map[string]string{"flyte.secrets/s0": "nnsxsoraejwxsx2lmv3secq", "flyte.secrets/s1": "m4zg54lqhiqceozhhixvyxbcbi"},
			want: []Secret{{Key: "my_key"}, {Group: ";':/\\"}}},
		{name: "numeric order: s2 before s10", in: map[string]string{
			"flyte.secrets/s10": enc(`key: "ten"`), "flyte.secrets/s2": enc(`key: "two"`), "flyte.secrets/s0": enc(`key: "zero"`),
		}, want: []Secret{{Key: "zero"}, {Key: "two"}, {Key: "ten"}}},
		{name: "gaps allowed", in: map[string]string{"flyte.secrets/s5": enc(`key: "five"`)}, want: []Secret{{Key: "five"}}},
		{name: "free text form", in: map[string]string{"flyte.secrets/s0": enc("# hand-written\ngroup:'g';mount_requirement:1,key:\"k\\x21\"")},
			want: []Secret{{Group: "g", Key: "k!", MountRequirement: MountEnvVar}}},
		{name: "empty value is an empty request", in: map[string]string{"flyte.secrets/s0": ""}, want: []Secret{{}}},

		{name: "malformed numbers", in: map[string]string{
			"flyte.secrets/s01": "", "flyte.secrets/s": "", "flyte.secrets/sx": "", "flyte.secrets/s-1": "",
			"flyte.secrets/s+1": "", "flyte.secrets/s99999999999": "", "flyte.secrets/s0": "",
		}, wantErr: []AnnotationError{
			{Annotation: "flyte.secrets/s", Offset: -1, Msg: "expected flyte.secrets/s<N>, N a decimal number without leading zeros"},
			{Annotation: "flyte.secrets/s+1", Offset: -1, Msg: "expected flyte.secrets/s<N>, N a decimal number without leading zeros"},
			{Annotation: "flyte.secrets/s-1", Offset: -1, Msg: "expected flyte.secrets/s<N>, N a decimal number without leading zeros"},
			{Annotation: "flyte.secrets/s01", Offset: -1, Msg: "expected flyte.secrets/s<N>, N a decimal number without leading zeros"},
			{Annotation: "flyte.secrets/s99999999999", Offset: -1, Msg: "expected flyte.secrets/s<N>, N a decimal number without leading zeros"},
			{Annotation: "flyte.secrets/sx", Offset: -1, Msg: "expected flyte.secrets/s<N>, N a decimal number without leading zeros"},
		}},
		{name: "bad base32", in: map[string]string{
			"flyte.secrets/s0": "NNSX", "flyte.secrets/s1": "nnsxs0", "flyte.secrets/s2": "nnsxsoraejwxsx2lmv3secq===", "flyte.secrets/s3": "a",
			"flyte.secrets/s4": "nnsxsoraejwxsx2lmv3secr", "flyte.secrets/s5": "nnsxsora\nejwxsx2lmv3secq",
		}, wantErr: []AnnotationError{
			{Annotation: "flyte.secrets/s0", Offset: 0, Msg: "value is not base32 with the alphabet abcdefghijklmnopqrstuvwxyz123456 and no padding"},
			{Annotation: "flyte.secrets/s1", Offset: 5, Msg: "value is not base32 with the alphabet abcdefghijklmnopqrstuvwxyz123456 and no padding"},
			{Annotation: "flyte.secrets/s2", Offset: 23, Msg: "value is not base32 with the alphabet abcdefghijklmnopqrstuvwxyz123456 and no padding"},
			{Annotation: "flyte.secrets/s3", Offset: 0, Msg: "value is not base32 with the alphabet abcdefghijklmnopqrstuvwxyz123456 and no padding"},
			{Annotation: "flyte.secrets/s4", Offset: 22, Msg: "value is not base32 with the alphabet abcdefghijklmnopqrstuvwxyz123456 and no padding"},
			{Annotation: "flyte.secrets/s5", Offset: 8, Msg: "value is not base32 with the alphabet abcdefghijklmnopqrstuvwxyz123456 and no padding"},
		}},
		{name: "bad text, every request reported", in: map[string]string{
			"flyte.secrets/s0": enc(`name: "x"`), "flyte.secrets/s1": enc(`key: "ok"`), "flyte.secrets/s2": enc(`mount_requirement: 9`),
		}, wantErr: []AnnotationError{
			{Annotation: "flyte.secrets/s0", Offset: 0, Msg: `decoded text is not a core.Secret: unknown field "name": core.Secret has group, group_version, key, mount_requirement and env_var`},
			{Annotation: "flyte.secrets/s2", Offset: 19, Msg: "decoded text is not a core.Secret: unknown mount_requirement 9: expected 0 (ANY), 1 (ENV_VAR) or 2 (FILE)"},
		}},
		{name: "too much", in: map[string]string{"flyte.secrets/s0": "nnsxsoraejwxsx2lmv3secq", "big": strings.Repeat("x", MaxAnnotationsSize)},
			wantErr: []AnnotationError{{Offset: -1, Msg: "annotations total 262186 bytes, over Kubernetes' limit of 262144 bytes"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := DecodeAnnotations(tt.in)
			if diff := cmp.Diff(tt.wantErr, annotationErrors(t, err)); diff != "" {
				t.Errorf("errors (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("secrets (-want +got):\n%s", diff)
			}
		})
	}
}

func TestAnnotationErrorString(t *testing.T) {
	tests := []struct {
		err  AnnotationError
		want string
	}{
		{AnnotationError{Annotation: "flyte.secrets/s3", Offset: 7, Msg: "m"}, `annotation "flyte.secrets/s3": byte 7: m`},
		{AnnotationError{Offset: -1, Msg: "m"}, `m`},
	}
	for _, tt := range tests {
		if got := tt.err.Error(); got != tt.want {
			t.Errorf("Error() = %q, want %q", got, tt.want)
		}
	}
}

func TestDecodeErrorsHideValues(t *testing.T) {
	const secret = "hunter2"
	enc := encoding().EncodeToString
	in := map[string]string{
		"flyte.secrets/s0": enc([]byte(`key: "` + secret + `" bogus`)),
		"flyte.secrets/s1": enc([]byte(`key: "` + secret + `\q"`)),
		"flyte.secrets/s2": enc([]byte(`mount_requirement: ` + secret)),
		"flyte.secrets/s3": secret + "!",
	}
	_, err := DecodeAnnotations(in)
	if err == nil {
		t.Fatal("want an error")
	}
	if strings.Contains(err.Error(), secret) {
		t.Error("an error quotes a string from a request")
	}
}

func TestEncodeDecodeMany(t *testing.T) {
	var in []Secret
	for i := 0; i < 25; i++ {
		in = append(in, Secret{Group: "g" + strconv.Itoa(i), Key: "k", MountRequirement: MountType(i % 3)})
	}
	ann, err := EncodeAnnotations(in)
	if err != nil {
		t.Fatal(err)
	}
	got, err := DecodeAnnotations(ann)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(in, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}
