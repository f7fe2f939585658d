package flyte_test

import (
	"context"
	"fmt"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/podsecrets/podsecrets/inject/admission"
	"github.com/podsecrets/podsecrets/secretspec/flyte"
)

// A task asks for two keys of the Kubernetes Secret "user-info", one as an environment
// variable and one as a file, as in Flyte's "How to Inject Secrets Into Tasks": propeller
// annotates the pod, the webhook decodes the annotations and injects.
func Example() {
	requests := []flyte.Secret{
		{Group: "user-info", Key: "user_secret", MountRequirement: flyte.MountEnvVar},
		{Group: "user-info", Key: "user_cert", MountRequirement: flyte.MountFile, EnvVar: "USER_CERT_PATH"},
	}
	annotations, err := flyte.EncodeAnnotations(requests)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("flyte.secrets/s0:", annotations["flyte.secrets/s0"])

	decoded, err := flyte.DecodeAnnotations(annotations)
	if err != nil {
		fmt.Println(err)
		return
	}
	refs, x, err := flyte.Refs(decoded)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, r := range refs {
		var items []string // Key:Path (printed by field: k8s.io/api adds fields to KeyToPath)
		for _, it := range r.Items {
			items = append(items, it.Key+":"+it.Path)
		}
		fmt.Printf("%s: secret %s key %s var %s dir %s items %v optional %t\n",
			r.As, r.Secret, r.Key, r.EnvVar, r.MountPath, items, r.Optional)
	}
	for _, v := range x.Env { // for inject.WithExtras(x)
		fmt.Printf("%s=%s\n", v.Name, v.Value)
	}
	// Output:
	// flyte.secrets/s0: m4zg54lqhiqce4ltmvzc11lomzxsectlmv3tuibcovzwk3s6onswg3tfoqrau2lpovxhix2smvyxk1lsmvwwk2tuhiqektswl4lecuqk
	// env: secret user-info key user_secret var _FSEC_USER-INFO_USER_SECRET dir  items [] optional true
	// mount: secret user-info key  var  dir /etc/flyte/secrets/user-info items [user_cert:user_cert] optional true
	// FLYTE_SECRETS_ENV_PREFIX=_FSEC_
	// FLYTE_SECRETS_DEFAULT_DIR=/etc/flyte/secrets
	// FLYTE_SECRETS_FILE_PREFIX=
	// USER_CERT_PATH=/etc/flyte/secrets/user-info/user_cert
}

func ExampleEncodeAnnotations() {
	annotations, err := flyte.EncodeAnnotations([]flyte.Secret{{Key: "my_key"}})
	fmt.Println(annotations, err)
	// Output:
	// map[flyte.secrets/s0:nnsxsoraejwxsx2lmv3secq] <nil>
}

func ExampleDecodeAnnotations() {
	secrets, err := flyte.DecodeAnnotations(map[string]string{
		"flyte.secrets/s0": "nnsxsoraejwxsx2lmv3secq",
		"app":              "ignored",
	})
	fmt.Printf("%+v %v\n", secrets, err)
	// Output:
	// [{Group: GroupVersion: Key:my_key EnvVar: MountRequirement:ANY}] <nil>
}

func ExampleRefs_errors() {
	_, _, err := flyte.Refs([]flyte.Secret{
		{Group: "arn:aws:secretsmanager:us-east-1:123456789012:secret:db", Key: "password"},
		{Group: "app", Key: "MY_SECRET", MountRequirement: flyte.MountFile},
		{Group: "app", Key: "my_secret", MountRequirement: flyte.MountFile},
	})
	fmt.Println(err)
	// Output:
	// flyte: 2 problems:
	//	- secrets[0].group: Invalid value: "arn:aws:secretsmanager:us-east-1:123456789012:secret:db": must not contain ":" at byte 3; a DNS-1123 subdomain is at most 253 characters of lower-case letters, digits, '-' and '.', each part between dots starting and ending with a letter or digit (the group is the Kubernetes Secret's name; an ARN or a path belongs to another secret manager)
	//	- secrets[2].key: Invalid value: "my_secret": keys "MY_SECRET" (secrets[1]) and "my_secret" both become the file /etc/flyte/secrets/app/my_secret after lower-casing
}

// A Flyte webhook is an admission.Webhook whose Refs is PodRefs: every ref, and every problem,
// is named by the pod's annotation that asked for it.
func ExamplePodRefs() {
	annotations, _ := flyte.EncodeAnnotations([]flyte.Secret{
		{Group: "user-info", Key: "user_secret", MountRequirement: flyte.MountEnvVar},
		{Key: "token"}, // no group: no Secret to read
	})
	pod := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: "task", Annotations: annotations}}

	refs := flyte.PodRefs(flyte.DefaultConfig())
	webhook := &admission.Webhook{Refs: refs} // an http.Handler: Flyte's pod webhook
	_ = webhook
	_, _, err := refs(context.Background(), pod)
	fmt.Println(err)

	annotations, _ = flyte.EncodeAnnotations([]flyte.Secret{
		{Group: "user-info", Key: "user_secret", MountRequirement: flyte.MountEnvVar},
		{Group: "user-info", Key: "user_cert", MountRequirement: flyte.MountFile},
	})
	pod.Annotations = annotations
	got, x, err := refs(context.Background(), pod)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, r := range got {
		fmt.Printf("%s: %s of secret %s\n", r.Origin, r.As, r.Secret)
	}
	fmt.Println(len(x.Env), "plain variables")
	// Output:
	// flyte: flyte.secrets/s1.group: Required value: the Kubernetes Secret's name
	// flyte.secrets/s0: env of secret user-info
	// flyte.secrets/s1: mount of secret user-info
	// 3 plain variables
}
