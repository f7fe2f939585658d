package propagate

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"maps"
	"slices"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/types"
)

// The ownership marks podsecrets puts on every copy.
const (
	// LabelManagedBy is on every copy podsecrets made; its value is ManagedBy.
	LabelManagedBy = "podsecrets.io/managed-by"
	// ManagedBy is the value of LabelManagedBy.
	ManagedBy = "podsecrets"
	// LabelSourceNamespace names the namespace of the copy's source.
	LabelSourceNamespace = "podsecrets.io/source-namespace"
	// AnnotationSourceName names the copy's source (the copy has the same name).
	AnnotationSourceName = "podsecrets.io/source-name"
	// AnnotationSourceUID holds the UID of the source the copy was made from.
	AnnotationSourceUID = "podsecrets.io/source-uid"
	// AnnotationContentHash holds the hex HMAC-SHA256, keyed with the source's UID, of the
	// copy's type, data, immutable flag and tree annotation when it was written. It is
	// informational: staleness is decided by hashing the live copy.
	AnnotationContentHash = "podsecrets.io/content-hash"
	// AnnotationTree is the annotation encode.Tree writes and encode.TreeItems reads; it is
	// the only annotation of the source that a copy carries.
	AnnotationTree = "podsecrets.io/tree"
)

// helmReleaseType is the type of Helm's release records, which are never sources.
const helmReleaseType corev1.SecretType = "helm.sh/release.v1"

// Labels that mark who owns a Secret.
const (
	helmOwnerLabel  = "owner" // "helm" on Helm release records
	helmOwnerValue  = "helm"
	managedByAppKey = "app.kubernetes.io/managed-by"
	copyAnnotations = 3 // our annotations besides the tree annotation
)

// copySource reports which source s is a podsecrets copy of, if it carries our marks.
func copySource(s *corev1.Secret) (types.NamespacedName, bool) {
	if s.Labels[LabelManagedBy] != ManagedBy {
		return types.NamespacedName{}, false
	}
	return types.NamespacedName{Namespace: s.Labels[LabelSourceNamespace], Name: s.Annotations[AnnotationSourceName]}, true
}

// owns reports whether s is a copy of source made by podsecrets.
func owns(source types.NamespacedName, s *corev1.Secret) bool {
	from, ok := copySource(s)
	return ok && from == source
}

// contentHash hashes what a copy must equal: type, data, immutable and tree annotation.
// nil and false immutable are the same, as are nil and empty data.
func contentHash(key types.UID, s *corev1.Secret) string {
	h := hmac.New(sha256.New, []byte(key))
	var buf []byte
	str := func(v string) {
		buf = binary.AppendUvarint(buf[:0], uint64(len(v)))
		h.Write(buf)
		h.Write([]byte(v))
	}
	str(string(s.Type))
	if s.Immutable != nil && *s.Immutable {
		h.Write([]byte{1})
	} else {
		h.Write([]byte{0})
	}
	if tree, ok := s.Annotations[AnnotationTree]; ok {
		h.Write([]byte{1})
		str(tree)
	} else {
		h.Write([]byte{0})
	}
	buf = binary.AppendUvarint(buf[:0], uint64(len(s.Data)))
	h.Write(buf)
	for _, k := range slices.Sorted(maps.Keys(s.Data)) {
		str(k)
		v := s.Data[k]
		buf = binary.AppendUvarint(buf[:0], uint64(len(v)))
		h.Write(buf)
		h.Write(v)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// desiredCopy is the copy of src in namespace ns. It shares src's data (never modified).
func desiredCopy(src *corev1.Secret, ns, hash string) *corev1.Secret {
	ann := make(map[string]string, copyAnnotations+1)
	ann[AnnotationSourceName] = src.Name
	ann[AnnotationSourceUID] = string(src.UID)
	ann[AnnotationContentHash] = hash
	if tree, ok := src.Annotations[AnnotationTree]; ok {
		ann[AnnotationTree] = tree
	}
	c := &corev1.Secret{
		Type: src.Type,
		Data: src.Data,
	}
	c.Name = src.Name
	c.Namespace = ns
	c.Labels = map[string]string{LabelManagedBy: ManagedBy, LabelSourceNamespace: src.Namespace}
	c.Annotations = ann
	if src.Immutable != nil {
		c.Immutable = new(bool)
		*c.Immutable = *src.Immutable
	}
	return c
}

// marksCurrent reports whether live carries exactly the marks a fresh copy of src would carry.
func marksCurrent(src *corev1.Secret, live *corev1.Secret, hash string) bool {
	return live.Labels[LabelManagedBy] == ManagedBy &&
		live.Labels[LabelSourceNamespace] == src.Namespace &&
		live.Annotations[AnnotationSourceName] == src.Name &&
		live.Annotations[AnnotationSourceUID] == string(src.UID) &&
		live.Annotations[AnnotationContentHash] == hash
}
