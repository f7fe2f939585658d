package runai

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"

	"github.com/podsecrets/podsecrets/internal/validation"
	"github.com/podsecrets/podsecrets/secretspec"
)

// parseErrors flattens err into its *ParseError parts.
func parseErrors(t *testing.T, err error) []*ParseError {
	t.Helper()
	if err == nil {
		return nil
	}
	var out []*ParseError
	errs := []error{err}
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		errs = j.Unwrap()
	}
	for _, e := range errs {
		var pe *ParseError
		if !errors.As(e, &pe) {
			t.Fatalf("error %v is not a *ParseError", e)
		}
		out = append(out, pe)
	}
	return out
}

func TestParseEnv(t *testing.T) {
	envRef := func(secret, key, name string) *secretspec.Ref {
		return &secretspec.Ref{Secret: secret, Key: key, As: secretspec.Env, EnvVar: name, Origin: "-e flag"}
	}
	tests := []struct {
		name      string
		in        string
		wantRef   *secretspec.Ref
		wantPlain *corev1.EnvVar
		wantErrs  []*ParseError // Msg is matched as a prefix
	}{
		{name: "seed example", in: "MYUSERNAME=SECRET:my-secret,username", wantRef: envRef("my-secret", "username", "MYUSERNAME")},
		{name: "plain", in: "FOO=bar", wantPlain: &corev1.EnvVar{Name: "FOO", Value: "bar"}},
		{name: "plain empty value", in: "FOO=", wantPlain: &corev1.EnvVar{Name: "FOO"}},
		{name: "split on first =", in: "FOO=a=b=c", wantPlain: &corev1.EnvVar{Name: "FOO", Value: "a=b=c"}},
		{name: "prefix is case-sensitive", in: "FOO=secret:a,b", wantPlain: &corev1.EnvVar{Name: "FOO", Value: "secret:a,b"}},
		{name: "SECRET without colon is plain", in: "FOO=SECRET", wantPlain: &corev1.EnvVar{Name: "FOO", Value: "SECRET"}},
		{name: "prefix not at start is plain", in: "FOO= SECRET:a,b", wantPlain: &corev1.EnvVar{Name: "FOO", Value: " SECRET:a,b"}},
		{name: "relaxed variable name", in: "my.var-1=SECRET:s,k.txt", wantRef: envRef("s", "k.txt", "my.var-1")},
		{name: "dotted secret name", in: "A=SECRET:db.prod,pass_word", wantRef: envRef("db.prod", "pass_word", "A")},

		{name: "no equals", in: "FOO", wantErrs: []*ParseError{{Index: -1, Offset: 3, Msg: "missing '='"}}},
		{name: "empty flag", in: "", wantErrs: []*ParseError{{Index: -1, Offset: 0, Msg: "missing '='"}}},
		{name: "empty name", in: "=bar", wantErrs: []*ParseError{{Index: -1, Offset: 0, Msg: "empty variable name"}}},
		{name: "invalid name", in: "A\tB=x", wantErrs: []*ParseError{{Index: -1, Name: "A\tB", Offset: 0, Msg: "invalid variable name"}}},
		{name: "flag pasted whole", in: "-e A=SECRET:x,y", wantErrs: []*ParseError{{Index: -1, Name: "-e A", Offset: 0,
			Msg: `invalid variable name: begins with "-": is a whole flag pasted as the value? Give only NAME=VALUE (for -e A=SECRET:x,y the value is A=SECRET:x,y)`}}},
		{name: "long flag pasted whole", in: "--env=A=1", wantErrs: []*ParseError{{Index: -1, Name: "--env", Offset: 0, Msg: `invalid variable name: begins with "-"`}}},
		{name: "name with a space", in: "A B=1", wantErrs: []*ParseError{{Index: -1, Name: "A B", Offset: 0,
			Msg: "invalid variable name: holds a space: are several flags, or a whole flag, pasted as one value? Give one NAME=VALUE per -e flag"}}},
		{name: "empty reference", in: "A=SECRET:", wantErrs: []*ParseError{{Index: -1, Name: "A", Offset: 9, Msg: "empty secret reference"}}},
		{name: "no key", in: "A=SECRET:s", wantErrs: []*ParseError{{Index: -1, Name: "A", Offset: 10, Msg: "secret reference has no key"}}},
		{name: "empty key", in: "A=SECRET:s,", wantErrs: []*ParseError{{Index: -1, Name: "A", Offset: 11, Msg: "empty key"}}},
		{name: "empty secret", in: "A=SECRET:,k", wantErrs: []*ParseError{{Index: -1, Name: "A", Offset: 9, Msg: "empty secret name"}}},
		{name: "both empty", in: "A=SECRET:,", wantErrs: []*ParseError{
			{Index: -1, Name: "A", Offset: 9, Msg: "empty secret name"},
			{Index: -1, Name: "A", Offset: 10, Msg: "empty key"},
		}},
		{name: "extra comma", in: "A=SECRET:s,k,x", wantErrs: []*ParseError{{Index: -1, Name: "A", Offset: 12, Msg: "extra ','"}}},
		{name: "trailing comma", in: "A=SECRET:s,k,", wantErrs: []*ParseError{{Index: -1, Name: "A", Offset: 12, Msg: "extra ','"}}},
		{name: "invalid secret name", in: "A=SECRET:My_Secret,k", wantErrs: []*ParseError{{Index: -1, Name: "A", Offset: 9, Msg: `invalid secret name "My_Secret"`}}},
		{name: "invalid key", in: "A=SECRET:s,a/b", wantErrs: []*ParseError{{Index: -1, Name: "A", Offset: 11, Msg: `invalid key "a/b"`}}},
		{name: "dot key", in: "A=SECRET:s,..", wantErrs: []*ParseError{{Index: -1, Name: "A", Offset: 11, Msg: `invalid key ".."`}}},
		{name: "space in reference", in: "A=SECRET: s,k", wantErrs: []*ParseError{{Index: -1, Name: "A", Offset: 9, Msg: `invalid secret name " s"`}}},
		{name: "SECRET: after a second = is plain", in: "A=B=SECRET:x", wantPlain: &corev1.EnvVar{Name: "A", Value: "B=SECRET:x"}},
		{name: "bad name and bad ref", in: "=SECRET:S,", wantErrs: []*ParseError{
			{Index: -1, Offset: 0, Msg: "empty variable name"},
			{Index: -1, Offset: 8, Msg: `invalid secret name "S"`},
			{Index: -1, Offset: 10, Msg: "empty key"},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ref, plain, err := ParseEnv(tt.in)
			if diff := cmp.Diff(tt.wantRef, ref); diff != "" {
				t.Errorf("ref (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.wantPlain, plain); diff != "" {
				t.Errorf("plain (-want +got):\n%s", diff)
			}
			if (ref == nil) == (plain == nil) && err == nil {
				t.Errorf("want exactly one of ref and plain, got ref %v plain %v", ref != nil, plain != nil)
			}
			checkErrs(t, tt.wantErrs, parseErrors(t, err))
		})
	}
}

func checkErrs(t *testing.T, want, got []*ParseError) {
	t.Helper()
	if len(want) != len(got) {
		t.Fatalf("got %d errors %v, want %d", len(got), got, len(want))
	}
	for i := range want {
		w, g := want[i], got[i]
		if !strings.HasPrefix(g.Msg, w.Msg) {
			t.Errorf("error %d: message %q, want prefix %q", i, g.Msg, w.Msg)
		}
		g2 := *g
		g2.Msg = w.Msg
		if diff := cmp.Diff(*w, g2); diff != "" {
			t.Errorf("error %d (-want +got):\n%s", i, diff)
		}
	}
}

func TestParseEnvs(t *testing.T) {
	tests := []struct {
		name       string
		flags      []string
		wantRefs   []secretspec.Ref
		wantPlains []corev1.EnvVar
		wantErrs   []*ParseError
	}{
		{name: "none"},
		{
			name:  "mixed, in flag order",
			flags: []string{"A=1", "U=SECRET:s,user", "B=2", "P=SECRET:s,pass"},
			wantRefs: []secretspec.Ref{
				{Secret: "s", Key: "user", As: secretspec.Env, EnvVar: "U", Origin: "2nd -e flag"},
				{Secret: "s", Key: "pass", As: secretspec.Env, EnvVar: "P", Origin: "4th -e flag"},
			},
			wantPlains: []corev1.EnvVar{{Name: "A", Value: "1"}, {Name: "B", Value: "2"}},
		},
		{
			name:  "every bad flag reported",
			flags: []string{"OK=1", "NOEQ", "A=SECRET:s", "B=SECRET:s,k,z", "C=SECRET:s,k"},
			wantErrs: []*ParseError{
				{Index: 1, Offset: 4, Msg: "missing '='"},
				{Index: 2, Name: "A", Offset: 10, Msg: "secret reference has no key"},
				{Index: 3, Name: "B", Offset: 12, Msg: "extra ','"},
			},
		},
		{
			name:  "same name twice",
			flags: []string{"A=1", "B=SECRET:s,k", "A=SECRET:s,k", "B=2"},
			wantErrs: []*ParseError{
				{Index: 2, Name: "A", Offset: 0, Msg: "variable is already set by the 1st -e flag"},
				{Index: 3, Name: "B", Offset: 0, Msg: "variable is already set by the 2nd -e flag"},
			},
		},
		{
			name:  "duplicate of a bad flag is still a duplicate",
			flags: []string{"A=SECRET:s", "A=x"},
			wantErrs: []*ParseError{
				{Index: 0, Name: "A", Offset: 10, Msg: "secret reference has no key"},
				{Index: 1, Name: "A", Offset: 0, Msg: "variable is already set by the 1st -e flag"},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			refs, extras, err := ParseEnvs(tt.flags)
			if diff := cmp.Diff(tt.wantRefs, refs); diff != "" {
				t.Errorf("refs (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(secretspec.Extras{Env: tt.wantPlains}, extras); diff != "" {
				t.Errorf("plains (-want +got):\n%s", diff)
			}
			checkErrs(t, tt.wantErrs, parseErrors(t, err))
		})
	}
}

// TestErrorsHideValues checks that no error quotes a plain value or a flag without '='.
func TestErrorsHideValues(t *testing.T) {
	const secret = "hunter2-s3cr3t"
	flags := []string{
		secret,                       // no '=': may be a value
		"=" + secret,                 // empty name
		"A\x01=" + secret,            // bad name, plain value
		"P=" + secret, "P=" + secret, // duplicate
		"B=SECRET:" + "s,k,x" + secret, // extra comma
	}
	_, _, err := ParseEnvs(flags)
	if err == nil {
		t.Fatal("want an error")
	}
	if strings.Contains(err.Error(), secret) {
		t.Error("an error message contains a flag's value")
	}
	for _, f := range flags {
		if _, _, err := ParseEnv(f); err != nil && strings.Contains(err.Error(), secret) {
			t.Error("a ParseEnv error message contains a flag's value")
		}
	}
}

func TestParseErrorString(t *testing.T) {
	tests := []struct {
		err  ParseError
		want string
	}{
		{ParseError{Index: 2, Name: "A", Offset: 7, Msg: "m"}, `3rd -e flag ("A"): byte 7: m`},
		{ParseError{Index: -1, Offset: 0, Msg: "m"}, `-e flag: byte 0: m`},
		{ParseError{Index: 0, Name: "B", Offset: -1, Msg: "m"}, `1st -e flag ("B"): m`},
		{ParseError{Index: 1, Offset: -1, Msg: "m"}, `2nd -e flag: m`},
		{ParseError{Index: 10, Offset: -1, Msg: "m"}, `11th -e flag: m`},
		{ParseError{Index: 11, Offset: -1, Msg: "m"}, `12th -e flag: m`},
		{ParseError{Index: 12, Offset: -1, Msg: "m"}, `13th -e flag: m`},
		{ParseError{Index: 20, Offset: -1, Msg: "m"}, `21st -e flag: m`},
		{ParseError{Index: 21, Offset: -1, Msg: "m"}, `22nd -e flag: m`},
		{ParseError{Index: 22, Offset: -1, Msg: "m"}, `23rd -e flag: m`},
		{ParseError{Index: 110, Offset: -1, Msg: "m"}, `111th -e flag: m`},
	}
	for _, tt := range tests {
		if got := tt.err.Error(); got != tt.want {
			t.Errorf("Error() = %q, want %q", got, tt.want)
		}
	}
}

func TestInputsUnchanged(t *testing.T) {
	flags := []string{"A=SECRET:s,k", "B=x"}
	before := append([]string(nil), flags...)
	if _, _, err := ParseEnvs(flags); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(before, flags); diff != "" {
		t.Errorf("flags changed (-want +got):\n%s", diff)
	}
}

func TestSharedErrorsMapped(t *testing.T) {
	// The parser catches a repeated variable first; the shared validation behind it must still
	// report a conflict against the flags, never against refs[i].
	refs := []secretspec.Ref{
		{Secret: "a", Key: "k", As: secretspec.Env, EnvVar: "X", Origin: "3rd -e flag"},
		{Secret: "b", Key: "k", As: secretspec.Env, EnvVar: "X", Origin: "6th -e flag"},
	}
	var got []ParseError
	for _, err := range flagErrors(refs, []int{2, 5}) {
		got = append(got, *err.(*ParseError))
	}
	want := []ParseError{{Index: 5, Name: "X", Offset: -1,
		Msg: `variable name: Duplicate value: also set by 3rd -e flag from secret "a" key "k"`}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("flagErrors (-want +got):\n%s", diff)
	}
}

// TestErrorPrefix: every error the package returns says "runai: " once, before its problems.
func TestErrorPrefix(t *testing.T) {
	_, _, one := ParseEnv("A=SECRET:My,k")
	_, _, several := ParseEnvs([]string{"A", "B=SECRET:s"})
	_, _, dup := ParseEnvs([]string{"A=1", "A=2"})
	tests := []struct {
		err  error
		want string
	}{
		{one, `runai: -e flag ("A"): byte 9: invalid secret name "My": must be lower case ("M" at byte 0); ` + validation.SubdomainRule},
		{several, "runai: 2 problems:\n\t- 1st -e flag: byte 1: missing '=': expected NAME=VALUE or NAME=SECRET:<secret>,<key>\n" +
			"\t- 2nd -e flag (\"B\"): byte 10: secret reference has no key: expected SECRET:<secret>,<key>"},
		{dup, `runai: 2nd -e flag ("A"): byte 0: variable is already set by the 1st -e flag`},
	}
	for _, tt := range tests {
		if tt.err == nil || tt.err.Error() != tt.want {
			t.Errorf("error = %v\nwant %s", tt.err, tt.want)
		}
	}
}
