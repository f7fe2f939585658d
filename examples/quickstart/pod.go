package main

import (
	"fmt"
	"io"
	"strings"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/yaml"

	"github.com/podsecrets/podsecrets/inject"
	"github.com/podsecrets/podsecrets/secretspec"
)

// smallPod is the pod every screen starts from.
func smallPod() *corev1.Pod {
	return &corev1.Pod{
		TypeMeta:   metav1.TypeMeta{APIVersion: "v1", Kind: "Pod"},
		ObjectMeta: metav1.ObjectMeta{Name: "trainer"},
		Spec: corev1.PodSpec{
			Containers: []corev1.Container{{Name: "main", Image: "python:3.12", Command: []string{"python", "train.py"}}},
		},
	}
}

// intro prints what the tour does and the small pod.
func intro(w io.Writer) error {
	fmt.Fprintln(w, "podsecrets quickstart: one screen per system, all in memory (no cluster needed).")
	fmt.Fprintln(w, "Each reads the system's input as refs (printed in podsecrets' text form, Ref.String)")
	fmt.Fprintln(w, "and applies them to this small pod with inject.ApplyPod; it then shows only the lines")
	fmt.Fprintln(w, "the refs add to the pod's spec (+), with a line of context above each.")
	fmt.Fprintln(w)
	lines, err := specLines(smallPod())
	if err != nil {
		return err
	}
	for _, l := range lines {
		fmt.Fprintln(w, "  "+l)
	}
	return nil
}

// showRefs prints the refs (each with its Origin, where the system's input said it) and the
// plain variables a system gave, then applies them (the Extras with inject.WithExtras) to the
// small pod and prints the lines they add.
func showRefs(w io.Writer, refs []secretspec.Ref, x secretspec.Extras, opts ...inject.Option) error {
	return showRefsOn(w, smallPod(), refs, x, opts...)
}

// showRefsOn is showRefs on the pod before, for a system whose refs name its own container.
func showRefsOn(w io.Writer, before *corev1.Pod, refs []secretspec.Ref, x secretspec.Extras, opts ...inject.Option) error {
	for _, r := range refs {
		fmt.Fprintf(w, "ref    %s\n", r)
		if r.Origin != "" {
			fmt.Fprintf(w, "         from %s\n", r.Origin)
		}
	}
	for _, v := range x.Env {
		fmt.Fprintf(w, "plain  %s=%s\n", v.Name, v.Value)
	}
	after, err := inject.ApplyPod(before, refs, append(opts, inject.WithExtras(x))...)
	if err != nil {
		return err
	}
	a, err := specLines(before)
	if err != nil {
		return err
	}
	b, err := specLines(after)
	if err != nil {
		return err
	}
	fmt.Fprintln(w, "adds to the pod's spec:")
	writeDiff(w, a, b)
	return nil
}

// specLines is the YAML of the pod's spec, line by line.
func specLines(pod *corev1.Pod) ([]string, error) {
	out, err := yaml.Marshal(pod.Spec)
	if err != nil {
		return nil, err
	}
	return strings.Split(strings.TrimSuffix(string(out), "\n"), "\n"), nil
}
