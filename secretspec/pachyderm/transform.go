package pachyderm

import (
	"bytes"
	"encoding/json"
	"errors"
	"regexp"
	"strconv"
	"strings"

	"k8s.io/apimachinery/pkg/util/validation/field"
	"sigs.k8s.io/yaml"

	"github.com/podsecrets/podsecrets/internal/errlist"
	"github.com/podsecrets/podsecrets/secretspec"
)

// SyntaxError reports input that is neither valid JSON nor valid YAML. It never quotes the input.
type SyntaxError struct {
	// Format is "JSON" or "YAML": the format the input looked like.
	Format string
	// Offset is the 0-based byte offset where JSON decoding stopped; -1 if unknown.
	Offset int
	// Line is the 1-based line of a YAML error; 0 if unknown.
	Line int
	// Trailing reports a complete document followed by more: content after the end of a JSON
	// object (Offset says where it starts) or a second YAML document (Line says where).
	Trailing bool
}

// Error says where the input stopped being valid.
func (e *SyntaxError) Error() string {
	if e.Trailing {
		msg := "pachyderm: content after the end of the JSON object"
		if e.Format != "JSON" {
			msg = "pachyderm: a second " + e.Format + " document"
		}
		switch {
		case e.Offset >= 0:
			msg += " (at byte offset " + strconv.Itoa(e.Offset) + ")"
		case e.Line > 0:
			msg += " (at line " + strconv.Itoa(e.Line) + ")"
		}
		return msg + ": expected one pipeline spec or transform object"
	}
	msg := "pachyderm: input is not valid " + e.Format
	switch {
	case e.Offset >= 0:
		msg += " (at byte offset " + strconv.Itoa(e.Offset) + ")"
	case e.Line > 0:
		msg += " (at line " + strconv.Itoa(e.Line) + ")"
	}
	return msg + ": expected a pipeline spec or a transform object"
}

// errNotObject is the error for input that is well-formed but not a mapping.
var errNotObject = errors.New("pachyderm: expected a pipeline spec or a transform object (a JSON or YAML mapping)")

// maxSpec is the longest input ParseTransform parses: the API server's limit on a request body
// (3 MiB), as for any other Kubernetes-sized object. Decoding grows the input several times over
// in memory, so the limit is checked before any parsing.
const maxSpec = 3 << 20

// ParseTransform reads a Pachyderm pipeline spec, or only its transform object, in JSON or YAML,
// and returns the refs of its transform.secrets and transform.image_pull_secrets as Refs does.
// An object with a "transform" field is a pipeline spec; any other object is a transform. Fields
// other than secrets and image_pull_secrets are ignored (ParsePipeline reads the others a worker
// pod needs); inside a secrets entry, an unknown field is an error. A *SyntaxError reports
// malformed input or more than one document; other errors list every problem with its path,
// each entry's problems whatever another entry holds. No error quotes the input. Input longer
// than 3 MiB, the most the Kubernetes API server accepts in one request, is refused before it is
// parsed.
func ParseTransform(data []byte) ([]secretspec.Ref, error) {
	_, tr, root, err := parseDocument(data)
	if err != nil {
		return nil, err
	}
	d := decodeTransform(tr, root)
	refs, errs := buildRefs(d.secrets, d.pulls, d.badSecret, d.badPull)
	if errs = append(d.errs, errs...); len(errs) > 0 {
		return nil, errlist.From(errs)
	}
	return refs, nil
}

// parseDocument reads data as one JSON or YAML object and returns it, its transform object (the
// object itself when it has no "transform" field; nil for a null transform) and the transform's
// path.
func parseDocument(data []byte) (top, tr map[string]json.RawMessage, root *field.Path, err error) {
	if len(data) > maxSpec {
		return nil, nil, nil, errors.New("pachyderm: input is " + strconv.Itoa(len(data)) + " bytes, more than the " +
			strconv.Itoa(maxSpec) + "-byte (3 MiB) limit on a pipeline spec")
	}
	doc, err := toJSON(data)
	if err != nil {
		return nil, nil, nil, err
	}
	root = field.NewPath("transform")
	if json.Unmarshal(doc, &top) != nil || top == nil {
		return nil, nil, nil, errNotObject
	}
	tr = top
	if raw, ok := top["transform"]; ok {
		tr = nil
		if !isNull(raw) && (json.Unmarshal(raw, &tr) != nil || tr == nil) {
			return nil, nil, nil, errlist.From(field.ErrorList{field.TypeInvalid(root, field.OmitValueType{}, "must be an object")})
		}
	}
	return top, tr, root, nil
}

// toJSON returns data as JSON: JSON input as is, YAML converted. The input must hold one
// document: content after a JSON object or a second YAML document is a *SyntaxError.
func toJSON(data []byte) ([]byte, error) {
	trimmed := bytes.TrimLeft(data, " \t\r\n")
	looksJSON := len(trimmed) > 0 && trimmed[0] == '{'
	if looksJSON {
		if json.Valid(data) {
			return data, nil
		}
		if off, ok := jsonTrailing(data); ok {
			return nil, &SyntaxError{Format: "JSON", Offset: off, Trailing: true}
		}
	}
	doc, yerr := yaml.YAMLToJSON(data)
	if yerr == nil {
		if err := oneYAMLDocument(data); err != nil {
			return nil, err
		}
		return doc, nil
	}
	if looksJSON {
		var v any
		var se *json.SyntaxError
		if err := json.Unmarshal(data, &v); errors.As(err, &se) {
			return nil, &SyntaxError{Format: "JSON", Offset: int(se.Offset)}
		}
		return nil, &SyntaxError{Format: "JSON", Offset: -1}
	}
	return nil, &SyntaxError{Format: "YAML", Offset: -1, Line: yamlLine(yerr)}
}

var yamlLineRE = regexp.MustCompile(`line ([0-9]{1,9})`)

// yamlLine finds the line number in a YAML decoder's message, which itself is never shown.
func yamlLine(err error) int {
	m := yamlLineRE.FindStringSubmatch(err.Error())
	if m == nil {
		return 0
	}
	n, _ := strconv.Atoi(m[1])
	return n
}

func isNull(raw json.RawMessage) bool { return string(bytes.TrimSpace(raw)) == "null" }

// decoded is what decodeTransform read: the entries and pull secrets (a zero value where one
// could not be read), which of them could not be read, and why.
type decoded struct {
	secrets            []SecretMount
	pulls              []string
	badSecret, badPull map[int]bool
	errs               field.ErrorList
}

// decodeTransform reads the secrets and image_pull_secrets fields of a transform object.
func decodeTransform(tr map[string]json.RawMessage, root *field.Path) decoded {
	d := decoded{badSecret: map[int]bool{}, badPull: map[int]bool{}}
	if raw, name, ok := pick(tr, root, &d.errs, "secrets"); ok {
		var entries []json.RawMessage
		if json.Unmarshal(raw, &entries) != nil {
			d.errs = append(d.errs, field.TypeInvalid(root.Child(name), field.OmitValueType{}, "must be a list of objects"))
		}
		for i, e := range entries {
			s, entryErrs := decodeEntry(e, root.Child(name).Index(i))
			if len(entryErrs) > 0 {
				d.errs = append(d.errs, entryErrs...)
				d.badSecret[i] = true
			}
			d.secrets = append(d.secrets, s)
		}
	}
	if raw, name, ok := pick(tr, root, &d.errs, "image_pull_secrets", "imagePullSecrets"); ok {
		var items []json.RawMessage
		if json.Unmarshal(raw, &items) != nil {
			d.errs = append(d.errs, field.TypeInvalid(root.Child(name), field.OmitValueType{}, "must be a list of strings"))
		}
		for i, item := range items {
			var s string
			if !isNull(item) && json.Unmarshal(item, &s) != nil {
				d.errs = append(d.errs, field.TypeInvalid(root.Child(name).Index(i), field.OmitValueType{}, "must be a string"))
				d.badPull[i] = true
			}
			d.pulls = append(d.pulls, s)
		}
	}
	return d
}

// pick returns the non-null value of the field spelled as one of names (Pachyderm's
// snake_case first, then protobuf JSON's lowerCamel), recording an error if both are given.
func pick(obj map[string]json.RawMessage, at *field.Path, errs *field.ErrorList, names ...string) (json.RawMessage, string, bool) {
	var (
		found json.RawMessage
		as    string
	)
	for _, n := range names {
		raw, ok := obj[n]
		if !ok {
			continue
		}
		if as != "" {
			*errs = append(*errs, &field.Error{Type: field.ErrorTypeDuplicate, Field: at.Child(n).String(),
				BadValue: field.OmitValueType{}, Detail: "the same field is also given as " + as})
			continue
		}
		found, as = raw, n
	}
	if as == "" || isNull(found) {
		return nil, as, false
	}
	return found, as, true
}

// entryNames lists the fields of a secrets entry, each with its lowerCamel alias.
var entryNames = [][]string{{"name"}, {"key"}, {"mount_path", "mountPath"}, {"env_var", "envVar"}}

// decodeEntry reads one secrets entry; unknown fields and non-string values are errors.
func decodeEntry(raw json.RawMessage, p *field.Path) (SecretMount, field.ErrorList) {
	var s SecretMount
	var obj map[string]json.RawMessage
	if json.Unmarshal(raw, &obj) != nil || obj == nil {
		return s, field.ErrorList{field.TypeInvalid(p, field.OmitValueType{}, "must be an object with name, key, mount_path and env_var")}
	}
	var errs field.ErrorList
	known := map[string]bool{}
	dst := []*string{&s.Name, &s.Key, &s.MountPath, &s.EnvVar}
	for i, names := range entryNames {
		for _, n := range names {
			known[n] = true
		}
		v, name, ok := pick(obj, p, &errs, names...)
		if !ok {
			continue
		}
		if json.Unmarshal(v, dst[i]) != nil {
			errs = append(errs, field.TypeInvalid(p.Child(name), field.OmitValueType{}, "must be a string"))
		}
	}
	for _, k := range sortedKeys(obj) {
		if !known[k] {
			errs = append(errs, unknownField(p.Child(k), k))
		}
	}
	return s, errs
}

// entryFieldsText lists the fields of a secrets entry for an unknown-field error.
const entryFieldsText = "name, key, mount_path (or mountPath) and env_var (or envVar)"

// unknownField reports field name, unknown in a secrets entry, at p: the accepted spellings, and
// the one meant when name differs from it only in case, '_' or '-'.
func unknownField(p *field.Path, name string) *field.Error {
	detail := "unknown field; a secrets entry takes " + entryFieldsText
	if meant := closeName(name); meant != "" {
		detail += "; did you mean " + meant + "?"
	}
	return field.Forbidden(p, detail)
}

// closeName returns the entry field that name spells loosely (in any case, with or without '_'
// or '-', or only its first three letters or more: "mount", "env"), or "".
func closeName(name string) string {
	loose := func(s string) string { return strings.ToLower(strings.NewReplacer("_", "", "-", "").Replace(s)) }
	n := loose(name)
	for _, names := range entryNames {
		if f := loose(names[0]); n == f || len(n) >= 3 && strings.HasPrefix(f, n) {
			return names[0]
		}
	}
	return ""
}
