package secretspec_test

import (
	"errors"
	"fmt"

	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/podsecrets/podsecrets/secretspec"
)

func ExampleParse() {
	r, err := secretspec.Parse("env:MYUSERNAME=my-secret/username")
	if err != nil {
		panic(err)
	}
	fmt.Printf("%s: secret %q, key %q, variable %q\n", r.As, r.Secret, r.Key, r.EnvVar)

	r, _ = secretspec.Parse("mount:/etc/x=my-secret;items=tls.crt:certs/tls.crt,tls.key:certs/tls.key@0400;mode=0440;containers=main")
	fmt.Println(r.MountPath, r.Items[1].Path, *r.Items[1].Mode == 0o400, *r.Mode == 0o440, r.Containers)
	// Output:
	// env: secret "my-secret", key "username", variable "MYUSERNAME"
	// /etc/x certs/tls.key true true [main]
}

func ExampleParse_errors() {
	_, err := secretspec.Parse("env:MYUSERNAME")
	var serr *secretspec.SyntaxError
	fmt.Println(errors.As(err, &serr), serr.Offset)
	fmt.Println(err)

	// Well-formed, but an env ref needs a key.
	_, err = secretspec.Parse("env:MYUSERNAME=my-secret/")
	fmt.Println(err)
	// Output:
	// true 14
	// secretspec: syntax error at byte 14:
	//	env:MYUSERNAME
	//	              ^ expected "=" after env var name
	// key: Required value: an env ref delivers one key
}

func ExampleRef_String() {
	mode := int32(0o400)
	refs := []secretspec.Ref{
		{As: secretspec.Env, Secret: "db", Key: "password", EnvVar: "DB_PASSWORD"},
		{As: secretspec.EnvFrom, Secret: "app-config", Prefix: "APP_", Optional: true},
		{As: secretspec.Mount, Secret: "tls", MountPath: "/etc/my tls;v2", Mode: &mode},
		{As: secretspec.PullSecret, Secret: "regcred"},
		{As: secretspec.GitSSH, Secret: "deploy-key", Containers: []string{"clone"}},
	}
	for _, r := range refs {
		fmt.Println(r)
	}
	// Output:
	// env:DB_PASSWORD=db/password
	// envFrom:app-config;prefix=APP_;optional
	// mount:/etc/my tls%3Bv2=tls;mode=0400
	// pull:regcred
	// gitSSH:deploy-key;containers=clone
}

func ExampleRef_Validate() {
	r := secretspec.Ref{As: secretspec.Mount, Secret: "My_Secret", MountPath: "etc/x", EnvVar: "X"}
	for _, e := range r.Validate(field.NewPath("refs").Index(0)) {
		fmt.Println(e.Field, e.Type)
	}
	// Output:
	// refs[0].secret Invalid value
	// refs[0].mountPath Invalid value
	// refs[0].envVar Forbidden
}

func ExampleValidateRefs() {
	refs := []secretspec.Ref{
		{As: secretspec.Env, Secret: "a", Key: "b", EnvVar: "TOKEN"},
		{As: secretspec.Env, Secret: "a", Key: "b", EnvVar: "TOKEN"}, // identical: fine
		{As: secretspec.Mount, Secret: "tls", Key: "tls.crt", MountPath: "/etc/tls"},
		{As: secretspec.Mount, Secret: "tls", Key: "tls.key", MountPath: "/etc/tls"}, // merges with refs[2]
		{As: secretspec.Env, Secret: "c", Key: "d", EnvVar: "TOKEN"},
		{As: secretspec.Mount, Secret: "other", MountPath: "/etc/tls"},
	}
	for _, e := range secretspec.ValidateRefs(refs, field.NewPath("refs")) {
		fmt.Println(e)
	}
	// Output:
	// refs[4].envVar: Duplicate value: "TOKEN": also set by refs[0] from secret "a" key "b"
	// refs[5].mountPath: Duplicate value: "/etc/tls": refs[2] (mount, secret "tls") mounts there; a mount path holds one Secret
}

// A dialect sets each ref's Origin, and every error names the ref as its user wrote it.
func ExampleValidateRefs_origin() {
	refs := []secretspec.Ref{
		{As: secretspec.Env, Secret: "db", Key: "user", EnvVar: "DB_USER", Origin: "transform.secrets[0]"},
		{As: secretspec.Env, Secret: "ldap", Key: "user", EnvVar: "DB_USER", Origin: "transform.secrets[1]"},
	}
	for _, e := range secretspec.ValidateRefs(refs, field.NewPath("refs")) {
		fmt.Println(e)
	}
	// Output:
	// transform.secrets[1].envVar: Duplicate value: "DB_USER": also set by transform.secrets[0] from secret "db" key "user"
}

func ExampleRef_Normalize() {
	r := secretspec.Ref{As: secretspec.GitSSH, Secret: "deploy-key"}.Normalize()
	fmt.Println(r.Key, r.MountPath)
	// Output:
	// ssh-privatekey /etc/git-ssh
}
