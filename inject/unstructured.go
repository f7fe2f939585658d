package inject

import (
	"encoding/json"
	"fmt"
	"math"
	"reflect"
	"slices"
	"strconv"
	"strings"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	utiljson "k8s.io/apimachinery/pkg/util/json"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/podsecrets/podsecrets/internal/errlist"
	"github.com/podsecrets/podsecrets/secretspec"
)

// applyUnstructured is ApplyObject for an unstructured object: each template is read as a
// PodTemplateSpec, the refs applied, and only the difference (inject.Patch between the two
// typed templates) written into a copy of the object, so that nothing else is touched.
func (oc objectConfig) applyUnstructured(u *unstructured.Unstructured, refs []secretspec.Ref, opts []Option) (*unstructured.Unstructured, error) {
	gvk := u.GroupVersionKind()
	if gvk.Kind == "" {
		return nil, errlist.From(field.ErrorList{field.Required(field.NewPath("kind"), "ApplyObject needs the object's apiVersion and kind to find its pod templates")})
	}
	gk := gvk.GroupKind()
	paths, errs := oc.pathsFor(gk)
	if len(errs) > 0 {
		return nil, errlist.From(errs)
	}
	if len(paths) == 0 {
		return nil, fmt.Errorf("inject: ApplyObject does not know where the pod templates of a %s are; "+
			"pass inject.WithTemplatePaths(schema.GroupKind{Group: %q, Kind: %q}, \"spec.template\"…) with their paths",
			kindName(gk), gk.Group, gk.Kind)
	}
	obj, ok := copyJSON(u.Object)
	if !ok {
		return nil, errlist.From(checkJSON(u.Object, nil))
	}
	root, _ := obj.(map[string]any)
	if root == nil {
		root = map[string]any{}
	}

	var maps []map[string]any
	var sites []site
	found := 0
	for _, tp := range paths {
		errs = append(errs, findTemplates(root, tp.steps, nil, tp.text, func(at *field.Path, m map[string]any) {
			found++
			for i := range sites { // two paths may lead to one template
				if reflect.ValueOf(maps[i]).UnsafePointer() == reflect.ValueOf(m).UnsafePointer() {
					return
				}
			}
			if oc.selected != nil && !oc.selected(site{at: at}.path()) {
				return // left as it is, not even read
			}
			t, err := decodeTemplate(m, at)
			if err != nil {
				errs = append(errs, err)
				return
			}
			maps = append(maps, m)
			sites = append(sites, site{at: at, t: t})
		})...)
	}
	if len(errs) > 0 {
		return nil, errlist.From(errs)
	}
	if found == 0 {
		texts := make([]string, len(paths))
		for i := range paths {
			texts[i] = fmt.Sprintf("%q", paths[i].text)
		}
		return nil, fmt.Errorf("inject: ApplyObject found no pod template in the %s: nothing at %s", kindName(gk), strings.Join(texts, ", "))
	}
	if len(sites) == 0 { // WithTemplates selected none
		return &unstructured.Unstructured{Object: root}, nil
	}
	all := oc
	all.selected = nil // sites holds the selected templates only
	outs, err := all.applyTemplates(sites, refs, opts)
	if err != nil {
		return nil, err
	}
	for i, s := range sites {
		if reordered(&s.t.Spec, &outs[i].Spec) {
			if err := mergeTemplate(maps[i], s.t, outs[i]); err != nil {
				return nil, fmt.Errorf("inject: ApplyObject cannot write the template at %q back: %w", s.path(), err)
			}
			continue
		}
		patch, err := Patch(&corev1.Pod{ObjectMeta: s.t.ObjectMeta, Spec: s.t.Spec}, &corev1.Pod{ObjectMeta: outs[i].ObjectMeta, Spec: outs[i].Spec})
		if err != nil {
			return nil, err
		}
		if err := patchMap(maps[i], patch); err != nil {
			return nil, fmt.Errorf("inject: ApplyObject cannot write the template at %q back: %w", s.path(), err)
		}
	}
	return &unstructured.Unstructured{Object: root}, nil
}

// kindName is "PyTorchJob.kubeflow.org", or "Deployment.apps", or "Pod".
func kindName(gk schema.GroupKind) string {
	if gk.Group == "" {
		return gk.Kind
	}
	return gk.String()
}

// findTemplates calls found for every template steps lead to from v, whose path is at; it
// returns what stands in the way (a field of the wrong type). A missing or null field is no
// template, and no error.
func findTemplates(v any, steps []step, at *field.Path, text string, found func(*field.Path, map[string]any)) field.ErrorList {
	if v == nil {
		return nil
	}
	if len(steps) == 0 {
		m, ok := v.(map[string]any)
		if !ok {
			return field.ErrorList{field.Invalid(at, jsonKind(v), fmt.Sprintf("expected a pod template (an object), as the template path %q says", text))}
		}
		found(at, m)
		return nil
	}
	s := steps[0]
	switch {
	case s.list:
		l, ok := v.([]any)
		if !ok {
			return field.ErrorList{field.Invalid(at, jsonKind(v), fmt.Sprintf("expected a list, as the template path %q says", text))}
		}
		var errs field.ErrorList
		for i := range l {
			errs = append(errs, findTemplates(l[i], steps[1:], at.Index(i), text, found)...)
		}
		return errs
	default:
		m, ok := v.(map[string]any)
		if !ok {
			return field.ErrorList{field.Invalid(at, jsonKind(v), fmt.Sprintf("expected an object, as the template path %q says", text))}
		}
		if !s.each {
			return findTemplates(m[s.name], steps[1:], child(at, s.name), text, found)
		}
		keys := make([]string, 0, len(m))
		for k := range m {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		var errs field.ErrorList
		for _, k := range keys {
			errs = append(errs, findTemplates(m[k], steps[1:], child(at, k), text, found)...)
		}
		return errs
	}
}

func child(at *field.Path, name string) *field.Path {
	if at == nil {
		return field.NewPath(name)
	}
	return at.Child(name)
}

// jsonKind names the JSON type of v, for errors (never v itself).
func jsonKind(v any) string {
	switch v.(type) {
	case map[string]any:
		return "object"
	case []any:
		return "list"
	case string:
		return "string"
	case bool:
		return "boolean"
	case int64, float64, json.Number:
		return "number"
	case nil:
		return "null"
	}
	return fmt.Sprintf("%T", v)
}

// decodeTemplate reads m as a PodTemplateSpec, as the API server reads JSON (case-sensitive
// field names, unknown fields ignored). The error names the field and the types, never the
// value: a decoder's message quotes numbers, and a template may hold secrets.
func decodeTemplate(m map[string]any, at *field.Path) (*corev1.PodTemplateSpec, *field.Error) {
	// apimachinery's converter reads the map as the API server reads JSON, without encoding
	// it; its errors have no path, so a template it refuses is decoded again from JSON, which
	// either says where the problem is or, reading it differently, takes it.
	t := new(corev1.PodTemplateSpec)
	if runtime.DefaultUnstructuredConverter.FromUnstructured(m, t) == nil {
		return t, nil
	}
	raw, err := json.Marshal(m)
	if err != nil { // copyJSON let only JSON values through
		return nil, field.InternalError(at, fmt.Errorf("cannot encode the template as JSON"))
	}
	t = new(corev1.PodTemplateSpec)
	if err := utiljson.Unmarshal(raw, t); err != nil {
		return nil, decodeError(err, m, at)
	}
	return t, nil
}

// decodeError describes a failed decoding without the decoder's message. The decoder's
// UnmarshalTypeError (an internal type of sigs.k8s.io/json) is read for its Field and Type.
func decodeError(err error, m map[string]any, at *field.Path) *field.Error {
	v := reflect.ValueOf(err)
	if v.Kind() == reflect.Pointer && !v.IsNil() && v.Elem().Kind() == reflect.Struct && v.Elem().Type().Name() == "UnmarshalTypeError" {
		e := v.Elem()
		f, typ, val := e.FieldByName("Field"), e.FieldByName("Type"), e.FieldByName("Value")
		if f.Kind() == reflect.String && val.Kind() == reflect.String && typ.IsValid() {
			got, _, _ := strings.Cut(val.String(), " ") // "number 42" -> "number"
			var names []string
			if f.String() != "" {
				names = strings.Split(f.String(), ".")
			}
			p := locate(m, names, got, at)
			if p == nil { // not found again: the path without list indexes
				p = at
				for _, name := range names {
					p = child(p, name)
				}
			}
			want := "a value"
			if t, ok := typ.Interface().(reflect.Type); ok && t != nil {
				want = "a " + t.String()
			}
			return field.Invalid(p, got, fmt.Sprintf("a pod template needs %s here, not a JSON %s", want, got))
		}
	}
	return field.Invalid(at, "<template>", "is not a valid pod template: a value in it has the wrong form "+
		"(e.g. a quantity or a timestamp that does not parse); the decoder's message is withheld as it may quote the value")
}

// locate finds the first value of JSON kind got that the field names lead to from v (at),
// trying every element of the lists on the way, and the elements or values of a list or
// object at the end, so that a decoding error can say "containers[1].env[0].value".
func locate(v any, names []string, got string, at *field.Path) *field.Path {
	if len(names) == 0 && jsonKind(v) == got {
		return at
	}
	switch x := v.(type) {
	case []any:
		for i, e := range x {
			if p := locate(e, names, got, at.Index(i)); p != nil {
				return p
			}
		}
	case map[string]any:
		if len(names) > 0 {
			if e, ok := x[names[0]]; ok {
				return locate(e, names[1:], got, child(at, names[0]))
			}
			return nil
		}
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, k := range keys {
			if jsonKind(x[k]) == got {
				return child(at, k)
			}
		}
	}
	return nil
}

// copyJSON deep-copies an unstructured value; ok is false if it holds anything but JSON values
// (map[string]any, []any, string, bool, int64, finite float64, json.Number, nil).
func copyJSON(v any) (any, bool) {
	switch x := v.(type) {
	case map[string]any:
		if x == nil {
			return x, true
		}
		m := make(map[string]any, len(x))
		for k, e := range x {
			c, ok := copyJSON(e)
			if !ok {
				return nil, false
			}
			m[k] = c
		}
		return m, true
	case []any:
		if x == nil {
			return x, true
		}
		l := make([]any, len(x))
		for i, e := range x {
			c, ok := copyJSON(e)
			if !ok {
				return nil, false
			}
			l[i] = c
		}
		return l, true
	}
	return v, isJSONScalar(v)
}

// isJSONScalar reports whether v is a JSON string, boolean, null or finite number as
// unstructured content holds them.
func isJSONScalar(v any) bool {
	switch x := v.(type) {
	case float64:
		return !math.IsNaN(x) && !math.IsInf(x, 0)
	case string, bool, int64, json.Number, nil:
		return true
	}
	return false
}

// checkJSON reports, with their paths, the values copyJSON refuses.
func checkJSON(v any, at *field.Path) field.ErrorList {
	var errs field.ErrorList
	switch x := v.(type) {
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, k := range keys {
			errs = append(errs, checkJSON(x[k], child(at, k))...)
		}
	case []any:
		for i := range x {
			errs = append(errs, checkJSON(x[i], at.Index(i))...)
		}
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			errs = append(errs, field.Invalid(at, "<number>", "is not a finite number; JSON has no NaN or infinity"))
		}
	case string, bool, int64, json.Number, nil:
	default:
		errs = append(errs, field.Invalid(at, fmt.Sprintf("%T", v),
			"unstructured content holds only map[string]interface{}, []interface{}, string, bool, int64, float64 and nil"))
	}
	return errs
}

// patchOp is one operation of a patch made by Patch.
type patchOp struct {
	Op    string `json:"op"`
	Path  string `json:"path"`
	Value any    `json:"value"`
}

// patchMap applies a patch Patch made between two typed templates to m, the unstructured
// template they were read from, in place. Values are decoded as unstructured content is
// (integers as int64, other numbers as float64). Where m is not what the typed template
// showed (a field it lacks, or holds as null, being the typed zero value), an "add" creates
// the objects on its way and a "remove" of something absent does nothing.
func patchMap(m map[string]any, patch []byte) error {
	if len(patch) <= 2 { // "[]"
		return nil
	}
	var ops []patchOp
	if err := utiljson.Unmarshal(patch, &ops); err != nil {
		return fmt.Errorf("cannot read the patch")
	}
	for _, op := range ops {
		toks := strings.Split(op.Path, "/")[1:]
		for i, t := range toks {
			toks[i] = strings.ReplaceAll(strings.ReplaceAll(t, "~1", "/"), "~0", "~")
		}
		if len(toks) == 0 {
			return fmt.Errorf("patch operation %s at the template's root", op.Op)
		}
		if _, err := patchValue(m, toks, op.Op, op.Value); err != nil {
			return fmt.Errorf("%s %s: %w", op.Op, op.Path, err)
		}
	}
	return nil
}

// patchValue applies one operation at toks below v and returns the new v.
func patchValue(v any, toks []string, op string, val any) (any, error) {
	tok, last := toks[0], len(toks) == 1
	switch n := v.(type) {
	case nil:
		if op == "remove" {
			return nil, nil
		}
		return patchValue(map[string]any{}, toks, op, val)
	case map[string]any:
		if last {
			if op == "remove" {
				delete(n, tok)
			} else {
				n[tok] = val
			}
			return n, nil
		}
		c, err := patchValue(n[tok], toks[1:], op, val)
		if err != nil {
			return nil, err
		}
		if c != nil || op != "remove" {
			n[tok] = c
		}
		return n, nil
	case []any:
		if last && tok == "-" && op == "add" {
			return append(n, val), nil
		}
		i, err := strconv.Atoi(tok)
		if err != nil || i < 0 || i >= len(n) || strconv.Itoa(i) != tok {
			return nil, fmt.Errorf("no element %q in a list of %d", tok, len(n))
		}
		if !last {
			c, err := patchValue(n[i], toks[1:], op, val)
			if err != nil {
				return nil, err
			}
			n[i] = c
			return n, nil
		}
		switch op {
		case "remove":
			return append(n[:i], n[i+1:]...), nil
		case "replace":
			n[i] = val
			return n, nil
		}
		return slices.Insert(n, i, val), nil
	}
	return nil, fmt.Errorf("a %s where the template has an object or a list", jsonKind(v))
}
