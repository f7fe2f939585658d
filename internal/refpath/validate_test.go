package refpath

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/podsecrets/podsecrets/secretspec"
)

func TestRename(t *testing.T) {
	entry := Origin{Fields: map[string]string{"secret": "name", "envVar": "env_var", "mountPath": "mount_path"}}
	mount := Origin{Fields: map[string]string{"secret": "group", "items": "key", "envVar": ""}}
	tests := []struct {
		name   string
		o      Origin
		suffix string
		want   string
	}{
		{"listed field", entry, ".secret", ".name"},
		{"listed field 2", entry, ".mountPath", ".mount_path"},
		{"unlisted field kept", entry, ".items[0].path", ".items[0].path"},
		{"listed field drops what is under it", mount, ".items[0].path", ".key"},
		{"field at the origin itself", mount, ".envVar", ""},
		{"unlisted scalar", mount, ".mode", ".mode"},
		{"the ref itself", entry, "", ""},
		{"index suffix", entry, "[0]", "[0]"},
		{"no fields", Origin{}, ".secret", ".secret"},
		{"lone dot", entry, ".", "."},
		{"field followed by dot", entry, ".secret.x", ".name"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.o.Rename(tt.suffix); got != tt.want {
				t.Errorf("Rename(%q) = %q, want %q", tt.suffix, got, tt.want)
			}
		})
	}
}

func TestSplitRef(t *testing.T) {
	tests := []struct {
		in   string
		i    int
		rest string
		ok   bool
	}{
		{"refs[3].secret", 3, ".secret", true},
		{"refs[0]", 0, "", true},
		{"refs[12].items[0].path", 12, ".items[0].path", true},
		{"refs", 0, "", false},
		{"refs[]", 0, "", false},
		{"refs[x]", 0, "", false},
		{"refs[1", 0, "", false},
		{"refs[-1].secret", 0, "", false},
		{"refs[01]", 0, "", false},
		{"refs[99999999999999999999999]", 0, "", false},
		{"other[1]", 0, "", false},
		{"", 0, "", false},
	}
	for _, tt := range tests {
		i, rest, ok := splitRef(tt.in)
		if i != tt.i || rest != tt.rest || ok != tt.ok {
			t.Errorf("splitRef(%q) = %d, %q, %v; want %d, %q, %v", tt.in, i, rest, ok, tt.i, tt.rest, tt.ok)
		}
	}
}

func TestReplaceMentions(t *testing.T) {
	origins := []Origin{
		{Path: field.NewPath("secrets").Index(4)},
		{Path: field.NewPath("x"), Mention: "flag 7"},
		{}, // no path and no mention: an empty mention
	}
	tests := []struct{ in, want string }{
		{"", ""},
		{"no mention", "no mention"},
		{"also set by refs[0] from secret", "also set by secrets[4] from secret"},
		{"refs[1]", "flag 7"},
		{"refs[0] and refs[1] and refs[0]", "secrets[4] and flag 7 and secrets[4]"},
		{"(refs[1])", "(flag 7)"},
		{"refs[2]!", "!"},
		{"out of range refs[3]", "out of range refs[3]"},
		{"huge refs[99999999999999999999999]", "huge refs[99999999999999999999999]"},
		{"odd refs[-1] refs[01] refs[] refs[x] refs[", "odd refs[-1] refs[01] refs[] refs[x] refs["},
		{"inside a path /data/refs[0] or name my-refs[0]", "inside a path /data/refs[0] or name my-refs[0]"},
		{"refs[refs[0]]", "refs[secrets[4]]"},
		{"unterminated refs[0", "unterminated refs[0"},
	}
	for _, tt := range tests {
		if got := replaceMentions(tt.in, origins); got != tt.want {
			t.Errorf("replaceMentions(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	if got := replaceMentions("refs[0]", nil); got != "refs[0]" {
		t.Errorf("without origins: got %q, want it unchanged", got)
	}
}

// problem is a Problem without its BadValue, for comparison.
type problem struct {
	Origin       int
	Field        string
	Type         field.ErrorType
	Path, Detail string
}

func simplify(ps []Problem) []problem {
	var out []problem
	for _, p := range ps {
		out = append(out, problem{p.Origin, p.Field, p.Err.Type, p.Err.Field, p.Err.Detail})
	}
	return out
}

func TestValidate(t *testing.T) {
	env := func(secret, v string) secretspec.Ref {
		return secretspec.Ref{Secret: secret, Key: "k", As: secretspec.Env, EnvVar: v}
	}
	entry := func(i int) Origin {
		return Origin{
			Path:   field.NewPath("transform", "secrets").Index(i),
			Fields: map[string]string{"secret": "name", "envVar": "env_var", "mountPath": "mount_path"},
		}
	}
	tests := []struct {
		name    string
		refs    []secretspec.Ref
		origins []Origin
		want    []problem
	}{
		{name: "valid", refs: []secretspec.Ref{env("a", "X")}, origins: []Origin{entry(0)}},
		{name: "no refs"},
		{
			name:    "field renamed and placed",
			refs:    []secretspec.Ref{env("a", "X"), {Secret: "c", As: secretspec.Mount, MountPath: "/a/../b"}},
			origins: []Origin{entry(0), entry(5)},
			want: []problem{{1, ".mount_path", field.ErrorTypeInvalid, "transform.secrets[5].mount_path",
				`must be a clean path: no "." or ".." elements, no repeated or trailing "/"`}},
		},
		{
			name:    "conflict mentions the other origin",
			refs:    []secretspec.Ref{env("a", "X"), env("b", "X")},
			origins: []Origin{entry(3), entry(8)},
			want: []problem{{1, ".env_var", field.ErrorTypeDuplicate, "transform.secrets[8].env_var",
				`also set by transform.secrets[3] from secret "a" key "k"`}},
		},
		{
			name:    "mention and path without Path",
			refs:    []secretspec.Ref{env("a", "X"), env("b", "X")},
			origins: []Origin{{Mention: "flag 0"}, {Mention: "flag 1"}},
			want: []problem{{1, ".envVar", field.ErrorTypeDuplicate, "envVar",
				`also set by flag 0 from secret "a" key "k"`}},
		},
		{
			name:    "ref without origin left as is",
			refs:    []secretspec.Ref{env("a", "X"), env("b", "X")},
			origins: []Origin{entry(3)},
			want: []problem{{-1, "", field.ErrorTypeDuplicate, "refs[1].envVar",
				`also set by transform.secrets[3] from secret "a" key "k"`}},
		},
		{
			name: "no origins at all",
			refs: []secretspec.Ref{env("a", "X"), env("b", "X")},
			want: []problem{{-1, "", field.ErrorTypeDuplicate, "refs[1].envVar",
				`also set by refs[0] from secret "a" key "k"`}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			refsBefore := append([]secretspec.Ref(nil), tt.refs...)
			got := Validate(tt.refs, tt.origins)
			if diff := cmp.Diff(tt.want, simplify(got)); diff != "" {
				t.Errorf("Validate (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(refsBefore, tt.refs); diff != "" {
				t.Errorf("refs changed (-want +got):\n%s", diff)
			}
			errs := Errors(got)
			if len(errs) != len(got) {
				t.Fatalf("Errors gave %d errors for %d problems", len(errs), len(got))
			}
			for i := range errs {
				if errs[i] != got[i].Err {
					t.Errorf("Errors()[%d] is not Problem %d's error", i, i)
				}
			}
		})
	}
}

func TestErrorsEmpty(t *testing.T) {
	if got := Errors(nil); got != nil {
		t.Errorf("Errors(nil) = %v, want nil", got)
	}
}

func TestValidateItemsMappedToOneField(t *testing.T) {
	// A Mount ref derived from one key: an item error is reported at that key.
	refs := []secretspec.Ref{{Secret: "g", As: secretspec.Mount, MountPath: "/etc/g",
		Items: []corev1.KeyToPath{{Key: "k", Path: "../k"}}}}
	origins := []Origin{{Path: field.NewPath("secrets").Index(2), Fields: map[string]string{"items": "key"}}}
	got := Validate(refs, origins)
	if len(got) == 0 {
		t.Fatal("want an error for the item path ../k")
	}
	for _, p := range got {
		if p.Origin != 0 || p.Field != ".key" || p.Err.Field != "secrets[2].key" {
			t.Errorf("problem at origin %d, field %q, path %q; want 0, .key, secrets[2].key", p.Origin, p.Field, p.Err.Field)
		}
	}
}

func TestValidateRefs(t *testing.T) {
	env := func(secret, v, origin string) secretspec.Ref {
		return secretspec.Ref{Secret: secret, Key: "k", As: secretspec.Env, EnvVar: v, Origin: origin}
	}
	entry := Fields{"secret": "name", "envVar": "env_var", "mountPath": "mount_path"}
	tests := []struct {
		name   string
		refs   []secretspec.Ref
		fields []Fields
		want   []problem
	}{
		{name: "valid", refs: []secretspec.Ref{env("a", "X", "secrets[0]")}, fields: []Fields{entry}},
		{name: "no refs"},
		{
			name: "field renamed at the origin",
			refs: []secretspec.Ref{env("a", "X", "t.secrets[0]"),
				{Secret: "c", As: secretspec.Mount, MountPath: "/a/../b", Origin: "t.secrets[5]"}},
			fields: []Fields{entry, entry},
			want: []problem{{1, ".mount_path", field.ErrorTypeInvalid, "t.secrets[5].mount_path",
				`must be a clean path: no "." or ".." elements, no repeated or trailing "/"`}},
		},
		{
			name:   "conflict mentions the other origin",
			refs:   []secretspec.Ref{env("a", "X", "flyte.secrets/s3"), env("b", "X", "flyte.secrets/s8")},
			fields: []Fields{entry, {"envVar": ""}},
			want: []problem{{1, "", field.ErrorTypeDuplicate, "flyte.secrets/s8",
				`also set by flyte.secrets/s3 from secret "a" key "k"`}},
		},
		{
			name: "two refs of one origin, each with its fields",
			refs: []secretspec.Ref{env("a", "_FSEC_A_K", "secrets[0]"), env("a", "ALIAS", "secrets[0]"),
				env("b", "ALIAS", "secrets[1]")},
			fields: []Fields{{"envVar": ""}, {"envVar": "env_var"}, {"envVar": "env_var"}},
			want: []problem{{2, ".env_var", field.ErrorTypeDuplicate, "secrets[1].env_var",
				`also set by secrets[0] from secret "a" key "k"`}},
		},
		{
			name:   "words as origins, fields missing",
			refs:   []secretspec.Ref{env("a", "X", "1st -e flag"), env("b", "X", "2nd -e flag")},
			fields: nil,
			want: []problem{{1, ".envVar", field.ErrorTypeDuplicate, "2nd -e flag.envVar",
				`also set by 1st -e flag from secret "a" key "k"`}},
		},
		{
			name:   "a ref without origin is refs[i]",
			refs:   []secretspec.Ref{env("a", "X", ""), env("b", "X", "secrets[1]"), env("c", "X", "")},
			fields: []Fields{entry, entry},
			want: []problem{
				{1, ".env_var", field.ErrorTypeDuplicate, "secrets[1].env_var", `also set by refs[0] from secret "a" key "k"`},
				{2, ".envVar", field.ErrorTypeDuplicate, "refs[2].envVar", `also set by refs[0] from secret "a" key "k"`},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			refsBefore := append([]secretspec.Ref(nil), tt.refs...)
			got := ValidateRefs(tt.refs, tt.fields)
			if diff := cmp.Diff(tt.want, simplify(got)); diff != "" {
				t.Errorf("ValidateRefs (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(refsBefore, tt.refs); diff != "" {
				t.Errorf("refs changed (-want +got):\n%s", diff)
			}
		})
	}
}

// TestValidateIgnoresRefOrigin: Validate places problems by its origins argument whether or not
// the refs carry an Origin of their own.
func TestValidateIgnoresRefOrigin(t *testing.T) {
	refs := []secretspec.Ref{
		{Secret: "a", Key: "k", As: secretspec.Env, EnvVar: "X", Origin: "elsewhere[0]"},
		{Secret: "b", Key: "k", As: secretspec.Env, EnvVar: "X", Origin: "elsewhere[1]"},
	}
	origins := []Origin{{Path: field.NewPath("secrets").Index(0)}, {Path: field.NewPath("secrets").Index(1)}}
	want := []problem{{1, ".envVar", field.ErrorTypeDuplicate, "secrets[1].envVar", `also set by secrets[0] from secret "a" key "k"`}}
	if diff := cmp.Diff(want, simplify(Validate(refs, origins))); diff != "" {
		t.Errorf("Validate (-want +got):\n%s", diff)
	}
	if refs[0].Origin != "elsewhere[0]" {
		t.Error("Validate modified a ref's Origin")
	}
}
