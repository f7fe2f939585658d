package preflight

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/podsecrets/podsecrets/internal/validation"
	"github.com/podsecrets/podsecrets/secretspec"
)

// Check reports, for refs and the Secrets that secrets reads, every problem that would make a
// pod consuming the refs fail (errs) and every problem on optional refs, or that the pod
// survives with a loss, as a warning: all at once, each at the path of its ref, its Origin when
// set ("transform.secrets[1].key", "flyte.secrets/s2.secret", "3rd -e flag.key"), else
// fldPath.Index(i) ("refs[2].key" for fldPath "refs"). Messages name Secrets and keys, never a
// value.
//
// The problems, by delivery:
//
//   - every delivery: the Secret does not exist (NotFound at ".secret"); the Secret cannot be
//     read because the getter is forbidden to (Forbidden at ".secret", see below); any other
//     read failure (InternalError at ".secret", worth a retry).
//   - Env: the key is missing (NotFound at ".key"): the container would not be created.
//   - Mount: the key, or an item's key, is missing (NotFound at ".key" or ".items[j].key"): the
//     volume would not be set up. Mounting every key of a Secret with a key that is no file name
//     (Invalid at ".secret"; the API server never stores one, a getter might).
//   - EnvFrom: keys whose variable (Prefix+key) is not a valid name under the relaxed rule the
//     kubelet applies since Kubernetes 1.34 (Invalid at ".secret", always a warning: the kubelet
//     skips those keys, records an InvalidEnvironmentVariableNames event and starts the pod).
//   - PullSecret, always a warning: the kubelet records an event and pulls without a pull secret
//     it cannot use, so a public image still runs (and Pachyderm does not check them either).
//     The Secret does not exist (NotFound at ".secret") or cannot be read (Forbidden or
//     InternalError at ".secret"); its type is other than kubernetes.io/dockerconfigjson or
//     kubernetes.io/dockercfg (Invalid at ".secret": the kubelet ignores it); its
//     .dockerconfigjson or .dockercfg key is missing (NotFound at ".secret") or not a docker
//     config the kubelet parses (Invalid at ".secret").
//   - GitSSH: the key (default ssh-privatekey) or a known_hosts item's key is missing (NotFound
//     at ".key" or ".items[j].key"); the key is not a private key golang.org/x/crypto/ssh parses,
//     or is passphrase-protected (Invalid at ".key"); known_hosts has a line that is not a
//     known_hosts entry (Invalid at ".items[j].key"): ssh would fail when git runs.
//
// A problem on an optional ref is a warning, never an error: the pod starts without what is
// missing. Forbidden is the type of no other problem, so a caller that may not read what the
// pod may (an admission webhook without "get secrets" in some namespace) can tell them apart
// and choose: errs.Filter(field.NewErrorTypeMatcher(field.ErrorTypeForbidden)) drops them.
//
// Each Secret is read once per Check, however many refs name it. The refs are not validated
// (secretspec.ValidateRefs does that); Check never modifies them or the Secrets it reads.
func Check(secrets secretspec.SecretGetter, refs []secretspec.Ref, fldPath *field.Path) (errs, warnings field.ErrorList) {
	c := checker{get: secrets, read: map[string]read{}}
	for i := range refs {
		p := fldPath.Index(i)
		if o := refs[i].Origin; o != "" {
			p = field.NewPath(o)
		}
		c.ref(&refs[i], p)
	}
	return c.errs, c.warnings
}

// checker holds the state of one Check.
type checker struct {
	get            secretspec.SecretGetter
	read           map[string]read // nil: read every time
	errs, warnings field.ErrorList
}

// read is the outcome of reading one Secret.
type read struct {
	s   *corev1.Secret
	err error
}

// fail records a problem that makes a pod fail unless the ref is optional or a pull secret.
func (c *checker) fail(r *secretspec.Ref, e *field.Error) {
	if r.Optional || r.As == secretspec.PullSecret {
		c.warnings = append(c.warnings, e)
	} else {
		c.errs = append(c.errs, e)
	}
}

// warn records a problem the pod survives.
func (c *checker) warn(e *field.Error) { c.warnings = append(c.warnings, e) }

func (c *checker) secret(name string) (*corev1.Secret, error) {
	if c.get == nil {
		return nil, errors.New("no SecretGetter was given")
	}
	if v, ok := c.read[name]; ok {
		return v.s, v.err
	}
	s, err := c.get.Get(name)
	if err == nil && s == nil {
		err = errors.New("the SecretGetter returned neither a Secret nor an error")
	}
	if c.read != nil {
		c.read[name] = read{s, err}
	}
	return s, err
}

// ref checks one ref, at p.
func (c *checker) ref(r *secretspec.Ref, p *field.Path) {
	s, err := c.secret(r.Secret)
	if err != nil {
		c.fail(r, readError(r.Secret, err, p.Child("secret")))
		return
	}
	n := r.Normalize()
	switch r.As {
	case secretspec.Env:
		c.key(r, s, n.Key, p.Child("key"))
	case secretspec.EnvFrom:
		c.envFrom(s, n.Prefix, p.Child("secret"))
	case secretspec.Mount:
		if n.Key != "" {
			c.key(r, s, n.Key, p.Child("key"))
		}
		for j, it := range n.Items {
			c.key(r, s, it.Key, p.Child("items").Index(j).Child("key"))
		}
		if n.Key == "" && len(n.Items) == 0 {
			c.fileNames(r, s, p.Child("secret"))
		}
	case secretspec.PullSecret:
		c.pullSecret(r, s, p.Child("secret"))
	case secretspec.GitSSH:
		if c.key(r, s, n.Key, p.Child("key")) {
			if msg := privateKeyProblem(s.Data[n.Key]); msg != "" {
				c.fail(r, field.Invalid(p.Child("key"), n.Key, fmt.Sprintf("Secret %q: key %q %s", s.Name, n.Key, msg)))
			}
		}
		for j, it := range n.Items {
			if it.Path != secretspec.KnownHostsKey {
				continue
			}
			at := p.Child("items").Index(j).Child("key")
			if c.key(r, s, it.Key, at) {
				if line := knownHostsProblem(s.Data[it.Key]); line > 0 {
					c.fail(r, field.Invalid(at, it.Key, fmt.Sprintf(
						"Secret %q: key %q: line %d is not a known_hosts entry, so ssh with StrictHostKeyChecking=yes would fail", s.Name, it.Key, line)))
				}
			}
		}
	}
}

// key checks that s has key; it reports whether it does.
func (c *checker) key(r *secretspec.Ref, s *corev1.Secret, key string, p *field.Path) bool {
	if _, ok := s.Data[key]; ok {
		return true
	}
	e := field.NotFound(p, key)
	e.Detail = fmt.Sprintf("Secret %q has no key %q", s.Name, key)
	if len(s.Data) > 0 {
		e.Detail += " (it has " + strings.Join(quoted(sortedKeys(s.Data)), ", ") + ")"
	}
	c.fail(r, e)
	return false
}

// envFrom warns about the keys the kubelet skips.
func (c *checker) envFrom(s *corev1.Secret, prefix string, p *field.Path) {
	var bad []string
	for _, k := range sortedKeys(s.Data) {
		if len(validation.IsRelaxedEnvVarName(prefix+k)) > 0 {
			bad = append(bad, k)
		}
	}
	if bad == nil {
		return
	}
	with := ""
	if prefix != "" {
		with = fmt.Sprintf(" with prefix %q", prefix)
	}
	c.warn(field.Invalid(p, s.Name, fmt.Sprintf(
		"Secret %q: keys [%s]%s are not valid environment variable names; the kubelet skips them",
		s.Name, strings.Join(quoted(bad), ", "), with)))
}

// fileNames reports keys a mount of every key cannot write as files.
func (c *checker) fileNames(r *secretspec.Ref, s *corev1.Secret, p *field.Path) {
	var bad []string
	for _, k := range sortedKeys(s.Data) {
		if len(validation.IsConfigMapKey(k)) > 0 {
			bad = append(bad, fmt.Sprintf("%q", k))
		}
	}
	if bad != nil {
		c.fail(r, field.Invalid(p, s.Name, fmt.Sprintf(
			"Secret %q: keys [%s] are not valid file names, so the volume cannot be set up", s.Name, strings.Join(bad, ", "))))
	}
}

// pullSecret checks the type and content of an image pull secret.
func (c *checker) pullSecret(r *secretspec.Ref, s *corev1.Secret, p *field.Path) {
	var key string
	switch s.Type {
	case corev1.SecretTypeDockerConfigJson:
		key = corev1.DockerConfigJsonKey
	case corev1.SecretTypeDockercfg:
		key = corev1.DockerConfigKey
	default:
		c.fail(r, field.Invalid(p, s.Name, fmt.Sprintf(
			"Secret %q has type %q; the kubelet takes image pull credentials only from Secrets of type %s or %s and ignores this one",
			s.Name, s.Type, corev1.SecretTypeDockerConfigJson, corev1.SecretTypeDockercfg)))
		return
	}
	data, ok := s.Data[key]
	if !ok {
		e := field.NotFound(p, s.Name)
		e.Detail = fmt.Sprintf("Secret %q of type %s has no key %q", s.Name, s.Type, key)
		c.fail(r, e)
		return
	}
	if msg := dockerConfigProblem(data, key == corev1.DockerConfigJsonKey); msg != "" {
		c.fail(r, field.Invalid(p, s.Name, fmt.Sprintf("Secret %q: key %q %s", s.Name, key, msg)))
	}
}

// readError turns a failed read into a field error at p.
func readError(name string, err error, p *field.Path) *field.Error {
	switch {
	case apierrors.IsNotFound(err):
		e := field.NotFound(p, name)
		e.Detail = fmt.Sprintf("Secret %q does not exist", name)
		return e
	case apierrors.IsForbidden(err):
		return field.Forbidden(p, fmt.Sprintf("Secret %q could not be checked: reading it is forbidden to the checker (the pod's service account may still read it)", name))
	}
	return field.InternalError(p, fmt.Errorf("reading Secret %q: %w", name, err))
}

// quoted quotes each name, as Go does (names, never values).
func quoted(names []string) []string {
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = strconv.Quote(n)
	}
	return out
}

func sortedKeys(m map[string][]byte) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
