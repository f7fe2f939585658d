package secretspec

import (
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

func TestValidateRefs(t *testing.T) {
	envA := Ref{As: Env, Secret: "a", Key: "b", EnvVar: "TOKEN"}
	envC := Ref{As: Env, Secret: "c", Key: "d", EnvVar: "TOKEN"}
	git := Ref{As: GitSSH, Secret: "deploy"}
	items := func(kp ...string) []corev1.KeyToPath {
		var out []corev1.KeyToPath
		for i := 0; i < len(kp); i += 2 {
			out = append(out, corev1.KeyToPath{Key: kp[i], Path: kp[i+1]})
		}
		return out
	}
	mnt := func(secret, key string, its []corev1.KeyToPath) Ref {
		return Ref{As: Mount, Secret: secret, MountPath: "/etc/x", Key: key, Items: its}
	}
	in := func(r Ref, containers ...string) Ref { r.Containers = containers; return r }
	tests := []struct {
		name string
		refs []Ref
		want []string
	}{
		{"none", nil, nil},
		{"no conflicts", []Ref{envA, {As: Env, Secret: "c", Key: "d", EnvVar: "OTHER"}, git, mnt("s", "", nil), {As: PullSecret, Secret: "r"}, {As: EnvFrom, Secret: "a"}}, nil},
		{"each ref validated at its index", []Ref{envA, {As: Env, Secret: "s", Key: "k"}, {As: PullSecret}}, []string{
			`refs[1].envVar: Required value: an env ref names the variable it sets`,
			`refs[2].secret: Required value: the name of a Secret in the pod's namespace`,
		}},

		// Variables.
		{"same variable, other source", []Ref{envA, envC}, []string{
			`refs[1].envVar: Duplicate value: "TOKEN": also set by refs[0] from secret "a" key "b"`,
		}},
		{"same variable, other key", []Ref{envA, {As: Env, Secret: "a", Key: "x", EnvVar: "TOKEN"}}, []string{
			`refs[1].envVar: Duplicate value: "TOKEN": also set by refs[0] from secret "a" key "b"`,
		}},
		{"same variable, other optional flag", []Ref{{As: Env, Secret: "a", Key: "b", EnvVar: "TOKEN", Optional: true}, envA}, []string{
			`refs[1].envVar: Duplicate value: "TOKEN": also set by refs[0] from secret "a" key "b" (optional)`,
		}},
		{"identical env refs", []Ref{envA, envA, in(envA, "main")}, nil},
		{"disjoint containers", []Ref{in(envA, "main"), in(envC, "sidecar")}, nil},
		{"nil containers meet every container", []Ref{envA, in(envC, "sidecar")}, []string{
			`refs[1].envVar: Duplicate value: "TOKEN": also set by refs[0] from secret "a" key "b"`,
		}},
		{"overlapping containers", []Ref{in(envA, "a", "b"), in(envC, "c", "b")}, []string{
			`refs[1].envVar: Duplicate value: "TOKEN": also set by refs[0] from secret "a" key "b"`,
		}},
		{"one error per later ref", []Ref{envA, envC, {As: Env, Secret: "e", Key: "f", EnvVar: "TOKEN"}}, []string{
			`refs[1].envVar: Duplicate value: "TOKEN": also set by refs[0] from secret "a" key "b"`,
			`refs[2].envVar: Duplicate value: "TOKEN": also set by refs[0] from secret "a" key "b"`,
		}},
		{"invalid refs are left out of conflicts", []Ref{envA, {As: Env, Secret: "c", Key: "d", EnvVar: "TOKEN", Prefix: "P"}}, []string{
			`refs[1].prefix: Forbidden: only envFrom refs take a prefix`,
		}},
		{"env after gitSSH", []Ref{git, {As: Env, Secret: "a", Key: "b", EnvVar: "GIT_SSH_COMMAND"}}, []string{
			`refs[1].envVar: Duplicate value: "GIT_SSH_COMMAND": also set by refs[0] (gitSSH, secret "deploy")`,
		}},
		{"gitSSH after env", []Ref{{As: Env, Secret: "a", Key: "b", EnvVar: "GIT_SSH_COMMAND"}, git}, []string{
			`refs[1]: Duplicate value: "GIT_SSH_COMMAND": also set by refs[0] from secret "a" key "b"`,
		}},

		// GitSSH.
		{"two gitSSH refs", []Ref{git, {As: GitSSH, Secret: "other", MountPath: "/root/.ssh"}}, []string{
			`refs[1]: Forbidden: only one gitSSH ref per container: refs[0] (gitSSH, secret "deploy") already sets GIT_SSH_COMMAND`,
		}},
		{"two gitSSH refs at one path", []Ref{git, {As: GitSSH, Secret: "deploy", Key: "id_rsa"}}, []string{
			`refs[1]: Forbidden: only one gitSSH ref per container: refs[0] (gitSSH, secret "deploy") already sets GIT_SSH_COMMAND`,
		}},
		{"equal gitSSH refs", []Ref{git, {As: GitSSH, Secret: "deploy", Key: DefaultGitSSHKey, MountPath: DefaultGitSSHPath, Mode: mode(0o400)}, in(git, "main")}, nil},
		{"gitSSH refs in disjoint containers", []Ref{in(git, "a"), {As: GitSSH, Secret: "other", MountPath: "/root/.ssh", Containers: []string{"b"}}}, nil},
		{"gitSSH differs in known_hosts", []Ref{git, {As: GitSSH, Secret: "deploy", Items: items("h", KnownHostsKey)}}, []string{
			`refs[1]: Forbidden: only one gitSSH ref per container: refs[0] (gitSSH, secret "deploy") already sets GIT_SSH_COMMAND`,
		}},
		{"mount at the gitSSH directory", []Ref{git, {As: Mount, Secret: "s", MountPath: DefaultGitSSHPath}}, []string{
			`refs[1].mountPath: Duplicate value: "/etc/git-ssh": it is the gitSSH directory of refs[0] (gitSSH, secret "deploy")`,
		}},
		{"gitSSH directory at a mount", []Ref{{As: Mount, Secret: "s", MountPath: "/root/.ssh"}, {As: GitSSH, Secret: "k", MountPath: "/root/.ssh"}}, []string{
			`refs[1].mountPath: Duplicate value: "/root/.ssh": refs[0] (mount, secret "s") mounts there; the gitSSH directory must be a path of its own`,
		}},
		{"gitSSH default directory at a mount", []Ref{{As: Mount, Secret: "s", MountPath: DefaultGitSSHPath, Containers: []string{"main"}}, git}, []string{
			`refs[1].mountPath: Duplicate value: "/etc/git-ssh": refs[0] (mount, secret "s") mounts there; the gitSSH directory must be a path of its own`,
		}},

		// Mount paths.
		{"two secrets at one path", []Ref{mnt("s", "", nil), mnt("t", "", nil)}, []string{
			`refs[1].mountPath: Duplicate value: "/etc/x": refs[0] (mount, secret "s") mounts there; a mount path holds one Secret`,
		}},
		{"two secrets at one path, disjoint containers", []Ref{in(mnt("s", "", nil), "a"), in(mnt("t", "", nil), "b")}, nil},
		{"same secret, other mode", []Ref{mnt("s", "k", nil), func() Ref { r := mnt("s", "l", nil); r.Mode = mode(0o400); return r }()}, []string{
			`refs[1].mountPath: Duplicate value: "/etc/x": refs[0] (mount, secret "s") mounts it there with another mode or optional flag; mounts of one Secret at one path must agree on both`,
		}},
		{"same secret, other optional flag", []Ref{mnt("s", "k", nil), func() Ref { r := mnt("s", "l", nil); r.Optional = true; return r }()}, []string{
			`refs[1].mountPath: Duplicate value: "/etc/x": refs[0] (mount, secret "s") mounts it there with another mode or optional flag; mounts of one Secret at one path must agree on both`,
		}},
		{"every key and chosen keys", []Ref{mnt("s", "", nil), mnt("s", "k", nil)}, []string{
			`refs[1].mountPath: Duplicate value: "/etc/x": refs[0] (mount, secret "s") mounts it there with a different choice of keys; at one path, mount either every key or chosen keys`,
		}},
		{"every key twice", []Ref{mnt("s", "", nil), mnt("s", "", nil)}, nil},
		{"merged keys and items", []Ref{mnt("s", "a", nil), mnt("s", "", items("b", "b", "c", "dir/c")), mnt("s", "a", nil), mnt("s", "", items("a", "a", "c", "dir/c"))}, nil},
		{"merged items, one file two keys", []Ref{mnt("s", "", items("a", "f", "b", "g")), mnt("s", "", items("x", "y", "c", "./f"))}, []string{
			`refs[1].items[1].path: Duplicate value: "./f": also written by refs[0] (mount, secret "s", key "a")`,
		}},
		{"merged key, file of another key", []Ref{mnt("s", "", items("b", "a")), mnt("s", "a", nil)}, []string{
			`refs[1].key: Duplicate value: "a": also written by refs[0] (mount, secret "s", key "b")`,
		}},
		{"merged items, directory clash", []Ref{mnt("s", "", items("a", "d")), mnt("s", "", items("b", "d/e"))}, []string{
			`refs[1].items[0].path: Invalid value: "d/e": lies below a file written by refs[0] (mount, secret "s", key "a")`,
		}},
		{"merged items, file mode differs", []Ref{
			mnt("s", "", []corev1.KeyToPath{{Key: "a", Path: "a", Mode: mode(0o400)}}),
			mnt("s", "", []corev1.KeyToPath{{Key: "a", Path: "a"}}),
		}, []string{
			`refs[1].items[0].mode: Invalid value: "unset": differs from the mode 0400 of the same file in refs[0] (mount, secret "s", key "a")`,
		}},
		{"groups by container list", []Ref{in(mnt("s", "", nil), "a"), in(mnt("t", "", nil), "b"), mnt("s", "", nil)}, []string{
			`refs[2].mountPath: Duplicate value: "/etc/x": refs[1] (mount, secret "t") mounts there; a mount path holds one Secret`,
		}},
		{"a ref in conflict is not recorded", []Ref{envA, envC, in(envC, "main")}, []string{
			`refs[1].envVar: Duplicate value: "TOKEN": also set by refs[0] from secret "a" key "b"`,
			`refs[2].envVar: Duplicate value: "TOKEN": also set by refs[0] from secret "a" key "b"`,
		}},
		{"merged across container groups", []Ref{in(mnt("s", "a", nil), "x"), in(mnt("s", "b", nil), "y"), mnt("s", "", items("c", "a"))}, []string{
			`refs[2].items[0].path: Duplicate value: "a": also written by refs[0] (mount, secret "s", key "a")`,
		}},
		{"merged items, disjoint containers", []Ref{in(mnt("s", "", items("a", "f")), "a"), in(mnt("s", "", items("b", "f")), "b")}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := make([]Ref, len(tt.refs))
			for i, r := range tt.refs {
				before[i] = r.Normalize()
			}
			got := ValidateRefs(tt.refs, field.NewPath("refs"))
			if diff := cmp.Diff(tt.want, errStrings(got)); diff != "" {
				t.Errorf("ValidateRefs (-want +got):\n%s", diff)
			}
			// Every mention of another ref uses the caller's path too.
			var wantAt []string
			for _, w := range tt.want {
				wantAt = append(wantAt, strings.ReplaceAll(w, "refs[", "spec.secrets["))
			}
			if diff := cmp.Diff(wantAt, errStrings(ValidateRefs(tt.refs, field.NewPath("spec", "secrets")))); diff != "" {
				t.Errorf("ValidateRefs at spec.secrets (-want +got):\n%s", diff)
			}
			// With an Origin, a ref is named by it, in its own errors and in mentions.
			withOrigin := make([]Ref, len(tt.refs))
			for i, r := range tt.refs {
				r.Origin = "flyte.secrets/s" + strconv.Itoa(i)
				withOrigin[i] = r
			}
			var wantOrigin []string
			for _, w := range tt.want {
				wantOrigin = append(wantOrigin, refIndex.ReplaceAllString(w, "flyte.secrets/s$1"))
			}
			if diff := cmp.Diff(wantOrigin, errStrings(ValidateRefs(withOrigin, field.NewPath("spec", "secrets")))); diff != "" {
				t.Errorf("ValidateRefs with origins (-want +got):\n%s", diff)
			}
			for i, r := range tt.refs {
				if r.As == GitSSH {
					continue // Normalize fills defaults
				}
				if diff := cmp.Diff(before[i], r); diff != "" {
					t.Errorf("ValidateRefs modified refs[%d] (-before +after):\n%s", i, diff)
				}
			}
		})
	}
}

// refIndex matches a ref named by its index, "refs[3]", capturing the index.
var refIndex = regexp.MustCompile(`refs\[([0-9]+)\]`)

// TestValidateRefsOrigin: refs with and without an Origin in one list, each named as it is.
func TestValidateRefsOrigin(t *testing.T) {
	refs := []Ref{
		{As: Env, Secret: "a", Key: "b", EnvVar: "TOKEN", Origin: "3rd -e flag"},
		{As: Env, Secret: "c", Key: "d", EnvVar: "TOKEN"},
		{As: Env, Secret: "e", Key: "f", EnvVar: "TOKEN", Origin: "transform.secrets[1]"},
		{As: Mount, Secret: "s", MountPath: "/x/../y", Origin: "transform.secrets[2]"},
		{As: Env, Secret: "g", Key: "h", EnvVar: "OTHER"},
		{As: Env, Secret: "i", Key: "j", EnvVar: "OTHER", Origin: "flyte.secrets/s0"},
	}
	want := []string{
		`transform.secrets[2].mountPath: Invalid value: "/x/../y": must be a clean path: no "." or ".." elements, no repeated or trailing "/"`,
		`spec.secrets[1].envVar: Duplicate value: "TOKEN": also set by 3rd -e flag from secret "a" key "b"`,
		`transform.secrets[1].envVar: Duplicate value: "TOKEN": also set by 3rd -e flag from secret "a" key "b"`,
		`flyte.secrets/s0.envVar: Duplicate value: "OTHER": also set by spec.secrets[4] from secret "g" key "h"`,
	}
	if diff := cmp.Diff(want, errStrings(ValidateRefs(refs, field.NewPath("spec", "secrets")))); diff != "" {
		t.Errorf("ValidateRefs (-want +got):\n%s", diff)
	}
}

func TestNormalize(t *testing.T) {
	r := Ref{As: GitSSH, Secret: "k", Items: []corev1.KeyToPath{{Key: "h", Path: KnownHostsKey, Mode: mode(0o600)}}, Mode: mode(0o400), Containers: []string{"main"}}
	got := r.Normalize()
	want := Ref{As: GitSSH, Secret: "k", Key: DefaultGitSSHKey, MountPath: DefaultGitSSHPath,
		Items: []corev1.KeyToPath{{Key: "h", Path: KnownHostsKey, Mode: mode(0o600)}}, Mode: mode(0o400), Containers: []string{"main"}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("Normalize (-want +got):\n%s", diff)
	}
	if &got.Items[0] == &r.Items[0] || got.Items[0].Mode == r.Items[0].Mode || got.Mode == r.Mode || &got.Containers[0] == &r.Containers[0] {
		t.Error("Normalize shares memory with its receiver")
	}
	other := Ref{As: Mount, Secret: "s", MountPath: "/x", Containers: []string{}}
	if diff := cmp.Diff(other, other.Normalize()); diff != "" {
		t.Errorf("Normalize changed a mount ref (-want +got):\n%s", diff)
	}
	if other.Normalize().Containers == nil {
		t.Error("Normalize turned an empty Containers list into nil")
	}
}

// BenchmarkValidateRefs validates many refs sharing one variable name and one
// mount path, the worst case for conflict checks (Flyte mounts every key of a
// group in one directory).
func BenchmarkValidateRefs(b *testing.B) {
	for _, n := range []int{100, 1000, 10000} {
		var refs []Ref
		for i := range n / 2 {
			key := "key-" + strconv.Itoa(i)
			refs = append(refs,
				Ref{As: Mount, Secret: "group", Key: key, MountPath: "/etc/flyte/secrets/group", Optional: true},
				Ref{As: Env, Secret: "group", Key: "token", EnvVar: "TOKEN"})
		}
		b.Run(strconv.Itoa(n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if errs := ValidateRefs(refs, field.NewPath("refs")); len(errs) > 0 {
					b.Fatal(errs)
				}
			}
		})
	}
}
