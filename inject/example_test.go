package inject_test

import (
	"encoding/json"
	"fmt"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/yaml"

	"github.com/podsecrets/podsecrets/inject"
	"github.com/podsecrets/podsecrets/secretspec"
)

func printYAML(v any) {
	b, err := yaml.Marshal(v)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Print(string(b))
}

func ExampleApply() {
	spec := &corev1.PodSpec{Containers: []corev1.Container{{Name: "app", Image: "busybox"}}}
	refs := []secretspec.Ref{
		{Secret: "db", Key: "password", As: secretspec.Env, EnvVar: "DB_PASSWORD"},
		{Secret: "tls", As: secretspec.Mount, MountPath: "/etc/tls", Mode: ptr(int32(0o440))},
		{Secret: "registry", As: secretspec.PullSecret},
	}
	out, err := inject.Apply(spec, refs)
	if err != nil {
		fmt.Println(err)
		return
	}
	printYAML(out)
	// Output:
	// containers:
	// - env:
	//   - name: DB_PASSWORD
	//     valueFrom:
	//       secretKeyRef:
	//         key: password
	//         name: db
	//   image: busybox
	//   name: app
	//   resources: {}
	//   volumeMounts:
	//   - mountPath: /etc/tls
	//     name: tls-bfd47de677
	//     readOnly: true
	// imagePullSecrets:
	// - name: registry
	// volumes:
	// - name: tls-bfd47de677
	//   secret:
	//     defaultMode: 288
	//     secretName: tls
}

func ExampleApply_errors() {
	spec := &corev1.PodSpec{Containers: []corev1.Container{{
		Name: "app",
		Env:  []corev1.EnvVar{{Name: "DB_PASSWORD", Value: "hunter2"}},
	}}}
	refs := []secretspec.Ref{
		{Secret: "db", Key: "password", As: secretspec.Env, EnvVar: "DB_PASSWORD"},
		{Secret: "api", As: secretspec.EnvFrom, Containers: []string{"worker"}},
	}
	_, err := inject.Apply(spec, refs)
	fmt.Println(err)
	refs = refs[:1]
	_, err = inject.Apply(spec, refs)
	fmt.Println(err) // the literal value is never printed
	// Output:
	// refs[1].containers[0]: Not found: "worker"
	// spec.containers[0].env[0]: Forbidden: conflict: container "app" has env var "DB_PASSWORD" from a literal value, and refs[0] wants it from key "password" of Secret "db"
}

func ExampleApplyPod() {
	pod := &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: "clone", Namespace: "ci"},
		Spec:       corev1.PodSpec{Containers: []corev1.Container{{Name: "git", Image: "alpine/git"}}},
	}
	refs := []secretspec.Ref{{
		Secret: "deploy-key", As: secretspec.GitSSH,
		Items: []corev1.KeyToPath{{Key: "known_hosts", Path: "known_hosts"}},
	}}
	out, err := inject.ApplyPod(pod, refs)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(out.Name, out.Spec.Containers[0].Env[0].Name+"="+out.Spec.Containers[0].Env[0].Value)
	printYAML(out.Spec.Volumes)
	// Output:
	// clone GIT_SSH_COMMAND=ssh -i /etc/git-ssh/ssh-privatekey -o IdentitiesOnly=yes -o UserKnownHostsFile=/etc/git-ssh/known_hosts -o StrictHostKeyChecking=yes
	// - name: deploy-key-c73cc4a6c0
	//   secret:
	//     defaultMode: 256
	//     items:
	//     - key: known_hosts
	//       path: known_hosts
	//     - key: ssh-privatekey
	//       mode: 256
	//       path: ssh-privatekey
	//     secretName: deploy-key
}

func ExamplePatch() {
	pod := &corev1.Pod{Spec: corev1.PodSpec{Containers: []corev1.Container{{
		Name: "app", Env: []corev1.EnvVar{{Name: "LOG_LEVEL", Value: "info"}},
	}}}}
	refs := []secretspec.Ref{{Secret: "db", Key: "password", As: secretspec.Env, EnvVar: "DB_PASSWORD", Optional: true}}
	out, err := inject.ApplyPod(pod, refs)
	if err != nil {
		fmt.Println(err)
		return
	}
	patch, err := inject.Patch(pod, out)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(string(patch))
	// Output:
	// [{"op":"add","path":"/spec/containers/0/env/-","value":{"name":"DB_PASSWORD","valueFrom":{"secretKeyRef":{"name":"db","key":"password","optional":true}}}}]
}

func ExampleWithConflictPolicy() {
	spec := &corev1.PodSpec{Containers: []corev1.Container{{
		Name: "app",
		Env:  []corev1.EnvVar{{Name: "A", Value: "1"}, {Name: "TOKEN", Value: "dev-token"}, {Name: "B", Value: "2"}},
	}}}
	refs := []secretspec.Ref{{Secret: "api", Key: "token", As: secretspec.Env, EnvVar: "TOKEN"}}
	for _, p := range []inject.ConflictPolicy{inject.ConflictKeepExisting, inject.ConflictOverride} {
		out, err := inject.Apply(spec, refs, inject.WithConflictPolicy(p))
		if err != nil {
			fmt.Println(err)
			return
		}
		e := out.Containers[0].Env[1]
		fmt.Printf("%v: %s from secret: %v\n", p, e.Name, e.ValueFrom != nil)
	}
	// Output:
	// ConflictKeepExisting: TOKEN from secret: false
	// ConflictOverride: TOKEN from secret: true
}

func ExampleWithInitContainers() {
	spec := &corev1.PodSpec{
		InitContainers: []corev1.Container{{Name: "migrate"}},
		Containers:     []corev1.Container{{Name: "app"}},
	}
	refs := []secretspec.Ref{{Secret: "api", As: secretspec.EnvFrom}}
	for _, on := range []bool{true, false} {
		out, err := inject.Apply(spec, refs, inject.WithInitContainers(on))
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Printf("init containers %v: migrate gets %d, app gets %d\n", on, len(out.InitContainers[0].EnvFrom), len(out.Containers[0].EnvFrom))
	}
	// Output:
	// init containers true: migrate gets 1, app gets 1
	// init containers false: migrate gets 0, app gets 1
}

func ExampleWithEnv() {
	// A Run:ai submit: -e USER=SECRET:creds,username -e STAGE=prod
	spec := &corev1.PodSpec{Containers: []corev1.Container{{Name: "job"}}}
	refs := []secretspec.Ref{{Secret: "creds", Key: "username", As: secretspec.Env, EnvVar: "USER"}}
	out, err := inject.Apply(spec, refs, inject.WithEnv(corev1.EnvVar{Name: "STAGE", Value: "prod"}))
	if err != nil {
		fmt.Println(err)
		return
	}
	printYAML(out.Containers[0].Env)
	// Output:
	// - name: USER
	//   valueFrom:
	//     secretKeyRef:
	//       key: username
	//       name: creds
	// - name: STAGE
	//   value: prod
}

func ExampleWithExtras() {
	// What a secret manager outside Kubernetes needs: a fetcher init container writing into
	// an in-memory volume, a read-only mount of it in the app container only, a plain
	// variable, and an annotation on the pod.
	pod := &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: "task"},
		Spec: corev1.PodSpec{
			InitContainers: []corev1.Container{{Name: "setup", Image: "busybox"}},
			Containers:     []corev1.Container{{Name: "app", Image: "app"}, {Name: "sidecar", Image: "proxy"}},
		},
	}
	x := secretspec.Extras{
		Env:        []corev1.EnvVar{{Name: "SECRETS_DIR", Value: "/etc/secrets"}},
		Mounts:     []corev1.VolumeMount{{Name: "secrets", MountPath: "/etc/secrets", ReadOnly: true}},
		Containers: []string{"app"},
		Volumes: []corev1.Volume{{Name: "secrets", VolumeSource: corev1.VolumeSource{
			EmptyDir: &corev1.EmptyDirVolumeSource{Medium: corev1.StorageMediumMemory}}}},
		InitContainers: []corev1.Container{{Name: "fetch-db", Image: "fetcher",
			Args:         []string{"--secret", "db", "--out", "/out/db"},
			VolumeMounts: []corev1.VolumeMount{{Name: "secrets", MountPath: "/out"}}}},
		Annotations: map[string]string{"example.com/secrets-fetched": "db"},
	}
	out, err := inject.ApplyPod(pod, nil, inject.WithExtras(x))
	if err != nil {
		fmt.Println(err)
		return
	}
	patch, err := inject.Patch(pod, out)
	if err != nil {
		fmt.Println(err)
		return
	}
	var ops []map[string]any
	if err := json.Unmarshal(patch, &ops); err != nil {
		fmt.Println(err)
		return
	}
	for _, op := range ops {
		fmt.Println(op["op"], op["path"])
	}
	again, _ := inject.ApplyPod(out, nil, inject.WithExtras(x))
	p2, _ := inject.Patch(out, again)
	fmt.Println("second time:", string(p2))
	// Output:
	// add /metadata/annotations
	// add /spec/initContainers/0
	// add /spec/containers/0/env
	// add /spec/containers/0/volumeMounts
	// add /spec/volumes
	// second time: []
}

func ExampleWithExtras_conflict() {
	// The pod already has a different volume of the name an Extras adds.
	pod := &corev1.Pod{Spec: corev1.PodSpec{
		Containers: []corev1.Container{{Name: "app"}},
		Volumes:    []corev1.Volume{{Name: "secrets", VolumeSource: corev1.VolumeSource{HostPath: &corev1.HostPathVolumeSource{Path: "/srv"}}}},
	}}
	x := secretspec.Extras{Volumes: []corev1.Volume{{Name: "secrets", VolumeSource: corev1.VolumeSource{EmptyDir: &corev1.EmptyDirVolumeSource{}}}}}
	_, err := inject.ApplyPod(pod, nil, inject.WithExtras(x))
	fmt.Println(err)
	out, _ := inject.ApplyPod(pod, nil, inject.WithExtras(x), inject.WithConflictPolicy(inject.ConflictOverride))
	fmt.Println("override:", out.Spec.Volumes[0].EmptyDir != nil)
	// Output:
	// spec.volumes[0]: Forbidden: conflict: the pod has volume "secrets", and extras[0].volumes[0] adds a different one of that name
	// override: true
}

func ptr[T any](v T) *T { return &v }
