package pachyderm_test

import (
	"fmt"
	"os"

	"github.com/podsecrets/podsecrets/secretspec/pachyderm"
)

// The mnist pipeline from Pachyderm's "Manage Secrets" page passes two ClearML credentials
// to the pipeline's code as environment variables.
func ExampleParseTransform() {
	spec, err := os.ReadFile("testdata/mnist.json")
	if err != nil {
		fmt.Println(err)
		return
	}
	refs, err := pachyderm.ParseTransform(spec)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, r := range refs {
		fmt.Printf("%s: %s <- secret %s, key %s\n", r.As, r.EnvVar, r.Secret, r.Key)
	}
	// Output:
	// env: CLEARML_API_ACCESS_KEY <- secret clearml, key access
	// env: CLEARML_API_SECRET_KEY <- secret clearml, key secret
}

func ExampleParseTransform_yaml() {
	refs, err := pachyderm.ParseTransform([]byte(`
transform:
  image: my-app
  secrets:
  - name: tls-certs
    mount_path: /var/my-app-secret
  image_pull_secrets: [regcred, regcred]
`))
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, r := range refs {
		fmt.Printf("%s: secret %s %s\n", r.As, r.Secret, r.MountPath)
	}
	// Output:
	// mount: secret tls-certs /var/my-app-secret
	// pull: secret regcred
}

func ExampleRefs_errors() {
	_, err := pachyderm.Refs([]pachyderm.SecretMount{
		{Name: "clearml", EnvVar: "CLEARML_API_ACCESS_KEY"},
		{Name: "clearml"},
	}, nil)
	fmt.Println(err)
	// Output:
	// 2 problems:
	//	- transform.secrets[0].key: Required value: env_var needs the key whose value it receives
	//	- transform.secrets[1]: Required value: an entry needs env_var (with key), mount_path, or both
}

// ParsePipeline reads, once, everything a worker pod is built from.
func ExampleParsePipeline() {
	spec := []byte(`
pipeline:
  name: train
transform:
  image: pachyderm/clearml_mnist:dev0.11
  cmd: [python3, /train.py]
  env:
    EPOCHS: "10"
  secrets:
  - name: clearml
    env_var: CLEARML_API_ACCESS_KEY
    key: access
`)
	p, err := pachyderm.ParsePipeline(spec)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(p.Name, p.Image, p.Cmd)
	for _, e := range p.Env {
		fmt.Printf("plain %s=%s\n", e.Name, e.Value)
	}
	for _, r := range p.Refs {
		fmt.Printf("ref   %s <- secret %s, key %s\n", r.EnvVar, r.Secret, r.Key)
	}
	// Output:
	// train pachyderm/clearml_mnist:dev0.11 [python3 /train.py]
	// plain EPOCHS=10
	// ref   CLEARML_API_ACCESS_KEY <- secret clearml, key access
}
