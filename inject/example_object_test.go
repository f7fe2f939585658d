package inject_test

import (
	"fmt"

	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"sigs.k8s.io/yaml"

	"github.com/podsecrets/podsecrets/inject"
	"github.com/podsecrets/podsecrets/secretspec"
)

// A Job: the refs land in its pod template; the result is a *batchv1.Job.
func ExampleApplyObject_job() {
	job := &batchv1.Job{Spec: batchv1.JobSpec{Template: corev1.PodTemplateSpec{Spec: corev1.PodSpec{
		RestartPolicy: corev1.RestartPolicyNever,
		Containers:    []corev1.Container{{Name: "train", Image: "python:3.12"}},
	}}}}
	refs := []secretspec.Ref{{Secret: "db", Key: "password", As: secretspec.Env, EnvVar: "DB_PASSWORD"}}
	obj, err := inject.ApplyObject(job, refs)
	if err != nil {
		fmt.Println(err)
		return
	}
	out := obj.(*batchv1.Job)
	env := out.Spec.Template.Spec.Containers[0].Env[0]
	fmt.Println(env.Name, "from", env.ValueFrom.SecretKeyRef.Name, env.ValueFrom.SecretKeyRef.Key)
	fmt.Println("input untouched:", len(job.Spec.Template.Spec.Containers[0].Env) == 0)
	// Output:
	// DB_PASSWORD from db password
	// input untouched: true
}

// A Deployment, and the patch an admission webhook would answer with.
func ExampleApplyObject_deployment() {
	d := &appsv1.Deployment{Spec: appsv1.DeploymentSpec{Template: corev1.PodTemplateSpec{Spec: corev1.PodSpec{
		Containers: []corev1.Container{{Name: "web", Image: "nginx:1.27"}},
	}}}}
	refs := []secretspec.Ref{{Secret: "tls", As: secretspec.Mount, MountPath: "/etc/tls"}}
	out, err := inject.ApplyObject(d, refs)
	if err != nil {
		fmt.Println(err)
		return
	}
	patch, err := inject.PatchObject(d, out)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(string(patch))
	// Output:
	// [{"op":"add","path":"/spec/template/spec/containers/0/volumeMounts","value":[{"name":"tls-160645c34f","readOnly":true,"mountPath":"/etc/tls"}]},{"op":"add","path":"/spec/template/spec/volumes","value":[{"name":"tls-160645c34f","secret":{"secretName":"tls"}}]}]
}

// A Kubeflow PyTorchJob as a user writes it, unstructured: every replica's template gets
// the refs, and nothing else changes (no "resources: {}", numbers keep their type).
func ExampleApplyObject_pyTorchJob() {
	const manifest = `
apiVersion: kubeflow.org/v1
kind: PyTorchJob
metadata:
  name: mnist
spec:
  pytorchReplicaSpecs:
    Master:
      replicas: 1
      template:
        spec:
          containers:
          - name: pytorch
            image: pytorch-mnist:v1
    Worker:
      replicas: 2
      template:
        spec:
          containers:
          - name: pytorch
            image: pytorch-mnist:v1
            resources:
              limits:
                cpu: 0.5
`
	// YAMLToJSON then UnmarshalJSON, as kubectl reads it: integers become int64
	// (yaml.Unmarshal into a map would make every number a float64).
	j, err := yaml.YAMLToJSON([]byte(manifest))
	if err != nil {
		fmt.Println(err)
		return
	}
	job := new(unstructured.Unstructured)
	if err := job.UnmarshalJSON(j); err != nil {
		fmt.Println(err)
		return
	}
	refs := []secretspec.Ref{{Secret: "hf", Key: "token", As: secretspec.Env, EnvVar: "HF_TOKEN"}}
	out, err := inject.ApplyObject(job, refs,
		// only the Workers
		inject.WithTemplates(func(path string) bool { return path == "spec.pytorchReplicaSpecs.Worker.template" }))
	if err != nil {
		fmt.Println(err)
		return
	}
	y, err := yaml.Marshal(out.(*unstructured.Unstructured).Object["spec"])
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Print(string(y))
	// Output:
	// pytorchReplicaSpecs:
	//   Master:
	//     replicas: 1
	//     template:
	//       spec:
	//         containers:
	//         - image: pytorch-mnist:v1
	//           name: pytorch
	//   Worker:
	//     replicas: 2
	//     template:
	//       spec:
	//         containers:
	//         - env:
	//           - name: HF_TOKEN
	//             valueFrom:
	//               secretKeyRef:
	//                 key: token
	//                 name: hf
	//           image: pytorch-mnist:v1
	//           name: pytorch
	//           resources:
	//             limits:
	//               cpu: 0.5
}

// Errors carry the object's own paths.
func ExampleApplyObject_errorPath() {
	job := &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "kubeflow.org/v1", "kind": "PyTorchJob",
		"spec": map[string]any{"pytorchReplicaSpecs": map[string]any{"Worker": map[string]any{"template": map[string]any{
			"spec": map[string]any{"containers": []any{map[string]any{"name": "pytorch",
				"env": []any{map[string]any{"name": "HF_TOKEN", "value": "set-by-hand"}}}}},
		}}}},
	}}
	refs := []secretspec.Ref{{Secret: "hf", Key: "token", As: secretspec.Env, EnvVar: "HF_TOKEN"}}
	_, err := inject.ApplyObject(job, refs)
	fmt.Println(err)
	// Output:
	// spec.pytorchReplicaSpecs.Worker.template.spec.containers[0].env[0]: Forbidden: conflict: container "pytorch" has env var "HF_TOKEN" from a literal value, and refs[0] wants it from key "token" of Secret "hf"
}

// A kind the library does not know: say where its pod templates are.
func ExampleWithTemplatePaths() {
	app := &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "sparkoperator.k8s.io/v1beta2", "kind": "SparkApplication",
		"spec": map[string]any{
			"driver":   map[string]any{"cores": int64(1), "template": map[string]any{"spec": map[string]any{"containers": []any{map[string]any{"name": "driver"}}}}},
			"executor": map[string]any{"instances": int64(2), "template": map[string]any{"spec": map[string]any{"containers": []any{map[string]any{"name": "executor"}}}}},
		},
	}}
	refs := []secretspec.Ref{{Secret: "registry", As: secretspec.PullSecret}}
	out, err := inject.ApplyObject(app, refs, inject.WithTemplatePaths(
		schema.GroupKind{Group: "sparkoperator.k8s.io", Kind: "SparkApplication"},
		"spec.driver.template", "spec.executor.template"))
	if err != nil {
		fmt.Println(err)
		return
	}
	patch, err := inject.PatchObject(app, out)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(string(patch))
	// Output:
	// [{"op":"add","path":"/spec/driver/template/spec/imagePullSecrets","value":[{"name":"registry"}]},{"op":"add","path":"/spec/executor/template/spec/imagePullSecrets","value":[{"name":"registry"}]}]
}
