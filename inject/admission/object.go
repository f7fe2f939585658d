package admission

import (
	"bytes"
	"encoding/json"
	"strconv"
	"strings"

	admissionv1 "k8s.io/api/admission/v1"
	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	utiljson "k8s.io/apimachinery/pkg/util/json"

	"github.com/podsecrets/podsecrets/inject"
	"github.com/podsecrets/podsecrets/secretspec"
)

// object is the decoded object of a request: a pod, or a workload and the pods its templates
// make.
type object struct {
	kind      string
	workload  runtime.Object // nil for a pod
	templates []podTemplate  // the pod itself, or one per pod template, in the object's order
}

// podTemplate is one pod template of the object: its path in the object (as inject prints
// it, "" for a pod) and the pod it makes, which the RefsFunc sees.
type podTemplate struct {
	path string
	pod  *corev1.Pod
}

// Kinds lists the built-in kinds the handler admits, for a MutatingWebhookConfiguration's
// rules: pods (on CREATE) and the built-in workloads (on CREATE and UPDATE). Custom resources
// whose pod templates inject.ApplyObject knows (JobSet, Kubeflow training jobs, Ray,
// LeaderWorkerSet, Volcano, Knative), or that inject.WithTemplatePaths in Webhook.Options
// describes, are admitted too; register their resources yourself. The result is a new slice
// on each call.
func Kinds() []metav1.GroupVersionKind {
	return []metav1.GroupVersionKind{
		{Version: "v1", Kind: "Pod"},
		{Version: "v1", Kind: "PodTemplate"},
		{Version: "v1", Kind: "ReplicationController"},
		{Group: "apps", Version: "v1", Kind: "Deployment"},
		{Group: "apps", Version: "v1", Kind: "StatefulSet"},
		{Group: "apps", Version: "v1", Kind: "DaemonSet"},
		{Group: "apps", Version: "v1", Kind: "ReplicaSet"},
		{Group: "batch", Version: "v1", Kind: "Job"},
		{Group: "batch", Version: "v1", Kind: "CronJob"},
	}
}

// newWorkload returns an empty object of a built-in workload kind and a function that finds
// its pod template once decoded (nil when the object has none) and the template's path, or
// nil for any other kind.
func newWorkload(gvk metav1.GroupVersionKind) (runtime.Object, func() (*corev1.PodTemplateSpec, string)) {
	switch gvk {
	case metav1.GroupVersionKind{Version: "v1", Kind: "PodTemplate"}:
		o := &corev1.PodTemplate{}
		return o, func() (*corev1.PodTemplateSpec, string) { return &o.Template, "template" }
	case metav1.GroupVersionKind{Version: "v1", Kind: "ReplicationController"}:
		o := &corev1.ReplicationController{}
		return o, func() (*corev1.PodTemplateSpec, string) { return o.Spec.Template, "spec.template" }
	case metav1.GroupVersionKind{Group: "apps", Version: "v1", Kind: "Deployment"}:
		o := &appsv1.Deployment{}
		return o, func() (*corev1.PodTemplateSpec, string) { return &o.Spec.Template, "spec.template" }
	case metav1.GroupVersionKind{Group: "apps", Version: "v1", Kind: "StatefulSet"}:
		o := &appsv1.StatefulSet{}
		return o, func() (*corev1.PodTemplateSpec, string) { return &o.Spec.Template, "spec.template" }
	case metav1.GroupVersionKind{Group: "apps", Version: "v1", Kind: "DaemonSet"}:
		o := &appsv1.DaemonSet{}
		return o, func() (*corev1.PodTemplateSpec, string) { return &o.Spec.Template, "spec.template" }
	case metav1.GroupVersionKind{Group: "apps", Version: "v1", Kind: "ReplicaSet"}:
		o := &appsv1.ReplicaSet{}
		return o, func() (*corev1.PodTemplateSpec, string) { return &o.Spec.Template, "spec.template" }
	case metav1.GroupVersionKind{Group: "batch", Version: "v1", Kind: "Job"}:
		o := &batchv1.Job{}
		return o, func() (*corev1.PodTemplateSpec, string) { return &o.Spec.Template, "spec.template" }
	case metav1.GroupVersionKind{Group: "batch", Version: "v1", Kind: "CronJob"}:
		o := &batchv1.CronJob{}
		return o, func() (*corev1.PodTemplateSpec, string) {
			return &o.Spec.JobTemplate.Spec.Template, "spec.jobTemplate.spec.template"
		}
	}
	return nil, nil
}

var podGVK = metav1.GroupVersionKind{Version: "v1", Kind: "Pod"}

// decodeObject decodes the request's object for the RefsFunc; a request that cannot be
// served, or a pod update (a pod's containers cannot change), gives its response instead.
func decodeObject(req *requestIn, opts []inject.Option, d *Decision) (*object, *admissionv1.AdmissionResponse) {
	o := &object{kind: req.Kind.Kind}
	var into runtime.Object
	var findTemplate func() (*corev1.PodTemplateSpec, string)
	var pod *corev1.Pod
	switch {
	case req.Kind == podGVK:
		if req.Operation == admissionv1.Update {
			d.Outcome, d.Stage = Unchanged, StageSkip
			return nil, &admissionv1.AdmissionResponse{UID: req.UID, Allowed: true}
		}
		pod = &corev1.Pod{}
		into = pod
	default:
		if into, findTemplate = newWorkload(req.Kind); into == nil {
			into = &unstructured.Unstructured{}
		}
	}
	raw := bytes.TrimSpace(req.Object)
	if len(raw) == 0 || string(raw) == "null" {
		return nil, d.fail(Errored, StageReview, "request.object is empty")
	}
	if err := decodeInto(raw, into, req.Kind); err != nil {
		return nil, d.fail(Errored, StageReview, "request.object is not a "+o.kind+": "+describeJSONError(err))
	}
	meta, _ := into.(metav1.Object) // every kind above has ObjectMeta
	d.Name, d.GenerateName = meta.GetName(), meta.GetGenerateName()
	if pod != nil {
		if pod.Namespace == "" {
			pod.Namespace = req.Namespace
		}
		o.templates = []podTemplate{{pod: pod}}
		return o, nil
	}
	o.workload = into
	if findTemplate != nil {
		t, path := findTemplate()
		if t == nil {
			return nil, d.fail(Denied, StageReview, "the "+o.kind+" has no pod template ("+path+")")
		}
		o.templates = []podTemplate{{path: path, pod: templatePod(t, req.Namespace)}}
		return o, nil
	}
	u := into.(*unstructured.Unstructured)
	var paths []string
	probe := append(append([]inject.Option(nil), opts...), inject.WithTemplates(func(path string) bool {
		paths = append(paths, path)
		return false
	}))
	if _, err := inject.ApplyObject(u, nil, probe...); err != nil {
		return nil, d.fail(Errored, StageReview, "this webhook admits "+kindList()+" and the custom resources whose pod templates inject knows, got "+req.Kind.String()+": "+err.Error())
	}
	for _, p := range paths {
		t, ok := templateAt(u.Object, p)
		if !ok {
			return nil, d.fail(Errored, StageReview, "cannot read the pod template at "+p+" of the "+o.kind)
		}
		o.templates = append(o.templates, podTemplate{path: p, pod: templatePod(t, req.Namespace)})
	}
	if len(o.templates) == 0 {
		return nil, d.fail(Denied, StageReview, "the "+o.kind+" has no pod template")
	}
	return o, nil
}

// decodeInto decodes raw into obj; an unstructured object keeps its integers as int64 and
// takes the request's kind (what the API server says the object is decides).
func decodeInto(raw []byte, obj runtime.Object, gvk metav1.GroupVersionKind) error {
	u, ok := obj.(*unstructured.Unstructured)
	if !ok {
		return json.Unmarshal(raw, obj)
	}
	var m map[string]any
	if err := utiljson.Unmarshal(raw, &m); err != nil {
		return err
	}
	if m == nil {
		m = map[string]any{}
	}
	u.Object = m
	u.SetGroupVersionKind(schema.GroupVersionKind{Group: gvk.Group, Version: gvk.Version, Kind: gvk.Kind})
	return nil
}

// templatePod is the pod a template makes, as the RefsFunc sees it.
func templatePod(t *corev1.PodTemplateSpec, namespace string) *corev1.Pod {
	p := &corev1.Pod{ObjectMeta: *t.ObjectMeta.DeepCopy(), Spec: t.Spec}
	p.Namespace = namespace
	return p
}

// templateAt reads the pod template at path (as inject prints it: "spec.tasks[1].template",
// "spec.pytorchReplicaSpecs.Worker.template") of an unstructured object's content.
func templateAt(obj map[string]any, path string) (*corev1.PodTemplateSpec, bool) {
	var cur any = obj
	for _, tok := range strings.Split(path, ".") {
		name, idx, _ := strings.Cut(tok, "[")
		m, ok := cur.(map[string]any)
		if !ok {
			return nil, false
		}
		cur = m[name]
		for idx != "" {
			n, rest, _ := strings.Cut(idx, "]")
			i, err := strconv.Atoi(n)
			list, ok := cur.([]any)
			if err != nil || !ok || i < 0 || i >= len(list) {
				return nil, false
			}
			cur = list[i]
			idx = strings.TrimPrefix(rest, "[")
		}
	}
	m, ok := cur.(map[string]any)
	if !ok {
		return nil, false
	}
	t := &corev1.PodTemplateSpec{}
	if runtime.DefaultUnstructuredConverter.FromUnstructured(m, t) != nil {
		return nil, false
	}
	return t, true
}

// kindList names the kinds the handler admits, for an error message.
func kindList() string {
	var b strings.Builder
	b.WriteString("pods and the workloads ")
	for i, k := range Kinds()[1:] {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(k.Kind)
	}
	return b.String()
}

// what names template i for messages: "pod", "Deployment's pod template", "PyTorchJob's pod
// template spec.pytorchReplicaSpecs.Worker.template".
func (o *object) what(i int) string {
	switch {
	case o.workload == nil:
		return "pod"
	case len(o.templates) == 1:
		return o.kind + "'s pod template"
	}
	return o.kind + "'s pod template " + o.templates[i].path
}

// apply injects refs into template i of cur, the object as the templates before i left it.
func (o *object) apply(cur runtime.Object, i int, refs []secretspec.Ref, opts []inject.Option) (runtime.Object, error) {
	if o.workload == nil {
		return inject.ApplyPod(cur.(*corev1.Pod), refs, opts...)
	}
	if len(o.templates) > 1 {
		path := o.templates[i].path
		opts = append(opts[:len(opts):len(opts)], inject.WithTemplates(func(p string) bool { return p == path }))
	}
	return inject.ApplyObject(cur, refs, opts...)
}

// original is the object as the request holds it.
func (o *object) original() runtime.Object {
	if o.workload == nil {
		return o.templates[0].pod
	}
	return o.workload
}

// patch is the JSON patch from the object to after.
func (o *object) patch(after runtime.Object) ([]byte, error) {
	if o.workload == nil {
		return inject.Patch(o.templates[0].pod, after.(*corev1.Pod))
	}
	return inject.PatchObject(o.workload, after)
}
