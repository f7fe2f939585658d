package inject_test

import (
	"context"
	"fmt"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes/fake"

	"github.com/podsecrets/podsecrets/inject"
	"github.com/podsecrets/podsecrets/preflight"
	"github.com/podsecrets/podsecrets/secretspec"
)

// WithSecretsHash stamps a template with a hash of what it consumes; updating a key the
// template does not read leaves it alone.
func ExampleWithSecretsHash() {
	ctx := context.Background()
	db := &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: "db", Namespace: "team", UID: "6a0c"},
		Data: map[string][]byte{"password": []byte("s3cret"), "comment": []byte("x")}}
	client := fake.NewClientset(db)
	secrets := preflight.FromClient(ctx, client, "team")
	refs := []secretspec.Ref{{Secret: "db", Key: "password", As: secretspec.Env, EnvVar: "DB_PASSWORD"}}
	tmpl := &corev1.PodTemplateSpec{Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "app"}}}}

	stamp := func() string {
		out, err := inject.ApplyTemplate(tmpl, refs, inject.WithSecretsHash(secrets))
		if err != nil {
			return err.Error()
		}
		return out.Annotations[inject.AnnotationSecretsHash]
	}
	first := stamp()
	db.Data["comment"] = []byte("y")
	_, _ = client.CoreV1().Secrets("team").Update(ctx, db, metav1.UpdateOptions{})
	second := stamp()
	db.Data["password"] = []byte("rotated")
	_, _ = client.CoreV1().Secrets("team").Update(ctx, db, metav1.UpdateOptions{})
	third := stamp()
	fmt.Println(len(first), first == second, second == third)
	// Output:
	// 64 true false
}
