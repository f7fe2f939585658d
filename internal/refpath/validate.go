package refpath

import (
	"slices"
	"strconv"
	"strings"

	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/podsecrets/podsecrets/secretspec"
)

// root is the path Validate gives secretspec.ValidateRefs; every error it returns starts with it.
const root = "refs"

// Origin is where in a dialect's input a ref came from.
type Origin struct {
	// Path is the entry that gave the ref, e.g. field.NewPath("transform", "secrets").Index(2).
	// A nil Path reports at the field alone.
	Path *field.Path
	// Fields maps a Ref field name ("secret", "envVar", "items", ...) to the dialect's name for
	// it; "" reports the Ref field at Path itself. A Ref field not listed keeps its name.
	Fields map[string]string
	// Mention names the entry where an error message mentions the ref; "" means Path's text.
	Mention string
}

// Fields maps the Ref fields a dialect sets ("secret", "envVar", "items", ...) to its own names
// for them ("name", "env_var", "key"); "" reports at the ref's origin itself, for a value the
// dialect derives. A Ref field not listed keeps its name.
type Fields map[string]string

// Rename turns a field path below a ref, written as a suffix in secretspec's names
// (".mountPath", ".items[0].path", "" for the ref itself), into the suffix below the ref's origin
// in the dialect's names: a listed field becomes "."+f[name], or "" when it maps to "", and
// anything under it (".items[0].path" with "items" listed) is dropped, since the dialect's one
// field is what the Ref's sub-structure was derived from. Other suffixes are returned as they are.
func (f Fields) Rename(suffix string) string {
	name, ok := strings.CutPrefix(suffix, ".")
	if !ok {
		return suffix
	}
	if cut := strings.IndexAny(name, ".["); cut >= 0 {
		name = name[:cut]
	}
	to, ok := f[name]
	switch {
	case !ok:
		return suffix
	case to == "":
		return ""
	}
	return "." + to
}

// Rename is Fields(o.Fields).Rename.
func (o Origin) Rename(suffix string) string { return Fields(o.Fields).Rename(suffix) }

// mention is how a message names the ref of o.
func (o Origin) mention() string {
	if o.Mention != "" || o.Path == nil {
		return o.Mention
	}
	return o.Path.String()
}

// at is the full path of suffix (a Rename result) below o.Path.
func (o Origin) at(suffix string) string {
	if o.Path == nil {
		return strings.TrimPrefix(suffix, ".")
	}
	return o.Path.String() + suffix
}

// Problem is one error of secretspec.ValidateRefs, placed at the origin of its ref.
type Problem struct {
	// Origin is the index of the ref (and of its origin) the error is about; -1 if the error's
	// path names no ref that has an origin (it is then left as ValidateRefs gave it).
	Origin int
	// Field is the path below the origin in the dialect's names, as a suffix (".env_var",
	// ".items[0].path"), or "" for the origin itself.
	Field string
	// Err is the error at the origin's Path plus Field, with every "refs[N]" in its Detail
	// replaced by the mention of origin N. Its BadValue is what ValidateRefs gave.
	Err *field.Error
}

// ValidateRefs runs secretspec.ValidateRefs on refs and reports each problem at its ref's
// Origin, the Ref field renamed into the dialect's names by fields[i] (refs[i]'s; fields may be
// shorter than refs, and a nil entry renames nothing), and every mention of another ref by that
// ref's Origin:
//
//	refs := []secretspec.Ref{
//		{Secret: "a", Key: "user", As: secretspec.Env, EnvVar: "USER", Origin: "transform.secrets[0]"},
//		{Secret: "b", Key: "user", As: secretspec.Env, EnvVar: "USER", Origin: "transform.secrets[1]"},
//	}
//	fields := refpath.Fields{"secret": "name", "envVar": "env_var"}
//	refpath.ValidateRefs(refs, []refpath.Fields{fields, fields})
//	// transform.secrets[1].env_var: Duplicate value: "USER": also set by transform.secrets[0] from secret "a" key "user"
//
// A ref without Origin is named "refs[i]". Problem.Origin is the index of the ref an error is
// about. It returns nil when the refs are valid, and never modifies its arguments.
func ValidateRefs(refs []secretspec.Ref, fields []Fields) []Problem {
	origins := make([]Origin, len(refs))
	for i, r := range refs {
		o := Origin{Path: field.NewPath(r.Origin), Mention: r.Origin}
		if r.Origin == "" {
			o = Origin{Path: field.NewPath(root).Index(i)}
		}
		if i < len(fields) {
			o.Fields = fields[i]
		}
		origins[i] = o
	}
	return Validate(refs, origins)
}

// Validate runs secretspec.ValidateRefs on refs and reports each problem at origins[i], where
// i is the index of the ref in the error's path; origins[i] belongs to refs[i]. Errors of a ref
// without an origin (i >= len(origins)) and mentions of such refs are left as they are. The
// refs' own Origin fields are not read (ValidateRefs, above, reads them). It returns nil when
// the refs are valid, and never modifies its arguments.
func Validate(refs []secretspec.Ref, origins []Origin) []Problem {
	list := secretspec.ValidateRefs(withoutOrigins(refs), field.NewPath(root))
	if len(list) == 0 {
		return nil
	}
	out := make([]Problem, 0, len(list))
	for _, fe := range list {
		e := *fe
		p := Problem{Origin: -1, Err: &e}
		if i, rest, ok := splitRef(fe.Field); ok && i < len(origins) {
			p.Origin = i
			p.Field = origins[i].Rename(rest)
			e.Field = origins[i].at(p.Field)
		}
		e.Detail = replaceMentions(e.Detail, origins)
		out = append(out, p)
	}
	return out
}

// withoutOrigins returns refs, or a copy of them without Origin if any has one, so that
// secretspec.ValidateRefs names each ref "refs[i]" and Validate can place it.
func withoutOrigins(refs []secretspec.Ref) []secretspec.Ref {
	if !slices.ContainsFunc(refs, func(r secretspec.Ref) bool { return r.Origin != "" }) {
		return refs
	}
	out := slices.Clone(refs)
	for i := range out {
		out[i].Origin = ""
	}
	return out
}

// Errors returns the errors of ps, in order; nil if there are none.
func Errors(ps []Problem) field.ErrorList {
	if len(ps) == 0 {
		return nil
	}
	out := make(field.ErrorList, len(ps))
	for i, p := range ps {
		out[i] = p.Err
	}
	return out
}

// splitRef splits a path "refs[3].mountPath" into 3 and the suffix ".mountPath". ok is false
// unless the path starts with "refs[N]", N a decimal index without sign or leading zeros.
func splitRef(path string) (i int, rest string, ok bool) {
	after, found := strings.CutPrefix(path, root+"[")
	if !found {
		return 0, "", false
	}
	end := strings.IndexByte(after, ']')
	if end < 0 {
		return 0, "", false
	}
	i, ok = parseIndex(after[:end])
	if !ok {
		return 0, "", false
	}
	return i, after[end+1:], true
}

// parseIndex reads a field path index: decimal digits only, no leading zero, no overflow.
func parseIndex(s string) (int, bool) {
	if s == "" || (len(s) > 1 && s[0] == '0') {
		return 0, false
	}
	for j := 0; j < len(s); j++ {
		if s[j] < '0' || s[j] > '9' {
			return 0, false
		}
	}
	i, err := strconv.Atoi(s)
	return i, err == nil
}

// replaceMentions replaces each "refs[N]" in detail that starts a word (not inside a name or a
// path such as "/data/refs[1]") and whose N has an origin by that origin's mention.
func replaceMentions(detail string, origins []Origin) string {
	var b strings.Builder
	done := 0 // detail[:done] is in b (or nothing was replaced yet)
	for from := 0; ; {
		k := strings.Index(detail[from:], root+"[")
		if k < 0 {
			break
		}
		start := from + k
		from = start + len(root) + 1
		if start > 0 && inWord(detail[start-1]) {
			continue
		}
		end := strings.IndexByte(detail[from:], ']')
		if end < 0 {
			break
		}
		i, ok := parseIndex(detail[from : from+end])
		if !ok || i >= len(origins) {
			continue
		}
		b.WriteString(detail[done:start])
		b.WriteString(origins[i].mention())
		from += end + 1
		done = from
	}
	if done == 0 {
		return detail
	}
	b.WriteString(detail[done:])
	return b.String()
}

// inWord reports whether c can be part of a name or path, so that "refs[" after it is not a
// mention of a ref.
func inWord(c byte) bool {
	return c == '_' || c == '.' || c == '/' || c == '-' ||
		'0' <= c && c <= '9' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z'
}
