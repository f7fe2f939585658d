package pachyderm

import (
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// FuzzParseTransform checks that ParseTransform never panics, and that the refs it returns come
// back unchanged when their entries are written as a transform again.
func FuzzParseTransform(f *testing.F) {
	for _, s := range []string{
		`{"transform":{"secrets":[{"name":"clearml","env_var":"A","key":"access"}],"image_pull_secrets":["r"]}}`,
		"secrets:\n- name: s\n  mount_path: /m\n",
		`{"secrets":[{"name":"s","key":"k","envVar":"V","mount_path":"/m"}]}`,
		`{"a":`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		refs, err := ParseTransform(data)
		if err != nil {
			if refs != nil {
				t.Fatal("refs returned with an error")
			}
			return
		}
		// Write the refs back as a transform: one entry per env or mount ref, the pull secrets.
		type entry struct {
			Name      string `json:"name"`
			Key       string `json:"key,omitempty"`
			EnvVar    string `json:"env_var,omitempty"`
			MountPath string `json:"mount_path,omitempty"`
		}
		var tr struct {
			Secrets []entry  `json:"secrets"`
			Pulls   []string `json:"image_pull_secrets"`
		}
		for _, r := range refs {
			switch r.As {
			case "pull":
				tr.Pulls = append(tr.Pulls, r.Secret)
			default:
				tr.Secrets = append(tr.Secrets, entry{r.Secret, r.Key, r.EnvVar, r.MountPath})
			}
		}
		doc, err := json.Marshal(tr)
		if err != nil {
			t.Fatal(err)
		}
		again, err := ParseTransform(doc)
		if err != nil {
			t.Fatalf("refs written back do not parse: %v", err)
		}
		if diff := cmp.Diff(refs, again); diff != "" {
			t.Fatalf("round trip (-first +second):\n%s", diff)
		}
	})
}

// FuzzParsePipeline checks that ParsePipeline never panics, that what it accepts
// ParseTransform accepts with the same refs, and that its variables are valid and in name order.
func FuzzParsePipeline(f *testing.F) {
	for _, s := range []string{
		`{"pipeline":{"name":"p"},"transform":{"image":"x","cmd":["a"],"env":{"B":"1","A":""},"secrets":[{"name":"s","env_var":"A2","key":"k"}]}}`,
		"image: x\nenv:\n  PORT: 8080\n",
		`{"env":{"V":"x"},"secrets":[{"name":"s","key":"k","env_var":"V"}]}`,
		`{"pipeline":1,"transform":{"cmd":"x"}}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := ParsePipeline(data)
		if err != nil {
			if p.Refs != nil || p.Env != nil || p.Name != "" {
				t.Fatal("a Pipeline returned with an error")
			}
			return
		}
		refs, err := ParseTransform(data)
		if err != nil {
			t.Fatalf("ParsePipeline accepts what ParseTransform refuses: %v", err)
		}
		if diff := cmp.Diff(refs, p.Refs); diff != "" {
			t.Fatalf("refs differ from ParseTransform's (-ParseTransform +ParsePipeline):\n%s", diff)
		}
		for i, e := range p.Env {
			if i > 0 && p.Env[i-1].Name >= e.Name {
				t.Fatalf("env not in name order at %d", i)
			}
		}
	})
}
