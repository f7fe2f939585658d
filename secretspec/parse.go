package secretspec

import (
	"strconv"
	"strings"

	corev1 "k8s.io/api/core/v1"

	"github.com/podsecrets/podsecrets/internal/errlist"
)

// Parse reads one ref in the canonical text form (see the package
// documentation for the grammar), e.g. "env:MYUSERNAME=my-secret/username".
// It returns only valid refs: a *SyntaxError for malformed text, and for
// well-formed text that names an invalid ref the Validate errors as one error
// (an apimachinery utilerrors.Aggregate of *field.Error). On error the Ref is the zero Ref.
func Parse(s string) (Ref, error) {
	r, serr := parse(s)
	if serr != nil {
		serr.Text = s
		return Ref{}, serr
	}
	if errs := r.Validate(nil); len(errs) > 0 {
		return Ref{}, errlist.From(errs)
	}
	return r, nil
}

// parser holds the ref being read and the options seen so far.
type parser struct {
	r    Ref
	seen map[string]bool
}

func parse(s string) (Ref, *SyntaxError) {
	colon := strings.IndexByte(s, ':')
	if colon < 0 {
		return Ref{}, &SyntaxError{Offset: len(s), Msg: `expected ":" after the delivery (env, envFrom, mount, pull or gitSSH)`}
	}
	p := parser{r: Ref{As: Delivery(s[:colon])}}
	if !p.r.As.known() {
		return Ref{}, &SyntaxError{Offset: 0, Msg: `unknown delivery; expected env, envFrom, mount, pull or gitSSH before ":"`}
	}
	off := colon + 1
	head, opts, hasOpts := strings.Cut(s[off:], ";")
	if err := p.head(head, off); err != nil {
		return Ref{}, err
	}
	if hasOpts {
		off += len(head) + 1
		for {
			opt, rest, more := strings.Cut(opts, ";")
			if err := p.option(opt, off); err != nil {
				return Ref{}, err
			}
			if !more {
				break
			}
			off += len(opt) + 1
			opts = rest
		}
	}
	return p.r, nil
}

// head reads what comes before the first ";": [TARGET "="] SECRET ["/" KEY],
// where TARGET is the env var name (env, required) or the mount path (mount,
// required; gitSSH, optional) and "/" KEY is required for env.
func (p *parser) head(h string, off int) *SyntaxError {
	eq := strings.IndexByte(h, '=')
	var err *SyntaxError
	switch p.r.As {
	case Env:
		if eq < 0 {
			return &SyntaxError{Offset: off + len(h), Msg: `expected "=" after env var name`}
		}
		p.r.EnvVar, err = unescape(h[:eq], off, false, "env var name")
	case Mount:
		if eq < 0 {
			return &SyntaxError{Offset: off + len(h), Msg: `expected "=" after mount path`}
		}
		p.r.MountPath, err = unescape(h[:eq], off, false, "mount path")
	case GitSSH:
		if eq >= 0 {
			p.r.MountPath, err = unescape(h[:eq], off, false, "mount path")
		}
	default:
		eq = -1 // no target: a "=" is an error in the secret name
	}
	if err != nil {
		return err
	}
	off += eq + 1
	rest := h[eq+1:]
	secret, key, hasKey := strings.Cut(rest, "/")
	if !hasKey && p.r.As == Env {
		return &SyntaxError{Offset: off + len(rest), Msg: `expected "/" between secret name and key`}
	}
	if p.r.Secret, err = unescape(secret, off, true, "secret name"); err != nil {
		return err
	}
	if hasKey {
		p.r.Key, err = unescape(key, off+len(secret)+1, true, "key")
	}
	return err
}

// option reads one option, name["=" value], that starts at byte off.
func (p *parser) option(opt string, off int) *SyntaxError {
	if opt == "" {
		return &SyntaxError{Offset: off, Msg: `expected an option after ";" (prefix, items, mode, optional, containers, envVar or path)`}
	}
	name, value, hasValue := strings.Cut(opt, "=")
	switch name {
	case "optional":
		if hasValue {
			return &SyntaxError{Offset: off + len(name), Msg: `option "optional" takes no value`}
		}
	case "envVar", "path", "prefix", "items", "mode", "containers":
		if !hasValue {
			return &SyntaxError{Offset: off + len(name), Msg: `expected "=" after option "` + name + `"`}
		}
	default:
		return &SyntaxError{Offset: off, Msg: "unknown option; expected prefix, items, mode, optional, containers, envVar or path"}
	}
	if p.seen[name] {
		return &SyntaxError{Offset: off, Msg: `option "` + name + `" given twice`}
	}
	if p.seen == nil {
		p.seen = map[string]bool{}
	}
	p.seen[name] = true
	voff := off + len(name) + 1
	var err *SyntaxError
	switch name {
	case "optional":
		p.r.Optional = true
	case "envVar":
		if p.r.As == Env {
			return &SyntaxError{Offset: off, Msg: `option "envVar" does not apply to env: the name goes before "="`}
		}
		p.r.EnvVar, err = unescape(value, voff, false, "env var name")
	case "path":
		if p.r.As == Mount || p.r.As == GitSSH {
			return &SyntaxError{Offset: off, Msg: `option "path" does not apply to ` + string(p.r.As) + `: the mount path goes before "="`}
		}
		p.r.MountPath, err = unescape(value, voff, false, "mount path")
	case "prefix":
		p.r.Prefix, err = unescape(value, voff, false, "prefix")
	case "mode":
		var m int32
		m, err = parseMode(value, voff)
		p.r.Mode = &m
	case "items":
		p.r.Items, err = parseItems(value, voff)
	case "containers":
		p.r.Containers, err = parseContainers(value, voff)
	}
	return err
}

// parseItems reads KEY ":" PATH ["@" MODE] {"," ...}.
func parseItems(v string, off int) ([]corev1.KeyToPath, *SyntaxError) {
	var items []corev1.KeyToPath
	for {
		item, rest, more := strings.Cut(v, ",")
		key, ipath, hasPath := strings.Cut(item, ":")
		if !hasPath {
			return nil, &SyntaxError{Offset: off + len(item), Msg: `expected ":" between item key and path`}
		}
		var it corev1.KeyToPath
		var err *SyntaxError
		if it.Key, err = unescape(key, off, true, "item key"); err != nil {
			return nil, err
		}
		poff := off + len(key) + 1
		ipath, mode, hasMode := strings.Cut(ipath, "@")
		if it.Path, err = unescape(ipath, poff, false, "item path"); err != nil {
			return nil, err
		}
		if hasMode {
			m, err := parseMode(mode, poff+len(ipath)+1)
			if err != nil {
				return nil, err
			}
			it.Mode = &m
		}
		items = append(items, it)
		if !more {
			return items, nil
		}
		off += len(item) + 1
		v = rest
	}
}

// parseContainers reads NAME {"," NAME}; empty names are left to Validate.
func parseContainers(v string, off int) ([]string, *SyntaxError) {
	var names []string
	for {
		name, rest, more := strings.Cut(v, ",")
		n, err := unescape(name, off, true, "container name")
		if err != nil {
			return nil, err
		}
		names = append(names, n)
		if !more {
			return names, nil
		}
		off += len(name) + 1
		v = rest
	}
}

// parseMode reads an octal file mode such as 0644 (the leading 0 is optional).
func parseMode(v string, off int) (int32, *SyntaxError) {
	for i := 0; i < len(v); i++ {
		if v[i] < '0' || v[i] > '7' {
			return 0, &SyntaxError{Offset: off + i, Msg: "expected an octal file mode such as 0644"}
		}
	}
	if v == "" {
		return 0, &SyntaxError{Offset: off, Msg: "expected an octal file mode such as 0644"}
	}
	m, err := strconv.ParseInt(v, 8, 32)
	if err != nil {
		return 0, &SyntaxError{Offset: off, Msg: "file mode out of range; expected an octal mode from 0 to 0777"}
	}
	return int32(m), nil
}
