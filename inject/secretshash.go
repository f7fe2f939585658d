package inject

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"slices"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	utilerrors "k8s.io/apimachinery/pkg/util/errors"

	"github.com/podsecrets/podsecrets/secretspec"
)

// AnnotationSecretsHash is the pod (or pod template) annotation WithSecretsHash writes: the
// SecretsHash of what the pod consumes. Changing it in a workload's template rolls the workload.
const AnnotationSecretsHash = "podsecrets.io/secrets-hash"

// SecretsHash returns a hash of exactly the data refs consume, read through secrets: for an Env
// ref its key, for a Mount ref its key or items' keys (every key when it names none), for a
// GitSSH ref its key and known_hosts, for EnvFrom and PullSecret refs every key. Keys nobody
// reads do not count, so updating one does not change the hash; Containers, paths, modes and
// variable names do not count either (they are in the pod template already).
//
// The hash is HMAC-SHA256 of each Secret's consumed data keyed by that Secret's UID, combined
// with the Secret names by SHA-256, as 64 hex digits. It is canonical (Secrets by name, keys
// sorted, every field length-prefixed; map and ref order never matter) and reveals nothing
// about values to someone who can read the pod but not the Secret: guessing a value would need
// the Secret's UID. A Secret deleted and created again with the same data gets a new UID and so
// a new hash, as it should: its consumers read a new object.
//
// A required Secret or key (one some non-optional ref reads) that does not exist or cannot be
// read is an error, all of them at once, naming Secrets and keys; an optional one that does
// not exist hashes as absent, so its appearance later changes the hash. Forbidden and other
// read failures are errors even for optional refs: absence is not known.
func SecretsHash(secrets secretspec.SecretGetter, refs []secretspec.Ref) (string, error) {
	if secrets == nil {
		return "", errors.New("inject: SecretsHash: no SecretGetter was given")
	}
	consumed := consumption(refs)
	names := make([]string, 0, len(consumed))
	for n := range consumed {
		names = append(names, n)
	}
	slices.Sort(names)
	var errs []error
	sum := sha256.New()
	for _, name := range names {
		c := consumed[name]
		writeField(sum, name)
		s, err := secrets.Get(name)
		switch {
		case err == nil && s == nil:
			errs = append(errs, fmt.Errorf("reading Secret %q: the SecretGetter returned neither a Secret nor an error", name))
			continue
		case apierrors.IsNotFound(err) && !c.required:
			sum.Write([]byte{0}) // absent
			continue
		case apierrors.IsNotFound(err):
			errs = append(errs, fmt.Errorf("required Secret %q does not exist", name))
			continue
		case err != nil:
			errs = append(errs, fmt.Errorf("reading Secret %q: %w", name, err))
			continue
		}
		sum.Write([]byte{1})
		sum.Write(c.hmac(s, &errs))
	}
	if len(errs) > 0 {
		return "", fmt.Errorf("inject: secrets hash: %w", utilerrors.NewAggregate(errs))
	}
	return hex.EncodeToString(sum.Sum(nil)), nil
}

// consumed is what the refs read of one Secret.
type consumed struct {
	required bool            // some non-optional ref reads the Secret
	all      bool            // some ref reads every key
	keys     map[string]bool // key -> some non-optional ref reads it
}

// consumption groups what refs read by Secret.
func consumption(refs []secretspec.Ref) map[string]*consumed {
	out := map[string]*consumed{}
	for i := range refs {
		r := refs[i].Normalize()
		c := out[r.Secret]
		if c == nil {
			c = &consumed{keys: map[string]bool{}}
			out[r.Secret] = c
		}
		c.required = c.required || !r.Optional
		key := func(k string) { c.keys[k] = c.keys[k] || !r.Optional }
		switch r.As {
		case secretspec.Env:
			key(r.Key)
		case secretspec.Mount:
			if r.Key == "" && len(r.Items) == 0 {
				c.all = true
			}
			if r.Key != "" {
				key(r.Key)
			}
			for _, it := range r.Items {
				key(it.Key)
			}
		case secretspec.GitSSH:
			key(r.Key)
			for _, it := range r.Items {
				if it.Path == secretspec.KnownHostsKey {
					key(it.Key)
				}
			}
		default: // EnvFrom, PullSecret
			c.all = true
		}
	}
	return out
}

// hmac is the HMAC of what c reads of s, keyed by s's UID; a required key s lacks is added to
// errs.
func (c *consumed) hmac(s *corev1.Secret, errs *[]error) []byte {
	m := hmac.New(sha256.New, []byte(s.UID))
	var keys []string
	if c.all {
		m.Write([]byte{'*'})
		keys = make([]string, 0, len(s.Data))
		for k := range s.Data {
			keys = append(keys, k)
		}
	} else {
		m.Write([]byte{'k'})
		keys = make([]string, 0, len(c.keys))
		for k := range c.keys {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	for _, k := range keys {
		writeField(m, k)
		v, ok := s.Data[k]
		if !ok {
			if c.keys[k] {
				*errs = append(*errs, fmt.Errorf("required key %q of Secret %q is missing", k, s.Name))
			}
			m.Write([]byte{0})
			continue
		}
		m.Write([]byte{1})
		writeField(m, string(v))
	}
	return m.Sum(nil)
}

// writeField writes s with its length in front, so that no two sequences of fields write the
// same bytes.
func writeField(h hash.Hash, s string) {
	var n [binary.MaxVarintLen64]byte
	h.Write(n[:binary.PutUvarint(n[:], uint64(len(s)))])
	h.Write([]byte(s))
}

// WithSecretsHash makes ApplyPod and ApplyTemplate (and ApplyObject, for every template) set
// the annotation AnnotationSecretsHash on the pod or template they return to
// SecretsHash(secrets, Uses(&result.Spec)): the hash of everything the resulting pod consumes,
// the refs just applied and whatever the pod consumed already. A controller that computes
// SecretsHash(lister, Uses(&template.Spec)) for a template therefore gets the same value the
// webhook stamped, as long as the data is the same. A required Secret or key that cannot be read
// is an error; Apply, which has no metadata to stamp, returns an error saying a pod or template
// is needed.
func WithSecretsHash(secrets secretspec.SecretGetter) Option {
	return optionFunc(func(c config) config { c.hash = &secretsHashOption{secrets}; return c })
}

// secretsHashOption is what WithSecretsHash sets.
type secretsHashOption struct{ get secretspec.SecretGetter }

// stampSecretsHash sets AnnotationSecretsHash on meta, which Apply*'s result owns, when opts
// hold WithSecretsHash.
func stampSecretsHash(meta *metav1.ObjectMeta, spec *corev1.PodSpec, opts []Option) error {
	o := secretsHashOf(opts)
	if o == nil {
		return nil
	}
	h, err := SecretsHash(o.get, Uses(spec))
	if err != nil {
		return fmt.Errorf("inject: WithSecretsHash: %w", err)
	}
	if meta.Annotations == nil {
		meta.Annotations = map[string]string{}
	}
	meta.Annotations[AnnotationSecretsHash] = h
	return nil
}

// refuseSecretsHash is Apply's answer to WithSecretsHash: a bare PodSpec has no annotations.
func refuseSecretsHash(opts []Option) error {
	if secretsHashOf(opts) != nil {
		return errors.New("inject: WithSecretsHash needs a pod or a pod template to annotate: use ApplyPod, ApplyTemplate or ApplyObject instead of Apply")
	}
	return nil
}

func secretsHashOf(opts []Option) *secretsHashOption {
	var c config
	for _, o := range opts {
		if o != nil {
			c = o.apply(c)
		}
	}
	return c.hash
}
