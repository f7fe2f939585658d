package admission_test

import (
	"context"
	"strings"
	"testing"

	admissionv1 "k8s.io/api/admission/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"sigs.k8s.io/yaml"

	"github.com/podsecrets/podsecrets/inject"
	"github.com/podsecrets/podsecrets/inject/admission"
	"github.com/podsecrets/podsecrets/inject/internal/patchtest"
	"github.com/podsecrets/podsecrets/secretspec"
)

// pytorchJob is a Kubeflow PyTorchJob as users write it: a Master and a Worker template that
// ask for different secrets through their own annotations, and fields corev1 does not know.
const pytorchJob = `
apiVersion: kubeflow.org/v1
kind: PyTorchJob
metadata:
  name: mnist
spec:
  runPolicy: {cleanPodPolicy: None}
  pytorchReplicaSpecs:
    Master:
      replicas: 1
      restartPolicy: OnFailure
      template:
        metadata:
          annotations: {example.com/secret: master-creds}
        spec:
          containers:
          - name: pytorch
            image: pytorch:2
    Worker:
      replicas: 3
      restartPolicy: OnFailure
      template:
        metadata:
          annotations: {example.com/secret: worker-creds}
        spec:
          containers:
          - name: pytorch
            image: pytorch:2
`

// annotationEnv gives each pod the Secret its example.com/secret annotation names, as
// CREDS_TOKEN.
func annotationEnv(seen *[]string) admission.RefsFunc {
	return func(_ context.Context, pod *corev1.Pod) ([]secretspec.Ref, secretspec.Extras, error) {
		name := pod.Annotations["example.com/secret"]
		*seen = append(*seen, pod.Namespace+"/"+name)
		if name == "" {
			return nil, secretspec.Extras{}, nil
		}
		return []secretspec.Ref{{Secret: name, Key: "token", As: secretspec.Env, EnvVar: "CREDS_TOKEN"}}, secretspec.Extras{}, nil
	}
}

func decodeYAML(t *testing.T, doc string) *unstructured.Unstructured {
	t.Helper()
	u := &unstructured.Unstructured{}
	if err := yaml.Unmarshal([]byte(doc), &u.Object); err != nil {
		t.Fatal(err)
	}
	return u
}

func gvkOfU(u *unstructured.Unstructured) metav1.GroupVersionKind {
	gvk := u.GroupVersionKind()
	return metav1.GroupVersionKind{Group: gvk.Group, Version: gvk.Version, Kind: gvk.Kind}
}

// TestCustomResourceTemplates admits a PyTorchJob: the RefsFunc is called once per template
// with that template's pod, each template gets its own refs, unknown fields survive, and an
// update that already has the secrets gets no patch.
func TestCustomResourceTemplates(t *testing.T) {
	job := decodeYAML(t, pytorchJob)
	var seen []string
	wh := &admission.Webhook{Refs: annotationEnv(&seen)}
	d, resp := decide(t, wh, reviewOf(t, admissionv1.Create, gvkOfU(job), job.Object))
	if d.Outcome != admission.Patched || d.Templates != 2 {
		t.Fatalf("decision %s with %d templates (%q), want patched, 2", d.Outcome, d.Templates, d.Message)
	}
	if got := strings.Join(seen, ","); got != "team-a/master-creds,team-a/worker-creds" {
		t.Errorf("the RefsFunc saw %s, want each template's pod in the request's namespace", got)
	}
	want := job
	for _, r := range []struct{ path, secret string }{
		{"spec.pytorchReplicaSpecs.Master.template", "master-creds"},
		{"spec.pytorchReplicaSpecs.Worker.template", "worker-creds"},
	} {
		out, err := inject.ApplyObject(want, []secretspec.Ref{{Secret: r.secret, Key: "token", As: secretspec.Env, EnvVar: "CREDS_TOKEN"}},
			inject.WithTemplates(func(p string) bool { return p == r.path }))
		if err != nil {
			t.Fatal(err)
		}
		want = out.(*unstructured.Unstructured)
	}
	if err := patchtest.Check(job.Object, want.Object, resp.Patch); err != nil {
		t.Error(err)
	}
	if !strings.Contains(string(resp.Patch), "master-creds") || !strings.Contains(string(resp.Patch), "worker-creds") {
		t.Errorf("patch %s lacks a template's secret", resp.Patch)
	}
	d, resp = decide(t, wh, reviewOf(t, admissionv1.Update, gvkOfU(want), want.Object))
	if d.Outcome != admission.Unchanged || resp.Patch != nil {
		t.Errorf("update with the secrets: %s, patch %s; want unchanged", d.Outcome, resp.Patch)
	}
}

// TestCustomResourceDenial checks that a template's conflict names its path and its own ref.
func TestCustomResourceDenial(t *testing.T) {
	job := decodeYAML(t, pytorchJob)
	w := job.Object["spec"].(map[string]any)["pytorchReplicaSpecs"].(map[string]any)["Worker"].(map[string]any)["template"].(map[string]any)["spec"].(map[string]any)
	w["containers"].([]any)[0].(map[string]any)["env"] = []any{map[string]any{"name": "CREDS_TOKEN", "value": "dev-token-value"}}
	var seen []string
	d, _ := decide(t, &admission.Webhook{Refs: annotationEnv(&seen)}, reviewOf(t, admissionv1.Create, gvkOfU(job), job.Object))
	for _, want := range []string{
		"cannot inject the secrets into the PyTorchJob's pod template spec.pytorchReplicaSpecs.Worker.template: spec.pytorchReplicaSpecs.Worker.template.spec.containers[0].env[0]",
		`env var "CREDS_TOKEN" from secret "worker-creds" key "token" wants it`,
	} {
		if d.Outcome != admission.Denied || !strings.Contains(d.Message, want) {
			t.Errorf("%s: message %q lacks %q", d.Outcome, d.Message, want)
		}
	}
	if strings.Contains(d.Message, "dev-token-value") || strings.Contains(d.Message, "refs[") {
		t.Errorf("message %q holds a value or refs[i]", d.Message)
	}
}

// TestCustomResourceTemplatePaths admits a kind inject does not know once Webhook.Options
// say where its templates are, and says how to do that before.
func TestCustomResourceTemplatePaths(t *testing.T) {
	obj := decodeYAML(t, `
apiVersion: example.com/v1
kind: Trainer
metadata: {name: t}
spec:
  pods:
  - template:
      metadata: {annotations: {example.com/secret: creds}}
      spec: {containers: [{name: main, image: busybox}]}
`)
	var seen []string
	d, _ := decide(t, &admission.Webhook{Refs: annotationEnv(&seen)}, reviewOf(t, admissionv1.Create, gvkOfU(obj), obj.Object))
	if d.Outcome != admission.Errored || !strings.Contains(d.Message, "WithTemplatePaths") {
		t.Errorf("unknown kind: %s %q, want an error pointing at WithTemplatePaths", d.Outcome, d.Message)
	}
	wh := &admission.Webhook{Refs: annotationEnv(&seen), Options: []inject.Option{
		inject.WithTemplatePaths(schema.GroupKind{Group: "example.com", Kind: "Trainer"}, "spec.pods[*].template"),
	}}
	d, resp := decide(t, wh, reviewOf(t, admissionv1.Create, gvkOfU(obj), obj.Object))
	if d.Outcome != admission.Patched || d.Templates != 1 || !strings.Contains(string(resp.Patch), `"/spec/pods/0/template/spec/containers/0/env"`) {
		t.Errorf("with WithTemplatePaths: %s (%q), patch %s", d.Outcome, d.Message, resp.Patch)
	}
}
