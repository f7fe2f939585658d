package secretspec

import (
	"path"
	"slices"
	"strconv"
	"strings"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/podsecrets/podsecrets/internal/validation"
)

// Length limits of the kubelet, which writes secret volumes: a path of at
// most 4096 bytes, each of its elements at most 255 bytes.
const (
	maxPathLength     = 4096
	maxFileNameLength = 255
)

// maxFileMode is the largest file mode Kubernetes accepts (0777).
const maxFileMode = 0o777

// gitSSHMode is the only file mode a GitSSH ref may ask for.
const gitSSHMode = 0o400

// fileModeMsg is Kubernetes' own message for a mode outside 0..0777.
const fileModeMsg = "must be a number between 0 and 0777 (octal), both inclusive"

// supportedDeliveries lists the five deliveries, in documentation order.
func supportedDeliveries() []Delivery {
	return []Delivery{Env, EnvFrom, Mount, PullSecret, GitSSH}
}

func (d Delivery) known() bool {
	switch d {
	case Env, EnvFrom, Mount, PullSecret, GitSSH:
		return true
	}
	return false
}

// Validate checks one ref and returns every problem, each with its field path
// below fldPath (secret, key, as, envVar, prefix, mountPath, items[i].key,
// items[i].path, items[i].mode, mode, optional, containers[i]). A nil list
// means the ref is valid. The rules are listed in the package documentation.
// Validate never reports a Secret's data: refs hold only names.
func (r Ref) Validate(fldPath *field.Path) field.ErrorList {
	var errs field.ErrorList
	if !r.As.known() {
		errs = append(errs, field.NotSupported(fldPath.Child("as"), string(r.As), supportedDeliveries()))
	}
	// Field paths are built only for errors: a valid ref allocates nothing.
	errs = append(errs, validateSecretName(r.Secret, fldPath, "secret")...)
	if r.Key != "" {
		errs = append(errs, validateKey(r.Key, fldPath, "key")...)
	}
	if r.EnvVar != "" {
		errs = append(errs, validateEnvVarName(r.EnvVar, fldPath, "envVar")...)
	}
	if r.Prefix != "" {
		errs = append(errs, validateEnvVarName(r.Prefix, fldPath, "prefix")...)
	}
	if r.MountPath != "" {
		errs = append(errs, validateMountPath(r.MountPath, fldPath, "mountPath")...)
	}
	errs = append(errs, validateItems(r.Items, fldPath)...)
	if r.Mode != nil {
		errs = append(errs, validateMode(*r.Mode, fldPath, "mode")...)
	}
	errs = append(errs, validateContainers(r.Containers, fldPath, "containers")...)
	errs = append(errs, r.validateForDelivery(fldPath)...)
	return errs
}

// validateForDelivery checks which fields the delivery requires and which it
// does not use. An unknown delivery has no such rules.
func (r Ref) validateForDelivery(fldPath *field.Path) field.ErrorList {
	var errs field.ErrorList
	forbid := func(set bool, name, detail string) {
		if set {
			errs = append(errs, field.Forbidden(fldPath.Child(name), detail))
		}
	}
	const (
		noEnvVar     = "only env refs name a variable"
		noPrefix     = "only envFrom refs take a prefix"
		noMountPath  = "only mount and gitSSH refs have a mount path"
		noItems      = "only mount and gitSSH refs list items"
		noMode       = "only mount and gitSSH refs set a file mode"
		noPullOption = "imagePullSecrets has no optional flag"
		noPullCtrs   = "imagePullSecrets apply to the whole pod, not to chosen containers"
	)
	switch r.As {
	case Env:
		if r.Key == "" {
			errs = append(errs, field.Required(fldPath.Child("key"), "an env ref delivers one key"))
		}
		if r.EnvVar == "" {
			errs = append(errs, field.Required(fldPath.Child("envVar"), "an env ref names the variable it sets"))
		}
		forbid(r.Prefix != "", "prefix", noPrefix)
		forbid(r.MountPath != "", "mountPath", noMountPath)
		forbid(len(r.Items) > 0, "items", noItems)
		forbid(r.Mode != nil, "mode", noMode)
	case EnvFrom:
		forbid(r.Key != "", "key", "envFrom delivers every key; use an env ref for a single key")
		forbid(r.EnvVar != "", "envVar", noEnvVar+"; envFrom takes a prefix")
		forbid(r.MountPath != "", "mountPath", noMountPath)
		forbid(len(r.Items) > 0, "items", noItems)
		forbid(r.Mode != nil, "mode", noMode)
	case Mount:
		forbid(r.EnvVar != "", "envVar", noEnvVar)
		forbid(r.Prefix != "", "prefix", noPrefix)
		if r.MountPath == "" {
			errs = append(errs, field.Required(fldPath.Child("mountPath"), "a mount ref needs an absolute directory"))
		}
		forbid(r.Key != "" && len(r.Items) > 0, "items",
			"may not be set together with key; use either key (one file named after the key) or items")
	case PullSecret:
		forbid(r.Key != "", "key", "a pull secret is used whole; it has no key")
		forbid(r.EnvVar != "", "envVar", noEnvVar)
		forbid(r.Prefix != "", "prefix", noPrefix)
		forbid(r.MountPath != "", "mountPath", noMountPath)
		forbid(len(r.Items) > 0, "items", noItems)
		forbid(r.Mode != nil, "mode", noMode)
		forbid(r.Optional, "optional", noPullOption)
		forbid(r.Containers != nil, "containers", noPullCtrs)
	case GitSSH:
		forbid(r.EnvVar != "", "envVar", noEnvVar+"; gitSSH sets GIT_SSH_COMMAND")
		forbid(r.Prefix != "", "prefix", noPrefix)
		if r.Mode != nil && *r.Mode != gitSSHMode {
			errs = append(errs, field.Invalid(fldPath.Child("mode"), formatMode(*r.Mode),
				"a gitSSH key file is always 0400; leave mode unset or set it to 0400"))
		}
		key := r.Key
		if key == "" {
			key = DefaultGitSSHKey
		}
		for i, it := range r.Items {
			switch {
			case it.Path != KnownHostsKey:
				errs = append(errs, field.NotSupported(fldPath.Child("items").Index(i).Child("path"), it.Path, []string{KnownHostsKey}))
			case key == KnownHostsKey:
				errs = append(errs, field.Invalid(fldPath.Child("items").Index(i).Child("path"), it.Path,
					"collides with the private key file, whose key is also \""+KnownHostsKey+"\""))
			}
		}
	}
	return errs
}

func validateSecretName(name string, parent *field.Path, child string) field.ErrorList {
	if name == "" {
		return field.ErrorList{field.Required(parent.Child(child), "the name of a Secret in the pod's namespace")}
	}
	return invalidName(validation.DNS1123SubdomainProblem(name), name, parent, child)
}

func validateKey(key string, parent *field.Path, child string) field.ErrorList {
	return invalidName(validation.ConfigMapKeyProblem(key), key, parent, child)
}

func validateEnvVarName(name string, parent *field.Path, child string) field.ErrorList {
	return invalidName(validation.RelaxedEnvVarNameProblem(name), name, parent, child)
}

// invalidName turns the message of a worded name check (internal/validation's …Problem) into
// one Invalid error at parent.child; no message, no error (and no allocation).
func invalidName(msg, value string, parent *field.Path, child string) field.ErrorList {
	if msg == "" {
		return nil
	}
	return field.ErrorList{field.Invalid(parent.Child(child), value, msg)}
}

func validateMountPath(mp string, parent *field.Path, child string) field.ErrorList {
	if len(mp) <= maxPathLength && path.IsAbs(mp) && mp != "/" && path.Clean(mp) == mp &&
		strings.IndexByte(mp, 0) < 0 && elementsFit(mp) {
		return nil
	}
	p := parent.Child(child)
	var errs field.ErrorList
	if len(mp) > maxPathLength {
		errs = append(errs, field.TooLong(p, mp, maxPathLength))
	}
	if !elementsFit(mp) {
		errs = append(errs, field.Invalid(p, field.OmitValueType{}, elementTooLongMsg))
	}
	switch {
	case !path.IsAbs(mp):
		errs = append(errs, field.Invalid(p, mp, "must be an absolute path"))
	case mp == "/":
		errs = append(errs, field.Invalid(p, mp, "must not be the root directory"))
	case path.Clean(mp) != mp:
		errs = append(errs, field.Invalid(p, mp,
			`must be a clean path: no "." or ".." elements, no repeated or trailing "/"`))
	}
	if strings.IndexByte(mp, 0) >= 0 {
		errs = append(errs, field.Invalid(p, mp, "must not contain a NUL byte"))
	}
	return errs
}

// validateItems checks each item as Kubernetes checks a KeyToPath, plus that
// no two items write the same file and no file is another one's directory.
func validateItems(items []corev1.KeyToPath, parent *field.Path) field.ErrorList {
	var errs field.ErrorList
	var tree *fileTree // for more than smallItems items
	if len(items) > smallItems {
		tree = &fileTree{}
	}
	for i, it := range items {
		ip := func(child string) *field.Path { return parent.Child("items").Index(i).Child(child) }
		if it.Key == "" {
			errs = append(errs, field.Required(ip("key"), "the Secret key to write to the file"))
		} else if msg := validation.ConfigMapKeyProblem(it.Key); msg != "" {
			errs = append(errs, field.Invalid(ip("key"), it.Key, msg))
		}
		pathOK := validItemPath(it.Path)
		if !pathOK {
			errs = append(errs, validateItemPath(it.Path, ip("path"))...)
		}
		if it.Mode != nil && !validMode(*it.Mode) {
			errs = append(errs, validateMode(*it.Mode, parent.Child("items").Index(i), "mode")...)
		}
		if !pathOK {
			continue
		}
		if tree != nil {
			if clash, o := tree.clash(it.Path); clash != clashNone {
				errs = append(errs, itemClash(ip("path"), it.Path, clash, describeItem(o.index, o.item.Key)))
			}
			tree.add(it.Path, fileOwner{index: i, item: it})
			continue
		}
		for j := range i {
			if !validItemPath(items[j].Path) {
				continue
			}
			if clash := pathClash(it.Path, items[j].Path); clash != clashNone {
				errs = append(errs, itemClash(ip("path"), it.Path, clash, describeItem(j, items[j].Key)))
				break
			}
		}
	}
	return errs
}

// smallItems is the number of items up to which validateItems compares every
// pair of paths (allocating nothing) instead of building a fileTree.
const smallItems = 8

// describeItem names item j for an error message.
func describeItem(j int, key string) string {
	return "items[" + strconv.Itoa(j) + "] (key " + strconv.Quote(key) + ")"
}

// itemClash reports a file path that another item, named by other, also
// claims; clash is what pathClash said.
func itemClash(p *field.Path, itemPath string, clash pathClashKind, other string) *field.Error {
	switch clash {
	case clashSame:
		e := field.Duplicate(p, itemPath)
		e.Detail = "also written by " + other
		return e
	case clashIsDir:
		return field.Invalid(p, itemPath, "is a directory of a file written by "+other)
	default:
		return field.Invalid(p, itemPath, "lies below a file written by "+other)
	}
}

// pathClashKind says how two item paths clash.
type pathClashKind int

// The ways two item paths can clash.
const (
	clashNone  pathClashKind = iota
	clashSame                // the same file
	clashIsDir               // the first is a directory of the second
	clashBelow               // the first lies inside the second, a file
)

// pathClash compares two valid relative item paths after cleaning them.
func pathClash(a, b string) pathClashKind {
	a, b = path.Clean(a), path.Clean(b)
	switch {
	case a == b:
		return clashSame
	case strings.HasPrefix(b, a+"/"):
		return clashIsDir
	case strings.HasPrefix(a, b+"/"):
		return clashBelow
	}
	return clashNone
}

// elementTooLongMsg explains a path element longer than the kubelet accepts.
const elementTooLongMsg = "every element of the path must be no more than 255 bytes"

// elementsFit reports whether every "/"-separated element of p is at most
// maxFileNameLength bytes long.
func elementsFit(p string) bool {
	for len(p) > maxFileNameLength {
		i := strings.IndexByte(p, '/')
		if i < 0 || i > maxFileNameLength {
			return false
		}
		p = p[i+1:]
	}
	return true
}

// validItemPath reports, without allocating, whether validateItemPath would
// find nothing wrong with ip.
func validItemPath(ip string) bool {
	if ip == "" || len(ip) > maxPathLength || ip[0] == '/' || strings.HasPrefix(ip, "..") || strings.IndexByte(ip, 0) >= 0 {
		return false
	}
	for rest := ip; ; {
		elem, after, more := strings.Cut(rest, "/")
		if elem == ".." || len(elem) > maxFileNameLength {
			return false
		}
		if !more {
			break
		}
		rest = after
	}
	return path.Clean(ip) != "."
}

// validateItemPath applies Kubernetes' rules for a KeyToPath path: required,
// relative, no ".." element, not starting with ".."; and the kubelet's: at
// most 4096 bytes, elements of at most 255; and no NUL byte.
func validateItemPath(ip string, p *field.Path) field.ErrorList {
	if ip == "" {
		return field.ErrorList{field.Required(p, "the file's path relative to the mount path")}
	}
	var errs field.ErrorList
	if len(ip) > maxPathLength {
		errs = append(errs, field.TooLong(p, ip, maxPathLength))
	}
	if !elementsFit(ip) {
		errs = append(errs, field.Invalid(p, field.OmitValueType{}, elementTooLongMsg))
	}
	if path.IsAbs(ip) {
		errs = append(errs, field.Invalid(p, ip, "must be a relative path"))
	}
	for _, elem := range strings.Split(ip, "/") {
		if elem == ".." {
			errs = append(errs, field.Invalid(p, ip, "must not contain '..'"))
			break
		}
	}
	if strings.HasPrefix(ip, "..") {
		errs = append(errs, field.Invalid(p, ip, "must not start with '..'"))
	}
	if path.Clean(ip) == "." {
		errs = append(errs, field.Invalid(p, ip, "must name a file, not the mount path itself"))
	}
	if strings.IndexByte(ip, 0) >= 0 {
		errs = append(errs, field.Invalid(p, ip, "must not contain a NUL byte"))
	}
	return errs
}

func validMode(m int32) bool { return 0 <= m && m <= maxFileMode }

func validateMode(m int32, parent *field.Path, child string) field.ErrorList {
	if !validMode(m) {
		return field.ErrorList{field.Invalid(parent.Child(child), formatMode(m), fileModeMsg)}
	}
	return nil
}

// smallNames is the longest container list checked for duplicates by a scan; a longer
// one uses a set, so that the check stays linear.
const smallNames = 16

func validateContainers(names []string, parent *field.Path, child string) field.ErrorList {
	if names == nil {
		return nil
	}
	if len(names) == 0 {
		return field.ErrorList{field.Invalid(parent.Child(child), names,
			"an empty list selects no container; leave it unset (nil) for every container")}
	}
	var errs field.ErrorList
	var seen map[string]struct{} // for a long list, instead of a scan of the names before
	if len(names) > smallNames {
		seen = make(map[string]struct{}, len(names))
	}
	for i, name := range names {
		if name == "" {
			errs = append(errs, field.Required(parent.Child(child).Index(i), "a container name"))
			continue
		}
		if msg := validation.DNS1123LabelProblem(name); msg != "" {
			errs = append(errs, field.Invalid(parent.Child(child).Index(i), name, msg))
		}
		var dup bool
		if seen != nil {
			_, dup = seen[name]
			seen[name] = struct{}{}
		} else {
			dup = slices.Contains(names[:i], name)
		}
		if dup {
			errs = append(errs, field.Duplicate(parent.Child(child).Index(i), name))
		}
	}
	return errs
}

// formatMode writes a file mode in octal with a leading 0, as chmod reads it.
func formatMode(m int32) string {
	if m < 0 {
		return "-0" + strconv.FormatInt(-int64(m), 8)
	}
	if m == 0 {
		return "0"
	}
	return "0" + strconv.FormatInt(int64(m), 8)
}
