package encode

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"reflect"
	"regexp"
	"strconv"
	"strings"

	yaml3 "go.yaml.in/yaml/v3"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/yaml"
)

// wireSecret is a Secret as a manifest writes it, with data still base64
// text so that a bad value can be named by its key.
type wireSecret struct {
	APIVersion string                     `json:"apiVersion"`
	Kind       string                     `json:"kind"`
	Metadata   metav1.ObjectMeta          `json:"metadata"`
	Immutable  *bool                      `json:"immutable,omitempty"`
	Data       map[string]json.RawMessage `json:"data,omitempty"`
	StringData map[string]json.RawMessage `json:"stringData,omitempty"`
	Type       corev1.SecretType          `json:"type,omitempty"`
}

// maxManifest is the longest manifest Decode parses: the API server's limit on
// a request body (3 MiB), which bounds any Secret that can be created.
const maxManifest = 3 << 20

// Decode reads one Secret manifest, JSON or YAML (as pachctl create secret
// -f and kubectl apply take them). apiVersion must be "v1" and kind
// "Secret"; unknown fields, a key given twice in one object, several
// documents, and data values that are not standard padded base64 are errors.
// Field names are case-sensitive, as in the API server's strict decoding
// ("Data" is an unknown field, although encoding/json would read it as data).
// stringData is folded into data, winning over a data key of the same name,
// as the API server does, and the result has TypeMeta set, a non-nil Data
// and no StringData.
//
// A manifest longer than 3 MiB, the most the API server accepts in one
// request, is refused before it is parsed.
//
// Errors are *DecodeError values that say where (byte offset for JSON, line
// for YAML, field path) and what was expected, never quoting the manifest.
func Decode(manifest []byte) (*corev1.Secret, error) {
	if len(manifest) > maxManifest {
		return nil, &DecodeError{Offset: -1, Reason: "manifest is " + strconv.Itoa(len(manifest)) +
			" bytes, more than the " + strconv.Itoa(maxManifest) + " bytes (3 MiB) the API server accepts in one request"}
	}
	trimmed := bytes.TrimLeft(manifest, " \t\r\n")
	if len(trimmed) == 0 {
		return nil, &DecodeError{Offset: -1, Reason: "empty manifest, expected one Secret"}
	}
	var w wireSecret
	if trimmed[0] == '{' {
		err := decodeJSON(manifest, &w, true)
		if err == nil {
			return w.secret()
		}
		if !json.Valid(manifest) {
			// Not JSON, but perhaps a YAML flow mapping such as {a: b}.
			var yw wireSecret
			if jb, yerr := yamlToJSON(manifest); yerr == nil && decodeJSON(jb, &yw, false) == nil {
				if s, serr := yw.secret(); serr == nil {
					return s, nil
				}
			}
		}
		return nil, err
	}
	jb, err := yamlToJSON(manifest)
	if err != nil {
		return nil, err
	}
	if err := decodeJSON(jb, &w, false); err != nil {
		return nil, err
	}
	return w.secret()
}

// decodeJSON decodes exactly one JSON object into w, strictly. Offsets are
// reported only when they refer to the caller's manifest.
func decodeJSON(b []byte, w *wireSecret, offsets bool) error {
	off := func(o int64) int64 {
		if offsets {
			return o
		}
		return -1
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	if err := dec.Decode(w); err != nil {
		return jsonError(err, off)
	}
	end := dec.InputOffset()
	if err := checkKeys(b[:end], off); err != nil {
		return err
	}
	next := end + int64(len(b[end:])-len(bytes.TrimLeft(b[end:], " \t\r\n")))
	var extra json.RawMessage
	switch err := dec.Decode(&extra); {
	case err == io.EOF:
		return nil
	case err == nil:
		return &DecodeError{Offset: off(next), Reason: "several documents, expected one Secret"}
	default:
		return &DecodeError{Offset: off(next), Reason: "unexpected data after the Secret"}
	}
}

// checkKeys holds the keys of the valid JSON value b to the API server's
// strict decoding, which encoding/json does not do: in an object decoded into
// a struct, every key must be one of its field names exactly (encoding/json
// ignores unknown fields here and matches names ignoring case, so "Data" or
// "dAtA" would fill data), and no key may appear twice in one object
// (encoding/json silently keeps the last, or merges two objects). Map keys
// (data, labels, ...) may be anything. The error gives the offset of the
// offending key and its path (the key as written), never a value.
func checkKeys(b []byte, off func(int64) int64) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	var stack []*jsonFrame
	for {
		start := dec.InputOffset()
		tok, err := dec.Token()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return jsonError(err, off)
		}
		var top *jsonFrame
		if n := len(stack); n > 0 {
			top = stack[n-1]
		}
		if tok == json.Delim('}') || tok == json.Delim(']') {
			stack = stack[:len(stack)-1]
			continue
		}
		if top != nil && top.keys != nil && top.wantKey {
			key, _ := tok.(string) // b is valid JSON: an object key is a string
			start += int64(len(b[start:]) - len(bytes.TrimLeft(b[start:], " \t\r\n,")))
			if _, known := top.fields[key]; top.fields != nil && !known {
				return &DecodeError{Offset: off(start), Field: top.child(key), Reason: "unknown field, not part of a v1 Secret"}
			}
			if _, dup := top.keys[key]; dup {
				return &DecodeError{Offset: off(start), Field: top.child(key), Reason: "a key appears twice in one object"}
			}
			top.keys[key] = struct{}{}
			top.key, top.wantKey = key, false
			continue
		}
		// tok starts a value: after a key, in an array, or at the top.
		path := ""
		if top != nil {
			if top.keys != nil {
				path, top.wantKey = top.child(top.key), true
			} else {
				path = top.path + "[" + strconv.Itoa(top.count) + "]"
				top.count++
			}
		}
		switch tok {
		case json.Delim('{'):
			parent := ""
			if top != nil {
				parent = top.path
			}
			stack = append(stack, &jsonFrame{path: path, keys: map[string]struct{}{}, fields: structFields(path, parent), wantKey: true})
		case json.Delim('['):
			stack = append(stack, &jsonFrame{path: path})
		}
	}
}

// jsonFrame is an object or array being read by checkKeys.
type jsonFrame struct {
	path    string              // where the value is, as DecodeError.Field writes it
	keys    map[string]struct{} // keys seen so far; nil for an array
	fields  map[string]struct{} // an object decoded into a struct: its field names; nil for a map
	key     string              // an object's last key
	wantKey bool                // an object's next token is a key
	count   int                 // an array's elements so far
}

// child returns the path of key in the object f: in brackets for the keys of
// a Secret's maps (data[tls.key]), after a dot for fields.
func (f *jsonFrame) child(key string) string {
	switch f.path {
	case "data", "stringData", "metadata.labels", "metadata.annotations":
		return f.path + "[" + key + "]"
	}
	if f.path == "" {
		return key
	}
	return f.path + "." + key
}

// structFields returns the JSON field names of the struct decoded from the
// object at path (in an array at parent), or nil if that object is a map.
func structFields(path, parent string) map[string]struct{} {
	switch {
	case path == "":
		return wireFields.secret
	case path == "metadata":
		return wireFields.meta
	case parent == "metadata.ownerReferences":
		return wireFields.ownerReference
	case parent == "metadata.managedFields":
		return wireFields.managedFields
	}
	return nil
}

// wireFields are the JSON field names of the structs a manifest decodes
// into: the only objects whose keys are field names. It is never modified.
var wireFields = struct {
	secret, meta, ownerReference, managedFields map[string]struct{}
}{
	secret:         jsonFieldNames(reflect.TypeFor[wireSecret]()),
	meta:           jsonFieldNames(reflect.TypeFor[metav1.ObjectMeta]()),
	ownerReference: jsonFieldNames(reflect.TypeFor[metav1.OwnerReference]()),
	managedFields:  jsonFieldNames(reflect.TypeFor[metav1.ManagedFieldsEntry]()),
}

// jsonFieldNames returns the names encoding/json gives the fields of the
// struct type t (none of these structs embeds another).
func jsonFieldNames(t reflect.Type) map[string]struct{} {
	names := make(map[string]struct{}, t.NumField())
	for i := range t.NumField() {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		switch {
		case !f.IsExported() || name == "-":
			continue
		case name == "":
			name = f.Name
		}
		names[name] = struct{}{}
	}
	return names
}

// jsonError rewrites an encoding/json error without any input text.
func jsonError(err error, off func(int64) int64) error {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		return &DecodeError{Offset: off(se.Offset), Reason: "invalid JSON"}
	case errors.As(err, &te):
		f := te.Field
		if f == "" {
			return &DecodeError{Offset: off(te.Offset), Reason: "expected a JSON object (a Secret)"}
		}
		return &DecodeError{Offset: off(te.Offset), Field: f, Reason: "expected a value of type " + te.Type.String()}
	case errors.Is(err, io.ErrUnexpectedEOF):
		return &DecodeError{Offset: -1, Reason: "unexpected end of input"}
	}
	return &DecodeError{Offset: -1, Reason: "a field holds a value of the wrong form"}
}

// yamlLine finds the line number in a YAML parser message.
var yamlLine = regexp.MustCompile(`line (\d+)`)

// yamlToJSON converts the single non-empty YAML document in b to JSON.
func yamlToJSON(b []byte) ([]byte, error) {
	docs := splitYAML(b)
	var out []byte
	found := 0
	for _, d := range docs {
		jb, err := yaml.YAMLToJSONStrict(d.text)
		if err == nil {
			err = singleYAMLNode(d.text)
		}
		if err != nil {
			return nil, yamlError(err, d.line)
		}
		if string(bytes.TrimSpace(jb)) == "null" {
			continue // empty document, only comments or nothing
		}
		found++
		if found > 1 {
			return nil, &DecodeError{Offset: -1, Line: d.line, Reason: "several documents, expected one Secret"}
		}
		out = jb
	}
	if found == 0 {
		return nil, &DecodeError{Offset: -1, Reason: "no document, expected one Secret"}
	}
	return out, nil
}

// yamlError rewrites a YAML parser error as a *DecodeError holding only the
// line (counted from the manifest's start, the document starting at line
// docLine) and a fixed reason.
func yamlError(err error, docLine int) *DecodeError {
	de := &DecodeError{Offset: -1, Reason: "invalid YAML"}
	if m := yamlLine.FindStringSubmatch(err.Error()); m != nil {
		if n, cerr := strconv.Atoi(m[1]); cerr == nil {
			de.Line = docLine + n - 1
		}
	}
	switch msg := err.Error(); {
	case strings.Contains(msg, "already set in map"), strings.Contains(msg, "already defined"):
		de.Reason = "invalid YAML: a mapping key appears twice"
	case strings.Contains(msg, "expected <document start>"):
		de.Reason = "invalid YAML: content after the end of the document"
	}
	return de
}

// singleYAMLNode checks that text holds at most one YAML document and
// nothing after it. sigs.k8s.io/yaml (like the API machinery) silently
// ignores what follows a top-level flow node, as in "{a: b} {c: d}"; the
// streaming parser of go.yaml.in/yaml/v3 does not.
func singleYAMLNode(text []byte) error {
	dec := yaml3.NewDecoder(bytes.NewReader(text))
	var first, second yaml3.Node
	if err := dec.Decode(&first); err != nil {
		if err == io.EOF {
			return nil
		}
		return err
	}
	switch err := dec.Decode(&second); {
	case err == io.EOF:
		return nil
	case err != nil:
		return err
	}
	return errors.New("yaml: expected <document start>") // cannot happen: the splitter cut at every marker
}

type yamlDoc struct {
	text []byte
	line int // 1-based line where the document's text starts
}

// splitYAML splits b at document markers: a line starting with "---" (a new
// document, whose text may begin on the same line) or "..." (the end of a
// document), followed by the line's end or a blank. Splitting at every
// marker means no document can hide behind another.
func splitYAML(b []byte) []yamlDoc {
	var docs []yamlDoc
	start, startLine, line := 0, 1, 1
	for i := 0; i < len(b); line++ {
		end := bytes.IndexByte(b[i:], '\n')
		if end < 0 {
			end = len(b)
		} else {
			end += i
		}
		if l := b[i:end]; bytes.HasPrefix(l, []byte("---")) || bytes.HasPrefix(l, []byte("...")) {
			if len(l) == 3 || l[3] == ' ' || l[3] == '\t' || l[3] == '\r' {
				docs = append(docs, yamlDoc{text: b[start:i], line: startLine})
				start, startLine = i+3, line
			}
		}
		i = end + 1
	}
	return append(docs, yamlDoc{text: b[start:], line: startLine})
}

// secret checks the decoded manifest and builds the Secret.
func (w *wireSecret) secret() (*corev1.Secret, error) {
	if w.APIVersion != "v1" {
		return nil, &DecodeError{Offset: -1, Field: "apiVersion", Reason: `must be "v1"`}
	}
	if w.Kind != "Secret" {
		return nil, &DecodeError{Offset: -1, Field: "kind", Reason: `must be "Secret"`}
	}
	if err := checkTimes(&w.Metadata); err != nil {
		return nil, err
	}
	s := &corev1.Secret{
		TypeMeta:   metav1.TypeMeta{APIVersion: "v1", Kind: "Secret"},
		ObjectMeta: w.Metadata,
		Immutable:  w.Immutable,
		Type:       w.Type,
		Data:       make(map[string][]byte, len(w.Data)+len(w.StringData)),
	}
	for _, k := range sortedKeys(w.Data) {
		text, ok := jsonString(w.Data[k])
		if !ok {
			return nil, &DecodeError{Offset: -1, Field: "data[" + k + "]", Reason: "expected a base64 string"}
		}
		v, err := base64.StdEncoding.DecodeString(text)
		if err != nil {
			reason := "invalid base64"
			var ce base64.CorruptInputError
			if errors.As(err, &ce) {
				reason += " at byte " + strconv.FormatInt(int64(ce), 10) + " of the value"
			}
			return nil, &DecodeError{Offset: -1, Field: "data[" + k + "]", Reason: reason}
		}
		s.Data[k] = v
	}
	for _, k := range sortedKeys(w.StringData) {
		text, ok := jsonString(w.StringData[k])
		if !ok {
			return nil, &DecodeError{Offset: -1, Field: "stringData[" + k + "]", Reason: "expected a string"}
		}
		s.Data[k] = []byte(text)
	}
	return s, nil
}

// checkTimes refuses a time in m that metav1.Time reads but would write as a
// year outside 0000 to 9999 (it writes UTC: "9999-12-31T23:59:59-01:00" is
// read, then written as year 10000, which nothing reads back).
func checkTimes(m *metav1.ObjectMeta) error {
	check := func(t *metav1.Time, field string) error {
		if t == nil || t.IsZero() {
			return nil
		}
		if y := t.UTC().Year(); y < 0 || y > 9999 {
			return &DecodeError{Offset: -1, Field: field, Reason: "a time whose year in UTC is outside 0000 to 9999"}
		}
		return nil
	}
	if err := check(&m.CreationTimestamp, "metadata.creationTimestamp"); err != nil {
		return err
	}
	if err := check(m.DeletionTimestamp, "metadata.deletionTimestamp"); err != nil {
		return err
	}
	for i := range m.ManagedFields {
		if err := check(m.ManagedFields[i].Time, "metadata.managedFields["+strconv.Itoa(i)+"].time"); err != nil {
			return err
		}
	}
	return nil
}

// jsonString reads a JSON string or null (read as empty, as the API server
// does).
func jsonString(raw json.RawMessage) (string, bool) {
	var v *string
	if err := json.Unmarshal(raw, &v); err != nil {
		return "", false
	}
	if v == nil {
		return "", true
	}
	return *v, true
}
