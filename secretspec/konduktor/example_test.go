package konduktor_test

import (
	"fmt"

	corev1 "k8s.io/api/core/v1"

	"github.com/podsecrets/podsecrets/encode"
	"github.com/podsecrets/podsecrets/secretspec/konduktor"
)

// The secrets of Konduktor's "Creating Secrets" page, made by one user, and what that user's
// workloads receive.
func Example() {
	const owner = "f3a9c2d1" // Konduktor's hash of user and host, a DNS-1123 label
	create := func(basename, kind string, sources ...encode.Source) corev1.Secret {
		name, err := konduktor.SecretName(basename, owner)
		if err != nil {
			panic(err)
		}
		s, err := encode.Generic(name, sources...)
		if err != nil {
			panic(err)
		}
		if s.Labels, err = konduktor.Labels(basename, owner, kind); err != nil {
			panic(err)
		}
		return *s
	}
	secrets := []corev1.Secret{
		// konduktor secret create --kind=default --from-file=./tests/secrets/secret-file.txt my-default-file
		create("my-default-file", konduktor.KindDefault, encode.File("testdata/tests/secrets/secret-file.txt")),
		// konduktor secret create --kind=default --from-directory=./tests/secrets my-default-directory
		create("my-default-directory", konduktor.KindDefault, encode.Tree("testdata/tests/secrets")),
		// konduktor secret create --kind=default --inline FOO=bar my-default-inline
		create("my-default-inline", konduktor.KindDefault, encode.Literal("FOO", "bar")),
		// konduktor secret create --kind=git-ssh --from-file=~/.ssh/id_rsa my-ssh-name
		create("my-ssh-name", konduktor.KindGitSSH, encode.File("testdata/id_rsa")),
		// konduktor secret create --kind=env --inline FOO=bar my-env-name
		create("my-env-name", konduktor.KindEnv, encode.Literal("FOO", "bar")),
	}
	// Another user's secret is never injected.
	other, _ := encode.Generic("my-env-name-0badc0de", encode.Literal("FOO", "x"))
	other.Labels, _ = konduktor.Labels("my-env-name", "0badc0de", konduktor.KindEnv)
	secrets = append(secrets, *other)

	refs, plain, err := konduktor.Refs(secrets, owner, "")
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, r := range refs {
		fmt.Printf("%-6s %-29s key=%q env=%q dir=%q\n", r.As, r.Secret, r.Key, r.EnvVar, r.MountPath)
		for _, it := range r.Items {
			fmt.Printf("         %s/%s\n", r.MountPath, it.Path)
		}
	}
	for _, v := range plain {
		fmt.Printf("%s=%s\n", v.Name, v.Value)
	}
	// Output:
	// mount  my-default-directory-f3a9c2d1 key="" env="" dir="/konduktor/default-secrets/my-default-directory"
	//          /konduktor/default-secrets/my-default-directory/secrets/nested/deep.txt
	//          /konduktor/default-secrets/my-default-directory/secrets/secret-file.txt
	// mount  my-default-file-f3a9c2d1      key="" env="" dir="/konduktor/default-secrets/my-default-file"
	// mount  my-default-inline-f3a9c2d1    key="" env="" dir="/konduktor/default-secrets/my-default-inline"
	// env    my-env-name-f3a9c2d1          key="FOO" env="FOO" dir=""
	// gitSSH my-ssh-name-f3a9c2d1          key="id_rsa" env="" dir=""
	// KONDUKTOR_DEFAULT_SECRETS=/konduktor/default-secrets
}

func ExampleSecretName() {
	fmt.Println(konduktor.SecretName("my-env-name", "f3a9c2d1"))
	fmt.Println(konduktor.SecretName("my-env-name", "Alice@laptop"))
	// Output:
	// my-env-name-f3a9c2d1 <nil>
	//  konduktor: owner id "Alice@laptop" is not a DNS-1123 label (it is used verbatim as the trainy.ai/secret-owner label value and name suffix): must be lower case ("A" at byte 0): a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')
}

func ExampleLabels() {
	labels, err := konduktor.Labels("my-ssh-name", "f3a9c2d1", konduktor.KindGitSSH)
	fmt.Println(labels, err)
	// Output:
	// map[parent:konduktor trainy.ai/secret-basename:my-ssh-name trainy.ai/secret-kind:git-ssh trainy.ai/secret-owner:f3a9c2d1] <nil>
}
