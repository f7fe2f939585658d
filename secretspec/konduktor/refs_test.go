package konduktor

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/podsecrets/podsecrets/encode"
	"github.com/podsecrets/podsecrets/secretspec"
)

const owner = "u1"

// created is the Secret `konduktor secret create --kind=<kind> ... <basename>` stores for owner:
// Opaque, Konduktor's four labels, every key holding "v".
func created(basename, kind string, keys ...string) corev1.Secret {
	return createdBy(owner, basename, kind, keys...)
}

func createdBy(own, basename, kind string, keys ...string) corev1.Secret {
	s := corev1.Secret{
		ObjectMeta: metav1.ObjectMeta{Name: basename + "-" + own, Labels: map[string]string{
			LabelParent: ParentValue, LabelOwner: own, LabelBasename: basename, LabelKind: kind,
		}},
		Type: corev1.SecretTypeOpaque,
		Data: map[string][]byte{},
	}
	for _, k := range keys {
		s.Data[k] = []byte("v")
	}
	return s
}

// unkinded is one of Konduktor's own Secrets of an owner: set_secret's labels without a kind, as
// for konduktor-ssh-keys-<owner> (PUBKEY, PRIVKEY) and the storage credentials.
func unkinded(name string, keys ...string) corev1.Secret {
	s := created(name, "", keys...)
	s.Name = name
	s.Labels[LabelBasename] = name
	delete(s.Labels, LabelKind)
	return s
}

// tree is a directory secret as the example CLI stores it (encode.Tree's keys and annotation),
// plus loose keys.
func tree(basename string, paths map[string]string, loose ...string) corev1.Secret {
	s := created(basename, KindDefault, loose...)
	var pairs []string
	for k, p := range paths {
		s.Data[k] = []byte("v")
		pairs = append(pairs, `"`+k+`":"`+p+`"`)
	}
	s.Annotations = map[string]string{encode.TreeAnnotation: "{" + strings.Join(pairs, ",") + "}"}
	return s
}

func mount(basename, origin string, items ...corev1.KeyToPath) secretspec.Ref {
	return secretspec.Ref{Secret: basename + "-u1", As: secretspec.Mount, MountPath: DefaultRoot + "/" + basename,
		Items: items, Containers: []string{MainContainer}, Origin: origin}
}

func envRef(secret, key string) secretspec.Ref {
	return secretspec.Ref{Secret: secret + "-u1", Key: key, As: secretspec.Env, EnvVar: key,
		Containers: []string{MainContainer}, Origin: `secret "` + secret + `" (kind env)`}
}

func gitRef(secret string) secretspec.Ref {
	return secretspec.Ref{Secret: secret + "-u1", Key: "gitkey", As: secretspec.GitSSH,
		Containers: []string{MainContainer}, Origin: `secret "` + secret + `" (kind git-ssh)`}
}

var (
	defaultVar = []corev1.EnvVar{{Name: "KONDUKTOR_DEFAULT_SECRETS", Value: "/konduktor/default-secrets"}}
	main       = []string{MainContainer}
)

func TestRefs(t *testing.T) {
	noBasename := created("nolabel", KindDefault, "k")
	delete(noBasename.Labels, LabelBasename)
	stringData := created("sd", KindEnv)
	stringData.Data = map[string][]byte{"A": []byte("v")}
	stringData.StringData = map[string]string{"B": "v"}
	mode := int32(0o400)

	tests := []struct {
		name     string
		secrets  []corev1.Secret
		root     string
		wantRefs []secretspec.Ref
		wantEnv  []corev1.EnvVar
	}{
		{name: "no secrets"},
		{name: "other owners' secrets and plain Secrets are not the owner's", secrets: []corev1.Secret{
			createdBy("u2", "x", KindDefault, "k"), {ObjectMeta: metav1.ObjectMeta{Name: "plain"}}, createdBy("u10", "y", KindGitSSH, "gitkey"),
		}},
		{name: "the owner's Secrets of no kind or another kind are skipped", secrets: []corev1.Secret{
			unkinded("konduktor-ssh-keys-u1", "PUBKEY", "PRIVKEY"),
			unkinded("s3-credentials-u1", "credentials"),
			created("vault-thing", "vault", "k"),
			created("e", KindEnv, "FOO"),
		}, wantRefs: []secretspec.Ref{envRef("e", "FOO")}},

		// konduktor secret create --kind=default --from-file=./tests/secrets/secret-file.txt my-default-file
		{name: "default from a file", secrets: []corev1.Secret{created("my-default-file", KindDefault, "secret-file.txt")},
			wantRefs: []secretspec.Ref{mount("my-default-file", `secret "my-default-file" (kind default)`)},
			wantEnv:  defaultVar},
		// konduktor secret create --kind=default --inline FOO=bar my-default-inline
		{name: "default inline", secrets: []corev1.Secret{created("my-default-inline", KindDefault, "FOO")},
			wantRefs: []secretspec.Ref{mount("my-default-inline", `secret "my-default-inline" (kind default)`)},
			wantEnv:  defaultVar},
		// konduktor secret create --kind=default --from-directory=./tests/secrets my-default-directory
		{name: "default from a directory", secrets: []corev1.Secret{tree("my-default-directory", map[string]string{
			"secrets_.secret-file.txt": "secrets/secret-file.txt", "secrets_.nested_.deep.txt": "secrets/nested/deep.txt",
		})},
			wantRefs: []secretspec.Ref{mount("my-default-directory", `secret "my-default-directory" (kind default)`,
				corev1.KeyToPath{Key: "secrets_.nested_.deep.txt", Path: "secrets/nested/deep.txt"},
				corev1.KeyToPath{Key: "secrets_.secret-file.txt", Path: "secrets/secret-file.txt"})},
			wantEnv: defaultVar},
		// --from-file=notes.txt then --from-directory=./secrets under one name: both reachable.
		{name: "a file and a directory under one name", secrets: []corev1.Secret{tree("both", map[string]string{
			"secrets_.a.txt": "secrets/a.txt",
		}, "notes.txt", "zz")},
			wantRefs: []secretspec.Ref{mount("both", `secret "both" (kind default)`,
				corev1.KeyToPath{Key: "notes.txt", Path: "notes.txt"},
				corev1.KeyToPath{Key: "secrets_.a.txt", Path: "secrets/a.txt"},
				corev1.KeyToPath{Key: "zz", Path: "zz"})},
			wantEnv: defaultVar},
		{name: "default without a basename label: mounted at the Secret's name", secrets: []corev1.Secret{noBasename},
			wantRefs: []secretspec.Ref{{Secret: "nolabel-u1", As: secretspec.Mount, MountPath: DefaultRoot + "/nolabel-u1",
				Containers: main, Origin: `secret "nolabel-u1" (kind default)`}},
			wantEnv: defaultVar},
		{name: "custom root", root: "/run/secrets", secrets: []corev1.Secret{created("a", KindDefault, "k")},
			wantRefs: []secretspec.Ref{{Secret: "a-u1", As: secretspec.Mount, MountPath: "/run/secrets/a", Containers: main, Origin: `secret "a" (kind default)`}},
			wantEnv:  []corev1.EnvVar{{Name: "KONDUKTOR_DEFAULT_SECRETS", Value: "/run/secrets"}}},

		// konduktor secret create --kind=env --inline FOO=bar my-env-name (twice, merged)
		{name: "env: every key its own variable, names verbatim", secrets: []corev1.Secret{created("my-env-name", KindEnv, "FOO", "BAR", "my.var", "lower")},
			wantRefs: []secretspec.Ref{envRef("my-env-name", "BAR"), envRef("my-env-name", "FOO"), envRef("my-env-name", "lower"), envRef("my-env-name", "my.var")}},
		{name: "env from data and stringData", secrets: []corev1.Secret{stringData},
			wantRefs: []secretspec.Ref{envRef("sd", "A"), envRef("sd", "B")}},
		{name: "env: the later Secret by name wins a variable, whatever the input order", secrets: []corev1.Secret{
			created("zeta", KindEnv, "TOKEN", "Z"), created("alpha", KindEnv, "TOKEN", "A"), created("mid", KindEnv, "TOKEN"),
		}, wantRefs: []secretspec.Ref{envRef("alpha", "A"), envRef("zeta", "TOKEN"), envRef("zeta", "Z")}},

		// konduktor secret create --kind=git-ssh --from-file=~/.ssh/id_rsa my-ssh-name
		{name: "git-ssh: the key gitkey", secrets: []corev1.Secret{created("my-ssh-name", KindGitSSH, "gitkey")},
			wantRefs: []secretspec.Ref{gitRef("my-ssh-name")}},
		{name: "git-ssh: of several, the first by name", secrets: []corev1.Secret{
			created("ssh-b", KindGitSSH, "gitkey"), created("ssh-a", KindGitSSH, "gitkey"), created("ssh-c", KindGitSSH, "gitkey"),
		}, wantRefs: []secretspec.Ref{gitRef("ssh-a")}},

		{name: "default, env, git-ssh, each by name, whatever the input order", secrets: []corev1.Secret{
			created("ssh", KindGitSSH, "gitkey"), created("e", KindEnv, "X"), created("zz", KindDefault, "k"), created("aa", KindDefault, "k"),
		},
			wantRefs: []secretspec.Ref{
				mount("aa", `secret "aa" (kind default)`), mount("zz", `secret "zz" (kind default)`), envRef("e", "X"), gitRef("ssh"),
			},
			wantEnv: defaultVar},
		{name: "an env secret setting KONDUKTOR_DEFAULT_SECRETS wins over Konduktor's", secrets: []corev1.Secret{
			created("files", KindDefault, "k"), created("e", KindEnv, "KONDUKTOR_DEFAULT_SECRETS"),
		}, wantRefs: []secretspec.Ref{mount("files", `secret "files" (kind default)`), envRef("e", "KONDUKTOR_DEFAULT_SECRETS")}},
		{name: "an env secret setting GIT_SSH_COMMAND wins: the git-ssh key is a plain file", secrets: []corev1.Secret{
			created("e", KindEnv, "GIT_SSH_COMMAND"), created("ssh", KindGitSSH, "gitkey"),
		}, wantRefs: []secretspec.Ref{envRef("e", "GIT_SSH_COMMAND"), {Secret: "ssh-u1", Key: "gitkey", As: secretspec.Mount,
			MountPath: "/etc/git-ssh", Mode: &mode, Containers: main, Origin: `secret "ssh" (kind git-ssh)`}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := make([]corev1.Secret, len(tt.secrets))
			for i := range tt.secrets {
				tt.secrets[i].DeepCopyInto(&in[i])
			}
			refs, x, err := Refs(tt.secrets, owner, tt.root)
			if err != nil {
				t.Fatalf("Refs: %v", err)
			}
			if diff := cmp.Diff(tt.wantRefs, refs, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("refs (-want +got):\n%s", diff)
			}
			want := secretspec.Extras{Env: tt.wantEnv, Containers: main}
			if diff := cmp.Diff(want, x, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("extras (-want +got):\n%s", diff)
			}
			if !cmp.Equal(in, tt.secrets, cmpopts.EquateEmpty()) {
				t.Error("Refs changed its input")
			}
		})
	}
}

func TestRefsErrors(t *testing.T) {
	badTree := created("bad", KindDefault, "k")
	badTree.Annotations = map[string]string{encode.TreeAnnotation: `not json`}
	twin := created("a", KindDefault, "k")
	twin.Name = "a-copy" // a hand-made second Secret with basename a
	tests := []struct {
		name    string
		secrets []corev1.Secret
		root    string
		want    []string
	}{
		{name: "tree annotation that cannot be read", secrets: []corev1.Secret{badTree}, want: []string{
			`konduktor: secret "bad" (kind default).metadata.annotations[podsecrets.io/tree]: Invalid value: cannot restore the directory tree: ` +
				`metadata.annotations[podsecrets.io/tree]: Invalid value: "<value omitted>": must be one JSON object mapping data keys to relative paths`,
		}},
		{name: "a file with the path of a directory of the tree", secrets: []corev1.Secret{tree("d", map[string]string{"secrets_.a": "secrets/a"}, "secrets")}, want: []string{
			`konduktor: secret "d" (kind default).data: Invalid value: the file of key "secrets" would have the path of the tree's directory "secrets" (which holds key "secrets_.a")`,
		}},
		{name: "two default Secrets with one basename", secrets: []corev1.Secret{created("a", KindDefault, "k"), twin}, want: []string{
			`konduktor: secret "a" (kind default).mountPath: Duplicate value: "/konduktor/default-secrets/a"`,
		}},
		{name: "several problems", secrets: []corev1.Secret{badTree, tree("d", map[string]string{"secrets_.a": "secrets/a"}, "secrets")}, want: []string{
			"konduktor: 2 problems:",
		}},
		{name: "basename that is not one path element", secrets: []corev1.Secret{created("x/../..", KindDefault, "k")}, want: []string{
			`konduktor: secret "x/../.." (kind default): Invalid value: "x/../..": the basename is the directory the secret is mounted at under /konduktor/default-secrets: it must be one path element`,
		}},
		{name: "relative root", root: "run", want: []string{`konduktor: root "run" must be a clean absolute directory other than /`}},
		{name: "unclean root", root: "/run/", want: []string{`konduktor: root "/run/" must be a clean absolute directory other than /`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			refs, x, err := Refs(tt.secrets, owner, tt.root)
			if err == nil {
				t.Fatalf("Refs: no error, refs %v", refs)
			}
			if refs != nil || !x.IsZero() {
				t.Errorf("Refs returned refs or extras with an error: %v %+v", refs, x)
			}
			if got := strings.Split(err.Error(), "\n")[0]; !strings.HasPrefix(got, tt.want[0]) {
				t.Errorf("error\n%s\nwant it to start with\n%s", err, tt.want[0])
			}
		})
	}
}

func TestRefsBadOwner(t *testing.T) {
	for _, tc := range []struct{ owner, want string }{
		{"", `konduktor: owner id "" is invalid: must not be empty`},
		{"Alice", `konduktor: owner id "Alice" is invalid: must be lower case ("A" at byte 0)`},
		{"a_b", `konduktor: owner id "a_b" is invalid: must not contain "_" at byte 1`},
		{strings.Repeat("x", 64), `must be no more than 63 characters`},
	} {
		_, _, err := Refs(nil, tc.owner, "")
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("owner %q: error %v, want one containing %q", tc.owner, err, tc.want)
		}
	}
}

// TestRefsNeverShowData checks that no error carries a Secret's data.
func TestRefsNeverShowData(t *testing.T) {
	const secret = "hunter2-data"
	var in []corev1.Secret
	bad := created("tree", KindDefault, "k")
	bad.Annotations = map[string]string{encode.TreeAnnotation: `{"k":"../x"}`}
	clash := tree("d", map[string]string{"secrets_.a": "secrets/a"}, "secrets")
	for _, s := range []corev1.Secret{bad, clash, created("a", KindDefault, "k"), created("a", KindDefault, "k")} {
		for k := range s.Data {
			s.Data[k] = []byte(secret)
		}
		in = append(in, s)
	}
	in[3].Name = "a-copy"
	_, _, err := Refs(in, owner, "")
	if err == nil {
		t.Fatal("want an error")
	}
	if !strings.HasPrefix(err.Error(), "konduktor: 3 problems:\n") {
		t.Errorf("want 3 problems, got %d lines", strings.Count(err.Error(), "\n")+1)
	}
	if strings.Contains(err.Error(), secret) {
		t.Error("an error shows a Secret's data")
	}
}
