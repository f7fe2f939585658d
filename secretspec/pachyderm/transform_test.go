package pachyderm

import (
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	k8svalidation "k8s.io/apimachinery/pkg/util/validation"

	"github.com/podsecrets/podsecrets/internal/errtext"
	"github.com/podsecrets/podsecrets/secretspec"
)

func TestParseTransformMnist(t *testing.T) {
	spec, err := os.ReadFile("testdata/mnist.json")
	if err != nil {
		t.Fatal(err)
	}
	got, err := ParseTransform(spec)
	if err != nil {
		t.Fatal(err)
	}
	want := []secretspec.Ref{
		{Secret: "clearml", Key: "access", As: secretspec.Env, EnvVar: "CLEARML_API_ACCESS_KEY"},
		{Secret: "clearml", Key: "secret", As: secretspec.Env, EnvVar: "CLEARML_API_SECRET_KEY"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("refs (-want +got):\n%s", diff)
	}
}

func TestParseTransform(t *testing.T) {
	env := secretspec.Ref{Secret: "s", Key: "k", As: secretspec.Env, EnvVar: "V"}
	mount := secretspec.Ref{Secret: "s", As: secretspec.Mount, MountPath: "/m"}
	pull := secretspec.Ref{Secret: "reg", As: secretspec.PullSecret}
	tests := []struct {
		name     string
		in       string
		want     []secretspec.Ref
		wantErrs []string
	}{
		{name: "transform object JSON", in: `{"image":"x","secrets":[{"name":"s","key":"k","env_var":"V"}]}`, want: []secretspec.Ref{env}},
		{name: "pipeline JSON", in: `{"pipeline":{"name":"p"},"transform":{"secrets":[{"name":"s","mount_path":"/m"}],"image_pull_secrets":["reg"]}}`, want: []secretspec.Ref{mount, pull}},
		{name: "transform YAML", in: "secrets:\n- name: s\n  key: k\n  env_var: V\n", want: []secretspec.Ref{env}},
		{name: "pipeline YAML", in: "pipeline: {name: p}\ntransform:\n  image_pull_secrets: [reg]\n", want: []secretspec.Ref{pull}},
		{name: "YAML flow mapping starting with brace", in: "{secrets: [{name: s, mount_path: /m}]}", want: []secretspec.Ref{mount}},
		{name: "lowerCamel names", in: `{"secrets":[{"name":"s","key":"k","envVar":"V"},{"name":"s","mountPath":"/m"}],"imagePullSecrets":["reg"]}`, want: []secretspec.Ref{env, mount, pull}},
		{name: "no secrets", in: `{"pipeline":{"name":"p"},"transform":{"image":"x"}}`},
		{name: "pipeline without transform", in: `{"pipeline":{"name":"p"}}`},
		{name: "null transform", in: `{"transform":null}`},
		{name: "null fields", in: `{"secrets":null,"image_pull_secrets":null}`},
		{name: "null values in an entry", in: `{"secrets":[{"name":"s","key":null,"mount_path":"/m"}]}`, want: []secretspec.Ref{mount}},
		{name: "empty object", in: `{}`},

		{name: "empty input", in: ``, wantErrs: []string{"pachyderm: expected a pipeline spec or a transform object (a JSON or YAML mapping)"}},
		{name: "list at top", in: `[1,2]`, wantErrs: []string{"pachyderm: expected a pipeline spec or a transform object (a JSON or YAML mapping)"}},
		{name: "transform not an object", in: `{"transform":"x"}`, wantErrs: []string{"transform: Invalid value: must be an object"}},
		{name: "secrets not a list", in: `{"secrets":{}}`, wantErrs: []string{"transform.secrets: Invalid value: must be a list of objects"}},
		{name: "entry not an object", in: `{"secrets":["s"]}`, wantErrs: []string{"transform.secrets[0]: Invalid value: must be an object with name, key, mount_path and env_var"}},
		{name: "value not a string", in: `{"secrets":[{"name":"s","key":1,"env_var":"V"}]}`, wantErrs: []string{"transform.secrets[0].key: Invalid value: must be a string"}},
		{name: "unknown field", in: `{"secrets":[{"name":"s","mount_path":"/m","mode":"0400"}]}`, wantErrs: []string{
			"transform.secrets[0].mode: Forbidden: unknown field; a secrets entry takes name, key, mount_path (or mountPath) and env_var (or envVar)"}},
		{name: "misspelt field", in: `{"secrets":[{"name":"s","MountPath":"/m"}]}`, wantErrs: []string{
			"transform.secrets[0].MountPath: Forbidden: unknown field; a secrets entry takes name, key, mount_path (or mountPath) and env_var (or envVar); did you mean mount_path?"}},
		{name: "unknown field hides no other entry", in: `{"secrets":[{"name":"s","mount":"/m"},{"name":"Bad_Name","env_var":"V","key":"k"},{"name":"t","env_var":"W"}],"image_pull_secrets":[1,"UPPER"]}`, wantErrs: []string{
			"transform.secrets[0].mount: Forbidden: unknown field; a secrets entry takes name, key, mount_path (or mountPath) and env_var (or envVar); did you mean mount_path?",
			"transform.image_pull_secrets[0]: Invalid value: must be a string",
			`transform.secrets[1].name: Invalid value: "Bad_Name": must be lower case ("B" at byte 0): ` + subdomainRule,
			"transform.secrets[2].key: Required value: env_var needs the key whose value it receives",
			`transform.image_pull_secrets[1]: Invalid value: "UPPER": must be lower case ("U" at byte 0): ` + subdomainRule,
		}},
		{name: "both spellings", in: `{"secrets":[{"name":"s","mount_path":"/m","mountPath":"/n"}]}`, wantErrs: []string{"transform.secrets[0].mountPath: Duplicate value: the same field is also given as mount_path"}},
		{name: "pull secrets not a list", in: `{"image_pull_secrets":"reg"}`, wantErrs: []string{"transform.image_pull_secrets: Invalid value: must be a list of strings"}},
		{name: "pull secret not a string", in: `{"image_pull_secrets":[{}]}`, wantErrs: []string{"transform.image_pull_secrets[0]: Invalid value: must be a string"}},
		{name: "rule errors after decoding", in: `{"secrets":[{"name":"s","env_var":"V"}]}`, wantErrs: []string{"transform.secrets[0].key: Required value: env_var needs the key whose value it receives"}},
		{name: "bad JSON", in: `{"secrets": [}`, wantErrs: []string{"pachyderm: input is not valid JSON (at byte offset 14): expected a pipeline spec or a transform object"}},
		{name: "bad YAML", in: "secrets:\n- name: s\n bad: [\n", wantErrs: []string{"pachyderm: input is not valid YAML (at line 2): expected a pipeline spec or a transform object"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseTransform([]byte(tt.in))
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("refs (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.wantErrs, errtext.Messages(err)); diff != "" {
				t.Errorf("errors (-want +got):\n%s", diff)
			}
		})
	}
}

// subdomainRule is apimachinery's message for a name that is not a DNS-1123 subdomain.
var subdomainRule = k8svalidation.IsDNS1123Subdomain("A")[0]

func TestParseTransformSyntaxErrorType(t *testing.T) {
	_, err := ParseTransform([]byte(`{"a":`))
	var se *SyntaxError
	if !errors.As(err, &se) {
		t.Fatalf("error %v is not a *SyntaxError", err)
	}
	if se.Format != "JSON" || se.Offset != 5 {
		t.Errorf("got %+v, want JSON at offset 5", *se)
	}
}

// TestErrorsHideInput checks that no error, whatever its cause, quotes text from the input
// other than field names.
func TestErrorsHideInput(t *testing.T) {
	const secret = "hunter2s3cr3t"
	inputs := []string{
		`{"secrets": [` + secret + `]}`,
		`{"secrets": "` + secret + `"}`,
		"secrets: [" + secret + "\n  - : :",
		"secrets:\n  - name: s\n    key: !!binary " + secret + "\n",
		`{"image_pull_secrets": [{"x": "` + secret + `"}]}`,
		`{"secrets": [{"name": "s", "key": 1, "mount_path": "` + secret + `"}]}`,
		"- " + secret,
		"\t" + secret + ": [",
	}
	for _, in := range inputs {
		_, err := ParseTransform([]byte(in))
		if err == nil {
			t.Errorf("input %d: want an error", len(in))
			continue
		}
		if strings.Contains(err.Error(), secret) {
			t.Errorf("an error for an input of %d bytes quotes the input", len(in))
		}
	}
}
