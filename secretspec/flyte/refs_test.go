package flyte

import (
	"strconv"
	"testing"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"

	"github.com/podsecrets/podsecrets/internal/errtext"
	"github.com/podsecrets/podsecrets/internal/refpath"
	"github.com/podsecrets/podsecrets/secretspec"
)

func TestEnv(t *testing.T) {
	want := []corev1.EnvVar{
		{Name: "FLYTE_SECRETS_ENV_PREFIX", Value: "_FSEC_"},
		{Name: "FLYTE_SECRETS_DEFAULT_DIR", Value: "/etc/flyte/secrets"},
		{Name: "FLYTE_SECRETS_FILE_PREFIX", Value: ""},
	}
	if diff := cmp.Diff(want, Env()); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestNames(t *testing.T) {
	s := Secret{Group: "my-group.v1", Key: "Api_Key.txt"}
	if got, want := EnvVarName(s), "_FSEC_MY-GROUP.V1_API_KEY.TXT"; got != want {
		t.Errorf("EnvVarName = %q, want %q", got, want)
	}
	if got, want := MountPath(s), "/etc/flyte/secrets/my-group.v1"; got != want {
		t.Errorf("MountPath = %q, want %q", got, want)
	}
	if got, want := FilePath(s), "/etc/flyte/secrets/my-group.v1/api_key.txt"; got != want {
		t.Errorf("FilePath = %q, want %q", got, want)
	}
}

func TestRefs(t *testing.T) {
	// Each ref's Origin is the request that gave it: secrets[i].
	env := func(i int, group, key, name string) secretspec.Ref {
		return secretspec.Ref{Secret: group, Key: key, As: secretspec.Env, EnvVar: name, Optional: true,
			Origin: "secrets[" + strconv.Itoa(i) + "]"}
	}
	mount := func(i int, group, key string) secretspec.Ref {
		return secretspec.Ref{Secret: group, As: secretspec.Mount, MountPath: "/etc/flyte/secrets/" + group,
			Items: []corev1.KeyToPath{{Key: key, Path: toLower(key)}}, Optional: true, Origin: "secrets[" + strconv.Itoa(i) + "]"}
	}
	// Flyte's own variables: the prefix for variables, the directory and file prefix for files.
	envPrefix := []corev1.EnvVar{{Name: "FLYTE_SECRETS_ENV_PREFIX", Value: "_FSEC_"}}
	fileVars := []corev1.EnvVar{{Name: "FLYTE_SECRETS_DEFAULT_DIR", Value: "/etc/flyte/secrets"}, {Name: "FLYTE_SECRETS_FILE_PREFIX", Value: ""}}
	withEnv := func(extra ...corev1.EnvVar) []corev1.EnvVar {
		return append(append([]corev1.EnvVar(nil), fileVars...), extra...)
	}
	tests := []struct {
		name       string
		in         []Secret
		wantRefs   []secretspec.Ref
		wantPlains []corev1.EnvVar
		wantErrs   []string
	}{
		{name: "none"},
		{name: "ENV_VAR", in: []Secret{{Group: "db", Key: "pass", MountRequirement: MountEnvVar}},
			wantRefs: []secretspec.Ref{env(0, "db", "pass", "_FSEC_DB_PASS")}, wantPlains: envPrefix},
		{name: "ENV_VAR with env_var", in: []Secret{{Group: "db", Key: "pass", MountRequirement: MountEnvVar, EnvVar: "DB_PASS"}},
			wantRefs: []secretspec.Ref{env(0, "db", "pass", "_FSEC_DB_PASS"), env(0, "db", "pass", "DB_PASS")}, wantPlains: envPrefix},
		{name: "ENV_VAR with env_var equal to its own name", in: []Secret{{Group: "db", Key: "pass", MountRequirement: MountEnvVar, EnvVar: "_FSEC_DB_PASS"}},
			wantRefs: []secretspec.Ref{env(0, "db", "pass", "_FSEC_DB_PASS")}, wantPlains: envPrefix},
		{name: "FILE", in: []Secret{{Group: "db", Key: "TLS.crt", MountRequirement: MountFile}},
			wantRefs: []secretspec.Ref{mount(0, "db", "TLS.crt")}, wantPlains: fileVars},
		{name: "ANY is FILE", in: []Secret{{Group: "db", Key: "k"}},
			wantRefs: []secretspec.Ref{mount(0, "db", "k")}, wantPlains: fileVars},
		{name: "FILE with env_var", in: []Secret{{Group: "db", Key: "TLS.crt", MountRequirement: MountFile, EnvVar: "CERT"}},
			wantRefs:   []secretspec.Ref{mount(0, "db", "TLS.crt")},
			wantPlains: withEnv(corev1.EnvVar{Name: "CERT", Value: "/etc/flyte/secrets/db/tls.crt"})},
		{name: "keys of a group share a directory", in: []Secret{{Group: "db", Key: "a", MountRequirement: MountFile}, {Group: "db", Key: "b"}},
			wantRefs: []secretspec.Ref{mount(0, "db", "a"), mount(1, "db", "b")}, wantPlains: fileVars},
		{name: "identical requests give one ref", in: []Secret{{Group: "db", Key: "a"}, {Group: "db", Key: "a", MountRequirement: MountFile}, {Group: "db", Key: "a"}},
			wantRefs: []secretspec.Ref{mount(0, "db", "a")}, wantPlains: fileVars},
		{name: "group version ignored", in: []Secret{{Group: "db", GroupVersion: "kv2", Key: "a", MountRequirement: MountEnvVar}},
			wantRefs: []secretspec.Ref{env(0, "db", "a", "_FSEC_DB_A")}, wantPlains: envPrefix},
		{name: "mixed, in request order", in: []Secret{
			{Group: "b", Key: "x", MountRequirement: MountFile, EnvVar: "X_PATH"},
			{Group: "a", Key: "y", MountRequirement: MountEnvVar},
		},
			wantRefs:   []secretspec.Ref{mount(0, "b", "x"), env(1, "a", "y", "_FSEC_A_Y")},
			wantPlains: append(append(envPrefix, fileVars...), corev1.EnvVar{Name: "X_PATH", Value: "/etc/flyte/secrets/b/x"})},
		{name: "ENV_VAR and ANY of one group", in: []Secret{
			{Group: "g", Key: "UPPER", MountRequirement: MountEnvVar},
			{Group: "g", Key: "lower"},
		},
			wantRefs:   []secretspec.Ref{env(0, "g", "UPPER", "_FSEC_G_UPPER"), mount(1, "g", "lower")},
			wantPlains: append(append([]corev1.EnvVar(nil), envPrefix...), fileVars...)},

		{name: "missing group and key", in: []Secret{{MountRequirement: MountEnvVar}}, wantErrs: []string{
			"secrets[0].group: Required value: the Kubernetes Secret's name",
			"secrets[0].key: Required value: Flyte's Kubernetes injector needs a key within the Secret",
		}},
		{name: "ARN group", in: []Secret{{Group: "arn:aws:secretsmanager:us-east-1:1:secret:x", Key: "k"}}, wantErrs: []string{
			`secrets[0].group: Invalid value: "arn:aws:secretsmanager:us-east-1:1:secret:x": must not contain ":" at byte 3; a DNS-1123 subdomain is at most 253 characters of lower-case letters, digits, '-' and '.', each part between dots starting and ending with a letter or digit (the group is the Kubernetes Secret's name; an ARN or a path belongs to another secret manager)`,
		}},
		{name: "invalid key and env_var", in: []Secret{{Group: "g", Key: "a/b", EnvVar: "A=B"}}, wantErrs: []string{
			`secrets[0].key: Invalid value: "a/b": must not contain "/" at byte 1; a key is at most 253 characters of letters, digits, '-', '_' and '.', not "." or ".." and not starting with ".."`,
			`secrets[0].env_var: Invalid value: "A=B": must not contain "=" at byte 1; a variable name is printable ASCII other than '='`,
		}},
		{name: "unknown mount requirement", in: []Secret{{Group: "g", Key: "k", MountRequirement: 5}}, wantErrs: []string{
			`secrets[0].mount_requirement: Unsupported value: "5": supported values: "ANY", "ENV_VAR", "FILE"`,
		}},
		{name: "keys collide after lower-casing", in: []Secret{{Group: "g", Key: "MY_SECRET", MountRequirement: MountFile}, {Group: "g", Key: "my_secret"}}, wantErrs: []string{
			`secrets[1].key: Invalid value: "my_secret": keys "MY_SECRET" (secrets[0]) and "my_secret" both become the file /etc/flyte/secrets/g/my_secret after lower-casing`,
		}},
		{name: "env names collide after upper-casing", in: []Secret{{Group: "g", Key: "a", MountRequirement: MountEnvVar}, {Group: "g", Key: "A", MountRequirement: MountEnvVar}}, wantErrs: []string{
			`secrets[1].key: Duplicate value: "_FSEC_G_A": its variable _FSEC_G_A is already set by secrets[0] to another value`,
		}},
		{name: "env_var set two ways", in: []Secret{
			{Group: "g", Key: "a", MountRequirement: MountEnvVar, EnvVar: "V"},
			{Group: "g", Key: "b", MountRequirement: MountFile, EnvVar: "V"},
		}, wantErrs: []string{`secrets[1].env_var: Duplicate value: "V": env_var is already set by secrets[0] to another value`}},
		{name: "env_var clashes with Flyte's own", in: []Secret{{Group: "g", Key: "a", MountRequirement: MountFile, EnvVar: "FLYTE_SECRETS_DEFAULT_DIR"}}, wantErrs: []string{
			`secrets[0].env_var: Duplicate value: "FLYTE_SECRETS_DEFAULT_DIR": env_var is already set by Flyte's own FLYTE_SECRETS_DEFAULT_DIR to another value`,
		}},
		{name: "env_var of one request is another's _FSEC_ name", in: []Secret{
			{Group: "g", Key: "a", MountRequirement: MountEnvVar, EnvVar: "_FSEC_G_B"},
			{Group: "g", Key: "b", MountRequirement: MountEnvVar},
		}, wantErrs: []string{`secrets[1].key: Duplicate value: "_FSEC_G_B": its variable _FSEC_G_B is already set by secrets[0] to another value`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := append([]Secret(nil), tt.in...)
			refs, x, err := Refs(tt.in)
			if diff := cmp.Diff(tt.wantRefs, refs); diff != "" {
				t.Errorf("refs (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(secretspec.Extras{Env: tt.wantPlains}, x); diff != "" {
				t.Errorf("plains (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.wantErrs, errtext.Messages(err)); diff != "" {
				t.Errorf("errors (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(in, tt.in); diff != "" {
				t.Errorf("input changed (-want +got):\n%s", diff)
			}
		})
	}
}

func toLower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}

func TestRename(t *testing.T) {
	tests := []struct {
		rest   string
		fields refpath.Fields
		want   string
	}{
		{".secret", mountFields, ".group"},
		{".items[0].path", mountFields, ".key"},
		{".envVar", envFields, ""},
		{".envVar", envVarFields, ".env_var"},
		{".mode", mountFields, ".mode"},
		{"", mountFields, ""},
	}
	for _, tt := range tests {
		if got := tt.fields.Rename(tt.rest); got != tt.want {
			t.Errorf("rename(%q) = %q, want %q", tt.rest, got, tt.want)
		}
	}
}
