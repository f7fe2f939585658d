package podsecrets_test

import (
	"fmt"

	corev1 "k8s.io/api/core/v1"

	"github.com/podsecrets/podsecrets/inject"
	"github.com/podsecrets/podsecrets/secretspec/runai"
)

// A Run:ai submit's -e flags become a pod's environment: secret references through
// secretKeyRef, plain variables as they are.
func Example() {
	refs, extras, err := runai.ParseEnvs([]string{"DB_PASSWORD=SECRET:db,password", "MODE=train"})
	if err != nil {
		fmt.Println(err)
		return
	}
	spec := &corev1.PodSpec{Containers: []corev1.Container{{Name: "trainer", Image: "pytorch/pytorch"}}}
	out, err := inject.Apply(spec, refs, inject.WithExtras(extras))
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, e := range out.Containers[0].Env {
		if ref := e.ValueFrom; ref != nil {
			fmt.Printf("%s from secret %s key %s\n", e.Name, ref.SecretKeyRef.Name, ref.SecretKeyRef.Key)
		} else {
			fmt.Printf("%s=%s\n", e.Name, e.Value)
		}
	}
	fmt.Println("input untouched:", len(spec.Containers[0].Env) == 0)
	// Output:
	// DB_PASSWORD from secret db key password
	// MODE=train
	// input untouched: true
}
