package pachyderm

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/podsecrets/podsecrets/internal/errtext"
	"github.com/podsecrets/podsecrets/internal/refpath"
	"github.com/podsecrets/podsecrets/secretspec"
)

func TestRefs(t *testing.T) {
	env := func(secret, key, name string) secretspec.Ref {
		return secretspec.Ref{Secret: secret, Key: key, As: secretspec.Env, EnvVar: name}
	}
	mount := func(secret, dir string) secretspec.Ref {
		return secretspec.Ref{Secret: secret, As: secretspec.Mount, MountPath: dir}
	}
	pull := func(secret string) secretspec.Ref { return secretspec.Ref{Secret: secret, As: secretspec.PullSecret} }
	tests := []struct {
		name     string
		secrets  []SecretMount
		pulls    []string
		want     []secretspec.Ref
		wantErrs []string
	}{
		{name: "nothing"},
		{name: "env", secrets: []SecretMount{{Name: "s", Key: "k", EnvVar: "V"}}, want: []secretspec.Ref{env("s", "k", "V")}},
		{name: "mount every key", secrets: []SecretMount{{Name: "s", MountPath: "/var/s"}}, want: []secretspec.Ref{mount("s", "/var/s")}},
		{
			name:    "both in one entry: env first",
			secrets: []SecretMount{{Name: "db", Key: "password", EnvVar: "DB_PASSWORD", MountPath: "/etc/db"}},
			want:    []secretspec.Ref{env("db", "password", "DB_PASSWORD"), mount("db", "/etc/db")},
		},
		{
			name:    "dotted name is fine (Pachyderm's volume name would not be)",
			secrets: []SecretMount{{Name: "my.secret", MountPath: "/a"}, {Name: "my.secret", MountPath: "/b"}},
			want:    []secretspec.Ref{mount("my.secret", "/a"), mount("my.secret", "/b")},
		},
		{
			name:    "same secret at the same path mounts once",
			secrets: []SecretMount{{Name: "s", MountPath: "/a"}, {Name: "s", MountPath: "/a"}},
			want:    []secretspec.Ref{mount("s", "/a")},
		},
		{
			name:  "pull secrets de-duplicated, after the others",
			pulls: []string{"b", "a", "b"}, secrets: []SecretMount{{Name: "s", MountPath: "/a"}},
			want: []secretspec.Ref{mount("s", "/a"), pull("b"), pull("a")},
		},
		{
			name:     "env_var without key",
			secrets:  []SecretMount{{Name: "s", EnvVar: "V"}},
			wantErrs: []string{"transform.secrets[0].key: Required value: env_var needs the key whose value it receives"},
		},
		{
			name:     "neither env_var nor mount_path",
			secrets:  []SecretMount{{Name: "s"}},
			wantErrs: []string{"transform.secrets[0]: Required value: an entry needs env_var (with key), mount_path, or both"},
		},
		{
			name:     "key alone",
			secrets:  []SecretMount{{Name: "s", Key: "k"}},
			wantErrs: []string{"transform.secrets[0].env_var: Required value: key is only used with env_var: set env_var to receive the key's value"},
		},
		{
			name:     "key with mount_path only would be ignored",
			secrets:  []SecretMount{{Name: "s", Key: "k", MountPath: "/a"}},
			wantErrs: []string{`transform.secrets[0].key: Invalid value: "k": key is only used with env_var; mount_path mounts every key of the secret, so key would be ignored`},
		},
		{
			name:     "missing name",
			secrets:  []SecretMount{{Key: "k", EnvVar: "V"}},
			wantErrs: []string{"transform.secrets[0].name: Required value: the Secret's name"},
		},
		{
			name:    "invalid names",
			secrets: []SecretMount{{Name: "Bad_Name", Key: "a/b", EnvVar: "A=B"}},
			wantErrs: []string{
				`transform.secrets[0].name: Invalid value: "Bad_Name": must be lower case ("B" at byte 0): a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')`,
				`transform.secrets[0].env_var: Invalid value: "A=B": must not contain "=" at byte 1: a valid environment variable name must consist only of printable ASCII characters other than '='`,
				`transform.secrets[0].key: Invalid value: "a/b": must not contain "/" at byte 1: a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')`,
			},
		},
		{
			name:     "relative mount path",
			secrets:  []SecretMount{{Name: "s", MountPath: "var/s"}},
			wantErrs: []string{`transform.secrets[0].mount_path: Invalid value: "var/s": must be an absolute path`},
		},
		{
			name:     "env_var twice",
			secrets:  []SecretMount{{Name: "a", Key: "k", EnvVar: "V"}, {Name: "b", Key: "k", EnvVar: "V"}},
			wantErrs: []string{`transform.secrets[1].env_var: Duplicate value: "V": already set by transform.secrets[0]`},
		},
		{
			name:     "two secrets at one path",
			secrets:  []SecretMount{{Name: "a", MountPath: "/m"}, {Name: "b", MountPath: "/m"}},
			wantErrs: []string{`transform.secrets[1].mount_path: Duplicate value: "/m": already used by transform.secrets[0] for secret a`},
		},
		{
			name:  "bad pull secrets",
			pulls: []string{"", "UPPER"},
			wantErrs: []string{
				"transform.image_pull_secrets[0]: Required value: the Secret's name",
				`transform.image_pull_secrets[1]: Invalid value: "UPPER": must be lower case ("U" at byte 0): a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')`,
			},
		},
		{
			name:    "every entry reported",
			secrets: []SecretMount{{Name: "s"}, {Name: "s", Key: "k", EnvVar: "OK"}, {Name: "s", EnvVar: "V"}},
			wantErrs: []string{
				"transform.secrets[0]: Required value: an entry needs env_var (with key), mount_path, or both",
				"transform.secrets[2].key: Required value: env_var needs the key whose value it receives",
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Refs(tt.secrets, tt.pulls)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("refs (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.wantErrs, errtext.Messages(err)); diff != "" {
				t.Errorf("errors (-want +got):\n%s", diff)
			}
		})
	}
}

func TestSharedErrorsMapped(t *testing.T) {
	// A mount path the shared validation refuses (not normalized) is reported at the entry,
	// in Pachyderm's field name.
	_, err := Refs([]SecretMount{{Name: "s", MountPath: "/a/../b"}}, nil)
	if err == nil {
		t.Fatal("want an error for an unclean mount path")
	}
	for _, msg := range errtext.Messages(err) {
		if !cmp.Equal(msg[:len("transform.secrets[0].mount_path")], "transform.secrets[0].mount_path") {
			t.Errorf("error %q is not reported at transform.secrets[0].mount_path", msg)
		}
	}
}

func TestRename(t *testing.T) {
	tests := []struct{ rest, want string }{
		{".secret", ".name"},
		{".envVar", ".env_var"},
		{".mountPath", ".mount_path"},
		{".items[0].path", ".items[0].path"},
		{"", ""},
		{"[0]", "[0]"},
	}
	for _, tt := range tests {
		if got := (refpath.Origin{Fields: entryFields}).Rename(tt.rest); got != tt.want {
			t.Errorf("rename(%q) = %q, want %q", tt.rest, got, tt.want)
		}
	}
	if got := (refpath.Origin{Fields: pullFields}).Rename(".secret"); got != "" {
		t.Errorf("rename(.secret, pullFields) = %q, want empty", got)
	}
}
