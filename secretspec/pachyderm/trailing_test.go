package pachyderm

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/podsecrets/podsecrets/secretspec"
)

// TestParseTransformOneDocument checks that input holds exactly one document: content after a
// JSON object or a second YAML document is refused with where it starts, never with its text.
func TestParseTransformOneDocument(t *testing.T) {
	mount := []secretspec.Ref{{Secret: "a", As: secretspec.Mount, MountPath: "/x"}}
	const spec = `{"transform":{"secrets":[{"name":"a","mount_path":"/x"}]}}`
	const yamlSpec = "transform:\n  secrets:\n  - name: a\n    mount_path: /x\n"
	tests := []struct {
		name    string
		in      string
		want    []secretspec.Ref
		wantErr *SyntaxError
	}{
		{name: "JSON", in: spec, want: mount},
		{name: "JSON and blanks", in: " \n" + spec + " \t\r\n", want: mount},
		{name: "YAML", in: yamlSpec, want: mount},
		{name: "YAML with start and end markers", in: "---\n" + yamlSpec + "...\n", want: mount},
		{name: "YAML then an empty document", in: yamlSpec + "---\n", want: mount},
		{name: "YAML then a comment-only document", in: yamlSpec + "---\n# nothing\n", want: mount},

		{name: "JSON then text", in: spec + "garbage", wantErr: &SyntaxError{Format: "JSON", Offset: 58, Trailing: true}},
		{name: "JSON then blanks and text", in: spec + "\n  x", wantErr: &SyntaxError{Format: "JSON", Offset: 61, Trailing: true}},
		{name: "two JSON objects", in: spec + spec, wantErr: &SyntaxError{Format: "JSON", Offset: 58, Trailing: true}},
		{name: "JSON then a YAML comment", in: spec + " # c", wantErr: &SyntaxError{Format: "JSON", Offset: 59, Trailing: true}},
		{name: "JSON then a close brace", in: spec + "}", wantErr: &SyntaxError{Format: "JSON", Offset: 58, Trailing: true}},
		{name: "two YAML documents", in: yamlSpec + "---\n" + yamlSpec, wantErr: &SyntaxError{Format: "YAML", Offset: -1, Line: 5, Trailing: true}},
		{name: "YAML then a document after an empty one", in: yamlSpec + "---\n---\nsecrets: []\n", wantErr: &SyntaxError{Format: "YAML", Offset: -1, Line: 6, Trailing: true}},
		{name: "YAML then text after the end marker", in: yamlSpec + "...\ngarbage\n", wantErr: &SyntaxError{Format: "YAML", Offset: -1, Line: 5}},
		{name: "YAML flow mapping then text", in: "{secrets: [{name: a, mount_path: /x}]} garbage", wantErr: &SyntaxError{Format: "YAML", Offset: -1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseTransform([]byte(tt.in))
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("refs (-want +got):\n%s", diff)
			}
			var se *SyntaxError
			if err != nil && !errors.As(err, &se) {
				t.Fatalf("error of type %T, want *SyntaxError", err)
			}
			if diff := cmp.Diff(tt.wantErr, se); diff != "" {
				t.Errorf("error (-want +got):\n%s", diff)
			}
			if err != nil && (strings.Contains(err.Error(), "garbage") || strings.Contains(err.Error(), "mount_path")) {
				t.Error("the error quotes the input")
			}
		})
	}
}

func TestSyntaxErrorMessage(t *testing.T) {
	tests := []struct {
		err  *SyntaxError
		want string
	}{
		{&SyntaxError{Format: "JSON", Offset: 14}, "pachyderm: input is not valid JSON (at byte offset 14): expected a pipeline spec or a transform object"},
		{&SyntaxError{Format: "YAML", Offset: -1, Line: 2}, "pachyderm: input is not valid YAML (at line 2): expected a pipeline spec or a transform object"},
		{&SyntaxError{Format: "YAML", Offset: -1}, "pachyderm: input is not valid YAML: expected a pipeline spec or a transform object"},
		{&SyntaxError{Format: "JSON", Offset: 58, Trailing: true}, "pachyderm: content after the end of the JSON object (at byte offset 58): expected one pipeline spec or transform object"},
		{&SyntaxError{Format: "YAML", Offset: -1, Line: 5, Trailing: true}, "pachyderm: a second YAML document (at line 5): expected one pipeline spec or transform object"},
	}
	for _, tt := range tests {
		if got := tt.err.Error(); got != tt.want {
			t.Errorf("%+v: got %q, want %q", *tt.err, got, tt.want)
		}
	}
}
