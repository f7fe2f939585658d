package admission_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	admissionv1 "k8s.io/api/admission/v1"
	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"

	"github.com/podsecrets/podsecrets/inject"
	"github.com/podsecrets/podsecrets/inject/admission"
	"github.com/podsecrets/podsecrets/inject/internal/patchtest"
	"github.com/podsecrets/podsecrets/secretspec"
)

// skipIfObjectStub skips while inject.ApplyObject is the lead's phase-0 stub.
func skipIfObjectStub(t testing.TB) {
	t.Helper()
	if _, err := inject.ApplyObject(&appsv1.Deployment{}, nil); err != nil && strings.Contains(err.Error(), "STUB") {
		t.Skip("inject.ApplyObject is still a stub on this branch")
	}
}

// reviewOf wraps obj, of kind gvk, in an AdmissionReview for op in namespace team-a.
func reviewOf(t testing.TB, op admissionv1.Operation, gvk metav1.GroupVersionKind, obj any) []byte {
	t.Helper()
	raw, err := json.Marshal(obj)
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(admissionv1.AdmissionReview{
		TypeMeta: metav1.TypeMeta{APIVersion: "admission.k8s.io/v1", Kind: "AdmissionReview"},
		Request: &admissionv1.AdmissionRequest{
			UID: uid, Kind: gvk, Namespace: "team-a", Operation: op,
			Object: runtime.RawExtension{Raw: raw},
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func template() corev1.PodTemplateSpec {
	return corev1.PodTemplateSpec{
		ObjectMeta: metav1.ObjectMeta{Labels: map[string]string{"app": "trainer", "secrets": "api"}, Annotations: map[string]string{"team": "a"}},
		Spec:       corev1.PodSpec{Containers: []corev1.Container{{Name: "main", Image: "busybox"}}},
	}
}

// workloads are one object of every kind the handler admits besides Pod.
func workloads() map[string]runtime.Object {
	tm := func(apiVersion, kind string) metav1.TypeMeta {
		return metav1.TypeMeta{APIVersion: apiVersion, Kind: kind}
	}
	om := metav1.ObjectMeta{Name: "trainer"}
	t := template()
	return map[string]runtime.Object{
		"PodTemplate":           &corev1.PodTemplate{TypeMeta: tm("v1", "PodTemplate"), ObjectMeta: om, Template: t},
		"ReplicationController": &corev1.ReplicationController{TypeMeta: tm("v1", "ReplicationController"), ObjectMeta: om, Spec: corev1.ReplicationControllerSpec{Template: &t}},
		"Deployment":            &appsv1.Deployment{TypeMeta: tm("apps/v1", "Deployment"), ObjectMeta: om, Spec: appsv1.DeploymentSpec{Template: t}},
		"StatefulSet":           &appsv1.StatefulSet{TypeMeta: tm("apps/v1", "StatefulSet"), ObjectMeta: om, Spec: appsv1.StatefulSetSpec{Template: t}},
		"DaemonSet":             &appsv1.DaemonSet{TypeMeta: tm("apps/v1", "DaemonSet"), ObjectMeta: om, Spec: appsv1.DaemonSetSpec{Template: t}},
		"ReplicaSet":            &appsv1.ReplicaSet{TypeMeta: tm("apps/v1", "ReplicaSet"), ObjectMeta: om, Spec: appsv1.ReplicaSetSpec{Template: t}},
		"Job":                   &batchv1.Job{TypeMeta: tm("batch/v1", "Job"), ObjectMeta: om, Spec: batchv1.JobSpec{Template: t}},
		"CronJob":               &batchv1.CronJob{TypeMeta: tm("batch/v1", "CronJob"), ObjectMeta: om, Spec: batchv1.CronJobSpec{Schedule: "@daily", JobTemplate: batchv1.JobTemplateSpec{Spec: batchv1.JobSpec{Template: t}}}},
	}
}

func gvkOf(obj runtime.Object) metav1.GroupVersionKind {
	gvk := obj.GetObjectKind().GroupVersionKind()
	return metav1.GroupVersionKind{Group: gvk.Group, Version: gvk.Version, Kind: gvk.Kind}
}

// TestWorkloads admits every workload kind on CREATE and UPDATE: the RefsFunc sees the pod
// its template makes, the patch turns the object into ApplyObject's result, and an update
// that already has the secrets gets no patch.
func TestWorkloads(t *testing.T) {
	skipIfObjectStub(t)
	refs := []secretspec.Ref{{Secret: "api", Key: "token", As: secretspec.Env, EnvVar: "API_TOKEN"}}
	extras := secretspec.Extras{Env: []corev1.EnvVar{{Name: "MODE", Value: "prod"}}}
	kinds := map[string]bool{}
	for _, k := range admission.Kinds()[1:] {
		kinds[k.Kind] = true
	}
	for kind, obj := range workloads() {
		delete(kinds, kind)
		t.Run(kind, func(t *testing.T) {
			var seen []*corev1.Pod
			wh := &admission.Webhook{Refs: func(_ context.Context, pod *corev1.Pod) ([]secretspec.Ref, secretspec.Extras, error) {
				seen = append(seen, pod.DeepCopy())
				return refs, extras, nil
			}}
			want, err := inject.ApplyObject(obj, refs, inject.WithExtras(extras))
			if err != nil {
				t.Fatal(err)
			}
			for _, op := range []admissionv1.Operation{admissionv1.Create, admissionv1.Update} {
				d, resp := decide(t, wh, reviewOf(t, op, gvkOf(obj), obj))
				if d.Outcome != admission.Patched || d.Templates != 1 || d.Name != "trainer" {
					t.Fatalf("%s: decision %+v, want patched, one template", op, d)
				}
				if err := patchtest.Check(obj, want, resp.Patch); err != nil {
					t.Errorf("%s: %v", op, err)
				}
				d, resp = decide(t, wh, reviewOf(t, op, gvkOf(obj), want))
				if d.Outcome != admission.Unchanged || resp.Patch != nil {
					t.Errorf("%s of an object that has its secrets: %s with patch %s, want unchanged", op, d.Outcome, resp.Patch)
				}
			}
			tm := template()
			wantPod := &corev1.Pod{ObjectMeta: tm.ObjectMeta, Spec: tm.Spec}
			wantPod.Namespace = "team-a"
			if diff := cmp.Diff(wantPod, seen[0]); diff != "" {
				t.Errorf("the RefsFunc's pod (-want +got):\n%s", diff)
			}
		})
	}
	if len(kinds) != 0 {
		t.Errorf("kinds without a test: %v", kinds)
	}
}

// TestWorkloadsWithoutTemplate denies a ReplicationController with no template.
func TestWorkloadsWithoutTemplate(t *testing.T) {
	rc := &corev1.ReplicationController{TypeMeta: metav1.TypeMeta{APIVersion: "v1", Kind: "ReplicationController"}, ObjectMeta: metav1.ObjectMeta{Name: "rc"}}
	d, resp := decide(t, &admission.Webhook{Refs: fixedRefs(nil, secretspec.Extras{}, nil)}, reviewOf(t, admissionv1.Create, gvkOf(rc), rc))
	if d.Outcome != admission.Denied || resp.Allowed || !strings.Contains(d.Message, "ReplicationController has no pod template") {
		t.Errorf("decision %s %q, want a denial saying there is no template", d.Outcome, d.Message)
	}
}

// TestWorkloadDenialPaths checks that a workload's denial carries the object's own paths.
func TestWorkloadDenialPaths(t *testing.T) {
	skipIfObjectStub(t)
	d := workloads()["Deployment"].(*appsv1.Deployment)
	d.Spec.Template.Spec.Containers[0].Env = []corev1.EnvVar{{Name: "API_TOKEN", Value: "dev-token-value"}}
	refs := []secretspec.Ref{{Secret: "api", Key: "token", As: secretspec.Env, EnvVar: "API_TOKEN"}}
	dec, _ := decide(t, &admission.Webhook{Refs: fixedRefs(refs, secretspec.Extras{}, nil)}, reviewOf(t, admissionv1.Create, gvkOf(d), d))
	for _, w := range []string{"cannot inject the secrets into the Deployment's pod template: spec.template.spec.containers[0].env[0]", `env var "API_TOKEN" from secret "api" key "token" wants it`} {
		if !strings.Contains(dec.Message, w) {
			t.Errorf("message %q lacks %q", dec.Message, w)
		}
	}
	if strings.Contains(dec.Message, "dev-token-value") || strings.Contains(dec.Message, "refs[") {
		t.Errorf("message %q holds a value or refs[i]", dec.Message)
	}
}
