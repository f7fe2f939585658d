package encode

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"unicode/utf8"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/podsecrets/podsecrets/internal/errlist"
)

// TreeItems returns the items that mount s as the tree it was built from,
// read from its TreeAnnotation alone and sorted by key. A Secret without the
// annotation gives nil and no error. Every entry is checked: the key must be
// a valid key present in data (or stringData); the path must be relative,
// non-empty, valid UTF-8, without empty, "." or ".." elements, must not
// start with ".."; no two keys may share a path, and no path may be the
// parent directory of another. Keys outside the mapping are not listed, so a
// mount with these Items shows only the tree.
func TreeItems(s *corev1.Secret) ([]corev1.KeyToPath, error) {
	if s == nil {
		return nil, fmt.Errorf("encode: TreeItems: nil Secret")
	}
	if _, ok := s.Annotations[TreeAnnotation]; !ok {
		return nil, nil
	}
	m, errs := treeMapping(s, treePath())
	if len(errs) != 0 {
		return nil, errlist.From(errs)
	}
	items := make([]corev1.KeyToPath, 0, len(m))
	for k, p := range m {
		items = append(items, corev1.KeyToPath{Key: k, Path: p})
	}
	sort.Slice(items, func(i, j int) bool { return items[i].Key < items[j].Key })
	return items, nil
}

// treePath is the field path of the tree annotation.
func treePath() *field.Path {
	return field.NewPath("metadata", "annotations").Key(TreeAnnotation)
}

// parseTreeAnnotation reads the annotation's JSON object without quoting it
// in errors.
func parseTreeAnnotation(v string, fldPath *field.Path) (map[string]string, field.ErrorList) {
	var m map[string]string
	dec := json.NewDecoder(strings.NewReader(v))
	if err := dec.Decode(&m); err != nil || m == nil || dec.More() {
		return nil, field.ErrorList{field.Invalid(fldPath, "<value omitted>", "must be one JSON object mapping data keys to relative paths")}
	}
	return m, nil
}

// treeMapping parses and checks s's tree annotation against s's data.
func treeMapping(s *corev1.Secret, fldPath *field.Path) (map[string]string, field.ErrorList) {
	m, errs := parseTreeAnnotation(s.Annotations[TreeAnnotation], fldPath)
	if errs != nil {
		return nil, errs
	}
	errs = validateTreeMapping(m, fldPath)
	for _, k := range sortedKeys(m) {
		_, inData := s.Data[k]
		_, inString := s.StringData[k]
		if !inData && !inString {
			errs = append(errs, field.NotFound(fldPath.Key(k), k))
		}
	}
	return m, errs
}

// validateTreeMapping checks keys and paths of a mapping, and that paths
// neither repeat nor nest inside one another.
func validateTreeMapping(m map[string]string, fldPath *field.Path) field.ErrorList {
	var errs field.ErrorList
	byPath := make(map[string]string, len(m))
	for _, k := range sortedKeys(m) {
		p := m[k]
		kp := fldPath.Key(k)
		for _, msg := range isConfigMapKey(k) {
			errs = append(errs, field.Invalid(kp, k, "key: "+msg))
		}
		if msg := checkItemPath(p); msg != "" {
			errs = append(errs, field.Invalid(kp, p, msg))
			continue
		}
		if other, dup := byPath[p]; dup {
			errs = append(errs, field.Duplicate(kp, p+" (also the path of key "+other+")"))
			continue
		}
		byPath[p] = k
	}
	for _, p := range sortedKeys(byPath) {
		for i := strings.IndexByte(p, '/'); i >= 0; {
			if other, ok := byPath[p[:i]]; ok {
				errs = append(errs, field.Invalid(fldPath.Key(byPath[p]), p, "path lies inside "+p[:i]+", the file of key "+other))
			}
			j := strings.IndexByte(p[i+1:], '/')
			if j < 0 {
				break
			}
			i += 1 + j
		}
	}
	return errs
}

// checkItemPath returns why p is not a usable relative item path, or "".
func checkItemPath(p string) string {
	switch {
	case p == "":
		return "path must not be empty"
	case !utf8.ValidString(p):
		return "path must be valid UTF-8"
	case strings.IndexByte(p, 0) >= 0:
		return "path must not contain NUL"
	case p[0] == '/':
		return "path must be relative"
	case strings.HasPrefix(p, ".."):
		return "path must not start with '..'"
	}
	for _, e := range strings.Split(p, "/") {
		switch e {
		case "":
			return "path must not contain empty elements ('//' or a trailing '/')"
		case ".":
			return "path must not contain '.' elements"
		case "..":
			return "path must not contain '..'"
		}
	}
	return ""
}

// encodeTreeAnnotation writes a mapping as compact JSON with sorted keys.
func encodeTreeAnnotation(m map[string]string) string {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(m) // a map[string]string always encodes
	return strings.TrimSuffix(buf.String(), "\n")
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
