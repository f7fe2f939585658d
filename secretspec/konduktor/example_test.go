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
		// (the key is stored as "gitkey", whatever the file is called)
		create("my-ssh-name", konduktor.KindGitSSH, encode.FileAs(konduktor.GitSSHKey, "testdata/id_rsa")),
		// konduktor secret create --kind=env --inline FOO=bar my-env-name
		create("my-env-name", konduktor.KindEnv, encode.Literal("FOO", "bar")),
	}
	// Another user's secret is never injected, and Konduktor's own Secrets of the owner (no
	// kind label) are skipped.
	other, _ := encode.Generic("my-env-name-0badc0de", encode.Literal("FOO", "x"))
	other.Labels, _ = konduktor.Labels("my-env-name", "0badc0de", konduktor.KindEnv)
	sshKeys, _ := encode.Generic("konduktor-ssh-keys-"+owner, encode.Literal("PRIVKEY", "x"))
	sshKeys.Labels = map[string]string{konduktor.LabelParent: konduktor.ParentValue, konduktor.LabelOwner: owner}
	secrets = append(secrets, *other, *sshKeys)

	refs, extras, err := konduktor.Refs(secrets, owner, "")
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, r := range refs {
		fmt.Printf("%s\n    %-6s %s key=%q env=%q dir=%q in %v\n", r.Origin, r.As, r.Secret, r.Key, r.EnvVar, r.MountPath, r.Containers)
		for _, it := range r.Items {
			fmt.Printf("    %s/%s\n", r.MountPath, it.Path)
		}
	}
	for _, v := range extras.Env {
		fmt.Printf("%s=%s in %v\n", v.Name, v.Value, extras.Containers)
	}
	// Output:
	// secret "my-default-directory" (kind default)
	//     mount  my-default-directory-f3a9c2d1 key="" env="" dir="/konduktor/default-secrets/my-default-directory" in [konduktor-container]
	//     /konduktor/default-secrets/my-default-directory/secrets/nested/deep.txt
	//     /konduktor/default-secrets/my-default-directory/secrets/secret-file.txt
	// secret "my-default-file" (kind default)
	//     mount  my-default-file-f3a9c2d1 key="" env="" dir="/konduktor/default-secrets/my-default-file" in [konduktor-container]
	// secret "my-default-inline" (kind default)
	//     mount  my-default-inline-f3a9c2d1 key="" env="" dir="/konduktor/default-secrets/my-default-inline" in [konduktor-container]
	// secret "my-env-name" (kind env)
	//     env    my-env-name-f3a9c2d1 key="FOO" env="FOO" dir="" in [konduktor-container]
	// secret "my-ssh-name" (kind git-ssh)
	//     gitSSH my-ssh-name-f3a9c2d1 key="gitkey" env="" dir="" in [konduktor-container]
	// KONDUKTOR_DEFAULT_SECRETS=/konduktor/default-secrets in [konduktor-container]
}

func ExampleSecretName() {
	fmt.Println(konduktor.SecretName("my-env-name", "f3a9c2d1"))
	fmt.Println(konduktor.SecretName("my.env", "f3a9c2d1"))
	// Output:
	// my-env-name-f3a9c2d1 <nil>
	//  konduktor: secret name "my.env" is invalid: must not contain dots
}

func ExampleLabels() {
	labels, err := konduktor.Labels("my-ssh-name", "f3a9c2d1", konduktor.KindGitSSH)
	fmt.Println(labels, err)
	// Output:
	// map[parent:konduktor trainy.ai/secret-basename:my-ssh-name trainy.ai/secret-kind:git-ssh trainy.ai/secret-owner:f3a9c2d1] <nil>
}
