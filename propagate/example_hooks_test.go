package propagate_test

import (
	"context"
	"fmt"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes/fake"
	"k8s.io/client-go/tools/events"

	"github.com/podsecrets/podsecrets/propagate"
)

// A Controller tells what it does through Events on the source Secret and through OnSync,
// which a program wires to its metrics, e.g. a prometheus/client_golang counter:
//
//	syncs.WithLabelValues(s.Source.Name, string(action)).Add(float64(s.Report.Count(action)))
//
// In a cluster, the recorder comes from an events.EventBroadcaster sending to
// client.EventsV1(); here a fake one prints what it is given.
func ExampleControllerConfig_onSync() {
	source := &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: "registry", Namespace: "runai",
		Labels: map[string]string{propagate.RunAIOptInLabel: "true"}}, Data: map[string][]byte{"token": []byte("t0k3n")}}
	theirs := &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: "registry", Namespace: "runai-b"}}
	client := fake.NewClientset(ns("runai"), ns("runai-a"), ns("runai-b"), source, theirs)

	recorder := events.NewFakeRecorder(10)
	synced := make(chan propagate.SyncOutcome, 10)
	cfg := propagate.RunAIConfig()
	cfg.Events = recorder
	cfg.OnSync = func(_ context.Context, s propagate.SyncOutcome) { synced <- s }
	ctrl, err := propagate.NewController(client, cfg)
	if err != nil {
		fmt.Println(err)
		return
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() { _ = ctrl.Run(ctx) }()

	s := <-synced
	fmt.Printf("synced %s: %s\n", s.Source, s.Report.Summary())
	fmt.Println(<-recorder.Events)
	// Output:
	// synced runai/registry: 1 created, 1 conflict
	// Warning CopyConflict secret "registry" in namespace "runai-b" is not a copy of "runai/registry": it is not a copy made by podsecrets; left untouched
}
