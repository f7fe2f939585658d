package inject

import (
	"fmt"
	"slices"
	"strings"

	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

// A template path says where the pod templates of a kind are: dotted field names from the
// object's root to a PodTemplateSpec, "[*]" for every element of a list, "*" for every value
// of a map, e.g. "spec.replicatedJobs[*].template.spec.template". The empty path is the
// object itself (a Pod, whose metadata and spec are a template's).

// step is one element of a parsed template path.
type step struct {
	name string // a field; "" for a wildcard
	list bool   // "[*]": every element of a list
	each bool   // "*": every value of a map
}

// templatePath is a parsed template path and its text.
type templatePath struct {
	text  string
	steps []step
}

// parseTemplatePath parses a template path; the error says what is wrong, and where.
func parseTemplatePath(s string) (templatePath, error) {
	tp := templatePath{text: s}
	if s == "" {
		return tp, nil
	}
	for i, part := range strings.Split(s, ".") {
		name := part
		var lists int
		for strings.HasSuffix(name, "[*]") {
			name = strings.TrimSuffix(name, "[*]")
			lists++
		}
		switch {
		case part == "":
			return tp, fmt.Errorf("element %d is empty (expected a field name, \"*\" or \"name[*]\")", i)
		case name == "*" && lists == 0:
			tp.steps = append(tp.steps, step{each: true})
			continue
		case name == "" || strings.ContainsAny(name, "[]*"):
			return tp, fmt.Errorf("element %d (%q) is not a field name, \"*\" or \"name[*]\"", i, part)
		}
		tp.steps = append(tp.steps, step{name: name})
		for ; lists > 0; lists-- {
			tp.steps = append(tp.steps, step{list: true})
		}
	}
	return tp, nil
}

// builtinTemplatePaths are the pod templates of the kinds ApplyObject knows, typed or
// unstructured. The CRDs' field names are those of their projects' Go types.
func builtinTemplatePaths(gk schema.GroupKind) []string {
	switch gk.Group {
	case "":
		switch gk.Kind {
		case "Pod":
			return []string{""}
		case "PodTemplate":
			return []string{"template"}
		case "ReplicationController":
			return []string{"spec.template"}
		}
	case "apps":
		switch gk.Kind {
		case "Deployment", "StatefulSet", "DaemonSet", "ReplicaSet":
			return []string{"spec.template"}
		}
	case "batch":
		switch gk.Kind {
		case "Job":
			return []string{"spec.template"}
		case "CronJob":
			return []string{"spec.jobTemplate.spec.template"}
		}
	case "jobset.x-k8s.io":
		if gk.Kind == "JobSet" {
			return []string{"spec.replicatedJobs[*].template.spec.template"}
		}
	case "kubeflow.org":
		// Kubeflow Training Operator v1: spec.<replica specs>.<role>.template
		field := map[string]string{
			"PyTorchJob": "pytorchReplicaSpecs",
			"TFJob":      "tfReplicaSpecs",
			"MPIJob":     "mpiReplicaSpecs",
			"XGBoostJob": "xgbReplicaSpecs",
			"PaddleJob":  "paddleReplicaSpecs",
			"JAXJob":     "jaxReplicaSpecs",
			"MXJob":      "mxReplicaSpecs",
		}[gk.Kind]
		if field != "" {
			return []string{"spec." + field + ".*.template"}
		}
	case "ray.io":
		cluster := func(prefix string) []string {
			return []string{prefix + "headGroupSpec.template", prefix + "workerGroupSpecs[*].template"}
		}
		switch gk.Kind {
		case "RayCluster":
			return cluster("spec.")
		case "RayJob":
			return append(cluster("spec.rayClusterSpec."), "spec.submitterPodTemplate")
		case "RayService":
			return cluster("spec.rayClusterConfig.")
		}
	case "leaderworkerset.x-k8s.io":
		if gk.Kind == "LeaderWorkerSet" {
			return []string{"spec.leaderWorkerTemplate.leaderTemplate", "spec.leaderWorkerTemplate.workerTemplate"}
		}
	case "batch.volcano.sh":
		if gk.Kind == "Job" {
			return []string{"spec.tasks[*].template"}
		}
	case "serving.knative.dev":
		// A RevisionTemplateSpec: metadata, and a spec that inlines a PodSpec beside
		// Knative's own fields (containerConcurrency, timeoutSeconds…), which survive.
		switch gk.Kind {
		case "Service", "Configuration":
			return []string{"spec.template"}
		}
	}
	return nil
}

// templatePaths is the per-kind path list given with WithTemplatePaths.
type templatePaths struct {
	gk    schema.GroupKind
	paths []string
}

// WithTemplatePaths tells ApplyObject where the pod templates of unstructured objects of kind
// gk are: dotted field names from the object's root to a PodTemplateSpec, "[*]" for every
// element of a list and "*" for every value of a map, e.g.
// "spec.replicatedJobs[*].template.spec.template"; "" is the object itself (Pod-shaped).
// The paths replace the built-in ones of gk, if it has any; several WithTemplatePaths for one
// kind add up. A missing or null field on the way means "no template there"; a field of the
// wrong type, or a template that is not an object, is an error. Typed objects ignore it.
func WithTemplatePaths(gk schema.GroupKind, paths ...string) Option {
	return optionFunc(func(c config) config {
		// a new backing array each time: options may be reused by many calls
		c.obj.paths = append(c.obj.paths[:len(c.obj.paths):len(c.obj.paths)], templatePaths{gk: gk, paths: paths})
		return c
	})
}

// pathsFor returns the template paths of gk (WithTemplatePaths first, else the built-in
// ones), parsed, or the errors of the given paths that do not parse.
func (oc objectConfig) pathsFor(gk schema.GroupKind) ([]templatePath, field.ErrorList) {
	var texts []string
	var errs field.ErrorList
	given := false
	for i, tp := range oc.paths {
		if tp.gk != gk {
			continue
		}
		given = true
		for j, p := range tp.paths {
			if _, err := parseTemplatePath(p); err != nil {
				errs = append(errs, field.Invalid(field.NewPath("withTemplatePaths").Index(i).Index(j), p, err.Error()))
				continue
			}
			texts = append(texts, p)
		}
	}
	if len(errs) > 0 {
		return nil, errs
	}
	if !given {
		texts = builtinTemplatePaths(gk)
	}
	out := make([]templatePath, 0, len(texts))
	for i, t := range texts {
		if slices.Contains(texts[:i], t) {
			continue
		}
		tp, _ := parseTemplatePath(t) // the built-in paths parse (tested)
		out = append(out, tp)
	}
	return out, nil
}
