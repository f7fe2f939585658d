package konduktor

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/podsecrets/podsecrets/encode"
	"github.com/podsecrets/podsecrets/internal/errtext"
	"github.com/podsecrets/podsecrets/secretspec"
)

const owner = "u1"

// sec builds a Konduktor Secret of owner; every key holds the value "v".
func sec(basename, kind string, keys ...string) corev1.Secret {
	return secOf(owner, basename, kind, keys...)
}

func secOf(own, basename, kind string, keys ...string) corev1.Secret {
	s := corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: basename + "-" + own, Labels: map[string]string{
		LabelParent: ParentValue, LabelOwner: own, LabelBasename: basename, LabelKind: kind,
	}}}
	if len(keys) > 0 {
		s.Data = map[string][]byte{}
	}
	for _, k := range keys {
		s.Data[k] = []byte("v")
	}
	return s
}

func TestRefs(t *testing.T) {
	tree := sec("dir", KindDefault, "secrets_.a.txt", "secrets_.sub_.b.txt")
	tree.Annotations = map[string]string{encode.TreeAnnotation: `{"secrets_.a.txt":"secrets/a.txt","secrets_.sub_.b.txt":"secrets/sub/b.txt"}`}
	badTree := sec("bad", KindDefault, "k")
	badTree.Annotations = map[string]string{encode.TreeAnnotation: `not json`}
	noKind := sec("nokind", KindDefault, "k")
	delete(noKind.Labels, LabelKind)
	noBase := sec("nobase", KindDefault, "k")
	delete(noBase.Labels, LabelBasename)
	withStringData := sec("sd", KindEnv)
	withStringData.StringData = map[string]string{"B": "v"}
	withStringData.Data = map[string][]byte{"A": []byte("v")}
	defaultVar := []corev1.EnvVar{{Name: "KONDUKTOR_DEFAULT_SECRETS", Value: "/konduktor/default-secrets"}}

	tests := []struct {
		name       string
		secrets    []corev1.Secret
		root       string
		wantRefs   []secretspec.Ref
		wantPlains []corev1.EnvVar
		wantErrs   []string
	}{
		{name: "none"},
		{name: "other owners and unlabelled secrets ignored", secrets: []corev1.Secret{
			secOf("u2", "x", KindDefault, "k"), {ObjectMeta: metav1.ObjectMeta{Name: "plain"}}, secOf("u10", "y", KindGitSSH, "a", "b"),
		}},
		{name: "default, every key", secrets: []corev1.Secret{sec("inline", KindDefault, "FOO")},
			wantRefs:   []secretspec.Ref{{Secret: "inline-u1", As: secretspec.Mount, MountPath: "/konduktor/default-secrets/inline"}},
			wantPlains: defaultVar},
		{name: "default with a tree", secrets: []corev1.Secret{tree},
			wantRefs: []secretspec.Ref{{Secret: "dir-u1", As: secretspec.Mount, MountPath: "/konduktor/default-secrets/dir", Items: []corev1.KeyToPath{
				{Key: "secrets_.a.txt", Path: "secrets/a.txt"}, {Key: "secrets_.sub_.b.txt", Path: "secrets/sub/b.txt"},
			}}},
			wantPlains: defaultVar},
		{name: "custom root", root: "/run/secrets", secrets: []corev1.Secret{sec("a", KindDefault, "k")},
			wantRefs:   []secretspec.Ref{{Secret: "a-u1", As: secretspec.Mount, MountPath: "/run/secrets/a"}},
			wantPlains: []corev1.EnvVar{{Name: "KONDUKTOR_DEFAULT_SECRETS", Value: "/run/secrets"}}},
		{name: "env, one ref per key sorted", secrets: []corev1.Secret{sec("e", KindEnv, "ZED", "FOO", "bar.baz")},
			wantRefs: []secretspec.Ref{
				{Secret: "e-u1", Key: "FOO", As: secretspec.Env, EnvVar: "FOO"},
				{Secret: "e-u1", Key: "ZED", As: secretspec.Env, EnvVar: "ZED"},
				{Secret: "e-u1", Key: "bar.baz", As: secretspec.Env, EnvVar: "bar.baz"},
			}},
		{name: "env from data and stringData", secrets: []corev1.Secret{withStringData},
			wantRefs: []secretspec.Ref{
				{Secret: "sd-u1", Key: "A", As: secretspec.Env, EnvVar: "A"},
				{Secret: "sd-u1", Key: "B", As: secretspec.Env, EnvVar: "B"},
			}},
		{name: "git-ssh, the only key", secrets: []corev1.Secret{sec("ssh", KindGitSSH, "id_rsa")},
			wantRefs: []secretspec.Ref{{Secret: "ssh-u1", Key: "id_rsa", As: secretspec.GitSSH}}},
		{name: "git-ssh, ssh-privatekey wins", secrets: []corev1.Secret{sec("ssh", KindGitSSH, "id_rsa", "ssh-privatekey")},
			wantRefs: []secretspec.Ref{{Secret: "ssh-u1", Key: "ssh-privatekey", As: secretspec.GitSSH}}},
		{name: "git-ssh with known_hosts", secrets: []corev1.Secret{sec("ssh", KindGitSSH, "id_ed25519", "known_hosts")},
			wantRefs: []secretspec.Ref{{Secret: "ssh-u1", Key: "id_ed25519", As: secretspec.GitSSH,
				Items: []corev1.KeyToPath{{Key: "known_hosts", Path: "known_hosts"}}}}},
		{name: "sorted: default by basename, env, git-ssh, whatever the input order", secrets: []corev1.Secret{
			sec("ssh", KindGitSSH, "id_rsa"), sec("e", KindEnv, "X"), sec("zz", KindDefault, "k"), sec("aa", KindDefault, "k"),
		},
			wantRefs: []secretspec.Ref{
				{Secret: "aa-u1", As: secretspec.Mount, MountPath: "/konduktor/default-secrets/aa"},
				{Secret: "zz-u1", As: secretspec.Mount, MountPath: "/konduktor/default-secrets/zz"},
				{Secret: "e-u1", Key: "X", As: secretspec.Env, EnvVar: "X"},
				{Secret: "ssh-u1", Key: "id_rsa", As: secretspec.GitSSH},
			},
			wantPlains: defaultVar},

		{name: "two git-ssh secrets", secrets: []corev1.Secret{sec("b", KindGitSSH, "k"), sec("a", KindGitSSH, "k")}, wantErrs: []string{
			`secrets[0]: Forbidden: Secret "b-u1": an owner has only one git-ssh secret, and secrets[1] (Secret "a-u1") is one too`,
		}},
		{name: "git-ssh key unclear", secrets: []corev1.Secret{sec("s", KindGitSSH, "a", "b", "known_hosts")}, wantErrs: []string{
			`secrets[0].data: Invalid value: Secret "s-u1": cannot tell which key holds the private key: expected "ssh-privatekey" or exactly one key besides "known_hosts", found 2 ("a", "b")`,
		}},
		{name: "git-ssh empty", secrets: []corev1.Secret{sec("s", KindGitSSH)}, wantErrs: []string{
			`secrets[0].data: Invalid value: Secret "s-u1": cannot tell which key holds the private key: expected "ssh-privatekey" or exactly one key besides "known_hosts", found 0 ()`,
		}},
		{name: "unknown kind", secrets: []corev1.Secret{sec("s", "vault", "k")}, wantErrs: []string{
			`secrets[0].metadata.labels[trainy.ai/secret-kind]: Unsupported value: "vault": Secret "s-u1": supported values: "default", "env", "git-ssh"`,
		}},
		{name: "missing kind", secrets: []corev1.Secret{noKind}, wantErrs: []string{
			`secrets[0].metadata.labels[trainy.ai/secret-kind]: Required value: Secret "nokind-u1": expected default, env or git-ssh`,
		}},
		{name: "default without basename", secrets: []corev1.Secret{noBase}, wantErrs: []string{
			`secrets[0].metadata.labels[trainy.ai/secret-basename]: Required value: Secret "nobase-u1": a default secret is mounted at <root>/<basename>`,
		}},
		{name: "basename that is not a path element", secrets: []corev1.Secret{sec("..", KindDefault, "k")}, wantErrs: []string{
			`secrets[0].metadata.labels[trainy.ai/secret-basename]: Invalid value: "..": Secret "..-u1": must be one path element`,
		}},
		{name: "two defaults with one basename", secrets: []corev1.Secret{sec("a", KindDefault, "k"), func() corev1.Secret {
			s := sec("a", KindDefault, "k")
			s.Name = "a-copy"
			return s
		}()}, wantErrs: []string{
			`secrets[0].metadata.labels[trainy.ai/secret-basename]: Duplicate value: "a": Secret "a-u1": the same basename as secrets[1] (Secret "a-copy"): both would be mounted at /konduktor/default-secrets/a`,
		}},
		{name: "env key set twice", secrets: []corev1.Secret{sec("a", KindEnv, "FOO"), sec("b", KindEnv, "FOO")}, wantErrs: []string{
			`secrets[1].data[FOO]: Duplicate value: "FOO": Secret "b-u1": the variable is also set by secrets[0] (Secret "a-u1")`,
		}},
		{name: "bad tree annotation", secrets: []corev1.Secret{badTree}, wantErrs: []string{
			`secrets[0].metadata.annotations[podsecrets.io/tree]: Invalid value: Secret "bad-u1": cannot restore the directory tree: metadata.annotations[podsecrets.io/tree]: Invalid value: "<value omitted>": must be one JSON object mapping data keys to relative paths`,
		}},
		{name: "every problem reported", secrets: []corev1.Secret{sec("s", "vault"), sec("g", KindGitSSH)}, wantErrs: []string{
			`secrets[1].data: Invalid value: Secret "g-u1": cannot tell which key holds the private key: expected "ssh-privatekey" or exactly one key besides "known_hosts", found 0 ()`,
			`secrets[0].metadata.labels[trainy.ai/secret-kind]: Unsupported value: "vault": Secret "s-u1": supported values: "default", "env", "git-ssh"`,
		}},
		{name: "relative root", root: "run", wantErrs: []string{`konduktor: root "run" must be a clean absolute directory other than /`}},
		{name: "unclean root", root: "/run/", wantErrs: []string{`konduktor: root "/run/" must be a clean absolute directory other than /`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := make([]corev1.Secret, len(tt.secrets))
			for i := range tt.secrets {
				tt.secrets[i].DeepCopyInto(&in[i])
			}
			refs, plains, err := Refs(tt.secrets, owner, tt.root)
			if diff := cmp.Diff(tt.wantRefs, refs); diff != "" {
				t.Errorf("refs (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.wantPlains, plains); diff != "" {
				t.Errorf("plains (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.wantErrs, errtext.Messages(err)); diff != "" {
				t.Errorf("errors (-want +got):\n%s", diff)
			}
			if !cmp.Equal(in, tt.secrets, cmpopts.EquateEmpty()) {
				t.Error("Refs changed its input")
			}
		})
	}
}

func TestRefsBadOwner(t *testing.T) {
	for _, o := range []string{"", "Alice", "a_b", strings.Repeat("x", 64)} {
		if _, _, err := Refs(nil, o, ""); err == nil {
			t.Errorf("owner %q accepted", o)
		}
	}
}

// TestRefsNeverShowData checks that no error carries a Secret's data.
func TestRefsNeverShowData(t *testing.T) {
	const secret = "hunter2-data"
	var in []corev1.Secret
	for _, s := range []corev1.Secret{
		sec("s", KindGitSSH, "a", "b"), sec("t", KindGitSSH, "c"), sec("e", KindEnv, "A=B"), sec("e2", KindEnv, "A=B"), sec("x", "bad", "k"),
	} {
		for k := range s.Data {
			s.Data[k] = []byte(secret)
		}
		in = append(in, s)
	}
	bad := sec("tree", KindDefault, "k")
	bad.Data["k"] = []byte(secret)
	bad.Annotations = map[string]string{encode.TreeAnnotation: `{"k":"../` + "x" + `"}`}
	in = append(in, bad)
	_, _, err := Refs(in, owner, "")
	if err == nil {
		t.Fatal("want an error")
	}
	if strings.Contains(err.Error(), secret) {
		t.Error("an error shows a Secret's data")
	}
}

func TestSharedErrorsMapped(t *testing.T) {
	// A data key "." passes no Secret validation; as an env key the shared validation (or ours)
	// must report it against the Secret that holds it.
	_, _, err := Refs([]corev1.Secret{sec("e", KindEnv, "..x")}, owner, "")
	msgs := errtext.Messages(err)
	if len(msgs) == 0 {
		t.Fatal("want an error for the key ..x")
	}
	for _, m := range msgs {
		if !strings.HasPrefix(m, "secrets[0]") || !strings.Contains(m, `"e-u1"`) {
			t.Errorf("error %q does not name secrets[0] and its Secret", m)
		}
	}
}

func TestSharedConflictMapped(t *testing.T) {
	// Only the shared validation sees that a default Secret mounted at /etc/git-ssh collides with
	// the git-ssh directory; the error must name both Secrets by position and name.
	_, _, err := Refs([]corev1.Secret{sec("git-ssh", KindDefault, "a"), sec("g", KindGitSSH, "ssh-privatekey")}, owner, "/etc")
	want := []string{`secrets[1]: Duplicate value: "/etc/git-ssh": Secret "g-u1": ref field mountPath: ` +
		`secrets[0] (Secret "git-ssh-u1") (mount, secret "git-ssh-u1") mounts there; the gitSSH directory must be a path of its own`}
	if diff := cmp.Diff(want, errtext.Messages(err)); diff != "" {
		t.Errorf("errors (-want +got):\n%s", diff)
	}
}
