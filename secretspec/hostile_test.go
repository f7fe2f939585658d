package secretspec_test

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/podsecrets/podsecrets/secretspec"
)

// hostileRef is one ref with one hostile field, and the field path the
// error must name.
type hostileRef struct {
	name string
	ref  secretspec.Ref
	want string // a path every error list must contain, e.g. "refs[0].mountPath"
}

func mount(mountPath string, items ...corev1.KeyToPath) secretspec.Ref {
	return secretspec.Ref{Secret: "s", As: secretspec.Mount, MountPath: mountPath, Items: items}
}

func item(key, p string) corev1.KeyToPath { return corev1.KeyToPath{Key: key, Path: p} }

func hostileRefs() []hostileRef {
	long := strings.Repeat("a", 256)
	return []hostileRef{
		{"mountPath relative", mount("etc/x"), "refs[0].mountPath"},
		{"mountPath dot dot", mount("../x"), "refs[0].mountPath"},
		{"mountPath with dot dot inside", mount("/a/../b"), "refs[0].mountPath"},
		{"mountPath ending in dot dot", mount("/a/.."), "refs[0].mountPath"},
		{"mountPath double slash", mount("/a//b"), "refs[0].mountPath"},
		{"mountPath leading double slash", mount("//a"), "refs[0].mountPath"},
		{"mountPath trailing slash", mount("/a/"), "refs[0].mountPath"},
		{"mountPath dot element", mount("/a/./b"), "refs[0].mountPath"},
		{"mountPath root", mount("/"), "refs[0].mountPath"},
		{"mountPath NUL", mount("/a\x00b"), "refs[0].mountPath"},
		{"mountPath too long", mount("/" + strings.Repeat("a/", 2100) + "a"), "refs[0].mountPath"},
		{"mountPath element too long", mount("/" + long), "refs[0].mountPath"},
		{"mountPath backslash parent (Windows style)", mount(`..\x`), "refs[0].mountPath"},
		{"gitSSH mountPath dot dot", secretspec.Ref{Secret: "s", As: secretspec.GitSSH, MountPath: "/a/../b"}, "refs[0].mountPath"},
		{"item dot dot", mount("/m", item("k", "..")), "refs[0].items[0].path"},
		{"item parent", mount("/m", item("k", "../x")), "refs[0].items[0].path"},
		{"item dot dot prefix", mount("/m", item("k", "..x")), "refs[0].items[0].path"},
		{"item escapes inside", mount("/m", item("k", "a/../../x")), "refs[0].items[0].path"},
		{"item dot dot element", mount("/m", item("k", "a/../x")), "refs[0].items[0].path"},
		{"item ending in dot dot", mount("/m", item("k", "a/..")), "refs[0].items[0].path"},
		{"item absolute", mount("/m", item("k", "/etc/passwd")), "refs[0].items[0].path"},
		{"item empty", mount("/m", item("k", "")), "refs[0].items[0].path"},
		{"item dot", mount("/m", item("k", ".")), "refs[0].items[0].path"},
		{"item NUL", mount("/m", item("k", "a\x00b")), "refs[0].items[0].path"},
		{"item element too long", mount("/m", item("k", long)), "refs[0].items[0].path"},
		{"item too long", mount("/m", item("k", strings.Repeat("a/", 2100)+"a")), "refs[0].items[0].path"},
		{"items one file twice", mount("/m", item("a", "x/y"), item("b", "x/y")), "refs[0].items[1].path"},
		{"items same file, double slash", mount("/m", item("a", "x/y"), item("b", "x//y")), "refs[0].items[1].path"},
		{"items same file, dot element", mount("/m", item("a", "x"), item("b", "./x")), "refs[0].items[1].path"},
		{"items file is other's directory", mount("/m", item("a", "x"), item("b", "x/y")), "refs[0].items[1].path"},
		{"item key dot dot", mount("/m", item("..", "x")), "refs[0].items[0].key"},
		{"item key slash", mount("/m", item("a/b", "x")), "refs[0].items[0].key"},
		{"item key NUL", mount("/m", item("a\x00", "x")), "refs[0].items[0].key"},
		{"item key look-alike slash", mount("/m", item("a\u2215b", "x")), "refs[0].items[0].key"},
		{"item key fullwidth dots", mount("/m", item("\uff0e\uff0e", "x")), "refs[0].items[0].key"},
		{"key dot dot", secretspec.Ref{Secret: "s", Key: "..", As: secretspec.Env, EnvVar: "A"}, "refs[0].key"},
		{"key non-UTF-8", secretspec.Ref{Secret: "s", Key: "a\xff", As: secretspec.Env, EnvVar: "A"}, "refs[0].key"},
		{"key too long", secretspec.Ref{Secret: "s", Key: strings.Repeat("k", 254), As: secretspec.Env, EnvVar: "A"}, "refs[0].key"},
		{"secret look-alike dot", secretspec.Ref{Secret: "a\uff0eb", Key: "k", As: secretspec.Env, EnvVar: "A"}, "refs[0].secret"},
		{"secret dot dot", secretspec.Ref{Secret: "..", Key: "k", As: secretspec.Env, EnvVar: "A"}, "refs[0].secret"},
		{"secret slash", secretspec.Ref{Secret: "a/b", Key: "k", As: secretspec.Env, EnvVar: "A"}, "refs[0].secret"},
		{"secret too long", secretspec.Ref{Secret: strings.Repeat("a", 254), Key: "k", As: secretspec.Env, EnvVar: "A"}, "refs[0].secret"},
		{"envVar with =", secretspec.Ref{Secret: "s", Key: "k", As: secretspec.Env, EnvVar: "A=B"}, "refs[0].envVar"},
		{"envVar NUL", secretspec.Ref{Secret: "s", Key: "k", As: secretspec.Env, EnvVar: "A\x00"}, "refs[0].envVar"},
		{"envVar newline", secretspec.Ref{Secret: "s", Key: "k", As: secretspec.Env, EnvVar: "A\nB"}, "refs[0].envVar"},
		{"envVar non-ASCII look-alike", secretspec.Ref{Secret: "s", Key: "k", As: secretspec.Env, EnvVar: "\uff21"}, "refs[0].envVar"},
		{"envVar non-UTF-8", secretspec.Ref{Secret: "s", Key: "k", As: secretspec.Env, EnvVar: "A\xff"}, "refs[0].envVar"},
		{"prefix with =", secretspec.Ref{Secret: "s", As: secretspec.EnvFrom, Prefix: "A="}, "refs[0].prefix"},
		{"prefix NUL", secretspec.Ref{Secret: "s", As: secretspec.EnvFrom, Prefix: "A\x00"}, "refs[0].prefix"},
		{"container NUL", secretspec.Ref{Secret: "s", Key: "k", As: secretspec.Env, EnvVar: "A", Containers: []string{"a\x00"}}, "refs[0].containers[0]"},
		{"container look-alike", secretspec.Ref{Secret: "s", Key: "k", As: secretspec.Env, EnvVar: "A", Containers: []string{"a\u2215b"}}, "refs[0].containers[0]"},
		{"mode too large", secretspec.Ref{Secret: "s", As: secretspec.Mount, MountPath: "/m", Mode: ptr(int32(01000))}, "refs[0].mode"},
		{"mode negative", secretspec.Ref{Secret: "s", As: secretspec.Mount, MountPath: "/m", Mode: ptr(int32(-1))}, "refs[0].mode"},
	}
}

func ptr[T any](v T) *T { return &v }

// TestHostileRefs: every hostile field is refused by Validate and ValidateRefs
// with an error at that field's path, and the ref's text form does not parse
// into a valid ref either.
func TestHostileRefs(t *testing.T) {
	for _, c := range hostileRefs() {
		t.Run(c.name, func(t *testing.T) {
			errs := secretspec.ValidateRefs([]secretspec.Ref{c.ref}, field.NewPath("refs"))
			if !hasPath(errs, c.want) {
				t.Errorf("ValidateRefs: no error at %s; got %v", c.want, errs)
			}
			if errs := c.ref.Validate(field.NewPath("refs").Index(0)); !hasPath(errs, c.want) {
				t.Errorf("Validate: no error at %s; got %v", c.want, errs)
			}
			if got, err := secretspec.Parse(c.ref.String()); err == nil {
				t.Errorf("Parse(String()) of an invalid ref gave %#v and no error", got)
			}
		})
	}
}

func hasPath(errs field.ErrorList, p string) bool {
	for _, e := range errs {
		if e.Field == p {
			return true
		}
	}
	return false
}

// TestLookAlikesAreNotSeparators: characters that look like '/' or '.' in a
// mount path or item path are ordinary characters: valid, kept exactly by
// String and Parse, and never treated as path syntax.
func TestLookAlikesAreNotSeparators(t *testing.T) {
	for _, p := range []string{"a\u2215b", "\uff0e\uff0e", "a\u2044b", "\u2024\u2024", "a\uff0fb"} {
		r := mount("/m/"+p, item("k", p+"/f"))
		if errs := r.Validate(field.NewPath("ref")); len(errs) != 0 {
			t.Errorf("%+q: %v", p, errs)
			continue
		}
		got, err := secretspec.Parse(r.String())
		if err != nil {
			t.Errorf("%+q: Parse(String()): %v", p, err)
			continue
		}
		if diff := cmp.Diff(r, got, cmpopts.EquateEmpty()); diff != "" {
			t.Errorf("%+q: Parse(String()) (-want +got):\n%s", p, diff)
		}
	}
}

// TestParseHostileText: hostile text gives an error, never a panic, and never a
// ref that fails Validate.
func TestParseHostileText(t *testing.T) {
	inputs := []string{
		"", "\x00", "mount:/a/../b=s", "mount:../x=s", "mount:/m=s[..=k]", "mount:/m=s[k=../x]",
		"mount:/m=s[k=/abs]", "env:A=s/..", "env:A=../s/k", "env:A\x00=s/k", "env:A=s/k\x00",
		"mount:/m\x00=s", "mount:/\xff=s", strings.Repeat("[", 100000), strings.Repeat("mount:/m=s[", 10000),
		"env:" + strings.Repeat("A", 1<<20) + "=s/k", "mount://a=s", "mount:/a/=s", "gitSSH:/a/..=s",
		"env:A=s\u2215x/k", "mount:/m=s[k=a//b,j=a/b]",
	}
	for _, in := range inputs {
		r, err := secretspec.Parse(in)
		if err != nil {
			continue
		}
		if errs := r.Validate(field.NewPath("ref")); len(errs) != 0 {
			t.Errorf("Parse(%.40q) gave a ref that fails Validate: %v", in, errs)
		}
	}
}
