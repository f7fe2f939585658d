package pachyderm

import (
	"bytes"
	"encoding/json"
	"io"

	yaml3 "go.yaml.in/yaml/v3"
)

// jsonTrailing reports whether data starts with a complete JSON value followed by more than
// blanks, and the byte offset where that extra content starts.
func jsonTrailing(data []byte) (int, bool) {
	dec := json.NewDecoder(bytes.NewReader(data))
	var first json.RawMessage
	if dec.Decode(&first) != nil {
		return 0, false
	}
	end := int(dec.InputOffset())
	rest := bytes.TrimLeft(data[end:], " \t\r\n")
	if len(rest) == 0 {
		return 0, false
	}
	return len(data) - len(rest), true
}

// oneYAMLDocument checks that data, which sigs.k8s.io/yaml has converted, holds at most one
// non-empty YAML document and nothing after it: sigs.k8s.io/yaml reads only the first document
// and silently ignores the rest, and what follows a top-level flow node, as in "{a: b} c".
// The streaming parser of go.yaml.in/yaml/v3 sees both. An empty or comment-only document,
// such as one left by a final "---", is allowed.
func oneYAMLDocument(data []byte) error {
	dec := yaml3.NewDecoder(bytes.NewReader(data))
	seen := false
	for {
		var doc yaml3.Node
		err := dec.Decode(&doc)
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return &SyntaxError{Format: "YAML", Offset: -1, Line: yamlLine(err)}
		}
		if emptyYAMLDocument(&doc) {
			continue
		}
		if seen {
			return &SyntaxError{Format: "YAML", Offset: -1, Line: doc.Line, Trailing: true}
		}
		seen = true
	}
}

// emptyYAMLDocument reports whether doc holds nothing: no node, or only an implicit null.
func emptyYAMLDocument(doc *yaml3.Node) bool {
	if len(doc.Content) == 0 {
		return true
	}
	c := doc.Content[0]
	return c.Kind == yaml3.ScalarNode && c.Tag == "!!null" && c.Value == "" && c.Style == 0
}
