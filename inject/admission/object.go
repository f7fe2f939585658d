package admission

import (
	"bytes"
	"encoding/json"
	"strings"

	admissionv1 "k8s.io/api/admission/v1"
	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"

	"github.com/podsecrets/podsecrets/inject"
	"github.com/podsecrets/podsecrets/secretspec"
)

// object is the decoded object of a request: a pod, or a workload and the pod its template
// makes.
type object struct {
	kind     string
	pod      *corev1.Pod    // what the RefsFunc sees: the pod itself, or the one the template makes
	workload runtime.Object // nil for a pod
}

// Kinds lists the kinds the handler admits, for a MutatingWebhookConfiguration's rules:
// pods (on CREATE) and the built-in workloads that hold one pod template (on CREATE and
// UPDATE). The result is a new slice on each call.
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

// newWorkload returns an empty object of a workload kind the handler admits and a function
// that finds its pod template once decoded (nil when the object has none), or nil.
func newWorkload(gvk metav1.GroupVersionKind) (runtime.Object, func() *corev1.PodTemplateSpec) {
	switch gvk {
	case metav1.GroupVersionKind{Version: "v1", Kind: "PodTemplate"}:
		o := &corev1.PodTemplate{}
		return o, func() *corev1.PodTemplateSpec { return &o.Template }
	case metav1.GroupVersionKind{Version: "v1", Kind: "ReplicationController"}:
		o := &corev1.ReplicationController{}
		return o, func() *corev1.PodTemplateSpec { return o.Spec.Template }
	case metav1.GroupVersionKind{Group: "apps", Version: "v1", Kind: "Deployment"}:
		o := &appsv1.Deployment{}
		return o, func() *corev1.PodTemplateSpec { return &o.Spec.Template }
	case metav1.GroupVersionKind{Group: "apps", Version: "v1", Kind: "StatefulSet"}:
		o := &appsv1.StatefulSet{}
		return o, func() *corev1.PodTemplateSpec { return &o.Spec.Template }
	case metav1.GroupVersionKind{Group: "apps", Version: "v1", Kind: "DaemonSet"}:
		o := &appsv1.DaemonSet{}
		return o, func() *corev1.PodTemplateSpec { return &o.Spec.Template }
	case metav1.GroupVersionKind{Group: "apps", Version: "v1", Kind: "ReplicaSet"}:
		o := &appsv1.ReplicaSet{}
		return o, func() *corev1.PodTemplateSpec { return &o.Spec.Template }
	case metav1.GroupVersionKind{Group: "batch", Version: "v1", Kind: "Job"}:
		o := &batchv1.Job{}
		return o, func() *corev1.PodTemplateSpec { return &o.Spec.Template }
	case metav1.GroupVersionKind{Group: "batch", Version: "v1", Kind: "CronJob"}:
		o := &batchv1.CronJob{}
		return o, func() *corev1.PodTemplateSpec { return &o.Spec.JobTemplate.Spec.Template }
	}
	return nil, nil
}

var podGVK = metav1.GroupVersionKind{Version: "v1", Kind: "Pod"}

// decodeObject decodes the request's object for the RefsFunc; a request that cannot be
// served, or a pod update (a pod's containers cannot change), gives its response instead.
func decodeObject(req *requestIn, d *Decision) (*object, *admissionv1.AdmissionResponse) {
	o := &object{kind: req.Kind.Kind}
	var into runtime.Object
	var template func() *corev1.PodTemplateSpec
	if req.Kind == podGVK {
		if req.Operation == admissionv1.Update {
			d.Outcome, d.Stage = Unchanged, StageSkip
			return nil, &admissionv1.AdmissionResponse{UID: req.UID, Allowed: true}
		}
		o.pod = &corev1.Pod{}
		into = o.pod
	} else if into, template = newWorkload(req.Kind); into == nil {
		return nil, d.fail(Errored, StageReview, "this webhook admits "+kindList()+", got "+req.Kind.String())
	}
	raw := bytes.TrimSpace(req.Object)
	if len(raw) == 0 || string(raw) == "null" {
		return nil, d.fail(Errored, StageReview, "request.object is empty")
	}
	if err := json.Unmarshal(raw, into); err != nil {
		return nil, d.fail(Errored, StageReview, "request.object is not a "+o.kind+": "+describeJSONError(err))
	}
	meta, _ := into.(metav1.Object) // every kind above has ObjectMeta
	d.Name, d.GenerateName = meta.GetName(), meta.GetGenerateName()
	if o.pod != nil {
		if o.pod.Namespace == "" {
			o.pod.Namespace = req.Namespace
		}
		return o, nil
	}
	t := template()
	if t == nil {
		return nil, d.fail(Denied, StageReview, "the "+o.kind+" has no pod template (spec.template)")
	}
	o.workload = into
	o.pod = &corev1.Pod{ObjectMeta: *t.ObjectMeta.DeepCopy(), Spec: t.Spec}
	o.pod.Namespace = req.Namespace
	return o, nil
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

// what names the object for messages: "pod", or "Deployment's pod template".
func (o *object) what() string {
	if o.workload == nil {
		return "pod"
	}
	return o.kind + "'s pod template"
}

// apply injects refs into the object.
func (o *object) apply(refs []secretspec.Ref, opts []inject.Option) (runtime.Object, error) {
	if o.workload == nil {
		return inject.ApplyPod(o.pod, refs, opts...)
	}
	return inject.ApplyObject(o.workload, refs, opts...)
}

// patch is the JSON patch from the object to after.
func (o *object) patch(after runtime.Object) ([]byte, error) {
	if o.workload == nil {
		return inject.Patch(o.pod, after.(*corev1.Pod))
	}
	return inject.PatchObject(o.workload, after)
}
