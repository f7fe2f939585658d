package rollout_test

import (
	"context"
	"fmt"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes/fake"
	"k8s.io/client-go/tools/events"

	"github.com/podsecrets/podsecrets/inject"
	"github.com/podsecrets/podsecrets/internal/fakewatch"
	"github.com/podsecrets/podsecrets/preflight"
	"github.com/podsecrets/podsecrets/rollout"
)

// A Controller tells what it rolls through an Event on the workload and through OnRoll, which
// a program wires to its metrics, e.g. a prometheus/client_golang counter:
//
//	rolls.WithLabelValues(r.Namespace, r.Kind).Inc()
//
// In a cluster, the recorder comes from an events.EventBroadcaster sending to
// client.EventsV1(); here a fake one prints what it is given.
func ExampleConfig_onRoll() {
	db := &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: "db", Namespace: "team", UID: "1f0c"},
		Data: map[string][]byte{"password": []byte("old"), "user": []byte("app")}}
	app := &appsv1.Deployment{ObjectMeta: metav1.ObjectMeta{Name: "app", Namespace: "team",
		Labels: map[string]string{rollout.LabelOptIn: "true"}}}
	app.Spec.Template.Spec.Containers = []corev1.Container{{Name: "app", Image: "busybox",
		EnvFrom: []corev1.EnvFromSource{{SecretRef: &corev1.SecretEnvSource{LocalObjectReference: corev1.LocalObjectReference{Name: "db"}}}}}}
	client := fake.NewClientset(db)
	// Stamped, as a webhook using inject.WithSecretsHash stamps a template.
	hash, err := inject.SecretsHash(preflight.FromClient(context.Background(), client, "team"), inject.Uses(&app.Spec.Template.Spec))
	if err != nil {
		fmt.Println(err)
		return
	}
	app.Spec.Template.Annotations = map[string]string{inject.AnnotationSecretsHash: hash}
	if _, err := client.AppsV1().Deployments("team").Create(context.Background(), app, metav1.CreateOptions{}); err != nil {
		fmt.Println(err)
		return
	}
	watches := fakewatch.Record(client) // tests only: see ExampleController

	recorder := events.NewFakeRecorder(10)
	rolled := make(chan rollout.Roll, 10)
	ctrl, err := rollout.NewController(client, rollout.Config{Namespace: "team", Debounce: 10 * time.Millisecond,
		Events: recorder, OnRoll: func(_ context.Context, r rollout.Roll) { rolled <- r }})
	if err != nil {
		fmt.Println(err)
		return
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() { _ = ctrl.Run(ctx) }()

	for watches.Count("secrets", "team") == 0 {
		time.Sleep(10 * time.Millisecond)
	}
	db.Data["password"] = []byte("rotated")
	if _, err := client.CoreV1().Secrets("team").Update(ctx, db, metav1.UpdateOptions{}); err != nil {
		fmt.Println(err)
		return
	}
	r := <-rolled
	fmt.Printf("rolled %s %s/%s: %+v\n", r.Kind, r.Namespace, r.Name, r.Secrets)
	fmt.Println(<-recorder.Events)
	// Output:
	// rolled Deployment team/app: [{Name:db Keys:[password] Recreated:false}]
	// Normal SecretsChanged rolled: data its pod template consumes changed: Secret "db" (keys: password)
}
