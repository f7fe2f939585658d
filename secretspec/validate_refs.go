package secretspec

import (
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
// GitSSH ref. Conflicts are reported on the later ref, naming the earlier one.
// Conflicts are only looked for among refs that are valid on their own, so a
// broken ref does not produce a cascade of follow-up errors. Identical refs
// never conflict. The rules are listed in the package documentation.
func ValidateRefs(refs []Ref, fldPath *field.Path) field.ErrorList {
	var errs field.ErrorList
	norm := make([]Ref, len(refs))
	valid := make([]bool, len(refs))
	for i, r := range refs {
		refErrs := r.Validate(fldPath.Index(i))
		errs = append(errs, refErrs...)
		valid[i] = len(refErrs) == 0
		if valid[i] {
			norm[i] = r.Normalize()
		}
	}
	c := conflicts{fldPath: fldPath, refs: norm, envVars: map[string][]int{}, mounts: map[string][]int{}}
	for i := range norm {
		if valid[i] {
			errs = append(errs, c.add(i)...)
		}
	}
	return errs
}

// conflicts remembers, for the valid refs seen so far, who sets which variable
// and who mounts at which path.
type conflicts struct {
	fldPath *field.Path
	refs    []Ref            // normalized
	envVars map[string][]int // variable name -> refs setting it (Env and GitSSH)
	mounts  map[string][]int // mount path -> refs mounting there (Mount and GitSSH)
	gitSSH  []int
}

func (c *conflicts) add(i int) field.ErrorList {
	var errs field.ErrorList
	r := c.refs[i]
	ip := c.fldPath.Index(i)
	switch r.As {
	case Env:
		errs = append(errs, c.checkEnvVar(i, r.EnvVar, ip.Child("envVar"))...)
	case Mount:
		errs = append(errs, c.checkMount(i, ip)...)
	case GitSSH:
		for _, j := range c.gitSSH {
			if intersects(r.Containers, c.refs[j].Containers) && !sameGitSSH(r, c.refs[j]) {
				errs = append(errs, field.Forbidden(ip, "only one gitSSH ref per container: "+
					c.describe(j)+" already sets "+gitSSHCommandVar))
				break
			}
		}
		c.gitSSH = append(c.gitSSH, i)
		errs = append(errs, c.checkEnvVar(i, gitSSHCommandVar, ip)...)
		errs = append(errs, c.checkMount(i, ip)...)
	}
	return errs
}

// checkEnvVar reports a variable that an earlier ref sets from another source,
// then records ref i as setting it. GitSSH against GitSSH is left to the
// one-gitSSH rule.
func (c *conflicts) checkEnvVar(i int, name string, p *field.Path) field.ErrorList {
	var errs field.ErrorList
	r := c.refs[i]
	for _, j := range c.envVars[name] {
		o := c.refs[j]
		if r.As == GitSSH && o.As == GitSSH || !intersects(r.Containers, o.Containers) {
			continue
		}
		if r.As == Env && o.As == Env && r.Secret == o.Secret && r.Key == o.Key && r.Optional == o.Optional {
			continue
		}
		e := field.Duplicate(p, name)
		e.Detail = "also set by " + c.describe(j)
		errs = append(errs, e)
		break
	}
	c.envVars[name] = append(c.envVars[name], i)
	return errs
}

// checkMount reports a clash at ref i's mount path with an earlier ref, then
// records ref i as mounting there.
func (c *conflicts) checkMount(i int, ip *field.Path) field.ErrorList {
	var errs field.ErrorList
	r := c.refs[i]
	mp := ip.Child("mountPath")
	var merged []int // earlier keyed mounts of the same Secret, mode and optional flag
	for _, j := range c.mounts[r.MountPath] {
		o := c.refs[j]
		if !intersects(r.Containers, o.Containers) || r.As == GitSSH && o.As == GitSSH {
			continue
		}
		var detail string
		switch {
		case o.As == GitSSH:
			detail = "it is the gitSSH directory of " + c.describe(j)
		case r.As == GitSSH:
			detail = c.describe(j) + " mounts there; the gitSSH directory must be a path of its own"
		case r.Secret != o.Secret:
			detail = c.describe(j) + " mounts there; a mount path holds one Secret"
		case !sameMode(r.Mode, o.Mode) || r.Optional != o.Optional:
			detail = c.describe(j) + " mounts it there with another mode or optional flag; mounts of one Secret at one path must agree on both"
		case allKeys(r) != allKeys(o):
			detail = c.describe(j) + " mounts it there with a different choice of keys; at one path, mount either every key or chosen keys"
		case !allKeys(r):
			merged = append(merged, j)
		}
		if detail != "" {
			e := field.Duplicate(mp, r.MountPath)
			e.Detail = detail
			errs = append(errs, e)
			merged = nil
			break
		}
	}
	for _, f := range files(r, ip) {
	files:
		for _, j := range merged {
			for _, g := range files(c.refs[j], nil) {
				clash := pathClash(f.item.Path, g.item.Path)
				if clash == clashNone || clash == clashSame && f.item.Key == g.item.Key && sameMode(f.item.Mode, g.item.Mode) {
					continue
				}
				other := c.describeFile(j, g.item.Key)
				if clash == clashSame && f.item.Key == g.item.Key {
					errs = append(errs, field.Invalid(f.modePath, formatOptionalMode(f.item.Mode),
						"differs from the mode "+formatOptionalMode(g.item.Mode)+" of the same file in "+other))
				} else {
					errs = append(errs, itemClash(f.path, f.item.Path, clash, other))
				}
				break files
			}
		}
	}
	c.mounts[r.MountPath] = append(c.mounts[r.MountPath], i)
	return errs
}

// file is one file a keyed mount writes, with the field paths to blame.
type file struct {
	item     corev1.KeyToPath
	path     *field.Path // where the file's path is set
	modePath *field.Path // where the file's mode is set
}

// files lists the files of a keyed Mount (Key K is the item {K, K}) or of a
// GitSSH ref's Items; an every-key mount lists none.
func files(r Ref, ip *field.Path) []file {
	if r.As == Mount && r.Key != "" {
		return []file{{item: corev1.KeyToPath{Key: r.Key, Path: r.Key}, path: ip.Child("key"), modePath: ip.Child("mode")}}
	}
	out := make([]file, len(r.Items))
	for k, it := range r.Items {
		p := ip.Child("items").Index(k)
		out[k] = file{item: it, path: p.Child("path"), modePath: p.Child("mode")}
	}
	return out
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
