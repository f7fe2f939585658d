package secretspec

import "strings"

// String returns the canonical one-line text form of r, the form Parse reads
// (see the package documentation for the grammar). For every valid r,
// Parse(r.String()) gives back r; the output depends only on r. An invalid
// ref still prints every field it sets, readably, and String never panics.
// Refs hold only names, never secret values, so neither does String.
func (r Ref) String() string {
	var b strings.Builder
	if r.As == "" {
		b.WriteByte('?')
	} else {
		writeEscaped(&b, string(r.As), true)
	}
	b.WriteByte(':')
	switch {
	case r.As == Env:
		writeEscaped(&b, r.EnvVar, false)
		b.WriteByte('=')
	case r.As == Mount || r.As == GitSSH && r.MountPath != "":
		writeEscaped(&b, r.MountPath, false)
		b.WriteByte('=')
	}
	writeEscaped(&b, r.Secret, true)
	if r.As == Env || r.Key != "" {
		b.WriteByte('/')
		writeEscaped(&b, r.Key, true)
	}
	if r.EnvVar != "" && r.As != Env {
		b.WriteString(";envVar=")
		writeEscaped(&b, r.EnvVar, false)
	}
	if r.MountPath != "" && r.As != Mount && r.As != GitSSH {
		b.WriteString(";path=")
		writeEscaped(&b, r.MountPath, false)
	}
	if r.Prefix != "" {
		b.WriteString(";prefix=")
		writeEscaped(&b, r.Prefix, false)
	}
	if len(r.Items) > 0 {
		b.WriteString(";items=")
		for i, it := range r.Items {
			if i > 0 {
				b.WriteByte(',')
			}
			writeEscaped(&b, it.Key, true)
			b.WriteByte(':')
			writeEscaped(&b, it.Path, false)
			if it.Mode != nil {
				b.WriteByte('@')
				b.WriteString(formatMode(*it.Mode))
			}
		}
	}
	if r.Mode != nil {
		b.WriteString(";mode=")
		b.WriteString(formatMode(*r.Mode))
	}
	if r.Optional {
		b.WriteString(";optional")
	}
	if len(r.Containers) > 0 {
		b.WriteString(";containers=")
		for i, c := range r.Containers {
			if i > 0 {
				b.WriteByte(',')
			}
			writeEscaped(&b, c, true)
		}
	}
	return b.String()
}
