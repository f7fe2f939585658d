package inject

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand"
	"reflect"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	utiljson "k8s.io/apimachinery/pkg/util/json"

	"github.com/podsecrets/podsecrets/inject/internal/patchtest"
	"github.com/podsecrets/podsecrets/secretspec"
)

// genTemplate makes a pod template from a generated pod.
func genTemplate(c chooser) corev1.PodTemplateSpec {
	p := genPod(c)
	return corev1.PodTemplateSpec{ObjectMeta: metav1.ObjectMeta{Labels: map[string]string{"app": "x"}, Annotations: p.Annotations}, Spec: p.Spec}
}

// toMap is the unstructured form of a typed value, numbers as int64 and float64.
func toMap(t testing.TB, v any) map[string]any {
	t.Helper()
	m, err := runtime.DefaultUnstructuredConverter.ToUnstructured(v)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// sprinkle adds, with chance, fields corev1 does not know and numbers of both types to a
// template map, so that the properties cover them.
func sprinkle(c chooser, tm map[string]any) {
	spec, _ := tm["spec"].(map[string]any)
	if spec == nil {
		return
	}
	if c.intn(2) == 0 {
		spec["x-unknown"] = map[string]any{"n": int64(7), "f": 2.0, "s": "keep", "l": []any{int64(1), 1.5}}
	}
	if cs, _ := spec["containers"].([]any); len(cs) > 0 && c.intn(2) == 0 {
		cs[0].(map[string]any)["x-extra"] = map[string]any{"ratio": 0.25}
	}
}

// genObject makes a workload: typed (nil for CRDs) and its unstructured form.
func genObject(t testing.TB, c chooser) (runtime.Object, *unstructured.Unstructured) {
	tpl := func() corev1.PodTemplateSpec { return genTemplate(c) }
	meta := metav1.ObjectMeta{Name: "w", Namespace: "ns"}
	var typed runtime.Object
	switch c.intn(8) {
	case 0:
		typed = &appsv1.Deployment{TypeMeta: metav1.TypeMeta{APIVersion: "apps/v1", Kind: "Deployment"}, ObjectMeta: meta,
			Spec: appsv1.DeploymentSpec{Replicas: ptr[int32](2), Template: tpl()}}
	case 1:
		typed = &batchv1.Job{TypeMeta: metav1.TypeMeta{APIVersion: "batch/v1", Kind: "Job"}, ObjectMeta: meta,
			Spec: batchv1.JobSpec{BackoffLimit: ptr[int32](0), Template: tpl()}}
	case 2:
		typed = &batchv1.CronJob{TypeMeta: metav1.TypeMeta{APIVersion: "batch/v1", Kind: "CronJob"}, ObjectMeta: meta,
			Spec: batchv1.CronJobSpec{Schedule: "* * * * *", JobTemplate: batchv1.JobTemplateSpec{Spec: batchv1.JobSpec{Template: tpl()}}}}
	case 3:
		typed = &appsv1.StatefulSet{TypeMeta: metav1.TypeMeta{APIVersion: "apps/v1", Kind: "StatefulSet"}, ObjectMeta: meta,
			Spec: appsv1.StatefulSetSpec{Template: tpl()}}
	case 4:
		pt := tpl()
		typed = &corev1.ReplicationController{TypeMeta: metav1.TypeMeta{APIVersion: "v1", Kind: "ReplicationController"}, ObjectMeta: meta,
			Spec: corev1.ReplicationControllerSpec{Template: &pt}}
	}
	if typed != nil {
		u := &unstructured.Unstructured{Object: toMap(t, typed)}
		for _, path := range [][]string{{"spec", "template"}, {"spec", "jobTemplate", "spec", "template"}} {
			if m, ok, _ := unstructured.NestedMap(u.Object, path...); ok {
				sprinkle(c, m)
				_ = unstructured.SetNestedMap(u.Object, m, path...)
			}
		}
		return typed, u
	}
	tm := func() map[string]any {
		pt := tpl()
		m := toMap(t, &pt)
		sprinkle(c, m)
		return m
	}
	var obj map[string]any
	switch c.intn(3) {
	case 0:
		roles := map[string]any{"Worker": map[string]any{"replicas": int64(2), "template": tm()}}
		if c.intn(2) == 0 {
			roles["Master"] = map[string]any{"replicas": int64(1), "template": tm()}
		}
		obj = map[string]any{"apiVersion": "kubeflow.org/v1", "kind": "PyTorchJob",
			"spec": map[string]any{"pytorchReplicaSpecs": roles, "nprocPerNode": "auto"}}
	case 1:
		var jobs []any
		for n := 1 + c.intn(2); n > 0; n-- {
			jobs = append(jobs, map[string]any{"name": fmt.Sprint("j", n), "replicas": int64(n),
				"template": map[string]any{"spec": map[string]any{"parallelism": int64(2), "template": tm()}}})
		}
		obj = map[string]any{"apiVersion": "jobset.x-k8s.io/v1alpha2", "kind": "JobSet", "spec": map[string]any{"replicatedJobs": jobs}}
	default:
		spec := map[string]any{"headGroupSpec": map[string]any{"rayStartParams": map[string]any{}, "template": tm()}}
		if c.intn(2) == 0 {
			spec["workerGroupSpecs"] = []any{map[string]any{"groupName": "g", "minReplicas": int64(0), "template": tm()}}
		}
		obj = map[string]any{"apiVersion": "ray.io/v1", "kind": "RayCluster", "spec": spec}
	}
	obj["metadata"] = map[string]any{"name": "w", "namespace": "ns", "generation": int64(3)}
	return nil, &unstructured.Unstructured{Object: obj}
}

// TestObjectProperties checks over generated workloads that ApplyObject is pure,
// deterministic and idempotent, that PatchObject turns the input into the output, that the
// unstructured output only adds to the input (unless ConflictOverride replaces), and that
// typed and unstructured forms of one object give the same result or the same error.
func TestObjectProperties(t *testing.T) {
	const seeds = 600
	var ok, failed int
	for seed := int64(0); seed < seeds; seed++ {
		c := randChooser{rand.New(rand.NewSource(seed))}
		typed, u := genObject(t, c)
		refs := genRefs(c, seed%3 == 1)
		opts := genPolicy(c)
		uerr := checkObjectProperties(t, seed, u, refs, opts)
		if uerr == nil {
			ok++
		} else {
			failed++
		}
		if typed == nil {
			continue
		}
		terr := checkObjectProperties(t, seed, typed, refs, opts)
		if (terr == nil) != (uerr == nil) || (terr != nil && terr.Error() != uerr.Error()) {
			t.Fatalf("seed %d: typed and unstructured disagree:\ntyped:        %v\nunstructured: %v", seed, terr, uerr)
		}
		if terr != nil {
			continue
		}
		tout, _ := ApplyObject(typed, refs, opts...)
		uout, _ := ApplyObject(u, refs, opts...)
		want := reflect.New(reflect.TypeOf(typed).Elem()).Interface().(runtime.Object) // Unmarshal into a copy would merge
		if err := utiljson.Unmarshal(mustJSON(t, uout), want); err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(want, tout); diff != "" {
			t.Fatalf("seed %d: typed and unstructured outputs differ (-unstructured +typed):\n%s", seed, diff)
		}
	}
	if ok < seeds/10 || failed < seeds/10 {
		t.Errorf("generator is lopsided: %d successes, %d errors out of %d", ok, failed, seeds)
	}
}

// checkObjectProperties runs ApplyObject on obj and checks every property that does not
// need another form of the object; it returns ApplyObject's error.
func checkObjectProperties(t *testing.T, seed int64, obj runtime.Object, refs []secretspec.Ref, opts []Option) error {
	t.Helper()
	before := obj.DeepCopyObject()
	out, err := ApplyObject(obj, refs, opts...)
	if diff := cmp.Diff(before, obj); diff != "" {
		t.Fatalf("seed %d: ApplyObject modified its input (-before +after):\n%s", seed, diff)
	}
	out2, err2 := ApplyObject(obj, refs, opts...)
	if err != nil {
		if out != nil || err2 == nil || err2.Error() != err.Error() {
			t.Fatalf("seed %d: a second ApplyObject gave a different error or an object", seed)
		}
		if strings.Contains(err.Error(), "literal-value-do-not-print") {
			t.Fatalf("seed %d: the error prints a literal env value", seed)
		}
		return err
	}
	if !bytes.Equal(mustJSON(t, out), mustJSON(t, out2)) {
		t.Fatalf("seed %d: ApplyObject is not deterministic", seed)
	}
	twice, err := ApplyObject(out, refs, opts...)
	if err != nil {
		t.Fatalf("seed %d: ApplyObject on its own output: %v", seed, err)
	}
	if diff := cmp.Diff(out, twice); diff != "" {
		t.Fatalf("seed %d: ApplyObject is not idempotent (-once +twice):\n%s", seed, diff)
	}
	patch, err := PatchObject(obj, out)
	if err != nil {
		t.Fatalf("seed %d: PatchObject: %v", seed, err)
	}
	if err := patchtest.Check(obj, out, patch); err != nil {
		t.Fatalf("seed %d: %v", seed, err)
	}
	if again, _ := PatchObject(out, twice); string(again) != "[]" {
		t.Fatalf("seed %d: PatchObject of equal objects: %s", seed, again)
	}
	// the output shares no memory with the input
	scribbleJSON(t, out)
	if diff := cmp.Diff(before, obj); diff != "" {
		t.Fatalf("seed %d: writing to the output changed the input (-before +after):\n%s", seed, diff)
	}
	if u, ok := obj.(*unstructured.Unstructured); ok && !overrides(opts) {
		uout, _ := ApplyObject(u, refs, opts...)
		if p := firstLoss(u.Object, uout.(*unstructured.Unstructured).Object, ""); p != "" {
			t.Fatalf("seed %d: the output lost or changed %s of the input", seed, p)
		}
	}
	return nil
}

func overrides(opts []Option) bool {
	var c config
	for _, o := range opts {
		c = o.apply(c)
	}
	return c.policy == ConflictOverride
}

// scribbleJSON overwrites every string and number of an object.
func scribbleJSON(t *testing.T, o runtime.Object) {
	if u, ok := o.(*unstructured.Unstructured); ok {
		var walk func(v any) any
		walk = func(v any) any {
			switch x := v.(type) {
			case map[string]any:
				for k, e := range x {
					x[k] = walk(e)
				}
			case []any:
				for i, e := range x {
					x[i] = walk(e)
				}
			case string:
				return "scribbled"
			case int64:
				return int64(83)
			case float64:
				return 8.3
			}
			return v
		}
		walk(u.Object)
		return
	}
	scribble(reflect.ValueOf(o))
}

// firstLoss returns the path of the first value of in that out does not keep with the same
// Go type and value; lists may have grown at their end.
func firstLoss(in, out any, at string) string {
	switch x := in.(type) {
	case map[string]any:
		y, ok := out.(map[string]any)
		if !ok {
			return at
		}
		for k, e := range x {
			f, ok := y[k]
			if !ok {
				return at + "." + k
			}
			if p := firstLoss(e, f, at+"."+k); p != "" {
				return p
			}
		}
		return ""
	case []any:
		y, ok := out.([]any)
		if !ok || len(y) < len(x) {
			return at
		}
		for i := range x {
			if p := firstLoss(x[i], y[i], fmt.Sprintf("%s[%d]", at, i)); p != "" {
				return p
			}
		}
		return ""
	}
	if reflect.TypeOf(in) != reflect.TypeOf(out) || in != out {
		return at
	}
	return ""
}

// TestUnstructuredRoundTrip: a user's PyTorchJob, with fields corev1 does not know inside
// and outside its templates and numbers of both kinds, comes out with the secrets wired
// and every other value exactly as it was, Go types included; nothing is added but the
// secrets (no "resources: {}", no "creationTimestamp: null").
func TestUnstructuredRoundTrip(t *testing.T) {
	in := readObject(t, "pytorchjob.yaml")
	worker := []string{"spec", "pytorchReplicaSpecs", "Worker", "template"}
	tm, _, _ := unstructured.NestedMap(in.Object, worker...)
	spec := tm["spec"].(map[string]any)
	spec["schedulingGates2"] = []any{map[string]any{"name": "x", "weight": 1.0}}
	spec["overhead"] = map[string]any{"cpu": 0.25}
	c0 := spec["containers"].([]any)[0].(map[string]any)
	c0["futureField"] = map[string]any{"count": int64(3), "ratio": 0.5, "on": true, "none": nil}
	c0["env"] = append(c0["env"].([]any), map[string]any{"name": "EMPTY", "value": "", "x-note": "kept"})
	tm["metadata"] = map[string]any{"labels": map[string]any{"team": "a"}, "x-meta": int64(1)}
	_ = unstructured.SetNestedMap(in.Object, tm, worker...)
	in.Object["status"] = map[string]any{"conditions": []any{map[string]any{"type": "Created", "status": "True", "lastTransitionTime": "2026-01-01T00:00:00Z"}}}

	got, err := ApplyObject(in, []secretspec.Ref{dbRef, {Secret: "tls", As: secretspec.Mount, MountPath: "/etc/tls"}})
	if err != nil {
		t.Fatal(err)
	}
	out := got.(*unstructured.Unstructured)
	if p := firstLoss(in.Object, out.Object, ""); p != "" {
		t.Errorf("the output lost or changed %s", p)
	}
	var added []string
	for _, op := range patchOps(t, mustPatch(t, in, out)) {
		if op.Op != "add" {
			t.Errorf("not an addition: %s %s", op.Op, op.Path)
		}
		added = append(added, op.Path+" "+string(op.Value))
	}
	want := []string{
		`/spec/pytorchReplicaSpecs/Master/template/spec/containers/0/env [{"name":"DB_PASSWORD","valueFrom":{"secretKeyRef":{"key":"password","name":"db"}}}]`,
		`/spec/pytorchReplicaSpecs/Master/template/spec/containers/0/volumeMounts [{"mountPath":"/etc/tls","name":"tls-160645c34f","readOnly":true}]`,
		`/spec/pytorchReplicaSpecs/Master/template/spec/volumes [{"name":"tls-160645c34f","secret":{"secretName":"tls"}}]`,
		`/spec/pytorchReplicaSpecs/Worker/template/spec/containers/0/env/- {"name":"DB_PASSWORD","valueFrom":{"secretKeyRef":{"key":"password","name":"db"}}}`,
		`/spec/pytorchReplicaSpecs/Worker/template/spec/containers/0/volumeMounts [{"mountPath":"/etc/tls","name":"tls-160645c34f","readOnly":true}]`,
		`/spec/pytorchReplicaSpecs/Worker/template/spec/volumes [{"name":"tls-160645c34f","secret":{"secretName":"tls"}}]`,
	}
	if diff := cmp.Diff(want, added); diff != "" {
		t.Errorf("additions (-want +got):\n%s", diff)
	}
	// the values' Go types, spelled out
	oc, _, _ := unstructured.NestedSlice(out.Object, append(worker, "spec", "containers")...)
	ff := oc[0].(map[string]any)["futureField"].(map[string]any)
	if _, ok := ff["count"].(int64); !ok {
		t.Errorf("count is a %T, want int64", ff["count"])
	}
	if _, ok := ff["ratio"].(float64); !ok {
		t.Errorf("ratio is a %T, want float64", ff["ratio"])
	}
	lim := oc[0].(map[string]any)["resources"].(map[string]any)["limits"].(map[string]any)
	if lim["cpu"] != 0.5 || lim["nvidia.com/gpu"] != int64(1) {
		t.Errorf("limits %#v, want cpu float64 0.5 and gpu int64 1", lim)
	}
	if tg, _, _ := unstructured.NestedFieldNoCopy(out.Object, append(worker, "spec", "terminationGracePeriodSeconds")...); tg != int64(60) {
		t.Errorf("terminationGracePeriodSeconds %#v, want int64(60)", tg)
	}
	raw := mustJSON(t, out)
	for _, zero := range []string{`"resources":{}`, `"creationTimestamp":null`, `"status":{}`} {
		if bytes.Contains(raw, []byte(zero)) {
			t.Errorf("the output has %s", zero)
		}
	}
	// and what came out is a valid object to read again
	var back unstructured.Unstructured
	if err := json.Unmarshal(raw, &back.Object); err != nil {
		t.Fatal(err)
	}
}

func mustPatch(t testing.TB, a, b runtime.Object) []byte {
	t.Helper()
	p, err := PatchObject(a, b)
	if err != nil {
		t.Fatal(err)
	}
	return p
}
