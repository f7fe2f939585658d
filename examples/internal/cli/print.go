package cli

import (
	"fmt"
	"io"
	"sort"
	"strings"
	"text/tabwriter"

	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/yaml"
)

// Table returns a tabwriter that aligns tab-separated columns with two spaces between
// them and leaves no trailing spaces where the last cells of a line are empty. Call
// Flush when done.
func Table(w io.Writer) *tabwriter.Writer {
	return tabwriter.NewWriter(&trimWriter{w: w}, 0, 4, 2, ' ', 0)
}

// trimWriter drops the spaces that come right before a newline.
type trimWriter struct {
	w      io.Writer
	spaces int // spaces held back until something other than a newline follows
}

func (t *trimWriter) Write(p []byte) (int, error) {
	out := make([]byte, 0, len(p)+t.spaces)
	for _, b := range p {
		switch b {
		case ' ':
			t.spaces++
			continue
		case '\n':
			t.spaces = 0
		default:
			for ; t.spaces > 0; t.spaces-- {
				out = append(out, ' ')
			}
		}
		out = append(out, b)
	}
	if _, err := t.w.Write(out); err != nil {
		return 0, err
	}
	return len(p), nil
}

// YAML returns obj as YAML without the noise that an object built in memory carries:
// "creationTimestamp: null", an empty "status: {}" and containers' empty "resources: {}"
// (in a Pod or a bare PodSpec).
func YAML(obj any) ([]byte, error) {
	data, err := yaml.Marshal(obj)
	if err != nil {
		return nil, err
	}
	var m map[string]any
	if err := yaml.Unmarshal(data, &m); err != nil {
		return nil, err
	}
	if md, ok := m["metadata"].(map[string]any); ok {
		if ts, ok := md["creationTimestamp"]; ok && ts == nil {
			delete(md, "creationTimestamp")
		}
	}
	if st, ok := m["status"].(map[string]any); ok && len(st) == 0 {
		delete(m, "status")
	}
	spec, _ := m["spec"].(map[string]any)
	if spec == nil {
		spec = m // a bare PodSpec
	}
	for _, field := range []string{"initContainers", "containers"} {
		containers, _ := spec[field].([]any)
		for _, c := range containers {
			if c, ok := c.(map[string]any); ok {
				if r, ok := c["resources"].(map[string]any); ok && len(r) == 0 {
					delete(c, "resources")
				}
			}
		}
	}
	return yaml.Marshal(m)
}

// PrintYAML writes obj to w as YAML (see YAML).
func PrintYAML(w io.Writer, obj any) error {
	data, err := YAML(obj)
	if err != nil {
		return err
	}
	_, err = w.Write(data)
	return err
}

// Keys returns the data keys of s (stringData folded in), sorted, each with the size of
// its value: "password (6 B), username (5 B)". Values are never shown.
func Keys(s *corev1.Secret) string {
	sizes := make(map[string]int, len(s.Data)+len(s.StringData))
	for k, v := range s.Data {
		sizes[k] = len(v)
	}
	for k, v := range s.StringData {
		sizes[k] = len(v)
	}
	if len(sizes) == 0 {
		return "(none)"
	}
	keys := make([]string, 0, len(sizes))
	for k := range sizes {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%s (%d B)", k, sizes[k])
	}
	return strings.Join(parts, ", ")
}

// SecretType returns s's type, with the empty type shown as the API server reads it.
func SecretType(s *corev1.Secret) string {
	if s.Type == "" {
		return string(corev1.SecretTypeOpaque)
	}
	return string(s.Type)
}
