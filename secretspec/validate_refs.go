package secretspec

import (
	"slices"
	"strconv"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

// gitSSHCommandVar is the variable a GitSSH ref sets in its containers.
const gitSSHCommandVar = "GIT_SSH_COMMAND"

// ValidateRefs checks each ref at fldPath.Index(i), then the conflicts between
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
func ValidateRefs(refs []Ref, fldPath *field.Path) field.ErrorList {
	var errs field.ErrorList
	norm := make([]Ref, len(refs))
	valid := make([]bool, len(refs))
	for i, r := range refs {
		// A valid ref costs no allocation with a nil path; only an invalid
		// one is validated again, to get its errors at refs[i].
		if valid[i] = len(r.Validate(nil)) == 0; !valid[i] {
			errs = append(errs, r.Validate(fldPath.Index(i))...)
			continue
		}
		norm[i] = r.withDefaults()
	}
	c := conflicts{fldPath: fldPath, refs: norm, envVars: map[string][]*group{}, mounts: map[string][]*group{}}
	for i := range norm {
		if valid[i] {
			errs = append(errs, c.add(i)...)
		}
	}
	return errs
}

// group is a set of recorded refs with one container list that claim the same
// variable, the same mount path, or (for GitSSH) the key of every container.
// Refs of one group share their containers, so they were checked against each
// other: they all deliver the same thing, and the first stands for all.
type group struct {
	containers []string // nil = every container
	first      int      // the first ref recorded
	files      fileTree // Mount groups with chosen keys: the files of the merged volume
}

// conflicts remembers the valid, conflict-free refs seen so far: who sets
// which variable, who mounts at which path, which gitSSH refs exist.
type conflicts struct {
	fldPath *field.Path
	refs    []Ref               // shallow copies with the GitSSH defaults filled in; never modified
	envVars map[string][]*group // variable name -> groups setting it (Env and GitSSH)
	mounts  map[string][]*group // mount path -> groups mounting there (Mount and GitSSH)
	gitSSH  []*group
}

func (c *conflicts) add(i int) field.ErrorList {
	r := c.refs[i]
	ip := lazyPath{parent: c.fldPath, index: i}
	switch r.As {
	case Env:
		if err := c.checkEnvVar(i, r.EnvVar, ip, "envVar"); err != nil {
			return field.ErrorList{err}
		}
		c.envVars[r.EnvVar] = record(c.envVars[r.EnvVar], r.Containers, i)
	case Mount:
		if errs := c.checkMount(i, ip); len(errs) > 0 {
			return errs
		}
		c.mounts[r.MountPath] = c.recordMount(c.mounts[r.MountPath], i)
	case GitSSH:
		for _, g := range c.gitSSH {
			if intersects(r.Containers, g.containers) && !sameGitSSH(r, c.refs[g.first]) {
				return field.ErrorList{field.Forbidden(ip.path(), "only one gitSSH ref per container: "+
					c.describe(g.first)+" already sets "+gitSSHCommandVar)}
			}
		}
		if err := c.checkEnvVar(i, gitSSHCommandVar, ip, ""); err != nil {
			return field.ErrorList{err}
		}
		if errs := c.checkMount(i, ip); len(errs) > 0 {
			return errs
		}
		c.gitSSH = record(c.gitSSH, r.Containers, i)
		c.envVars[gitSSHCommandVar] = record(c.envVars[gitSSHCommandVar], r.Containers, i)
		c.mounts[r.MountPath] = record(c.mounts[r.MountPath], r.Containers, i)
	}
	return nil
}

// record adds ref i to the group of its container list, creating it if needed.
func record(groups []*group, containers []string, i int) []*group {
	if g := findGroup(groups, containers); g != nil {
		return groups
	}
	return append(groups, &group{containers: containers, first: i})
}

// recordMount records a Mount ref and, if it chooses keys, its files.
func (c *conflicts) recordMount(groups []*group, i int) []*group {
	r := c.refs[i]
	groups = record(groups, r.Containers, i)
	g := findGroup(groups, r.Containers)
	for k := range numFiles(r) {
		f := fileOf(r, k)
		g.files.add(f.item.Path, fileOwner{index: i, item: f.item})
	}
	return groups
}

func findGroup(groups []*group, containers []string) *group {
	for _, g := range groups {
		if slices.Equal(g.containers, containers) && (g.containers == nil) == (containers == nil) {
			return g
		}
	}
	return nil
}

// checkEnvVar reports a variable that an earlier ref sets from another source.
// GitSSH against GitSSH is left to the one-gitSSH rule.
// The error is at ip.child, or at ip for an empty child.
func (c *conflicts) checkEnvVar(i int, name string, ip lazyPath, child string) *field.Error {
	r := c.refs[i]
	for _, g := range c.envVars[name] {
		o := c.refs[g.first]
		if r.As == GitSSH && o.As == GitSSH || !intersects(r.Containers, g.containers) {
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
		e.Detail = "also set by " + c.describe(g.first)
		return e
	}
	return nil
}

// checkMount reports a clash at ref i's mount path with an earlier ref: first
// one about the whole mount, else one per file that clashes when merged.
func (c *conflicts) checkMount(i int, ip lazyPath) field.ErrorList {
	r := c.refs[i]
	var merged []*group // groups of keyed mounts of the same Secret, mode and optional flag
	for _, g := range c.mounts[r.MountPath] {
		o := c.refs[g.first]
		if !intersects(r.Containers, g.containers) || r.As == GitSSH && o.As == GitSSH {
			continue
		}
		var detail string
		switch {
		case o.As == GitSSH:
			detail = "it is the gitSSH directory of " + c.describe(g.first)
		case r.As == GitSSH:
			detail = c.describe(g.first) + " mounts there; the gitSSH directory must be a path of its own"
		case r.Secret != o.Secret:
			detail = c.describe(g.first) + " mounts there; a mount path holds one Secret"
		case !sameMode(r.Mode, o.Mode) || r.Optional != o.Optional:
			detail = c.describe(g.first) + " mounts it there with another mode or optional flag; mounts of one Secret at one path must agree on both"
		case allKeys(r) != allKeys(o):
			detail = c.describe(g.first) + " mounts it there with a different choice of keys; at one path, mount either every key or chosen keys"
		case !allKeys(r):
			merged = append(merged, g)
		}
		if detail != "" {
			e := field.Duplicate(ip.path().Child("mountPath"), r.MountPath)
			e.Detail = detail
			return field.ErrorList{e}
		}
	}
	var errs field.ErrorList
	for k := range numFiles(r) {
		f := fileOf(r, k)
		for _, g := range merged {
			clash, o := g.files.clash(f.item.Path)
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
	index  int
}

func (l lazyPath) path() *field.Path { return l.parent.Index(l.index) }

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

// describe names ref j and its source for an error message.
func (c *conflicts) describe(j int) string {
	r := c.refs[j]
	s := "refs[" + strconv.Itoa(j) + "]"
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
	return "refs[" + strconv.Itoa(j) + "] (mount, secret " + strconv.Quote(c.refs[j].Secret) + ", key " + strconv.Quote(key) + ")"
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
