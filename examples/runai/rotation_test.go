package main

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/podsecrets/podsecrets/examples/internal/cli"
	"github.com/podsecrets/podsecrets/inject"
	"github.com/podsecrets/podsecrets/preflight"
	"github.com/podsecrets/podsecrets/rollout"
	"github.com/podsecrets/podsecrets/secretspec"
)

// TestRestartOnRotation: updating the cluster-wide source updates its copy in a project, and
// the opted-in Deployment there that reads the copy rolls.
func TestRestartOnRotation(t *testing.T) {
	client := cluster(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var out, errOut bytes.Buffer
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, cli.Env{Stdout: &out, Stderr: &errOut, Client: client},
			[]string{"secret", "set", "regcred", "--cluster-wide", "--watch", "--restart-on-rotation"})
	}()
	waitFor(t, done, func() bool { return len(copies(t, client, "regcred")) == 2 })

	// A workload of project team-a reading the copy, stamped as a webhook would stamp it.
	const project = "runai-team-a"
	tmpl, err := inject.ApplyTemplate(&corev1.PodTemplateSpec{Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "train", Image: "ubuntu"}}}},
		[]secretspec.Ref{{Secret: "regcred", Key: "token", As: secretspec.Env, EnvVar: "TOKEN"}},
		inject.WithSecretsHash(preflight.FromClient(ctx, client, project)))
	if err != nil {
		t.Fatal(err)
	}
	stamp := tmpl.Annotations[inject.AnnotationSecretsHash]
	if _, err := client.AppsV1().Deployments(project).Create(ctx, &appsv1.Deployment{
		ObjectMeta: metav1.ObjectMeta{Name: "train", Labels: map[string]string{rollout.LabelOptIn: "true"}},
		Spec:       appsv1.DeploymentSpec{Template: *tmpl}}, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}

	src, err := client.CoreV1().Secrets("runai").Get(ctx, "regcred", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	src.Data["token"] = []byte("rotated")
	if _, err := client.CoreV1().Secrets("runai").Update(ctx, src, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
	waitFor(t, done, func() bool {
		d, err := client.AppsV1().Deployments(project).Get(ctx, "train", metav1.GetOptions{})
		return err == nil && d.Spec.Template.Annotations[inject.AnnotationSecretsHash] != stamp
	})
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("run: %v", err)
	}
	if !strings.Contains(out.String(), "restarting Deployments, StatefulSets and DaemonSets labelled "+rollout.LabelOptIn+"=true") {
		t.Errorf("output does not announce the restarts:\n%s", out.String())
	}
}

func TestRestartOnRotationNeedsWatch(t *testing.T) {
	_, err := runCmd(t, context.Background(), cluster(t), "secret", "set", "regcred", "--cluster-wide", "--restart-on-rotation")
	var usage *cli.UsageError
	if !errors.As(err, &usage) || !strings.Contains(err.Error(), "--restart-on-rotation needs --watch") {
		t.Errorf("error %v, want the usage error", err)
	}
}
