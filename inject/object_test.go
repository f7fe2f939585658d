package inject

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/podsecrets/podsecrets/secretspec"
)

var dbRef = secretspec.Ref{Secret: "db", Key: "password", As: secretspec.Env, EnvVar: "DB_PASSWORD"}

// set returns a copy of u with the value at the dotted path (no lists) replaced.
func set(u *unstructured.Unstructured, v any, path ...string) *unstructured.Unstructured {
	c := u.DeepCopy()
	m := c.Object
	for _, p := range path[:len(path)-1] {
		next, ok := m[p].(map[string]any)
		if !ok {
			next = map[string]any{}
			m[p] = next
		}
		m = next
	}
	m[path[len(path)-1]] = v
	return c
}

func TestApplyObjectErrors(t *testing.T) {
	pytorch := readObject(t, "pytorchjob.yaml")
	ray := readObject(t, "raycluster.yaml")
	workerEnv := func(env ...any) *unstructured.Unstructured {
		c := pytorch.DeepCopy()
		containers, _, _ := unstructured.NestedSlice(c.Object, "spec", "pytorchReplicaSpecs", "Worker", "template", "spec", "containers")
		containers[0].(map[string]any)["env"] = env
		_ = unstructured.SetNestedSlice(c.Object, containers, "spec", "pytorchReplicaSpecs", "Worker", "template", "spec", "containers")
		return c
	}
	cases := []struct {
		name string
		obj  runtime.Object
		refs []secretspec.Ref
		opts []Option
		want []string // every one must be in the error
	}{{
		name: "nil",
		obj:  nil,
		want: []string{"the object is nil"},
	}, {
		name: "typed nil",
		obj:  (*appsv1.Deployment)(nil),
		want: []string{"the object is nil"},
	}, {
		name: "unstructured nil",
		obj:  (*unstructured.Unstructured)(nil),
		want: []string{"the object is nil"},
	}, {
		name: "a type it does not take",
		obj:  &corev1.Secret{},
		want: []string{"does not take a *v1.Secret", "*unstructured.Unstructured"},
	}, {
		name: "no kind",
		obj:  &unstructured.Unstructured{Object: map[string]any{"spec": map[string]any{}}},
		want: []string{"kind: Required value", "apiVersion and kind"},
	}, {
		name: "unknown kind",
		obj:  &unstructured.Unstructured{Object: map[string]any{"apiVersion": "example.com/v1", "kind": "Trainer"}},
		want: []string{`does not know where the pod templates of a Trainer.example.com are`, `schema.GroupKind{Group: "example.com", Kind: "Trainer"}`},
	}, {
		name: "no template at all",
		obj:  set(pytorch, map[string]any{}, "spec", "pytorchReplicaSpecs"),
		want: []string{`found no pod template in the PyTorchJob.kubeflow.org: nothing at "spec.pytorchReplicaSpecs.*.template"`},
	}, {
		name: "a template that is not an object",
		obj:  set(pytorch, "oops", "spec", "pytorchReplicaSpecs", "Worker", "template"),
		want: []string{`spec.pytorchReplicaSpecs.Worker.template: Invalid value: "string": expected a pod template (an object)`},
	}, {
		name: "a list where the path wants a map",
		obj:  set(pytorch, []any{}, "spec", "pytorchReplicaSpecs"),
		want: []string{`spec.pytorchReplicaSpecs: Invalid value: "list": expected an object, as the template path "spec.pytorchReplicaSpecs.*.template" says`},
	}, {
		name: "a map where the path wants a list",
		obj:  set(ray, map[string]any{}, "spec", "workerGroupSpecs"),
		want: []string{`spec.workerGroupSpecs: Invalid value: "object": expected a list, as the template path "spec.workerGroupSpecs[*].template" says`},
	}, {
		name: "a field of the wrong type in a template",
		obj:  set(pytorch, "python", "spec", "pytorchReplicaSpecs", "Master", "template", "spec", "containers"),
		want: []string{`spec.pytorchReplicaSpecs.Master.template.spec.containers: Invalid value: "string": a pod template needs a []v1.Container here, not a JSON string`},
	}, {
		name: "a number where a string goes (not quoted)",
		obj:  workerEnv(map[string]any{"name": "PIN", "value": int64(7357)}),
		want: []string{`spec.pytorchReplicaSpecs.Worker.template.spec.containers[0].env[0].value: Invalid value: "number": a pod template needs a string here`},
	}, {
		name: "a Go value unstructured content cannot hold",
		obj:  set(pytorch, 3, "spec", "pytorchReplicaSpecs", "Worker", "replicas"),
		want: []string{`spec.pytorchReplicaSpecs.Worker.replicas: Invalid value: "int": unstructured content holds only`},
	}, {
		name: "NaN",
		obj:  set(pytorch, nan(), "spec", "x"),
		want: []string{`spec.x: Invalid value: "<number>": is not a finite number`},
	}, {
		name: "a conflict carries the object's own path",
		obj:  workerEnv(map[string]any{"name": "DB_PASSWORD", "value": "not-from-the-secret"}),
		refs: []secretspec.Ref{dbRef},
		want: []string{`spec.pytorchReplicaSpecs.Worker.template.spec.containers[0].env[0]`},
	}, {
		name: "typed conflict path",
		obj: func() runtime.Object {
			d := typedOf(t, "cronjob.yaml").(*batchv1.CronJob)
			d.Spec.JobTemplate.Spec.Template.Spec.Containers[0].Env = []corev1.EnvVar{{Name: "DB_PASSWORD", Value: "x"}}
			return d
		}(),
		refs: []secretspec.Ref{dbRef},
		want: []string{`spec.jobTemplate.spec.template.spec.containers[0].env[0]`},
	}, {
		name: "a container no template has",
		obj:  pytorch,
		refs: []secretspec.Ref{{Secret: "db", Key: "k", As: secretspec.Env, EnvVar: "K", Containers: []string{"trainer"}}},
		want: []string{`refs[0].containers[0]: Not found: "trainer"`},
	}, {
		name: "invalid refs are reported once",
		obj:  pytorch,
		refs: []secretspec.Ref{{Secret: "Not A Name", As: secretspec.EnvFrom}},
		want: []string{`refs[0].secret`},
	}, {
		name: "a template path that does not parse",
		obj:  pytorch,
		opts: []Option{WithTemplatePaths(schema.GroupKind{Group: "kubeflow.org", Kind: "PyTorchJob"}, "spec..template", "spec.a[0]")},
		want: []string{`withTemplatePaths[0][0]: Invalid value: "spec..template": element 1 is empty`, `withTemplatePaths[0][1]: Invalid value: "spec.a[0]": element 1 ("a[0]") is not a field name`},
	}, {
		name: "a ReplicationController without a template",
		obj:  &corev1.ReplicationController{},
		want: []string{"spec.template: Required value: a ReplicationController needs a pod template"},
	}}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			refs := tc.refs
			if refs == nil {
				refs = []secretspec.Ref{dbRef}
			}
			out, err := ApplyObject(tc.obj, refs, tc.opts...)
			if err == nil {
				t.Fatalf("no error; got %v", out)
			}
			if out != nil {
				t.Errorf("an object beside the error: %v", out)
			}
			t.Logf("%v", err)
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q\ndoes not contain %q", err, w)
				}
			}
			if strings.Contains(err.Error(), "7357") || strings.Contains(err.Error(), "not-from-the-secret") {
				t.Errorf("the error prints a value: %q", err)
			}
		})
	}
}

func nan() float64 { z := 0.0; return z / z }

// TestApplyObjectErrorsOnce: a problem in refs or options is the same in every template and
// is reported once; problems in different templates are all reported.
func TestApplyObjectErrorsOnce(t *testing.T) {
	pytorch := readObject(t, "pytorchjob.yaml")
	_, err := ApplyObject(pytorch, []secretspec.Ref{{Secret: "db", As: secretspec.Env}})
	if err == nil || strings.Count(err.Error(), "refs[0].key") != 1 {
		t.Errorf("want refs[0].key once, got %v", err)
	}
	c := pytorch.DeepCopy()
	for _, role := range []string{"Master", "Worker"} {
		containers, _, _ := unstructured.NestedSlice(c.Object, "spec", "pytorchReplicaSpecs", role, "template", "spec", "containers")
		containers[0].(map[string]any)["env"] = []any{map[string]any{"name": "DB_PASSWORD", "value": "x"}}
		_ = unstructured.SetNestedSlice(c.Object, containers, "spec", "pytorchReplicaSpecs", role, "template", "spec", "containers")
	}
	_, err = ApplyObject(c, []secretspec.Ref{dbRef})
	for _, role := range []string{"Master", "Worker"} {
		if err == nil || !strings.Contains(err.Error(), "spec.pytorchReplicaSpecs."+role+".template.spec.containers[0].env[0]") {
			t.Errorf("want the %s's conflict, got %v", role, err)
		}
	}
}

// containerEnv lists the names of the env vars of the first container of each template
// ApplyObject's unstructured output has at the given paths.
func containerEnv(t *testing.T, u *unstructured.Unstructured, paths ...[]string) [][]string {
	t.Helper()
	var out [][]string
	for _, p := range paths {
		containers, _, err := unstructured.NestedSlice(u.Object, append(p, "spec", "containers")...)
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, e := range containers[0].(map[string]any)["env"].([]any) {
			names = append(names, e.(map[string]any)["name"].(string))
		}
		out = append(out, names)
	}
	return out
}

func TestApplyObjectSelection(t *testing.T) {
	pytorch := readObject(t, "pytorchjob.yaml")
	master := []string{"spec", "pytorchReplicaSpecs", "Master", "template"}
	worker := []string{"spec", "pytorchReplicaSpecs", "Worker", "template"}

	t.Run("WithTemplates picks the Workers", func(t *testing.T) {
		var seen []string
		got, err := ApplyObject(pytorch, []secretspec.Ref{dbRef}, WithTemplates(func(p string) bool {
			seen = append(seen, p)
			return p == "spec.pytorchReplicaSpecs.Worker.template"
		}))
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff([]string{"spec.pytorchReplicaSpecs.Master.template", "spec.pytorchReplicaSpecs.Worker.template"}, seen); diff != "" {
			t.Errorf("paths given to the selector (-want +got):\n%s", diff)
		}
		m, _, _ := unstructured.NestedMap(got.(*unstructured.Unstructured).Object, master...)
		m0, _, _ := unstructured.NestedMap(pytorch.Object, master...)
		if diff := cmp.Diff(m0, m); diff != "" {
			t.Errorf("the Master changed (-before +after):\n%s", diff)
		}
		if diff := cmp.Diff([][]string{{"LR", "DB_PASSWORD"}}, containerEnv(t, got.(*unstructured.Unstructured), worker)); diff != "" {
			t.Errorf("Worker env (-want +got):\n%s", diff)
		}
	})
	t.Run("a template left out is not read", func(t *testing.T) {
		broken := set(pytorch, "python", "spec", "pytorchReplicaSpecs", "Master", "template", "spec", "containers")
		got, err := ApplyObject(broken, []secretspec.Ref{dbRef}, WithTemplates(func(p string) bool { return p == "spec.pytorchReplicaSpecs.Worker.template" }))
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff([][]string{{"LR", "DB_PASSWORD"}}, containerEnv(t, got.(*unstructured.Unstructured), worker)); diff != "" {
			t.Errorf("Worker env (-want +got):\n%s", diff)
		}
		none, err := ApplyObject(broken, []secretspec.Ref{dbRef}, WithTemplates(func(string) bool { return false }))
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(broken, none); diff != "" {
			t.Errorf("selecting nothing changed the object (-in +out):\n%s", diff)
		}
	})
	t.Run("a container one template has", func(t *testing.T) {
		// the Launcher has mpi-launcher, the Worker mpi-worker
		mpi := readObject(t, "mpijob.yaml")
		ref := dbRef
		ref.Containers = []string{"mpi-worker"}
		got, err := ApplyObject(mpi, []secretspec.Ref{ref})
		if err != nil {
			t.Fatal(err)
		}
		l, _, _ := unstructured.NestedMap(got.(*unstructured.Unstructured).Object, "spec", "mpiReplicaSpecs", "Launcher")
		l0, _, _ := unstructured.NestedMap(mpi.Object, "spec", "mpiReplicaSpecs", "Launcher")
		if diff := cmp.Diff(l0, l); diff != "" {
			t.Errorf("the Launcher changed (-before +after):\n%s", diff)
		}
		if diff := cmp.Diff([][]string{{"DB_PASSWORD"}}, containerEnv(t, got.(*unstructured.Unstructured), []string{"spec", "mpiReplicaSpecs", "Worker", "template"})); diff != "" {
			t.Errorf("Worker env (-want +got):\n%s", diff)
		}
	})
	t.Run("WithTemplatePaths replaces a kind's paths", func(t *testing.T) {
		got, err := ApplyObject(pytorch, []secretspec.Ref{dbRef},
			WithTemplatePaths(schema.GroupKind{Group: "kubeflow.org", Kind: "PyTorchJob"}, "spec.pytorchReplicaSpecs.Master.template"))
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff([][]string{{"DB_PASSWORD"}, {"LR"}}, containerEnv(t, got.(*unstructured.Unstructured), master, worker)); diff != "" {
			t.Errorf("env (-want +got):\n%s", diff)
		}
	})
	t.Run("WithTemplatePaths adds a kind", func(t *testing.T) {
		spark := &unstructured.Unstructured{Object: map[string]any{
			"apiVersion": "sparkoperator.k8s.io/v1beta2", "kind": "SparkApplication",
			"metadata": map[string]any{"name": "pi"},
			"spec": map[string]any{
				"driver":   map[string]any{"cores": int64(1), "template": map[string]any{"spec": map[string]any{"containers": []any{map[string]any{"name": "spark-kubernetes-driver"}}}}},
				"executor": map[string]any{"instances": int64(2), "template": map[string]any{"spec": map[string]any{"containers": []any{map[string]any{"name": "spark-kubernetes-executor"}}}}},
			},
		}}
		got, err := ApplyObject(spark, []secretspec.Ref{dbRef},
			WithTemplatePaths(schema.GroupKind{Group: "sparkoperator.k8s.io", Kind: "SparkApplication"}, "spec.driver.template", "spec.executor.template"))
		if err != nil {
			t.Fatal(err)
		}
		u := got.(*unstructured.Unstructured)
		if diff := cmp.Diff([][]string{{"DB_PASSWORD"}, {"DB_PASSWORD"}}, containerEnv(t, u, []string{"spec", "driver", "template"}, []string{"spec", "executor", "template"})); diff != "" {
			t.Errorf("env (-want +got):\n%s", diff)
		}
	})
	t.Run("a RayCluster without workers", func(t *testing.T) {
		got, err := ApplyObject(readObject(t, "raycluster-head-only.yaml"), []secretspec.Ref{dbRef})
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff([][]string{{"DB_PASSWORD"}}, containerEnv(t, got.(*unstructured.Unstructured), []string{"spec", "headGroupSpec", "template"})); diff != "" {
			t.Errorf("env (-want +got):\n%s", diff)
		}
	})
	t.Run("a Pod the selector leaves alone", func(t *testing.T) {
		pod := typedOf(t, "pod.yaml")
		got, err := ApplyObject(pod, []secretspec.Ref{dbRef}, WithTemplates(func(string) bool { return false }))
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(pod, got); diff != "" {
			t.Errorf("(-in +out):\n%s", diff)
		}
	})
}

func TestTemplatePaths(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want []step
		err  string
	}{
		{in: "", want: nil},
		{in: "spec.template", want: []step{{name: "spec"}, {name: "template"}}},
		{in: "spec.a[*].b.*.c", want: []step{{name: "spec"}, {name: "a"}, {list: true}, {name: "b"}, {each: true}, {name: "c"}}},
		{in: "a[*][*]", want: []step{{name: "a"}, {list: true}, {list: true}}},
		{in: ".a", err: "element 0 is empty"},
		{in: "a.", err: "element 1 is empty"},
		{in: "[*]", err: `element 0 ("[*]") is not a field name`},
		{in: "a.*[*]", err: `element 1 ("*[*]") is not a field name`},
		{in: "a.b*", err: `element 1 ("b*") is not a field name`},
	} {
		got, err := parseTemplatePath(tc.in)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("parseTemplatePath(%q): error %v, want %q", tc.in, err, tc.err)
			}
			continue
		}
		if err != nil {
			t.Errorf("parseTemplatePath(%q): %v", tc.in, err)
			continue
		}
		if diff := cmp.Diff(tc.want, got.steps, cmp.AllowUnexported(step{})); diff != "" {
			t.Errorf("parseTemplatePath(%q) (-want +got):\n%s", tc.in, diff)
		}
	}
	// every built-in path parses
	for _, gk := range builtinKinds() {
		ps := builtinTemplatePaths(gk)
		if len(ps) == 0 {
			t.Errorf("%v has no paths", gk)
		}
		for _, p := range ps {
			if _, err := parseTemplatePath(p); err != nil {
				t.Errorf("%v: %q: %v", gk, p, err)
			}
		}
	}
}

func builtinKinds() []schema.GroupKind {
	var out []schema.GroupKind
	for g, ks := range map[string][]string{
		"":                         {"Pod", "PodTemplate", "ReplicationController"},
		"apps":                     {"Deployment", "StatefulSet", "DaemonSet", "ReplicaSet"},
		"batch":                    {"Job", "CronJob"},
		"jobset.x-k8s.io":          {"JobSet"},
		"kubeflow.org":             {"PyTorchJob", "TFJob", "MPIJob", "XGBoostJob", "PaddleJob", "JAXJob", "MXJob"},
		"ray.io":                   {"RayCluster", "RayJob", "RayService"},
		"leaderworkerset.x-k8s.io": {"LeaderWorkerSet"},
		"batch.volcano.sh":         {"Job"},
		"serving.knative.dev":      {"Service", "Configuration"},
	} {
		for _, k := range ks {
			out = append(out, schema.GroupKind{Group: g, Kind: k})
		}
	}
	return out
}

// TestApplyObjectExtrasUnstructured: a fetcher init container put before a template's own,
// and annotations, reach an unstructured template; the template's own init container keeps
// its fields corev1 does not know, and nothing else changes.
func TestApplyObjectExtrasUnstructured(t *testing.T) {
	in := readObject(t, "jobset.yaml")
	tplPath := []string{"spec", "replicatedJobs"}
	jobs, _, _ := unstructured.NestedSlice(in.Object, tplPath...)
	tm := jobs[0].(map[string]any)["template"].(map[string]any)["spec"].(map[string]any)["template"].(map[string]any)
	tm["spec"].(map[string]any)["initContainers"] = []any{map[string]any{"name": "setup", "image": "busybox", "x-future": int64(1)}}
	_ = unstructured.SetNestedSlice(in.Object, jobs, tplPath...)

	x := secretspec.Extras{
		Annotations:    map[string]string{"vault.hashicorp.com/agent-inject": "true"},
		InitContainers: []corev1.Container{{Name: "fetch", Image: "fetcher:1"}},
	}
	got, err := ApplyObject(in, nil, WithExtras(x))
	if err != nil {
		t.Fatal(err)
	}
	out := got.(*unstructured.Unstructured)
	jobs, _, _ = unstructured.NestedSlice(out.Object, tplPath...)
	for i, j := range jobs {
		tm := j.(map[string]any)["template"].(map[string]any)["spec"].(map[string]any)["template"].(map[string]any)
		ann, _, _ := unstructured.NestedStringMap(tm, "metadata", "annotations")
		if ann["vault.hashicorp.com/agent-inject"] != "true" {
			t.Errorf("replicatedJobs[%d]: annotations %v", i, ann)
		}
		inits, _, _ := unstructured.NestedSlice(tm, "spec", "initContainers")
		var names []string
		for _, c := range inits {
			names = append(names, c.(map[string]any)["name"].(string))
		}
		want := []string{"fetch"}
		if i == 0 {
			want = []string{"fetch", "setup"}
			if f := inits[1].(map[string]any)["x-future"]; f != int64(1) {
				t.Errorf("the template's own init container lost x-future: %#v", inits[1])
			}
			if _, ok := inits[1].(map[string]any)["resources"]; ok {
				t.Errorf("the template's own init container gained resources: %#v", inits[1])
			}
		}
		if diff := cmp.Diff(want, names); diff != "" {
			t.Errorf("replicatedJobs[%d] init containers (-want +got):\n%s", i, diff)
		}
	}
	if p := firstLoss(in.Object, out.Object, ""); p != "" && !strings.HasSuffix(p, "initContainers[0]") && !strings.Contains(p, "initContainers[0].") {
		t.Errorf("the output lost or changed %s", p)
	}
	if twice, err := ApplyObject(out, nil, WithExtras(x)); err != nil {
		t.Fatal(err)
	} else if diff := cmp.Diff(out, twice); diff != "" {
		t.Errorf("not idempotent (-once +twice):\n%s", diff)
	}
}
