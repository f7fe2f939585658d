package encode

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/yaml"

	"github.com/podsecrets/podsecrets/internal/errlist"
)

// Marshal writes s as a manifest in format "json" (indented by two spaces)
// or "yaml", with apiVersion v1 and kind Secret, stringData folded into data
// (stringData winning), and every map sorted by key, so the same Secret
// always gives the same bytes. s is not modified. For every Secret this
// package builds or decodes that Validate accepts, Decode(Marshal(s, f))
// equals s: characters YAML may not carry raw, such as DEL or the C1
// controls, are written as escapes.
//
// A data or stringData key the API server would refuse (the check Validate
// makes) is an error: one *KeyError per such key, joined, naming the key and
// never a value.
func Marshal(s *corev1.Secret, format string) ([]byte, error) {
	if s == nil {
		return nil, errNilSecret
	}
	if format != "json" && format != "yaml" {
		return nil, fmt.Errorf("encode: marshal: unknown format %q, expected \"json\" or \"yaml\"", format)
	}
	out := s.DeepCopy()
	out.TypeMeta.APIVersion, out.TypeMeta.Kind = "v1", "Secret"
	if len(s.StringData) != 0 {
		out.Data = folded(out)
		out.StringData = nil
	}
	var errs []error
	for _, k := range sortedKeys(out.Data) {
		if msgs := isConfigMapKey(k); len(msgs) != 0 {
			errs = append(errs, &KeyError{Source: "marshal", Key: k, Reason: strings.Join(msgs, "; ")})
		}
	}
	if len(errs) != 0 {
		return nil, errlist.New(errs...)
	}
	if format == "json" {
		b, err := json.MarshalIndent(out, "", "  ")
		if err != nil {
			return nil, fmt.Errorf("encode: marshal: cannot encode the Secret as JSON")
		}
		return append(b, '\n'), nil
	}
	j, err := json.Marshal(out)
	if err == nil {
		var b []byte
		if b, err = yaml.JSONToYAML(escapeForYAML(j)); err == nil {
			return b, nil
		}
	}
	return nil, fmt.Errorf("encode: marshal: cannot encode the Secret as YAML")
}

// escapeForYAML rewrites, in the JSON text j, every character a YAML reader
// refuses or reads as a line break inside a string (DEL, the C1 controls
// including NEL, the byte order mark, U+FFFE and U+FFFF) as a \u escape,
// which JSON and YAML read alike. encoding/json writes them raw. Outside
// strings JSON text is ASCII, so only strings change.
func escapeForYAML(j []byte) []byte {
	var out []byte
	last := 0
	for i := 0; i < len(j); {
		r, size := utf8.DecodeRune(j[i:])
		if r >= 0x7f && r <= 0x9f || r == 0xfeff || r == 0xfffe || r == 0xffff {
			if out == nil {
				out = make([]byte, 0, len(j)+16)
			}
			out = append(out, j[last:i]...)
			out = append(out, `\u`...)
			hex := strconv.FormatInt(int64(r), 16)
			out = append(out, "0000"[len(hex):]...)
			out = append(out, hex...)
			last = i + size
		}
		i += size
	}
	if out == nil {
		return j
	}
	return append(out, j[last:]...)
}
