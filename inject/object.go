package inject

import (
	"errors"
	"fmt"

	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	utilerrors "k8s.io/apimachinery/pkg/util/errors"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/podsecrets/podsecrets/internal/errlist"
	"github.com/podsecrets/podsecrets/secretspec"
)

// objectConfig holds ApplyObject's options.
type objectConfig struct {
	paths    []templatePaths        // WithTemplatePaths, in order
	selected func(path string) bool // WithTemplates; nil selects every template

	// containersChecked: the refs' container names were checked across the object's
	// templates (a name need not be in every one), so applyTo does not check them again.
	containersChecked bool
}

// WithTemplates makes ApplyObject inject into the pod templates for which selected returns
// true, and leave the others as they are. selected is given each template's path in the
// object, as errors print it: "spec.template" (a Deployment), "spec.jobTemplate.spec.template"
// (a CronJob), "" (a Pod), "spec.pytorchReplicaSpecs.Worker.template" (a map value is a field),
// "spec.replicatedJobs[1].template.spec.template" (a list element has its index). To reach only
// the Workers of a PyTorchJob:
//
//	inject.WithTemplates(func(path string) bool {
//		return path == "spec.pytorchReplicaSpecs.Worker.template"
//	})
//
// A RayJob's templates are its cluster's head and worker groups and its submitter
// ("spec.submitterPodTemplate"). The refs' Containers still select containers inside the
// selected templates. The last
// WithTemplates given counts; without one, every template is selected.
func WithTemplates(selected func(path string) bool) Option {
	return optionFunc(func(c config) config { c.obj.selected = selected; return c })
}

// ApplyObject returns a copy of obj, a workload, in which every pod template has the refs
// applied as ApplyTemplate applies them; obj is never modified and the copy shares no memory
// with it.
//
// obj is a typed *corev1.Pod, *corev1.PodTemplate, *corev1.ReplicationController,
// *appsv1.Deployment, *appsv1.StatefulSet, *appsv1.DaemonSet, *appsv1.ReplicaSet, *batchv1.Job
// or *batchv1.CronJob, and the result has obj's type; or an *unstructured.Unstructured of one
// of those kinds or of a kind whose templates the library knows (JobSet, the Kubeflow training
// jobs PyTorchJob, TFJob, MPIJob, XGBoostJob, PaddleJob, JAXJob and MXJob, RayCluster, RayJob,
// RayService, LeaderWorkerSet, Volcano's Job, Knative's Service and Configuration) or that
// WithTemplatePaths describes, and the result is an *unstructured.Unstructured.
//
// An unstructured object keeps everything it had: ApplyObject reads each template as a
// corev1.PodTemplateSpec, applies the refs, and writes back into a copy of the object only
// what changed (the new env vars, mounts, volumes…), so fields corev1 does not know survive,
// numbers keep their type (int64 or float64), and no zero value ("resources: {}",
// "creationTimestamp: null") appears where there was none.
//
// Errors have the object's own paths, e.g.
// "spec.pytorchReplicaSpecs.Worker.template.spec.containers[0].env[3]", and come from every
// template at once (a problem every template shares is reported once). A container a ref names
// must be in at least one of the selected templates; a template without it simply does not get
// that ref. An object without a pod template, a kind the library does not know, or a path
// that leads to something other than a template is an error; a template path that is absent
// in the object (a RayCluster without worker groups) is not. WithTemplates selects templates
// (those it leaves out of an unstructured object are not even read). WithExtras reaches every
// selected template: its annotations go on the template's metadata, its fetchers before the
// template's own init containers (whose unknown fields stay with them).
//
// ApplyObject is deterministic, and idempotent as Apply is. Problems with the refs, the
// options or the object's content are a k8s.io/apimachinery utilerrors.Aggregate of
// *field.Error; a nil object, a type or kind ApplyObject does not know, and an object in which
// no template path leads anywhere get a plain error that names them. No error quotes a value
// of the object (a template may hold secrets): it names fields and JSON types.
func ApplyObject(obj runtime.Object, refs []secretspec.Ref, opts ...Option) (runtime.Object, error) {
	var cfg config
	for _, o := range opts {
		if o != nil {
			cfg = o.apply(cfg)
		}
	}
	oc := cfg.obj
	if isNil(obj) {
		return nil, errors.New("inject: ApplyObject: the object is nil")
	}
	switch o := obj.(type) {
	case *unstructured.Unstructured:
		u, err := oc.applyUnstructured(o, refs, opts)
		if err != nil {
			return nil, err // not a typed nil in the interface
		}
		return u, nil
	case *corev1.Pod:
		if oc.selected != nil && !oc.selected("") {
			return o.DeepCopy(), nil
		}
		return ApplyPod(o, refs, opts...)
	}
	w, ok := typedSplit(obj)
	if !ok {
		return nil, fmt.Errorf("inject: ApplyObject does not take a %T; it takes Pods, PodTemplates, "+
			"ReplicationControllers, Deployments, StatefulSets, DaemonSets, ReplicaSets, Jobs, CronJobs "+
			"and *unstructured.Unstructured", obj)
	}
	if w.t == nil {
		return nil, errlist.From(field.ErrorList{field.Required(w.at, "a ReplicationController needs a pod template")})
	}
	ts, err := oc.applyTemplates([]site{{at: w.at, t: w.t}}, refs, opts)
	if err != nil {
		return nil, err
	}
	out := w.rest.DeepCopyObject()
	*w.slot(out) = *ts[0] // made by applyTemplate: shares nothing with obj
	return out, nil
}

// typedWorkload is a typed object split into its pod template and the rest.
type typedWorkload struct {
	rest runtime.Object          // a shallow copy of the object, its template empty (or nil)
	t    *corev1.PodTemplateSpec // the object's template; nil if it has none
	at   *field.Path             // the template's path
	// slot returns where the template goes in a deep copy of rest
	slot func(runtime.Object) *corev1.PodTemplateSpec
}

// typedSplit splits a typed workload of a kind ApplyObject takes (other than Pod, which is
// its own template); ok is false for any other type.
func typedSplit(obj runtime.Object) (w typedWorkload, ok bool) {
	spec := field.NewPath("spec")
	switch o := obj.(type) {
	case *corev1.PodTemplate:
		c := *o
		c.Template = corev1.PodTemplateSpec{}
		return typedWorkload{&c, &o.Template, field.NewPath("template"),
			func(x runtime.Object) *corev1.PodTemplateSpec { return &x.(*corev1.PodTemplate).Template }}, true
	case *corev1.ReplicationController:
		c := *o
		c.Spec.Template = nil
		return typedWorkload{&c, o.Spec.Template, spec.Child("template"), func(x runtime.Object) *corev1.PodTemplateSpec {
			rc := x.(*corev1.ReplicationController)
			rc.Spec.Template = new(corev1.PodTemplateSpec)
			return rc.Spec.Template
		}}, true
	case *appsv1.Deployment:
		c := *o
		c.Spec.Template = corev1.PodTemplateSpec{}
		return typedWorkload{&c, &o.Spec.Template, spec.Child("template"),
			func(x runtime.Object) *corev1.PodTemplateSpec { return &x.(*appsv1.Deployment).Spec.Template }}, true
	case *appsv1.StatefulSet:
		c := *o
		c.Spec.Template = corev1.PodTemplateSpec{}
		return typedWorkload{&c, &o.Spec.Template, spec.Child("template"),
			func(x runtime.Object) *corev1.PodTemplateSpec { return &x.(*appsv1.StatefulSet).Spec.Template }}, true
	case *appsv1.DaemonSet:
		c := *o
		c.Spec.Template = corev1.PodTemplateSpec{}
		return typedWorkload{&c, &o.Spec.Template, spec.Child("template"),
			func(x runtime.Object) *corev1.PodTemplateSpec { return &x.(*appsv1.DaemonSet).Spec.Template }}, true
	case *appsv1.ReplicaSet:
		c := *o
		c.Spec.Template = corev1.PodTemplateSpec{}
		return typedWorkload{&c, &o.Spec.Template, spec.Child("template"),
			func(x runtime.Object) *corev1.PodTemplateSpec { return &x.(*appsv1.ReplicaSet).Spec.Template }}, true
	case *batchv1.Job:
		c := *o
		c.Spec.Template = corev1.PodTemplateSpec{}
		return typedWorkload{&c, &o.Spec.Template, spec.Child("template"),
			func(x runtime.Object) *corev1.PodTemplateSpec { return &x.(*batchv1.Job).Spec.Template }}, true
	case *batchv1.CronJob:
		c := *o
		c.Spec.JobTemplate.Spec.Template = corev1.PodTemplateSpec{}
		return typedWorkload{&c, &o.Spec.JobTemplate.Spec.Template, spec.Child("jobTemplate", "spec", "template"),
			func(x runtime.Object) *corev1.PodTemplateSpec {
				return &x.(*batchv1.CronJob).Spec.JobTemplate.Spec.Template
			}}, true
	}
	return typedWorkload{}, false
}

// site is one pod template of an object and its path (nil: the object itself).
type site struct {
	at *field.Path
	t  *corev1.PodTemplateSpec
}

func (s site) path() string {
	if s.at == nil {
		return ""
	}
	return s.at.String()
}

// specPath is the path of the template's spec, as applyTemplate takes it.
func (s site) specPath() *field.Path {
	if s.at == nil {
		return nil
	}
	return s.at.Child("spec")
}

// applyTemplates applies the refs to the selected templates of one object; the result has an
// entry for each site, nil where the template is not selected. Container names are checked
// across the selected templates: a name that none of them has is an error, once.
func (oc objectConfig) applyTemplates(sites []site, refs []secretspec.Ref, opts []Option) ([]*corev1.PodTemplateSpec, error) {
	var cfg config
	for _, o := range opts {
		if o != nil {
			cfg = o.apply(cfg)
		}
	}
	sel := make([]bool, len(sites))
	var errs field.ErrorList
	var missing map[string]int // a container error's text -> how many templates have it
	var first field.ErrorList  // the container errors of the first selected template
	n := 0
	for i, s := range sites {
		if oc.selected != nil && !oc.selected(s.path()) {
			continue
		}
		sel[i] = true
		n++
		ce := validateContainers(&s.t.Spec, refs, cfg.extras)
		if n == 1 {
			first = ce
		}
		for _, e := range ce {
			if missing == nil {
				missing = map[string]int{}
			}
			missing[e.Error()]++
		}
	}
	for _, e := range first {
		if missing[e.Error()] == n {
			errs = append(errs, e)
		}
	}
	if len(errs) > 0 {
		return nil, errlist.From(errs)
	}
	opts = append(opts[:len(opts):len(opts)], optionFunc(func(c config) config { c.obj.containersChecked = true; return c }))
	out := make([]*corev1.PodTemplateSpec, len(sites))
	for i, s := range sites {
		if !sel[i] {
			continue
		}
		t, err := applyTemplate(s.t, refs, opts, s.specPath())
		if err != nil {
			errs = append(errs, fieldErrors(err, s.at)...)
			continue
		}
		out[i] = t
	}
	if len(errs) > 0 {
		return nil, errlist.From(errs)
	}
	for i, s := range sites {
		if !sel[i] {
			out[i] = s.t.DeepCopy()
		}
	}
	return out, nil
}

// fieldErrors flattens what applyTemplate returned into field errors.
func fieldErrors(err error, at *field.Path) field.ErrorList {
	var errs field.ErrorList
	var agg utilerrors.Aggregate
	if !errors.As(err, &agg) {
		return field.ErrorList{field.InternalError(at, err)}
	}
	for _, e := range agg.Errors() {
		var fe *field.Error
		if errors.As(e, &fe) {
			errs = append(errs, fe)
		} else {
			errs = append(errs, field.InternalError(at, e))
		}
	}
	return errs
}
