package secretspec

import (
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/podsecrets/podsecrets/internal/validation"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

func TestValidate(t *testing.T) {
	env := Ref{As: Env, Secret: "db", Key: "password", EnvVar: "DB_PASSWORD"}
	envFrom := Ref{As: EnvFrom, Secret: "app-config"}
	mount := Ref{As: Mount, Secret: "tls", MountPath: "/etc/tls"}
	pull := Ref{As: PullSecret, Secret: "regcred"}
	git := Ref{As: GitSSH, Secret: "deploy-key"}
	with := func(r Ref, f func(*Ref)) Ref {
		r = r.Normalize()
		if r.As == GitSSH {
			r.Key, r.MountPath = "", ""
		}
		f(&r)
		return r
	}
	tests := []struct {
		name string
		ref  Ref
		want []string
	}{
		// Valid refs.
		{"env", env, nil},
		{"env optional containers", with(env, func(r *Ref) { r.Optional, r.Containers = true, []string{"main", "sidecar"} }), nil},
		{"env relaxed name", with(env, func(r *Ref) { r.EnvVar = "1 odd.name!" }), nil},
		{"envFrom", envFrom, nil},
		{"envFrom prefix", with(envFrom, func(r *Ref) { r.Prefix = "APP_" }), nil},
		{"mount every key", mount, nil},
		{"mount one key", with(mount, func(r *Ref) { r.Key = "tls.crt"; r.Mode = mode(0o440) }), nil},
		{"mount items", with(mount, func(r *Ref) {
			r.Items = []corev1.KeyToPath{{Key: "tls.crt", Path: "certs/tls.crt"}, {Key: "tls.key", Path: "certs/tls.key", Mode: mode(0o400)}}
			r.Mode = mode(0)
		}), nil},
		{"mount path with odd bytes", with(mount, func(r *Ref) { r.MountPath = "/data/a=b; c:d,e@f%" }), nil},
		{"pull", pull, nil},
		{"gitSSH", git, nil},
		{"gitSSH full", with(git, func(r *Ref) {
			r.Key, r.MountPath, r.Mode, r.Optional = "id_ed25519", "/root/.ssh", mode(0o400), true
			r.Items = []corev1.KeyToPath{{Key: "hosts", Path: "known_hosts"}}
		}), nil},
		{"gitSSH key named known_hosts without items", with(git, func(r *Ref) { r.Key = "known_hosts" }), nil},

		// Rules for every delivery.
		{"zero ref", Ref{}, []string{
			`refs[2].as: Unsupported value: "": supported values: "env", "envFrom", "mount", "pull", "gitSSH"`,
			`refs[2].secret: Required value: the name of a Secret in the pod's namespace`,
		}},
		{"unknown delivery keeps field checks", Ref{As: "file", Secret: "s", Key: "a/b"}, []string{
			`refs[2].as: Unsupported value: "file": supported values: "env", "envFrom", "mount", "pull", "gitSSH"`,
			`refs[2].key: Invalid value: "a/b": must not contain "/" at byte 1; ` + validation.KeyRule,
		}},
		{"secret name", with(pull, func(r *Ref) { r.Secret = "Bad_Name" }), []string{
			`refs[2].secret: Invalid value: "Bad_Name": must be lower case ("B" at byte 0); ` + validation.SubdomainRule,
		}},
		{"secret name too long", with(pull, func(r *Ref) { r.Secret = strings.Repeat("a", 254) }), []string{
			`refs[2].secret: Invalid value: "` + strings.Repeat("a", 254) + `": must be at most 253 characters, not 254; ` + validation.SubdomainRule,
		}},
		{"key", with(env, func(r *Ref) { r.Key = "..secret" }), []string{
			`refs[2].key: Invalid value: "..secret": must not start with ".."; ` + validation.KeyRule,
		}},
		{"env var name", with(env, func(r *Ref) { r.EnvVar = "A=B" }), []string{
			`refs[2].envVar: Invalid value: "A=B": must not contain "=" at byte 1; ` + validation.RelaxedEnvVarNameRule,
		}},
		{"prefix", with(envFrom, func(r *Ref) { r.Prefix = "APP\t" }), []string{
			`refs[2].prefix: Invalid value: "APP\t": must not contain "\t" at byte 3; ` + validation.RelaxedEnvVarNameRule,
		}},
		{"mount path relative", with(mount, func(r *Ref) { r.MountPath = "etc/tls" }), []string{
			`refs[2].mountPath: Invalid value: "etc/tls": must be an absolute path`,
		}},
		{"mount path root", with(mount, func(r *Ref) { r.MountPath = "/" }), []string{
			`refs[2].mountPath: Invalid value: "/": must not be the root directory`,
		}},
		{"mount path dotdot", with(mount, func(r *Ref) { r.MountPath = "/etc/../tls" }), []string{
			`refs[2].mountPath: Invalid value: "/etc/../tls": must be a clean path: no "." or ".." elements, no repeated or trailing "/"`,
		}},
		{"mount path trailing slash", with(mount, func(r *Ref) { r.MountPath = "/etc/tls/" }), []string{
			`refs[2].mountPath: Invalid value: "/etc/tls/": must be a clean path: no "." or ".." elements, no repeated or trailing "/"`,
		}},
		{"mount path NUL", with(mount, func(r *Ref) { r.MountPath = "/etc/a\x00b" }), []string{
			`refs[2].mountPath: Invalid value: "/etc/a\x00b": must not contain a NUL byte`,
		}},
		{"mode out of range", with(mount, func(r *Ref) { r.Mode = mode(0o1000) }), []string{
			`refs[2].mode: Invalid value: "01000": must be a number between 0 and 0777 (octal), both inclusive`,
		}},
		{"mode negative", with(mount, func(r *Ref) { r.Mode = mode(-1) }), []string{
			`refs[2].mode: Invalid value: "-01": must be a number between 0 and 0777 (octal), both inclusive`,
		}},
		{"items", with(mount, func(r *Ref) {
			r.Items = []corev1.KeyToPath{
				{Key: "", Path: "a"},
				{Key: "a/b", Path: ""},
				{Key: "c", Path: "/abs"},
				{Key: "d", Path: "x/../y"},
				{Key: "e", Path: "..y"},
				{Key: "f", Path: "..", Mode: mode(0o1000)},
				{Key: "g", Path: "./"},
				{Key: "h", Path: "n\x00ul"},
			}
		}), []string{
			`refs[2].items[0].key: Required value: the Secret key to write to the file`,
			`refs[2].items[1].key: Invalid value: "a/b": must not contain "/" at byte 1; ` + validation.KeyRule,
			`refs[2].items[1].path: Required value: the file's path relative to the mount path`,
			`refs[2].items[2].path: Invalid value: "/abs": must be a relative path`,
			`refs[2].items[3].path: Invalid value: "x/../y": must not contain '..'`,
			`refs[2].items[4].path: Invalid value: "..y": must not start with '..'`,
			`refs[2].items[5].path: Invalid value: "..": must not contain '..'`,
			`refs[2].items[5].path: Invalid value: "..": must not start with '..'`,
			`refs[2].items[5].mode: Invalid value: "01000": must be a number between 0 and 0777 (octal), both inclusive`,
			`refs[2].items[6].path: Invalid value: "./": must name a file, not the mount path itself`,
			`refs[2].items[7].path: Invalid value: "n\x00ul": must not contain a NUL byte`,
		}},
		{"item paths clash", with(mount, func(r *Ref) {
			r.Items = []corev1.KeyToPath{
				{Key: "a", Path: "certs/tls.crt"},
				{Key: "b", Path: "./certs/tls.crt"},
				{Key: "c", Path: "certs"},
				{Key: "d", Path: "certs/tls.crt/x"},
				{Key: "e", Path: "other"},
			}
		}), []string{
			`refs[2].items[1].path: Duplicate value: "./certs/tls.crt": also written by items[0] (key "a")`,
			`refs[2].items[2].path: Invalid value: "certs": is a directory of a file written by items[0] (key "a")`,
			`refs[2].items[3].path: Invalid value: "certs/tls.crt/x": lies below a file written by items[0] (key "a")`,
		}},
		{"many items clash", with(mount, func(r *Ref) {
			for i := range 8 {
				r.Items = append(r.Items, corev1.KeyToPath{Key: "k" + strconv.Itoa(i), Path: "f" + strconv.Itoa(i)})
			}
			r.Items[2].Path = "d/x"
			r.Items = append(r.Items, corev1.KeyToPath{Key: "a", Path: "f3"}, corev1.KeyToPath{Key: "b", Path: "f5/x"},
				corev1.KeyToPath{Key: "c", Path: "d"}, corev1.KeyToPath{Key: "d", Path: "/abs"}, corev1.KeyToPath{Key: "e", Path: "./f7"})
		}), []string{
			`refs[2].items[8].path: Duplicate value: "f3": also written by items[3] (key "k3")`,
			`refs[2].items[9].path: Invalid value: "f5/x": lies below a file written by items[5] (key "k5")`,
			`refs[2].items[10].path: Invalid value: "d": is a directory of a file written by items[2] (key "k2")`,
			`refs[2].items[11].path: Invalid value: "/abs": must be a relative path`,
			`refs[2].items[12].path: Duplicate value: "./f7": also written by items[7] (key "k7")`,
		}},
		{"path lengths", with(mount, func(r *Ref) {
			r.MountPath = "/" + strings.Repeat("m", 256)
			r.Items = []corev1.KeyToPath{
				{Key: "a", Path: strings.Repeat("a/", 2048) + "b"},
				{Key: "b", Path: strings.Repeat("b", 256)},
				{Key: "c", Path: strings.Repeat("c", 255) + "/" + strings.Repeat("c", 255)},
			}
		}), []string{
			`refs[2].mountPath: Invalid value: every element of the path must be no more than 255 bytes`,
			`refs[2].items[0].path: Too long: may not be more than 4096 bytes`,
			`refs[2].items[1].path: Invalid value: every element of the path must be no more than 255 bytes`,
		}},
		{"mount path too long", with(mount, func(r *Ref) { r.MountPath = strings.Repeat("/m", 2049) }), []string{
			`refs[2].mountPath: Too long: may not be more than 4096 bytes`,
		}},
		{"containers", with(env, func(r *Ref) { r.Containers = []string{"main", "", "Main", "main"} }), []string{
			`refs[2].containers[1]: Required value: a container name`,
			`refs[2].containers[2]: Invalid value: "Main": must be lower case ("M" at byte 0); ` + validation.LabelRule,
			`refs[2].containers[3]: Duplicate value: "main"`,
		}},
		{"containers empty list", with(env, func(r *Ref) { r.Containers = []string{} }), []string{
			`refs[2].containers: Invalid value: []: an empty list selects no container; leave it unset (nil) for every container`,
		}},

		// Rules per delivery.
		{"env requires key and name", Ref{As: Env, Secret: "s"}, []string{
			`refs[2].key: Required value: an env ref delivers one key`,
			`refs[2].envVar: Required value: an env ref names the variable it sets`,
		}},
		{"env forbids", with(env, func(r *Ref) {
			r.Prefix, r.MountPath, r.Items, r.Mode = "P_", "/x", []corev1.KeyToPath{{Key: "k", Path: "k"}}, mode(0o400)
		}), []string{
			`refs[2].prefix: Forbidden: only envFrom refs take a prefix`,
			`refs[2].mountPath: Forbidden: only mount and gitSSH refs have a mount path`,
			`refs[2].items: Forbidden: only mount and gitSSH refs list items`,
			`refs[2].mode: Forbidden: only mount and gitSSH refs set a file mode`,
		}},
		{"envFrom forbids", with(envFrom, func(r *Ref) {
			r.Key, r.EnvVar, r.MountPath, r.Items, r.Mode = "k", "V", "/x", []corev1.KeyToPath{{Key: "k", Path: "k"}}, mode(0o400)
		}), []string{
			`refs[2].key: Forbidden: envFrom delivers every key; use an env ref for a single key`,
			`refs[2].envVar: Forbidden: only env refs name a variable; envFrom takes a prefix`,
			`refs[2].mountPath: Forbidden: only mount and gitSSH refs have a mount path`,
			`refs[2].items: Forbidden: only mount and gitSSH refs list items`,
			`refs[2].mode: Forbidden: only mount and gitSSH refs set a file mode`,
		}},
		{"mount requires path", Ref{As: Mount, Secret: "s"}, []string{
			`refs[2].mountPath: Required value: a mount ref needs an absolute directory`,
		}},
		{"mount forbids", with(mount, func(r *Ref) { r.EnvVar, r.Prefix = "V", "P_" }), []string{
			`refs[2].envVar: Forbidden: only env refs name a variable`,
			`refs[2].prefix: Forbidden: only envFrom refs take a prefix`,
		}},
		{"mount key and items", with(mount, func(r *Ref) { r.Key, r.Items = "a", []corev1.KeyToPath{{Key: "b", Path: "b"}} }), []string{
			`refs[2].items: Forbidden: may not be set together with key; use either key (one file named after the key) or items`,
		}},
		{"pull forbids", with(pull, func(r *Ref) {
			r.Key, r.EnvVar, r.Prefix, r.MountPath = "k", "V", "P_", "/x"
			r.Items, r.Mode, r.Optional, r.Containers = []corev1.KeyToPath{{Key: "k", Path: "k"}}, mode(0o400), true, []string{"main"}
		}), []string{
			`refs[2].key: Forbidden: a pull secret is used whole; it has no key`,
			`refs[2].envVar: Forbidden: only env refs name a variable`,
			`refs[2].prefix: Forbidden: only envFrom refs take a prefix`,
			`refs[2].mountPath: Forbidden: only mount and gitSSH refs have a mount path`,
			`refs[2].items: Forbidden: only mount and gitSSH refs list items`,
			`refs[2].mode: Forbidden: only mount and gitSSH refs set a file mode`,
			`refs[2].optional: Forbidden: imagePullSecrets has no optional flag`,
			`refs[2].containers: Forbidden: imagePullSecrets apply to the whole pod, not to chosen containers`,
		}},
		{"gitSSH forbids", with(git, func(r *Ref) { r.EnvVar, r.Prefix = "V", "P_" }), []string{
			`refs[2].envVar: Forbidden: only env refs name a variable; gitSSH sets GIT_SSH_COMMAND`,
			`refs[2].prefix: Forbidden: only envFrom refs take a prefix`,
		}},
		{"gitSSH mode", with(git, func(r *Ref) { r.Mode = mode(0o600) }), []string{
			`refs[2].mode: Invalid value: "0600": a gitSSH key file is always 0400; leave mode unset or set it to 0400`,
		}},
		{"gitSSH items", with(git, func(r *Ref) {
			r.Items = []corev1.KeyToPath{{Key: "hosts", Path: "known_hosts"}, {Key: "config", Path: "config"}}
		}), []string{
			`refs[2].items[1].path: Unsupported value: "config": supported values: "known_hosts"`,
		}},
		{"gitSSH known_hosts twice", with(git, func(r *Ref) {
			r.Items = []corev1.KeyToPath{{Key: "a", Path: "known_hosts"}, {Key: "b", Path: "known_hosts"}}
		}), []string{
			`refs[2].items[1].path: Duplicate value: "known_hosts": also written by items[0] (key "a")`,
		}},
		{"gitSSH key file is known_hosts", with(git, func(r *Ref) {
			r.Key, r.Items = "known_hosts", []corev1.KeyToPath{{Key: "hosts", Path: "known_hosts"}}
		}), []string{
			`refs[2].items[0].path: Invalid value: "known_hosts": collides with the private key file, whose key is also "known_hosts"`,
		}},
		{"gitSSH mount path", with(git, func(r *Ref) { r.MountPath = "relative" }), []string{
			`refs[2].mountPath: Invalid value: "relative": must be an absolute path`,
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			orig := tt.ref.Normalize()
			got := tt.ref.Validate(field.NewPath("refs").Index(2))
			if diff := cmp.Diff(tt.want, errStrings(got)); diff != "" {
				t.Errorf("Validate (-want +got):\n%s", diff)
			}
			if gitFree := orig; tt.ref.As != GitSSH {
				if diff := cmp.Diff(gitFree, tt.ref); diff != "" {
					t.Errorf("Validate modified its ref (-before +after):\n%s", diff)
				}
			}
		})
	}
}

func TestValidateNilPath(t *testing.T) {
	got := errStrings(Ref{As: Env, Secret: "s", EnvVar: "A"}.Validate(nil))
	want := []string{"key: Required value: an env ref delivers one key"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestValidateAllocatesNothingForValidRefs(t *testing.T) {
	refs := []Ref{
		{As: Env, Secret: "db-credentials", Key: "password", EnvVar: "DB_PASSWORD", Containers: []string{"main", "sidecar"}},
		{As: Mount, Secret: "tls", MountPath: "/etc/tls", Items: []corev1.KeyToPath{{Key: "tls.crt", Path: "certs/tls.crt"}, {Key: "tls.key", Path: "tls.key", Mode: mode(0o400)}}, Mode: mode(0o440)},
		{As: GitSSH, Secret: "deploy", Items: []corev1.KeyToPath{{Key: "hosts", Path: KnownHostsKey}}},
	}
	for _, r := range refs {
		if n := testing.AllocsPerRun(20, func() { _ = r.Validate(nil) }); n != 0 {
			t.Errorf("Validate of a valid %s ref allocates %v times, want 0", r.As, n)
		}
	}
}

func BenchmarkValidate(b *testing.B) {
	refs := map[string]Ref{
		"env":   {As: Env, Secret: "db-credentials", Key: "password", EnvVar: "DB_PASSWORD", Containers: []string{"main"}},
		"mount": {As: Mount, Secret: "tls", MountPath: "/etc/tls", Items: []corev1.KeyToPath{{Key: "tls.crt", Path: "tls.crt"}, {Key: "tls.key", Path: "tls.key"}}, Mode: mode(0o440)},
	}
	for name, r := range refs {
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if errs := r.Validate(nil); len(errs) > 0 {
					b.Fatal(errs)
				}
			}
		})
	}
}
