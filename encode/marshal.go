package encode

import (
	"encoding/json"
	"fmt"

	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/yaml"
)

// Marshal writes s as a manifest in format "json" (indented by two spaces)
// or "yaml", with apiVersion v1 and kind Secret, stringData folded into data
// (stringData winning), and every map sorted by key, so the same Secret
// always gives the same bytes. s is not modified. For every Secret this
// package builds or decodes, Decode(Marshal(s, f)) equals s.
func Marshal(s *corev1.Secret, format string) ([]byte, error) {
	if s == nil {
		return nil, errNilSecret
	}
	out := s.DeepCopy()
	out.TypeMeta.APIVersion, out.TypeMeta.Kind = "v1", "Secret"
	if len(s.StringData) != 0 {
		out.Data = folded(out)
		out.StringData = nil
	}
	switch format {
	case "json":
		b, err := json.MarshalIndent(out, "", "  ")
		if err != nil {
			return nil, fmt.Errorf("encode: marshal: cannot encode the Secret as JSON")
		}
		return append(b, '\n'), nil
	case "yaml":
		b, err := yaml.Marshal(out)
		if err != nil {
			return nil, fmt.Errorf("encode: marshal: cannot encode the Secret as YAML")
		}
		return b, nil
	}
	return nil, fmt.Errorf("encode: marshal: unknown format %q, expected \"json\" or \"yaml\"", format)
}
