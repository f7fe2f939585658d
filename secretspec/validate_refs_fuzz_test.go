package secretspec

import (
	"testing"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

// refsFromBytes decodes up to eight refs, 8 bytes each, over small alphabets
// so that names, paths and files often meet; most refs are valid.
func refsFromBytes(data []byte) []Ref {
	secrets := []string{"a", "b"}
	files := []string{"a", "a/b", "b", "./a"}
	modes := []*int32{nil, mode(0o400), mode(0o644), nil}
	containers := [][]string{nil, {"c1"}, {"c2"}, {"c1", "c2"}}
	pick := func(b byte, from ...string) string { return from[int(b)%len(from)] }
	var refs []Ref
	for len(data) >= 8 && len(refs) < 8 {
		b := data[:8]
		data = data[8:]
		r := Ref{
			As:         supportedDeliveries()[int(b[0])%5],
			Secret:     secrets[b[1]&1],
			Optional:   b[1]>>1&1 != 0,
			Containers: containers[b[1]>>2&3],
		}
		nItems := int(b[1] >> 4 & 3)
		switch r.As {
		case Env:
			r.Key, r.EnvVar = pick(b[2], "k", "l"), pick(b[3], "X", "Y", gitSSHCommandVar)
		case EnvFrom:
			r.Prefix = pick(b[2], "", "P_")
		case Mount:
			r.MountPath, r.Mode = pick(b[2], "/p", "/q", DefaultGitSSHPath), modes[b[3]&3]
			if nItems == 0 {
				r.Key = pick(b[3]>>2, "", "k", "l", "a")
			}
			for _, c := range b[4 : 4+nItems] {
				r.Items = append(r.Items, corev1.KeyToPath{Key: pick(c, "k", "l"), Path: files[int(c>>1)%len(files)], Mode: modes[c>>4&3]})
			}
		case PullSecret:
			r.Optional, r.Containers = false, nil
		case GitSSH:
			r.MountPath, r.Key, r.Mode = pick(b[2], "", "/p", DefaultGitSSHPath), pick(b[3], "", "k", DefaultGitSSHKey), modes[b[3]>>2&1]
			if nItems > 0 {
				r.Items = []corev1.KeyToPath{{Key: pick(b[4], "k", "l"), Path: KnownHostsKey}}
			}
		}
		refs = append(refs, r)
	}
	return refs
}

// pairConflict is the reference for ValidateRefs' conflict rules: whether two
// valid refs, with the GitSSH defaults filled in, conflict, pair by pair.
func pairConflict(a, b Ref) bool {
	if !intersects(a.Containers, b.Containers) {
		return false
	}
	if a.As == GitSSH && b.As == GitSSH {
		return !sameGitSSH(a, b)
	}
	varOf := func(r Ref) string {
		switch r.As {
		case Env:
			return r.EnvVar
		case GitSSH:
			return gitSSHCommandVar
		}
		return ""
	}
	if va := varOf(a); va != "" && va == varOf(b) {
		if a.As != Env || b.As != Env || a.Secret != b.Secret || a.Key != b.Key || a.Optional != b.Optional {
			return true
		}
	}
	mounts := func(r Ref) bool { return r.As == Mount || r.As == GitSSH }
	if !mounts(a) || !mounts(b) || a.MountPath != b.MountPath {
		return false
	}
	if a.As == GitSSH || b.As == GitSSH || a.Secret != b.Secret || !sameMode(a.Mode, b.Mode) ||
		a.Optional != b.Optional || allKeys(a) != allKeys(b) {
		return true
	}
	for i := range numFiles(a) {
		for j := range numFiles(b) {
			f, g := fileOf(a, i).item, fileOf(b, j).item
			switch pathClash(f.Path, g.Path) {
			case clashNone:
			case clashSame:
				if f.Key != g.Key || !sameMode(f.Mode, g.Mode) {
					return true
				}
			default:
				return true
			}
		}
	}
	return false
}

// FuzzValidateRefs checks that ValidateRefs reports a conflict exactly when
// some pair of valid refs conflicts, and that it adds nothing for lists
// without one.
func FuzzValidateRefs(f *testing.F) {
	f.Add([]byte{0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 1, 0, 0, 0, 0})       // env X from a/k, then from b/k
	f.Add([]byte{2, 0x10, 0, 0, 0, 0, 0, 0, 2, 0x10, 0, 0, 6, 0, 0, 0}) // mounts of a at /p merging items
	f.Add([]byte{4, 0, 0, 0, 0, 0, 0, 0, 2, 1, 2, 0, 0, 0, 0, 0})       // gitSSH, then a mount at its directory
	f.Fuzz(func(t *testing.T, data []byte) {
		refs := refsFromBytes(data)
		var own int
		var valid []Ref
		for _, r := range refs {
			errs := r.Validate(nil)
			own += len(errs)
			if len(errs) == 0 {
				valid = append(valid, r.Normalize())
			}
		}
		want := false
		for i := range valid {
			for j := range i {
				want = want || pairConflict(valid[i], valid[j])
			}
		}
		errs := ValidateRefs(refs, field.NewPath("refs"))
		if got := len(errs) > own; got != want {
			t.Fatalf("ValidateRefs reports a conflict: %v, want %v; refs %+v; errors %v", got, want, refs, errs)
		}
	})
}
