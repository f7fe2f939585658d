package inject

import (
	"cmp"
	"slices"

	corev1 "k8s.io/api/core/v1"

	"github.com/podsecrets/podsecrets/secretspec"
)

// nref is a ref with its defaults filled in and its items in canonical order.
type nref struct {
	r         *secretspec.Ref // the ref itself, read only
	key       string
	mountPath string
	items     []corev1.KeyToPath // Mount, GitSSH: sorted; nil = every key (Mount only)
	hasMode   bool
	mode      int32
	command   string // GitSSH: GIT_SSH_COMMAND
	keyMode   int32  // GitSSH: the key item's mode (its Mode points here)

	containers map[string]struct{} // r.Containers as a set, when it is long
}

// normalize turns refs into nrefs. The items of every ref live in one new backing array
// (never the caller's), sorted by key then path; their Mode pointers still point into the
// refs, which is safe because volumes copy them (see wantMount.volume).
func normalize(refs []secretspec.Ref) []nref {
	out := make([]nref, len(refs))
	total := 0
	for i := range refs {
		if r := &refs[i]; r.As == secretspec.Mount || r.As == secretspec.GitSSH {
			total += len(r.Items) + 1
		}
	}
	var backing []corev1.KeyToPath
	if total > 0 {
		backing = make([]corev1.KeyToPath, 0, total)
	}
	for i := range refs {
		r := &refs[i]
		n := &out[i]
		n.r, n.key, n.mountPath = r, r.Key, r.MountPath
		if r.Mode != nil {
			n.hasMode, n.mode = true, *r.Mode
		}
		if len(r.Containers) > smallList {
			n.containers = make(map[string]struct{}, len(r.Containers))
			for _, c := range r.Containers {
				n.containers[c] = struct{}{}
			}
		}
		start := len(backing)
		switch r.As {
		case secretspec.Mount:
			if r.Key == "" && len(r.Items) == 0 {
				break // every key
			}
			if r.Key != "" {
				backing = append(backing, corev1.KeyToPath{Key: r.Key, Path: r.Key})
			}
			backing = append(backing, r.Items...)
			n.items = sortItems(backing[start:len(backing):len(backing)])
		case secretspec.GitSSH:
			n.key, n.mountPath = gitSSHDefaults(r)
			n.hasMode, n.mode = true, gitSSHMode
			n.keyMode = gitSSHMode
			backing = append(backing, corev1.KeyToPath{Key: n.key, Path: n.key, Mode: &n.keyMode})
			strict := false
			for _, it := range r.Items {
				if it.Path == secretspec.KnownHostsKey {
					strict = true
					backing = append(backing, it)
				}
			}
			n.items = sortItems(backing[start:len(backing):len(backing)])
			n.command = gitSSHCommand(n.mountPath, n.key, strict)
		}
	}
	return out
}

// sortItems sorts items by key then path (then mode) and drops exact duplicates.
func sortItems(items []corev1.KeyToPath) []corev1.KeyToPath {
	slices.SortFunc(items, compareItems)
	return slices.CompactFunc(items, func(a, b corev1.KeyToPath) bool { return compareItems(a, b) == 0 })
}

func compareItems(a, b corev1.KeyToPath) int {
	if c := cmp.Compare(a.Key, b.Key); c != 0 {
		return c
	}
	if c := cmp.Compare(a.Path, b.Path); c != 0 {
		return c
	}
	return cmp.Compare(modeKey(a.Mode), modeKey(b.Mode))
}

// modeKey orders nil before every mode.
func modeKey(m *int32) int64 {
	if m == nil {
		return -1
	}
	return int64(*m)
}

// mergeItems unites two sorted item lists.
func mergeItems(a, b []corev1.KeyToPath) []corev1.KeyToPath {
	out := make([]corev1.KeyToPath, 0, len(a)+len(b))
	out = append(out, a...)
	out = append(out, b...)
	slices.SortFunc(out, compareItems)
	return slices.CompactFunc(out, func(x, y corev1.KeyToPath) bool { return compareItems(x, y) == 0 })
}

// itemsSubset reports whether every item of b is in a (both sorted).
func itemsSubset(a, b []corev1.KeyToPath) bool {
	for _, it := range b {
		if _, ok := slices.BinarySearchFunc(a, it, compareItems); !ok {
			return false
		}
	}
	return true
}

// reaches reports whether ref n reaches the container called name; init says whether it
// is an init container.
func (n *nref) reaches(name string, init, noInit bool) bool {
	if len(n.r.Containers) == 0 {
		return !init || !noInit
	}
	if n.containers != nil {
		_, ok := n.containers[name]
		return ok
	}
	return slices.Contains(n.r.Containers, name)
}

// envKind says where a wanted variable's value comes from.
type envKind uint8

const (
	envSecret  envKind = iota // valueFrom.secretKeyRef
	envLiteral                // value (GIT_SSH_COMMAND)
	envPlain                  // an Extras (or WithEnv) variable, as given
)

// wantEnv is a variable a ref or an Extras wants in a container.
type wantEnv struct {
	name     string
	src      source
	kind     envKind
	secret   string
	key      string
	optional bool
	value    string
	plain    *corev1.EnvVar
}

// wantEnvFrom is an envFrom source a ref wants.
type wantEnvFrom struct {
	src      source
	secret   string
	prefix   string
	optional bool
}

// wantMount is a secret volume a container wants at path: the merge of every ref that
// mounts the same Secret there; or, when plain is set, an Extras' mount, as given.
type wantMount struct {
	src      source
	plain    *corev1.VolumeMount
	path     string
	secret   string
	items    []corev1.KeyToPath
	extra    []corev1.KeyToPath // items of later refs, merged by settleMounts (long lists only)
	hasMode  bool
	mode     int32
	optional bool
}

// source names where a wanted entry comes from: refs[ref], or extras[ref].<list>[item].
type source struct {
	ref  int
	list extrasList
	item int
}

// extrasList is the list of an Extras a wanted entry comes from; fromRef is a ref.
type extrasList uint8

const (
	fromRef extrasList = iota
	fromExtrasEnv
	fromExtrasMounts
)
