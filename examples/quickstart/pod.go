package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/podsecrets/podsecrets/examples/internal/cli"
	"github.com/podsecrets/podsecrets/inject"
	"github.com/podsecrets/podsecrets/secretspec"
	"github.com/podsecrets/podsecrets/secretspec/flyte"
)

// samplePod is the Pod of a training job, labelled and annotated as Flyte's propeller
// labels and annotates a task's pod that requests secrets.
func samplePod() (*corev1.Pod, error) {
	annotations, err := flyte.EncodeAnnotations(flyteRequests)
	if err != nil {
		return nil, err
	}
	return &corev1.Pod{
		TypeMeta: metav1.TypeMeta{APIVersion: "v1", Kind: "Pod"},
		ObjectMeta: metav1.ObjectMeta{
			Name:        "trainer",
			Namespace:   "runai-alpha",
			Labels:      map[string]string{flyte.PodLabel: flyte.PodLabelValue},
			Annotations: annotations,
		},
		Spec: corev1.PodSpec{
			Containers: []corev1.Container{{
				Name:    "main",
				Image:   "python:3.12",
				Command: []string{"python", "train.py"},
				Env:     []corev1.EnvVar{{Name: "EPOCHS", Value: "10"}},
			}},
		},
	}, nil
}

// injectPod applies refs and the plain variables to pod and prints the result and the
// JSON patch that turns pod into it.
func injectPod(w io.Writer, pod *corev1.Pod, refs []secretspec.Ref, plain []corev1.EnvVar) error {
	heading(w, "3. The pod with every ref injected (package inject)",
		"inject.ApplyPod is a pure function: the sample pod is not modified, and applying the same\n"+
			"refs again changes nothing. The plain variables come in through inject.WithEnv.\n"+
			"Below: the new pod's spec (its metadata is unchanged).")

	mutated, err := inject.ApplyPod(pod, refs, inject.WithEnv(plain...))
	if err != nil {
		return err
	}
	// The spec is what inject changed; the pod's metadata (name, the Flyte annotations and
	// label shown above) stays as it was.
	if err := cli.PrintYAML(w, mutated.Spec); err != nil {
		return err
	}

	heading(w, "JSON patch (inject.Patch)",
		"What a mutating webhook answers with: RFC 6902 operations from the original pod to the one\n"+
			"above, one per line.")
	patch, err := inject.Patch(pod, mutated)
	if err != nil {
		return err
	}
	var ops []json.RawMessage
	if err := json.Unmarshal(patch, &ops); err != nil {
		return fmt.Errorf("patch is not a JSON array: %w", err)
	}
	for _, op := range ops {
		var buf bytes.Buffer
		if err := json.Compact(&buf, op); err != nil {
			return err
		}
		fmt.Fprintln(w, buf.String())
	}
	return nil
}
