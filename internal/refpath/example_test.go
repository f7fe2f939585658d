package refpath_test

import (
	"fmt"

	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/podsecrets/podsecrets/internal/refpath"
	"github.com/podsecrets/podsecrets/secretspec"
)

func ExampleValidate() {
	// Two entries of a Pachyderm-like transform set the same variable.
	refs := []secretspec.Ref{
		{Secret: "a", Key: "user", As: secretspec.Env, EnvVar: "USER"},
		{Secret: "b", Key: "user", As: secretspec.Env, EnvVar: "USER"},
	}
	fields := map[string]string{"secret": "name", "envVar": "env_var"}
	origins := []refpath.Origin{
		{Path: field.NewPath("transform", "secrets").Index(0), Fields: fields},
		{Path: field.NewPath("transform", "secrets").Index(1), Fields: fields},
	}
	for _, p := range refpath.Validate(refs, origins) {
		fmt.Println(p.Origin, p.Field)
		fmt.Println(p.Err.Field + ": " + p.Err.Detail)
	}
	// Output:
	// 1 .env_var
	// transform.secrets[1].env_var: also set by transform.secrets[0] from secret "a" key "user"
}

func ExampleValidateRefs() {
	// Two entries of a Pachyderm-like transform set the same variable.
	refs := []secretspec.Ref{
		{Secret: "a", Key: "user", As: secretspec.Env, EnvVar: "USER", Origin: "transform.secrets[0]"},
		{Secret: "b", Key: "user", As: secretspec.Env, EnvVar: "USER", Origin: "transform.secrets[1]"},
	}
	fields := refpath.Fields{"secret": "name", "envVar": "env_var"}
	for _, p := range refpath.ValidateRefs(refs, []refpath.Fields{fields, fields}) {
		fmt.Println(p.Origin, p.Field)
		fmt.Println(p.Err.Field + ": " + p.Err.Detail)
	}
	// Output:
	// 1 .env_var
	// transform.secrets[1].env_var: also set by transform.secrets[0] from secret "a" key "user"
}
