package encode

import (
	"encoding/json"
	"fmt"
	"strings"

	corev1 "k8s.io/api/core/v1"
	apivalidation "k8s.io/apimachinery/pkg/api/validation"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/podsecrets/podsecrets/internal/validation"
)

// redacted stands in for a secret value in field errors.
const redacted = "<redacted>"

// Validate checks s as the API server's ValidateSecret does on create:
// metadata (the name a DNS-1123 subdomain; a namespace, if set, a DNS-1123
// label; labels and annotations; finalizers qualified names, and one without
// a "/" a standard one: kubernetes, orphan or foregroundDeletion), every data key a valid key
// (IsConfigMapKey), the decoded data at most MaxSize bytes in total, and the
// rules of the type: service-account-token needs the service account name
// annotation; dockercfg and dockerconfigjson need their key holding a JSON
// object; basic-auth needs username or password; ssh-auth a non-empty
// ssh-privatekey; tls both tls.crt and tls.key. stringData counts as the
// server counts it: folded into data, stringData winning. The tree
// annotation, if present, must be a valid mapping (see TreeItems).
//
// Errors carry full paths such as data[tls.key] and never a value.
func Validate(s *corev1.Secret) field.ErrorList {
	if s == nil {
		return field.ErrorList{field.Required(field.NewPath(""), "a Secret")}
	}
	meta := field.NewPath("metadata")
	errs := apivalidation.ValidateObjectMeta(&s.ObjectMeta, s.Namespace != "", nameIsDNSSubdomain, meta)
	explainNamespace(errs, s.Namespace, meta.Child("namespace").String())
	errs = append(errs, validateKubeFinalizers(s.Finalizers, meta.Child("finalizers"))...)
	data := folded(s)
	dataPath := field.NewPath("data")
	var total int64
	for _, k := range sortedKeys(data) {
		for _, msg := range isConfigMapKey(k) {
			errs = append(errs, field.Invalid(dataPath.Key(k), k, msg))
		}
		total += int64(len(data[k]))
	}
	if total > MaxSize {
		e := field.TooLong(dataPath, "", MaxSize)
		e.Detail = fmt.Sprintf("the data is %d bytes in total, more than the limit of %d bytes (1 MiB)", total, MaxSize)
		errs = append(errs, e)
	}
	switch s.Type {
	case corev1.SecretTypeServiceAccountToken:
		if s.Annotations[corev1.ServiceAccountNameKey] == "" {
			errs = append(errs, field.Required(meta.Child("annotations").Key(corev1.ServiceAccountNameKey), ""))
		}
	case corev1.SecretTypeDockercfg:
		errs = append(errs, validateJSONObject(data, corev1.DockerConfigKey, dataPath)...)
	case corev1.SecretTypeDockerConfigJson:
		errs = append(errs, validateJSONObject(data, corev1.DockerConfigJsonKey, dataPath)...)
	case corev1.SecretTypeBasicAuth:
		_, u := data[corev1.BasicAuthUsernameKey]
		_, p := data[corev1.BasicAuthPasswordKey]
		if !u && !p {
			errs = append(errs,
				field.Required(dataPath.Key(corev1.BasicAuthUsernameKey), "username or password is required"),
				field.Required(dataPath.Key(corev1.BasicAuthPasswordKey), "username or password is required"))
		}
	case corev1.SecretTypeSSHAuth:
		if len(data[corev1.SSHAuthPrivateKey]) == 0 {
			errs = append(errs, field.Required(dataPath.Key(corev1.SSHAuthPrivateKey), ""))
		}
	case corev1.SecretTypeTLS:
		for _, k := range []string{corev1.TLSCertKey, corev1.TLSPrivateKeyKey} {
			if _, ok := data[k]; !ok {
				errs = append(errs, field.Required(dataPath.Key(k), ""))
			}
		}
	}
	if _, ok := s.Annotations[TreeAnnotation]; ok {
		_, terrs := treeMapping(s, treePath())
		errs = append(errs, terrs...)
	}
	return errs
}

// nameIsDNSSubdomain is apivalidation.NameIsDNSSubdomain with messages that
// say what was wrong (internal/validation).
func nameIsDNSSubdomain(name string, prefix bool) []string {
	if prefix && len(name) > 1 && strings.HasSuffix(name, "-") {
		name = name[:len(name)-2] + "a" // apivalidation's maskTrailingDash
	}
	return validation.IsDNS1123Subdomain(name)
}

// explainNamespace gives the namespace errors of ValidateObjectMeta (at path)
// the messages of internal/validation, which say what was wrong.
func explainNamespace(errs field.ErrorList, namespace, path string) {
	msgs := validation.IsDNS1123Label(namespace)
	k := 0
	for _, e := range errs {
		if e.Field == path && e.Type == field.ErrorTypeInvalid && k < len(msgs) {
			e.Detail = msgs[k]
			k++
		}
	}
}

// validateKubeFinalizers is the check of metadata.finalizers the API server adds
// to apimachinery's (k8s.io/kubernetes pkg/apis/core/validation,
// validateKubeFinalizerName): a finalizer without a "/" must be one of the
// standard ones.
func validateKubeFinalizers(finalizers []string, fldPath *field.Path) field.ErrorList {
	var errs field.ErrorList
	for i, f := range finalizers {
		if strings.Contains(f, "/") {
			continue
		}
		switch f {
		case string(corev1.FinalizerKubernetes), metav1.FinalizerOrphanDependents, metav1.FinalizerDeleteDependents:
			continue
		}
		errs = append(errs, field.Invalid(fldPath.Index(i), f, "name is neither a standard finalizer name nor is it fully qualified"))
	}
	return errs
}

// validateJSONObject requires data[key] to exist and hold a JSON object,
// saying where the JSON breaks without quoting it.
func validateJSONObject(data map[string][]byte, key string, dataPath *field.Path) field.ErrorList {
	v, ok := data[key]
	if !ok {
		return field.ErrorList{field.Required(dataPath.Key(key), "")}
	}
	var m map[string]any
	if err := json.Unmarshal(v, &m); err != nil || m == nil {
		msg := "must be a JSON object"
		if se, ok := err.(*json.SyntaxError); ok {
			msg += fmt.Sprintf(" (invalid JSON at byte %d)", se.Offset)
		}
		return field.ErrorList{field.Invalid(dataPath.Key(key), redacted, msg)}
	}
	return nil
}

// folded returns s's data with stringData folded in (stringData wins), as
// the API server stores it. It shares values with s: callers must not
// modify them.
func folded(s *corev1.Secret) map[string][]byte {
	if len(s.StringData) == 0 {
		return s.Data
	}
	m := make(map[string][]byte, len(s.Data)+len(s.StringData))
	for k, v := range s.Data {
		m[k] = v
	}
	for k, v := range s.StringData {
		m[k] = []byte(v)
	}
	return m
}
