package konduktor

import (
	"fmt"
	"strings"

	apivalidation "k8s.io/apimachinery/pkg/util/validation"

	"github.com/podsecrets/podsecrets/internal/validation"
)

// Konduktor's own label keys and values, so that Secrets created by `konduktor secret create`
// are recognised and Secrets created here are recognised by Konduktor.
const (
	// LabelOwner holds the owner id: the user the Secret belongs to.
	LabelOwner = "trainy.ai/secret-owner"
	// LabelBasename holds the name the user gave the secret.
	LabelBasename = "trainy.ai/secret-basename"
	// LabelKind holds the kind: KindDefault, KindEnv or KindGitSSH.
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
	// KindGitSSH Secrets hold one private key, wired through GIT_SSH_COMMAND (one per owner).
	KindGitSSH = "git-ssh"
)

// DefaultRoot is the directory under which default Secrets are mounted when the caller gives no
// root; workloads find it in DefaultSecretsVar.
const DefaultRoot = "/konduktor/default-secrets"

// DefaultSecretsVar is the variable that tells a workload where its default Secrets are.
const DefaultSecretsVar = "KONDUKTOR_DEFAULT_SECRETS"

// validateOwner checks an owner id: a DNS-1123 label, used verbatim as the label value.
func validateOwner(owner string) error {
	if owner == "" {
		return fmt.Errorf("konduktor: owner id is empty: expected a DNS-1123 label such as Konduktor's user hash")
	}
	if msgs := validation.IsDNS1123Label(owner); len(msgs) > 0 {
		return fmt.Errorf("konduktor: owner id %q is not a DNS-1123 label (it is used verbatim as the %s label value and name suffix): %s",
			owner, LabelOwner, strings.Join(msgs, "; "))
	}
	return nil
}

// SecretName returns the Kubernetes name of a Konduktor secret, "<basename>-<owner>". The owner
// must be a DNS-1123 label and the result a valid Secret name (a DNS-1123 subdomain); anything
// else is an error saying why.
func SecretName(basename, owner string) (string, error) {
	if err := validateOwner(owner); err != nil {
		return "", err
	}
	if basename == "" {
		return "", fmt.Errorf("konduktor: secret basename is empty")
	}
	name := basename + "-" + owner
	if msgs := validation.IsDNS1123Subdomain(name); len(msgs) > 0 {
		return "", fmt.Errorf("konduktor: basename %q with owner %q gives %q, which is not a valid Secret name: %s",
			basename, owner, name, strings.Join(msgs, "; "))
	}
	return name, nil
}

// Labels returns the labels Konduktor puts on a secret: parent=konduktor and the owner, basename
// and kind labels. It is an error if the owner is not a DNS-1123 label, the kind is unknown, the
// basename is not a valid label value, or SecretName would fail.
func Labels(basename, owner, kind string) (map[string]string, error) {
	if _, err := SecretName(basename, owner); err != nil {
		return nil, err
	}
	if !knownKind(kind) {
		return nil, fmt.Errorf("konduktor: unknown secret kind %q: expected %s, %s or %s", kind, KindDefault, KindEnv, KindGitSSH)
	}
	if msgs := apivalidation.IsValidLabelValue(basename); len(msgs) > 0 {
		return nil, fmt.Errorf("konduktor: basename %q is not a valid label value: %s", basename, strings.Join(msgs, "; "))
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
