package pachyderm

import (
	"encoding/json"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/podsecrets/podsecrets/internal/errlist"
	"github.com/podsecrets/podsecrets/internal/validation"
	"github.com/podsecrets/podsecrets/secretspec"
)

// Pipeline is what a worker pod needs from a pipeline spec, read once.
type Pipeline struct {
	// Name is pipeline.name; "" when the input is a transform alone.
	Name string
	// Image is transform.image, the user container's image.
	Image string
	// Cmd is transform.cmd, the user container's command.
	Cmd []string
	// Env is transform.env, the plain variables the worker needs beside its secrets, sorted by
	// name (Pachyderm's env is a map): for inject.WithEnv.
	Env []corev1.EnvVar
	// Refs are the refs of transform.secrets and transform.image_pull_secrets, as ParseTransform
	// returns them.
	Refs []secretspec.Ref
}

// ParsePipeline reads a pipeline spec, or only its transform object, as ParseTransform does, and
// also the fields a worker pod is built from: pipeline.name, transform.image, transform.cmd and
// transform.env. Each of them, if given, must have its type (a string, a list of strings, a
// mapping of strings); an env variable must have a valid name and must not also be set by a
// secrets entry's env_var. Every problem is reported, with its path, and no error quotes a value.
func ParsePipeline(data []byte) (Pipeline, error) {
	top, tr, root, err := parseDocument(data)
	if err != nil {
		return Pipeline{}, err
	}
	var p Pipeline
	d := decodeTransform(tr, root)
	errs := d.errs
	if _, isPipeline := top["transform"]; isPipeline {
		var meta map[string]json.RawMessage
		if raw, ok := top["pipeline"]; ok && !isNull(raw) {
			if json.Unmarshal(raw, &meta) != nil {
				errs = append(errs, field.TypeInvalid(field.NewPath("pipeline"), field.OmitValueType{}, "must be an object"))
			}
		}
		errs = decodeString(meta, field.NewPath("pipeline"), "name", &p.Name, errs)
	}
	errs = decodeString(tr, root, "image", &p.Image, errs)
	if raw, ok := tr["cmd"]; ok && !isNull(raw) && json.Unmarshal(raw, &p.Cmd) != nil {
		p.Cmd = nil
		errs = append(errs, field.TypeInvalid(root.Child("cmd"), field.OmitValueType{}, "must be a list of strings"))
	}
	env, envErrs := decodeEnv(tr, root, d)
	errs = append(errs, envErrs...)
	refs, refErrs := buildRefs(d.secrets, d.pulls, d.badSecret, d.badPull)
	if errs = append(errs, refErrs...); len(errs) > 0 {
		return Pipeline{}, errlist.From(errs)
	}
	p.Env, p.Refs = env, refs
	return p, nil
}

// decodeString reads obj[name] into dst if it is there and not null; a value of another type
// is an error at path.name.
func decodeString(obj map[string]json.RawMessage, path *field.Path, name string, dst *string, errs field.ErrorList) field.ErrorList {
	raw, ok := obj[name]
	if !ok || isNull(raw) {
		return errs
	}
	if json.Unmarshal(raw, dst) != nil {
		*dst = ""
		return append(errs, field.TypeInvalid(path.Child(name), field.OmitValueType{}, "must be a string"))
	}
	return errs
}

// decodeEnv reads transform.env: a mapping of variable names to string values, returned sorted
// by name. A name set by a secrets entry's env_var too is an error.
func decodeEnv(tr map[string]json.RawMessage, root *field.Path, d decoded) ([]corev1.EnvVar, field.ErrorList) {
	raw, ok := tr["env"]
	if !ok || isNull(raw) {
		return nil, nil
	}
	p := root.Child("env")
	var obj map[string]json.RawMessage
	if json.Unmarshal(raw, &obj) != nil {
		return nil, field.ErrorList{field.TypeInvalid(p, field.OmitValueType{}, "must be a mapping of variable names to strings")}
	}
	bySecret := map[string]int{}
	for i, s := range d.secrets {
		if _, seen := bySecret[s.EnvVar]; s.EnvVar != "" && !seen {
			bySecret[s.EnvVar] = i
		}
	}
	var (
		env  []corev1.EnvVar
		errs field.ErrorList
	)
	for _, name := range sortedKeys(obj) {
		at := p.Key(name)
		var value string
		if isNull(obj[name]) || json.Unmarshal(obj[name], &value) != nil {
			errs = append(errs, field.TypeInvalid(at, field.OmitValueType{}, "must be a string (in YAML, quote a number or a boolean)"))
			continue
		}
		bad := false
		for _, msg := range validation.IsRelaxedEnvVarName(name) {
			errs = append(errs, field.Invalid(at, name, msg))
			bad = true
		}
		if i, ok := bySecret[name]; ok {
			e := field.Duplicate(at, name)
			e.Detail = "also set by " + root.Child("secrets").Index(i).Child("env_var").String()
			errs = append(errs, e)
			bad = true
		}
		if !bad {
			env = append(env, corev1.EnvVar{Name: name, Value: value})
		}
	}
	return env, errs // in name order: sortedKeys sorts
}
