package flyte

import (
	"maps"
	"regexp"
	"strings"

	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/podsecrets/podsecrets/secretspec"
)

// The annotations of HashiCorp's Vault agent injector that ManagerVault writes, as Flyte writes
// them. The per-request ones end in "-<id>".
const (
	VaultAnnotationInject          = "vault.hashicorp.com/agent-inject"
	VaultAnnotationSecretVolume    = "vault.hashicorp.com/secret-volume-path"
	VaultAnnotationRole            = "vault.hashicorp.com/role"
	VaultAnnotationPrePopulateOnly = "vault.hashicorp.com/agent-pre-populate-only"
	VaultAnnotationSecretPrefix    = "vault.hashicorp.com/agent-inject-secret-"
	VaultAnnotationFilePrefix      = "vault.hashicorp.com/agent-inject-file-"
	VaultAnnotationTemplatePrefix  = "vault.hashicorp.com/agent-inject-template-"
)

var (
	// vaultSegment is one element of a Vault path: nothing a template string or a file path
	// would read differently.
	vaultSegment = regexp.MustCompile(`^[A-Za-z0-9_.@+=-]+$`)
	// vaultKVKey is a key a kv template can read as a field (.Data.data.<key>).
	vaultKVKey = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)
	// vaultFileKey is a key that names a file of a db request.
	vaultFileKey = regexp.MustCompile(`^[A-Za-z0-9_.-]+$`)
)

// vault plans the request at p for ManagerVault.
func (b *refBuilder) vault(p *field.Path, s Secret, cfg VaultConfig) {
	before := len(b.errs)
	if s.Group == "" {
		b.errs = append(b.errs, field.Required(p.Child("group"), "the Vault path of the secret, e.g. secret/data/flyte"))
	} else if !validVaultPath(s.Group) {
		b.errs = append(b.errs, field.Invalid(p.Child("group"), field.OmitValueType{},
			"a Vault path: elements of letters, digits and _ . @ + = - separated by single '/', none of them . or .."))
	}
	var query string
	switch s.GroupVersion {
	case "kv1":
		query = ".Data"
	case "kv2":
		query = ".Data.data"
	case "db":
	case "":
		query = map[int]string{1: ".Data", 2: ".Data.data"}[cfg.KVVersion]
	default:
		b.errs = append(b.errs, field.NotSupported(p.Child("group_version"), field.OmitValueType{}, []string{"", "kv1", "kv2", "db"}))
	}
	switch {
	case s.Key == "":
		b.errs = append(b.errs, field.Required(p.Child("key"), "the key within the Vault secret (for db, the file's name)"))
	case query != "" && !vaultKVKey.MatchString(s.Key):
		b.errs = append(b.errs, field.Invalid(p.Child("key"), field.OmitValueType{},
			"a key-value engine's key that the agent's template reads as a field: a letter or _, then letters, digits and _"))
	case query == "" && (!vaultFileKey.MatchString(s.Key) || s.Key == "." || s.Key == ".."):
		b.errs = append(b.errs, field.Invalid(p.Child("key"), field.OmitValueType{}, "a file name: letters, digits and _ . -, not . or .."))
	}
	b.checkEnvVar(p, s)
	b.checkFileDelivery(p, s, "Vault")
	if len(b.errs) > before {
		return
	}
	b.fileVars = true
	file := s.Group + "/" + s.Key
	ann := map[string]string{}
	id := requestID(SecretsDir + "/" + file)
	ann[VaultAnnotationSecretPrefix+id] = s.Group
	ann[VaultAnnotationFilePrefix+id] = file
	if query != "" {
		ann[VaultAnnotationTemplatePrefix+id] = `{{- with secret "` + s.Group + `" -}}{{ ` + query + "." + s.Key + ` }}{{- end -}}`
	}
	src := ann[VaultAnnotationSecretPrefix+id] + "\x00" + ann[VaultAnnotationTemplatePrefix+id]
	if b.claimFile(SecretsDir+"/"+file, src, p, p) {
		if b.vaultAnn == nil {
			b.vaultAnn = map[string]string{}
		}
		maps.Copy(b.vaultAnn, ann)
	}
	b.pathVar(p, s, SecretsDir+"/"+file)
}

// validVaultPath reports whether path is one or more Vault path elements separated by '/'.
func validVaultPath(path string) bool {
	for _, seg := range strings.Split(path, "/") {
		if !vaultSegment.MatchString(seg) || seg == "." || seg == ".." {
			return false
		}
	}
	return true
}

// vaultAnnotations is Flyte's union: the requests' annotations, then the common ones, then the
// configured ones, each overriding the one before.
func vaultAnnotations(requests map[string]string, cfg VaultConfig) map[string]string {
	out := maps.Clone(requests)
	out[VaultAnnotationInject] = "true"
	out[VaultAnnotationSecretVolume] = SecretsDir
	out[VaultAnnotationRole] = cfg.Role
	out[VaultAnnotationPrePopulateOnly] = "true"
	maps.Copy(out, cfg.Annotations)
	return out
}

// KeepPodAnnotations returns x without the annotations the pod already sets, so that, as in
// Flyte, a pod's own annotation wins over the one Plan would write (a Vault role or template a
// task chose itself). Call it with the pod's (or pod template's) annotations before handing x
// to inject.WithExtras, which would otherwise treat a different value as a conflict. x is not
// modified; the result shares no memory with x's annotations.
func KeepPodAnnotations(x secretspec.Extras, pod map[string]string) secretspec.Extras {
	if len(x.Annotations) == 0 {
		return x
	}
	kept := make(map[string]string, len(x.Annotations))
	for k, v := range x.Annotations {
		if _, ok := pod[k]; !ok {
			kept[k] = v
		}
	}
	if len(kept) == 0 {
		kept = nil
	}
	x.Annotations = kept
	return x
}
