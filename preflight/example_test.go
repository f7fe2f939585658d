package preflight_test

import (
	"context"
	"fmt"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/validation/field"
	"k8s.io/client-go/kubernetes/fake"

	"github.com/podsecrets/podsecrets/preflight"
	"github.com/podsecrets/podsecrets/secretspec"
	"github.com/podsecrets/podsecrets/secretspec/runai"
)

func ExampleCheck() {
	client := fake.NewClientset(&corev1.Secret{
		ObjectMeta: metav1.ObjectMeta{Name: "db", Namespace: "team-a"},
		Data:       map[string][]byte{"user": []byte("admin")},
	})
	refs := []secretspec.Ref{
		{Secret: "db", Key: "password", As: secretspec.Env, EnvVar: "DB_PASSWORD"},
		{Secret: "db", Key: "user", As: secretspec.Env, EnvVar: "DB_USER"},
		{Secret: "registry", As: secretspec.PullSecret},
		{Secret: "feature-flags", As: secretspec.EnvFrom, Optional: true},
	}
	errs, warnings := preflight.Check(preflight.FromClient(context.Background(), client, "team-a"), refs, field.NewPath("refs"))
	for _, e := range errs {
		fmt.Println("error:", e)
	}
	for _, w := range warnings {
		fmt.Println("warning:", w)
	}
	// Output:
	// error: refs[0].key: Not found: "password": Secret "db" has no key "password" (it has "user")
	// warning: refs[2].secret: Not found: "registry": Secret "registry" does not exist
	// warning: refs[3].secret: Not found: "feature-flags": Secret "feature-flags" does not exist
}

// Each problem is named by its ref's Origin: where the user wrote it.
func ExampleCheck_origin() {
	client := fake.NewClientset(&corev1.Secret{
		ObjectMeta: metav1.ObjectMeta{Name: "db", Namespace: "runai-team-a"},
		Data:       map[string][]byte{"username": []byte("admin")},
	})
	refs, _, err := runai.ParseEnvs([]string{"LOG_LEVEL=debug", "DB_USER=SECRET:db,username", "DB_PASS=SECRET:db,password"})
	if err != nil {
		fmt.Println(err)
		return
	}
	errs, _ := preflight.Check(preflight.FromClient(context.Background(), client, "runai-team-a"), refs, field.NewPath("refs"))
	fmt.Println(errs.ToAggregate())
	// Output:
	// 3rd -e flag.key: Not found: "password": Secret "db" has no key "password" (it has "username")
}
