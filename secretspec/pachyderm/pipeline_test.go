package pachyderm

import (
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"

	"github.com/podsecrets/podsecrets/internal/errtext"
	"github.com/podsecrets/podsecrets/secretspec"
)

func TestParsePipelineMnist(t *testing.T) {
	spec, err := os.ReadFile("testdata/mnist.json")
	if err != nil {
		t.Fatal(err)
	}
	got, err := ParsePipeline(spec)
	if err != nil {
		t.Fatal(err)
	}
	refs, err := ParseTransform(spec)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(refs, got.Refs); diff != "" {
		t.Errorf("Refs differ from ParseTransform's (-want +got):\n%s", diff)
	}
	if got.Name != "mnist" || got.Image == "" || len(got.Cmd) == 0 {
		t.Errorf("got name %q, image %q, cmd %q; want the spec's", got.Name, got.Image, got.Cmd)
	}
}

func TestParsePipeline(t *testing.T) {
	env := secretspec.Ref{Secret: "s", Key: "k", As: secretspec.Env, EnvVar: "V"}
	tests := []struct {
		name     string
		in       string
		want     Pipeline
		wantErrs []string
	}{
		{name: "pipeline JSON",
			in: `{"pipeline":{"name":"edges"},"transform":{"image":"pachyderm/opencv","cmd":["python3","/edges.py"],` +
				`"env":{"MODE":"fast","A_FIRST":""},"secrets":[{"name":"s","key":"k","env_var":"V"}]}}`,
			want: Pipeline{Name: "edges", Image: "pachyderm/opencv", Cmd: []string{"python3", "/edges.py"},
				Env: []corev1.EnvVar{{Name: "A_FIRST"}, {Name: "MODE", Value: "fast"}}, Refs: []secretspec.Ref{env}}},
		{name: "transform YAML", in: "image: x\ncmd: [sh]\nenv:\n  PORT: \"8080\"\n",
			want: Pipeline{Image: "x", Cmd: []string{"sh"}, Env: []corev1.EnvVar{{Name: "PORT", Value: "8080"}}}},
		{name: "a transform's pipeline field is not the pipeline's name", in: `{"pipeline":{"name":"p"},"image":"x"}`,
			want: Pipeline{Image: "x"}},
		{name: "nulls", in: `{"pipeline":null,"transform":{"image":null,"cmd":null,"env":null}}`},
		{name: "empty", in: `{}`},

		{name: "wrong types, all reported",
			in: `{"pipeline":{"name":1},"transform":{"image":[],"cmd":"python3 x.py","env":{"N":8080,"OK":"1","BAD=":"x"},` +
				`"secrets":[{"name":"s","mount_path":"/m","typo":1}]}}`,
			wantErrs: []string{
				"transform.secrets[0].typo: Forbidden: unknown field; a secrets entry takes name, key, mount_path (or mountPath) and env_var (or envVar)",
				"pipeline.name: Invalid value: must be a string",
				"transform.image: Invalid value: must be a string",
				"transform.cmd: Invalid value: must be a list of strings",
				`transform.env[BAD=]: Invalid value: "BAD=": must not contain "=" at byte 3: a valid environment variable name must consist only of printable ASCII characters other than '='`,
				"transform.env[N]: Invalid value: must be a string (in YAML, quote a number or a boolean)",
			}},
		{name: "pipeline not an object", in: `{"pipeline":"p","transform":{}}`, wantErrs: []string{"pipeline: Invalid value: must be an object"}},
		{name: "env not a mapping", in: `{"env":["A=1"]}`, wantErrs: []string{"transform.env: Invalid value: must be a mapping of variable names to strings"}},
		{name: "env also set by a secret", in: `{"env":{"V":"x"},"secrets":[{"name":"s","key":"k","env_var":"V"}]}`,
			wantErrs: []string{`transform.env[V]: Duplicate value: "V": also set by transform.secrets[0].env_var`}},
		{name: "syntax error", in: `{"a":`, wantErrs: []string{"pachyderm: input is not valid JSON (at byte offset 5): expected a pipeline spec or a transform object"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParsePipeline([]byte(tt.in))
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Pipeline (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.wantErrs, errtext.Messages(err)); diff != "" {
				t.Errorf("errors (-want +got):\n%s", diff)
			}
		})
	}
}

// TestParsePipelineHidesValues checks that no error quotes an env value, an image or a command.
func TestParsePipelineHidesValues(t *testing.T) {
	const secret = "hunter2s3cr3t"
	for _, in := range []string{
		`{"env":{"A":{"x":"` + secret + `"}}}`,
		`{"env":{"A":["` + secret + `"]}}`,
		`{"image":{"` + secret + `":1}}`,
		`{"cmd":[{"` + secret + `":1}]}`,
		`{"env":{"V":"` + secret + `"},"secrets":[{"name":"s","key":"k","env_var":"V"}]}`,
	} {
		_, err := ParsePipeline([]byte(in))
		if err == nil {
			t.Errorf("input of %d bytes: want an error", len(in))
			continue
		}
		if strings.Contains(err.Error(), secret) {
			t.Errorf("an error for an input of %d bytes quotes a value", len(in))
		}
	}
}
