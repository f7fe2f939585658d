package preflight

import (
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/crypto/ssh"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/podsecrets/podsecrets/secretspec"
)

var secretsResource = schema.GroupResource{Resource: "secrets"}

// mapGetter serves the Secrets it holds; names in forbidden are refused, in broken fail.
type mapGetter struct {
	secrets   map[string]*corev1.Secret
	forbidden map[string]bool
	broken    map[string]bool
	gets      map[string]int
}

func (g *mapGetter) Get(name string) (*corev1.Secret, error) {
	if g.gets != nil {
		g.gets[name]++
	}
	switch {
	case g.forbidden[name]:
		return nil, apierrors.NewForbidden(secretsResource, name, errors.New("RBAC says no"))
	case g.broken[name]:
		return nil, errors.New("connection refused")
	}
	if s, ok := g.secrets[name]; ok {
		return s, nil
	}
	return nil, apierrors.NewNotFound(secretsResource, name)
}

func secret(name string, typ corev1.SecretType, kv ...string) *corev1.Secret {
	s := &corev1.Secret{Type: typ, Data: map[string][]byte{}}
	s.Name = name
	for i := 0; i+1 < len(kv); i += 2 {
		s.Data[kv[i]] = []byte(kv[i+1])
	}
	return s
}

func sshKey(t *testing.T, passphrase string) string {
	t.Helper()
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	var b *pem.Block
	if passphrase == "" {
		b, err = ssh.MarshalPrivateKey(priv, "")
	} else {
		b, err = ssh.MarshalPrivateKeyWithPassphrase(priv, "", []byte(passphrase))
	}
	if err != nil {
		t.Fatal(err)
	}
	return string(pem.EncodeToMemory(b))
}

// problem is what a test compares of a field error.
type problem struct {
	Type  field.ErrorType
	Field string
}

func problems(l field.ErrorList) []problem {
	var out []problem
	for _, e := range l {
		out = append(out, problem{e.Type, e.Field})
	}
	return out
}

func TestCheck(t *testing.T) {
	key, encrypted := sshKey(t, ""), sshKey(t, "pass")
	const hostLine = "github.com ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl\n"
	auth := base64.StdEncoding.EncodeToString([]byte("user:pw"))
	g := &mapGetter{
		secrets: map[string]*corev1.Secret{
			"db":       secret("db", corev1.SecretTypeOpaque, "user", "u", "password", "p"),
			"weird":    secret("weird", corev1.SecretTypeOpaque, "OK", "1", "has space", "2", "a=b", "3"),
			"badfiles": secret("badfiles", corev1.SecretTypeOpaque, "ok", "1", "a/b", "2", "..x", "3"),
			"reg":      secret("reg", corev1.SecretTypeDockerConfigJson, ".dockerconfigjson", `{"auths":{"r.io":{"auth":"`+auth+`"}}}`),
			"regcfg":   secret("regcfg", corev1.SecretTypeDockercfg, ".dockercfg", `{"r.io":{"auth":"`+auth+`"}}`),
			"regopq":   secret("regopq", corev1.SecretTypeOpaque, ".dockerconfigjson", `{"auths":{}}`),
			"regbad":   secret("regbad", corev1.SecretTypeDockerConfigJson, ".dockerconfigjson", `{"auths":`),
			"regauth":  secret("regauth", corev1.SecretTypeDockerConfigJson, ".dockerconfigjson", `{"auths":{"r.io":{"auth":"bm9jb2xvbg=="}}}`),
			"regnokey": secret("regnokey", corev1.SecretTypeDockercfg),
			"ssh":      secret("ssh", corev1.SecretTypeSSHAuth, "ssh-privatekey", key, "known_hosts", hostLine, "bad_hosts", "# c\n\ngarbage here\n"),
			"sshenc":   secret("sshenc", corev1.SecretTypeSSHAuth, "ssh-privatekey", encrypted),
			"sshbad":   secret("sshbad", corev1.SecretTypeSSHAuth, "ssh-privatekey", "not a key"),
		},
		forbidden: map[string]bool{"locked": true},
		broken:    map[string]bool{"flaky": true},
	}
	items := func(kv ...string) []corev1.KeyToPath {
		var out []corev1.KeyToPath
		for i := 0; i+1 < len(kv); i += 2 {
			out = append(out, corev1.KeyToPath{Key: kv[i], Path: kv[i+1]})
		}
		return out
	}
	tests := []struct {
		name           string
		ref            secretspec.Ref
		errs, warnings []problem
	}{
		{name: "env ok", ref: secretspec.Ref{Secret: "db", Key: "password", As: secretspec.Env, EnvVar: "P"}},
		{name: "env missing Secret", ref: secretspec.Ref{Secret: "nope", Key: "password", As: secretspec.Env, EnvVar: "P"},
			errs: []problem{{field.ErrorTypeNotFound, "refs[0].secret"}}},
		{name: "env missing key", ref: secretspec.Ref{Secret: "db", Key: "token", As: secretspec.Env, EnvVar: "P"},
			errs: []problem{{field.ErrorTypeNotFound, "refs[0].key"}}},
		{name: "env optional missing key", ref: secretspec.Ref{Secret: "db", Key: "token", As: secretspec.Env, EnvVar: "P", Optional: true},
			warnings: []problem{{field.ErrorTypeNotFound, "refs[0].key"}}},
		{name: "env optional missing Secret", ref: secretspec.Ref{Secret: "nope", Key: "k", As: secretspec.Env, EnvVar: "P", Optional: true},
			warnings: []problem{{field.ErrorTypeNotFound, "refs[0].secret"}}},
		{name: "forbidden", ref: secretspec.Ref{Secret: "locked", Key: "k", As: secretspec.Env, EnvVar: "P"},
			errs: []problem{{field.ErrorTypeForbidden, "refs[0].secret"}}},
		{name: "forbidden optional", ref: secretspec.Ref{Secret: "locked", As: secretspec.EnvFrom, Optional: true},
			warnings: []problem{{field.ErrorTypeForbidden, "refs[0].secret"}}},
		{name: "read fails", ref: secretspec.Ref{Secret: "flaky", As: secretspec.EnvFrom},
			errs: []problem{{field.ErrorTypeInternal, "refs[0].secret"}}},
		{name: "envFrom ok", ref: secretspec.Ref{Secret: "db", As: secretspec.EnvFrom, Prefix: "DB_"}},
		{name: "envFrom missing Secret", ref: secretspec.Ref{Secret: "nope", As: secretspec.EnvFrom},
			errs: []problem{{field.ErrorTypeNotFound, "refs[0].secret"}}},
		{name: "envFrom invalid names are skipped: a warning", ref: secretspec.Ref{Secret: "weird", As: secretspec.EnvFrom},
			warnings: []problem{{field.ErrorTypeInvalid, "refs[0].secret"}}},
		{name: "envFrom relaxed names are fine", ref: secretspec.Ref{Secret: "db", As: secretspec.EnvFrom, Prefix: "1-"}},
		{name: "mount every key ok", ref: secretspec.Ref{Secret: "db", As: secretspec.Mount, MountPath: "/m"}},
		{name: "mount key missing", ref: secretspec.Ref{Secret: "db", Key: "token", As: secretspec.Mount, MountPath: "/m"},
			errs: []problem{{field.ErrorTypeNotFound, "refs[0].key"}}},
		{name: "mount items missing", ref: secretspec.Ref{Secret: "db", As: secretspec.Mount, MountPath: "/m", Items: items("user", "u", "a", "a", "b", "b")},
			errs: []problem{{field.ErrorTypeNotFound, "refs[0].items[1].key"}, {field.ErrorTypeNotFound, "refs[0].items[2].key"}}},
		{name: "mount optional items missing", ref: secretspec.Ref{Secret: "db", As: secretspec.Mount, MountPath: "/m", Items: items("a", "a"), Optional: true},
			warnings: []problem{{field.ErrorTypeNotFound, "refs[0].items[0].key"}}},
		{name: "mount keys that are no file names", ref: secretspec.Ref{Secret: "badfiles", As: secretspec.Mount, MountPath: "/m"},
			errs: []problem{{field.ErrorTypeInvalid, "refs[0].secret"}}},
		{name: "mount missing Secret", ref: secretspec.Ref{Secret: "nope", As: secretspec.Mount, MountPath: "/m"},
			errs: []problem{{field.ErrorTypeNotFound, "refs[0].secret"}}},
		{name: "pull dockerconfigjson ok", ref: secretspec.Ref{Secret: "reg", As: secretspec.PullSecret}},
		{name: "pull dockercfg ok", ref: secretspec.Ref{Secret: "regcfg", As: secretspec.PullSecret}},
		// Every pull-secret problem is a warning: the kubelet pulls without it.
		{name: "pull forbidden", ref: secretspec.Ref{Secret: "locked", As: secretspec.PullSecret},
			warnings: []problem{{field.ErrorTypeForbidden, "refs[0].secret"}}},
		{name: "pull read fails", ref: secretspec.Ref{Secret: "flaky", As: secretspec.PullSecret},
			warnings: []problem{{field.ErrorTypeInternal, "refs[0].secret"}}},
		{name: "pull missing", ref: secretspec.Ref{Secret: "nope", As: secretspec.PullSecret},
			warnings: []problem{{field.ErrorTypeNotFound, "refs[0].secret"}}},
		{name: "pull wrong type", ref: secretspec.Ref{Secret: "regopq", As: secretspec.PullSecret},
			warnings: []problem{{field.ErrorTypeInvalid, "refs[0].secret"}}},
		{name: "pull does not parse", ref: secretspec.Ref{Secret: "regbad", As: secretspec.PullSecret},
			warnings: []problem{{field.ErrorTypeInvalid, "refs[0].secret"}}},
		{name: "pull auth is not user:password", ref: secretspec.Ref{Secret: "regauth", As: secretspec.PullSecret},
			warnings: []problem{{field.ErrorTypeInvalid, "refs[0].secret"}}},
		{name: "pull key missing", ref: secretspec.Ref{Secret: "regnokey", As: secretspec.PullSecret},
			warnings: []problem{{field.ErrorTypeNotFound, "refs[0].secret"}}},
		{name: "gitSSH ok with known_hosts", ref: secretspec.Ref{Secret: "ssh", As: secretspec.GitSSH, Items: items("known_hosts", "known_hosts")}},
		{name: "gitSSH missing key", ref: secretspec.Ref{Secret: "ssh", Key: "id_rsa", As: secretspec.GitSSH},
			errs: []problem{{field.ErrorTypeNotFound, "refs[0].key"}}},
		{name: "gitSSH missing known_hosts", ref: secretspec.Ref{Secret: "sshenc", As: secretspec.GitSSH, Items: items("known_hosts", "known_hosts")},
			errs: []problem{{field.ErrorTypeInvalid, "refs[0].key"}, {field.ErrorTypeNotFound, "refs[0].items[0].key"}}},
		{name: "gitSSH bad known_hosts", ref: secretspec.Ref{Secret: "ssh", As: secretspec.GitSSH, Items: items("bad_hosts", "known_hosts")},
			errs: []problem{{field.ErrorTypeInvalid, "refs[0].items[0].key"}}},
		{name: "gitSSH key does not parse", ref: secretspec.Ref{Secret: "sshbad", As: secretspec.GitSSH},
			errs: []problem{{field.ErrorTypeInvalid, "refs[0].key"}}},
		{name: "gitSSH optional key does not parse", ref: secretspec.Ref{Secret: "sshbad", As: secretspec.GitSSH, Optional: true},
			warnings: []problem{{field.ErrorTypeInvalid, "refs[0].key"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			errs, warnings := Check(g, []secretspec.Ref{tt.ref}, field.NewPath("refs"))
			if diff := cmp.Diff(tt.errs, problems(errs)); diff != "" {
				t.Errorf("errs (-want +got):\n%s\n%v", diff, errs)
			}
			if diff := cmp.Diff(tt.warnings, problems(warnings)); diff != "" {
				t.Errorf("warnings (-want +got):\n%s\n%v", diff, warnings)
			}
			for _, e := range append(errs, warnings...) {
				if !strings.Contains(e.Error(), tt.ref.Secret) {
					t.Errorf("%q does not name the Secret %q", e.Error(), tt.ref.Secret)
				}
			}
		})
	}
}

func TestCheckMessages(t *testing.T) {
	g := &mapGetter{secrets: map[string]*corev1.Secret{
		"db":  secret("db", corev1.SecretTypeOpaque, "user", "u", "password", "p"),
		"env": secret("env", corev1.SecretTypeOpaque, "A", "1", "B=C", "2"),
		"reg": secret("reg", corev1.SecretTypeOpaque),
	}, forbidden: map[string]bool{"locked": true}}
	refs := []secretspec.Ref{
		{Secret: "db", Key: "token", As: secretspec.Env, EnvVar: "T"},
		{Secret: "nope", As: secretspec.Mount, MountPath: "/m"},
		{Secret: "env", As: secretspec.EnvFrom, Prefix: "X_"},
		{Secret: "reg", As: secretspec.PullSecret},
		{Secret: "locked", As: secretspec.EnvFrom},
	}
	errs, warnings := Check(g, refs, field.NewPath("spec", "refs"))
	want := []string{
		`spec.refs[0].key: Not found: "token": Secret "db" has no key "token" (it has "password", "user")`,
		`spec.refs[1].secret: Not found: "nope": Secret "nope" does not exist`,
		`spec.refs[4].secret: Forbidden: Secret "locked" could not be checked: reading it is forbidden to the checker (the pod's service account may still read it)`,
	}
	if diff := cmp.Diff(want, messages(errs)); diff != "" {
		t.Errorf("errs (-want +got):\n%s", diff)
	}
	wantWarnings := []string{
		`spec.refs[2].secret: Invalid value: "env": Secret "env": keys ["B=C"] with prefix "X_" are not valid environment variable names; the kubelet skips them`,
		`spec.refs[3].secret: Invalid value: "reg": Secret "reg" has type "Opaque"; the kubelet takes image pull credentials only from Secrets of type kubernetes.io/dockerconfigjson or kubernetes.io/dockercfg and ignores this one`,
	}
	if diff := cmp.Diff(wantWarnings, messages(warnings)); diff != "" {
		t.Errorf("warnings (-want +got):\n%s", diff)
	}
	if n := len(errs.Filter(field.NewErrorTypeMatcher(field.ErrorTypeForbidden))); n != len(errs)-1 {
		t.Errorf("filtering Forbidden left %d of %d errors, want all but one", n, len(errs))
	}
}

func messages(l field.ErrorList) []string {
	var out []string
	for _, e := range l {
		out = append(out, e.Error())
	}
	return out
}

func TestCheckReadsEachSecretOnce(t *testing.T) {
	g := &mapGetter{secrets: map[string]*corev1.Secret{"db": secret("db", "", "a", "1")}, gets: map[string]int{}}
	refs := []secretspec.Ref{
		{Secret: "db", Key: "a", As: secretspec.Env, EnvVar: "A"},
		{Secret: "db", Key: "b", As: secretspec.Env, EnvVar: "B"},
		{Secret: "db", As: secretspec.EnvFrom},
		{Secret: "x", As: secretspec.EnvFrom},
		{Secret: "x", As: secretspec.EnvFrom, Prefix: "P"},
	}
	errs, _ := Check(g, refs, field.NewPath("refs"))
	if diff := cmp.Diff(map[string]int{"db": 1, "x": 1}, g.gets); diff != "" {
		t.Errorf("reads (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]problem{{field.ErrorTypeNotFound, "refs[1].key"}, {field.ErrorTypeNotFound, "refs[3].secret"}, {field.ErrorTypeNotFound, "refs[4].secret"}}, problems(errs)); diff != "" {
		t.Errorf("errs (-want +got):\n%s", diff)
	}
}

// TestCheckOrigin: a ref with an Origin is named by it, one without by its index.
func TestCheckOrigin(t *testing.T) {
	g := &mapGetter{secrets: map[string]*corev1.Secret{"db": secret("db", "", "a", "1")}}
	refs := []secretspec.Ref{
		{Secret: "db", Key: "b", As: secretspec.Env, EnvVar: "B", Origin: "transform.secrets[1]"},
		{Secret: "nope", As: secretspec.Mount, MountPath: "/m", Origin: "flyte.secrets/s2"},
		{Secret: "db", Key: "c", As: secretspec.Env, EnvVar: "C"},
		{Secret: "reg", As: secretspec.PullSecret, Origin: "transform.image_pull_secrets[0]"},
		{Secret: "db", Key: "d", As: secretspec.Env, EnvVar: "D", Origin: "3rd -e flag"},
	}
	errs, warnings := Check(g, refs, field.NewPath("refs"))
	want := []string{
		`transform.secrets[1].key: Not found: "b": Secret "db" has no key "b" (it has "a")`,
		`flyte.secrets/s2.secret: Not found: "nope": Secret "nope" does not exist`,
		`refs[2].key: Not found: "c": Secret "db" has no key "c" (it has "a")`,
		`3rd -e flag.key: Not found: "d": Secret "db" has no key "d" (it has "a")`,
	}
	if diff := cmp.Diff(want, messages(errs)); diff != "" {
		t.Errorf("errs (-want +got):\n%s", diff)
	}
	wantWarnings := []string{`transform.image_pull_secrets[0].secret: Not found: "reg": Secret "reg" does not exist`}
	if diff := cmp.Diff(wantWarnings, messages(warnings)); diff != "" {
		t.Errorf("warnings (-want +got):\n%s", diff)
	}
}

func TestCheckBadGetters(t *testing.T) {
	refs := []secretspec.Ref{{Secret: "db", As: secretspec.EnvFrom}}
	errs, _ := Check(nil, refs, field.NewPath("refs"))
	if diff := cmp.Diff([]problem{{field.ErrorTypeInternal, "refs[0].secret"}}, problems(errs)); diff != "" {
		t.Errorf("nil getter (-want +got):\n%s", diff)
	}
	errs, _ = Check(nilSecretGetter{}, refs, field.NewPath("refs"))
	if diff := cmp.Diff([]problem{{field.ErrorTypeInternal, "refs[0].secret"}}, problems(errs)); diff != "" {
		t.Errorf("getter returning nil, nil (-want +got):\n%s", diff)
	}
	if errs, warnings := Check(nil, nil, nil); errs != nil || warnings != nil {
		t.Errorf("no refs: %v %v", errs, warnings)
	}
}

type nilSecretGetter struct{}

func (nilSecretGetter) Get(string) (*corev1.Secret, error) { return nil, nil }

func TestCheckDoesNotModify(t *testing.T) {
	s := secret("db", "", "a", "1")
	g := &mapGetter{secrets: map[string]*corev1.Secret{"db": s}}
	refs := []secretspec.Ref{{Secret: "db", As: secretspec.Mount, MountPath: "/m", Items: []corev1.KeyToPath{{Key: "b", Path: "b"}, {Key: "a", Path: "a"}}}}
	before, sBefore := refs[0].Normalize(), s.DeepCopy()
	Check(g, refs, field.NewPath("refs"))
	if diff := cmp.Diff([]secretspec.Ref{before}, refs); diff != "" {
		t.Errorf("Check modified its refs:\n%s", diff)
	}
	if diff := cmp.Diff(sBefore, s); diff != "" {
		t.Errorf("Check modified a Secret:\n%s", diff)
	}
}
