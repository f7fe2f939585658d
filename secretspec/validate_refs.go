package secretspec

import (
	"slices"
	"strconv"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

// gitSSHCommandVar is the variable a GitSSH ref sets in its containers.
const gitSSHCommandVar = "GIT_SSH_COMMAND"

// ValidateRefs checks each ref, then the conflicts between
// refs whose container sets intersect (nil means every container): one
// variable from two different sources, two different mounts at one path, item
// files that collide when same-Secret mounts merge, and more than one distinct
// GitSSH ref. A conflict is reported once, on the later ref, naming an earlier
// one. Conflicts are only looked for among refs that are valid on their own
// and not in conflict themselves, so one broken ref does not produce a cascade
// of follow-up errors. Identical refs never conflict. The rules are listed in
// the package documentation. The cost grows linearly with the number of refs
// and items (times the number of distinct container lists sharing a name or
// path).
//
// A ref is named by its Origin when it is set, both in the path of an error
// about it (field.NewPath(Origin), e.g. "transform.secrets[1].envVar") and
// where another ref's error mentions it ("also set by flyte.secrets/s0 …");
// a ref without Origin by fldPath.Index(i) ("refs[2].envVar").
func ValidateRefs(refs []Ref, fldPath *field.Path) field.ErrorList {
	var errs field.ErrorList
	valid := make([]bool, len(refs))
	nGroups := 0
	for i := range refs {
		r := &refs[i]
		// A valid ref costs no allocation with a nil path; only an invalid
		// one is validated again, to get its errors at refs[i].
		if valid[i] = len(r.Validate(nil)) == 0; !valid[i] {
			errs = append(errs, r.Validate(refPath(fldPath, refs, i))...)
			continue
		}
		switch r.As {
		case Env, Mount:
			nGroups++
		case GitSSH:
			nGroups += 3
		}
	}
	c := conflicts{fldPath: fldPath, refs: refs, groups: make([]group, 0, nGroups), heads: make(map[groupKey]int)}
	for i := range refs {
		if valid[i] {
			errs = append(errs, c.add(i)...)
		}
	}
	return errs
}

// groupKind says what the refs of a group claim.
type groupKind uint8

const (
	envGroup    groupKind = iota // a variable (Env and GitSSH)
	mountGroup                   // a mount path (Mount and GitSSH)
	gitSSHGroup                  // the GitSSH key of every container (key "")
)

// group is a set of recorded refs with one container list that claim the same
// variable, the same mount path, or (for GitSSH) the key of every container.
// Refs of one group share their containers, so they were checked against each
// other: they all deliver the same thing, and the first stands for all.
type group struct {
	kind       groupKind
	key        string   // the variable or mount path
	containers []string // nil = every container
	first      int      // the first ref recorded
	next       int      // the next group of the same kind and key, or -1
	files      fileTree // Mount groups with chosen keys: the files of the merged volume
}

// groupKey names the groups of one kind and key.
type groupKey struct {
	kind groupKind
	key  string
}

// conflicts remembers the valid, conflict-free refs seen so far: who sets
// which variable, who mounts at which path, which gitSSH refs exist. The
// groups of one kind and key are chained through group.next in the order
// recorded.
type conflicts struct {
	fldPath *field.Path
	refs    []Ref            // the caller's refs, read through ref; never modified
	groups  []group          // every group, in the order recorded
	heads   map[groupKey]int // kind and key -> first group
}

// ref returns ref i with the GitSSH defaults filled in.
func (c *conflicts) ref(i int) Ref { return c.refs[i].withDefaults() }

// head returns the first group of kind k and key, or -1.
func (c *conflicts) head(k groupKind, key string) int {
	if g, ok := c.heads[groupKey{k, key}]; ok {
		return g
	}
	return -1
}

func (c *conflicts) add(i int) field.ErrorList {
	r := c.ref(i)
	ip := lazyPath{parent: c.fldPath, refs: c.refs, index: i}
	switch r.As {
	case Env:
		if err := c.checkEnvVar(i, &r, r.EnvVar, ip, "envVar"); err != nil {
			return field.ErrorList{err}
		}
		c.record(envGroup, r.EnvVar, r.Containers, i)
	case Mount:
		if errs := c.checkMount(i, &r, ip); len(errs) > 0 {
			return errs
		}
		c.recordMount(i, &r)
	case GitSSH:
		for g := c.head(gitSSHGroup, ""); g >= 0; g = c.groups[g].next {
			if first := c.groups[g].first; intersects(r.Containers, c.groups[g].containers) && !sameGitSSH(r, c.ref(first)) {
				return field.ErrorList{field.Forbidden(ip.path(), "only one gitSSH ref per container: "+
					c.describe(first)+" already sets "+gitSSHCommandVar)}
			}
		}
		if err := c.checkEnvVar(i, &r, gitSSHCommandVar, ip, ""); err != nil {
			return field.ErrorList{err}
		}
		if errs := c.checkMount(i, &r, ip); len(errs) > 0 {
			return errs
		}
		c.record(gitSSHGroup, "", r.Containers, i)
		c.record(envGroup, gitSSHCommandVar, r.Containers, i)
		c.record(mountGroup, r.MountPath, r.Containers, i)
	}
	return nil
}

// record adds ref i to the group of kind k, key and its container list,
// creating the group if needed, and returns the group's index.
func (c *conflicts) record(k groupKind, key string, containers []string, i int) int {
	last := -1
	for g := c.head(k, key); g >= 0; g = c.groups[g].next {
		if sameContainers(c.groups[g].containers, containers) {
			return g
		}
		last = g
	}
	g := len(c.groups)
	c.groups = append(c.groups, group{kind: k, key: key, containers: containers, first: i, next: -1})
	if last >= 0 {
		c.groups[last].next = g
	} else {
		c.heads[groupKey{k, key}] = g
	}
	return g
}

// recordMount records a Mount ref r (ref i) and, if it chooses keys, its files.
func (c *conflicts) recordMount(i int, r *Ref) {
	g := &c.groups[c.record(mountGroup, r.MountPath, r.Containers, i)]
	for k := range numFiles(*r) {
		f := fileOf(*r, k)
		g.files.add(f.item.Path, fileOwner{index: i, item: f.item})
	}
}

// sameContainers reports whether two container lists are the same list (nil
// and empty differ).
func sameContainers(a, b []string) bool {
	return slices.Equal(a, b) && (a == nil) == (b == nil)
}

// checkEnvVar reports a variable that an earlier ref sets from another source.
// GitSSH against GitSSH is left to the one-gitSSH rule.
// The error is at ip.child, or at ip for an empty child.
func (c *conflicts) checkEnvVar(i int, r *Ref, name string, ip lazyPath, child string) *field.Error {
	for g := c.head(envGroup, name); g >= 0; g = c.groups[g].next {
		o := &c.refs[c.groups[g].first] // Env and GitSSH fields without defaults suffice here
		if r.As == GitSSH && o.As == GitSSH || !intersects(r.Containers, c.groups[g].containers) {
			continue
		}
		if r.As == Env && o.As == Env && r.Secret == o.Secret && r.Key == o.Key && r.Optional == o.Optional {
			continue
		}
		p := ip.path()
		if child != "" {
			p = p.Child(child)
		}
		e := field.Duplicate(p, name)
		e.Detail = "also set by " + c.describe(c.groups[g].first)
		return e
	}
	return nil
}

// checkMount reports a clash at ref i's mount path with an earlier ref: first
// one about the whole mount, else one per file that clashes when merged.
func (c *conflicts) checkMount(i int, r *Ref, ip lazyPath) field.ErrorList {
	merge := false // whether keyed mounts of the same Secret, mode and optional flag are there
	for g := c.head(mountGroup, r.MountPath); g >= 0; g = c.groups[g].next {
		o := &c.refs[c.groups[g].first] // the fields compared below need no defaults
		if !intersects(r.Containers, c.groups[g].containers) || r.As == GitSSH && o.As == GitSSH {
			continue
		}
		var detail string
		switch {
		case o.As == GitSSH:
			detail = "it is the gitSSH directory of " + c.describe(c.groups[g].first)
		case r.As == GitSSH:
			detail = c.describe(c.groups[g].first) + " mounts there; the gitSSH directory must be a path of its own"
		case r.Secret != o.Secret:
			detail = c.describe(c.groups[g].first) + " mounts there; a mount path holds one Secret"
		case !sameMode(r.Mode, o.Mode) || r.Optional != o.Optional:
			detail = c.describe(c.groups[g].first) + " mounts it there with another mode or optional flag; mounts of one Secret at one path must agree on both"
		case allKeys(*r) != allKeys(*o):
			detail = c.describe(c.groups[g].first) + " mounts it there with a different choice of keys; at one path, mount either every key or chosen keys"
		case !allKeys(*r):
			merge = true
		}
		if detail != "" {
			e := field.Duplicate(ip.path().Child("mountPath"), r.MountPath)
			e.Detail = detail
			return field.ErrorList{e}
		}
	}
	if !merge {
		return nil
	}
	// Every group that intersects r's containers holds keyed mounts of the
	// same Secret, mode and optional flag: the loop above returned otherwise.
	var errs field.ErrorList
	for k := range numFiles(*r) {
		f := fileOf(*r, k)
		for g := c.head(mountGroup, r.MountPath); g >= 0; g = c.groups[g].next {
			if !intersects(r.Containers, c.groups[g].containers) {
				continue
			}
			clash, o := c.groups[g].files.clash(f.item.Path)
			if clash == clashNone || clash == clashSame && f.item.Key == o.item.Key && sameMode(f.item.Mode, o.item.Mode) {
				continue
			}
			other := c.describeFile(o.index, o.item.Key)
			if clash == clashSame && f.item.Key == o.item.Key {
				errs = append(errs, field.Invalid(f.fieldPath(ip.path(), "mode"), formatOptionalMode(f.item.Mode),
					"differs from the mode "+formatOptionalMode(o.item.Mode)+" of the same file in "+other))
			} else {
				errs = append(errs, itemClash(f.fieldPath(ip.path(), "path"), f.item.Path, clash, other))
			}
			break
		}
	}
	return errs
}

// lazyPath is the field path of refs[index], built only for an error.
type lazyPath struct {
	parent *field.Path
	refs   []Ref
	index  int
}

func (l lazyPath) path() *field.Path { return refPath(l.parent, l.refs, l.index) }

// refPath is the field path of refs[i]: its Origin when set, else parent.Index(i).
func refPath(parent *field.Path, refs []Ref, i int) *field.Path {
	if o := refs[i].Origin; o != "" {
		return field.NewPath(o)
	}
	return parent.Index(i)
}

// file is one file a keyed mount writes: Items[index], or the Key for -1.
type file struct {
	item  corev1.KeyToPath
	index int
}

// fieldPath is where the file's path ("path") or mode ("mode") is set.
func (f file) fieldPath(ref *field.Path, child string) *field.Path {
	if f.index < 0 {
		if child == "path" {
			return ref.Child("key")
		}
		return ref.Child("mode")
	}
	return ref.Child("items").Index(f.index).Child(child)
}

// numFiles counts the files of a keyed Mount (Key K is the item {K, K}) or of
// a GitSSH ref's Items; an every-key mount has none listed.
func numFiles(r Ref) int {
	if r.As == Mount && r.Key != "" {
		return 1
	}
	return len(r.Items)
}

// fileOf returns file k of r, 0 <= k < numFiles(r).
func fileOf(r Ref, k int) file {
	if r.As == Mount && r.Key != "" {
		return file{item: corev1.KeyToPath{Key: r.Key, Path: r.Key}, index: -1}
	}
	return file{item: r.Items[k], index: k}
}

// allKeys reports whether a Mount ref mounts every key of its Secret.
func allKeys(r Ref) bool { return r.Key == "" && len(r.Items) == 0 }

// refAt names ref j as the errors' own paths do: by its Origin when set, else
// by the caller's path ("refs[j]" for a nil path).
func (c *conflicts) refAt(j int) string {
	if o := c.refs[j].Origin; o != "" {
		return o
	}
	if c.fldPath == nil {
		return "refs[" + strconv.Itoa(j) + "]"
	}
	return c.fldPath.Index(j).String()
}

// describe names ref j and its source for an error message.
func (c *conflicts) describe(j int) string {
	r := c.refs[j]
	s := c.refAt(j)
	switch r.As {
	case Env:
		s += " from secret " + strconv.Quote(r.Secret) + " key " + strconv.Quote(r.Key)
		if r.Optional {
			s += " (optional)"
		}
	case GitSSH:
		s += " (gitSSH, secret " + strconv.Quote(r.Secret) + ")"
	default:
		s += " (" + string(r.As) + ", secret " + strconv.Quote(r.Secret) + ")"
	}
	return s
}

// describeFile names the file of key in mount ref j for an error message.
func (c *conflicts) describeFile(j int, key string) string {
	return c.refAt(j) + " (mount, secret " + strconv.Quote(c.refs[j].Secret) + ", key " + strconv.Quote(key) + ")"
}

// intersects reports whether two container selections share a container; nil
// selects every container.
func intersects(a, b []string) bool {
	if a == nil || b == nil {
		return true
	}
	for _, x := range a {
		for _, y := range b {
			if x == y {
				return true
			}
		}
	}
	return false
}

func sameMode(a, b *int32) bool {
	if a == nil || b == nil {
		return a == b
	}
	return *a == *b
}

// sameGitSSH reports whether two normalized GitSSH refs deliver the same thing
// (containers aside); a nil Mode and 0400 are the same for GitSSH.
func sameGitSSH(a, b Ref) bool {
	if a.Secret != b.Secret || a.Key != b.Key || a.MountPath != b.MountPath || a.Optional != b.Optional ||
		len(a.Items) != len(b.Items) {
		return false
	}
	for k := range a.Items {
		x, y := a.Items[k], b.Items[k]
		if x.Key != y.Key || x.Path != y.Path || !sameMode(x.Mode, y.Mode) {
			return false
		}
	}
	return true
}

// formatOptionalMode writes a mode for a message, "unset" for nil.
func formatOptionalMode(m *int32) string {
	if m == nil {
		return "unset"
	}
	return formatMode(*m)
}
