package rollout_test

import (
	"context"
	"fmt"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes/fake"

	"github.com/podsecrets/podsecrets/inject"
	"github.com/podsecrets/podsecrets/preflight"
	"github.com/podsecrets/podsecrets/rollout"
	"github.com/podsecrets/podsecrets/secretspec"
)

// A Deployment that opted in rolls when the key it reads is rotated.
func ExampleController() {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	db := &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: "db", Namespace: "team", UID: "1f0c"},
		Data: map[string][]byte{"password": []byte("old")}}
	client := fake.NewClientset(db)

	// The template as a webhook using inject.WithSecretsHash makes it: stamped.
	refs := []secretspec.Ref{{Secret: "db", Key: "password", As: secretspec.Env, EnvVar: "DB_PASSWORD"}}
	tmpl, err := inject.ApplyTemplate(&corev1.PodTemplateSpec{Spec: corev1.PodSpec{
		Containers: []corev1.Container{{Name: "app", Image: "busybox"}}}}, refs,
		inject.WithSecretsHash(preflight.FromClient(ctx, client, "team")))
	if err != nil {
		fmt.Println(err)
		return
	}
	app := &appsv1.Deployment{ObjectMeta: metav1.ObjectMeta{Name: "app", Namespace: "team",
		Labels: map[string]string{rollout.LabelOptIn: "true"}}, Spec: appsv1.DeploymentSpec{Template: *tmpl}}
	if _, err := client.AppsV1().Deployments("team").Create(ctx, app, metav1.CreateOptions{}); err != nil {
		fmt.Println(err)
		return
	}

	ctrl, err := rollout.NewController(client, rollout.Config{Namespace: "team", Debounce: 10 * time.Millisecond})
	if err != nil {
		fmt.Println(err)
		return
	}
	go func() { _ = ctrl.Run(ctx) }()

	time.Sleep(100 * time.Millisecond) // let it start
	db.Data["password"] = []byte("rotated")
	if _, err := client.CoreV1().Secrets("team").Update(ctx, db, metav1.UpdateOptions{}); err != nil {
		fmt.Println(err)
		return
	}
	for range 500 {
		d, _ := client.AppsV1().Deployments("team").Get(ctx, "app", metav1.GetOptions{})
		if d.Spec.Template.Annotations[inject.AnnotationSecretsHash] != tmpl.Annotations[inject.AnnotationSecretsHash] {
			fmt.Println("rolled")
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	fmt.Println("not rolled")
	// Output:
	// rolled
}
