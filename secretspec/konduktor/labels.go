package konduktor

import (
	"fmt"
	"strings"

	"github.com/podsecrets/podsecrets/internal/validation"
)

// Konduktor's own label keys and values, so that Secrets created by `konduktor secret create`
// are recognised and Secrets created here are recognised by Konduktor.
const (
	// LabelOwner holds the owner id: the user the Secret belongs to.
	LabelOwner = "trainy.ai/secret-owner"
	// LabelBasename holds the name the user gave the secret.
	LabelBasename = "trainy.ai/secret-basename"
	// LabelKind holds the kind: KindDefault, KindEnv or KindGitSSH. Konduktor's own Secrets of
	// an owner (storage credentials, konduktor-ssh-keys-<owner>) carry no kind.
	LabelKind = "trainy.ai/secret-kind"
	// LabelParent marks every Konduktor Secret; its value is ParentValue.
	LabelParent = "parent"
	// ParentValue is the value of LabelParent.
	ParentValue = "konduktor"
)

// The kinds of Konduktor secret.
const (
	// KindDefault Secrets are mounted as files under <root>/<basename>.
	KindDefault = "default"
	// KindEnv Secrets become one environment variable per key.
	KindEnv = "env"
	// KindGitSSH Secrets hold one private key, under GitSSHKey, wired through GIT_SSH_COMMAND.
	KindGitSSH = "git-ssh"
)

// GitSSHKey is the key under which `konduktor secret create --kind=git-ssh` stores the private
// key, whatever the file was called.
const GitSSHKey = "gitkey"

// MainContainer is the name of Konduktor's task container, the one container that receives a
// user's secrets: every ref Refs returns names it, and so do the Extras.
const MainContainer = "konduktor-container"

// DefaultRoot is the directory under which default Secrets are mounted when the caller gives no
// root; workloads find it in DefaultSecretsVar.
const DefaultRoot = "/konduktor/default-secrets"

// DefaultSecretsVar is the variable that tells a workload where its default Secrets are.
const DefaultSecretsVar = "KONDUKTOR_DEFAULT_SECRETS"

// validateOwner checks an owner id: a DNS-1123 label, used verbatim as the LabelOwner value and
// as the suffix of every Secret name.
func validateOwner(owner string) error {
	if msgs := validation.IsDNS1123Label(owner); len(msgs) > 0 {
		return fmt.Errorf("konduktor: owner id %q is invalid: %s", owner, strings.Join(msgs, "; "))
	}
	return nil
}

// ValidateBasename checks a secret's basename, the NAME of `konduktor secret create NAME`:
// Konduktor takes lower-case letters, digits and '-', starting and ending with a letter or digit
// (no dots), and the label value it becomes holds at most 63 characters: a DNS-1123 label.
func ValidateBasename(basename string) error {
	if msgs := validation.IsDNS1123Label(basename); len(msgs) > 0 {
		return fmt.Errorf("konduktor: secret name %q is invalid: %s", basename, strings.Join(msgs, "; "))
	}
	return nil
}

// SecretName returns the Kubernetes name of a Konduktor secret, "<basename>-<owner>". The
// basename must pass ValidateBasename and the owner must be a DNS-1123 label; two labels joined
// by '-' are always a valid Secret name (a DNS-1123 subdomain of at most 127 characters).
func SecretName(basename, owner string) (string, error) {
	if err := validateOwner(owner); err != nil {
		return "", err
	}
	if err := ValidateBasename(basename); err != nil {
		return "", err
	}
	return basename + "-" + owner, nil
}

// Labels returns the labels Konduktor puts on a secret: parent=konduktor and the owner, basename
// and kind labels. It is an error if SecretName would fail or the kind is unknown.
func Labels(basename, owner, kind string) (map[string]string, error) {
	if _, err := SecretName(basename, owner); err != nil {
		return nil, err
	}
	if !knownKind(kind) {
		return nil, fmt.Errorf("konduktor: unknown secret kind %q: expected %s, %s or %s", kind, KindDefault, KindEnv, KindGitSSH)
	}
	return map[string]string{
		LabelParent:   ParentValue,
		LabelOwner:    owner,
		LabelBasename: basename,
		LabelKind:     kind,
	}, nil
}

func knownKind(kind string) bool {
	return kind == KindDefault || kind == KindEnv || kind == KindGitSSH
}
