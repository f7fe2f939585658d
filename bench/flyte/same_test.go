package flytebench

import (
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"testing"

	"github.com/google/go-cmp/cmp"
	jsonpatch "gopkg.in/evanphx/json-patch.v4"
	corev1 "k8s.io/api/core/v1"
)

// TestSameMutation is the benchmark's premise: Flyte's webhook and podsecrets' admit the task
// pod with patches that make the same pod — the same variables (by name, with the same value or
// Secret key), the same read-only mounts of the same Secret keys at the same paths — and the
// baseline admits it unchanged. Volume names and the order of entries may differ (podsecrets
// names volumes after their content and sorts items); nothing else may.
func TestSameMutation(t *testing.T) {
	pod := taskPod(t)
	body := reviewBody(t, pod)
	raw, err := json.Marshal(pod)
	if err != nil {
		t.Fatal(err)
	}
	views := map[string]podView{}
	for _, h := range handlers() {
		resp := serve(t, h, body)
		if !resp.Allowed {
			t.Fatalf("%s denied the pod: %v", h.name, resp.Result)
		}
		got := pod
		if len(resp.Patch) > 0 {
			p, err := jsonpatch.DecodePatch(resp.Patch)
			if err != nil {
				t.Fatalf("%s: patch: %v", h.name, err)
			}
			out, err := p.Apply(raw)
			if err != nil {
				t.Fatalf("%s: applying its patch: %v", h.name, err)
			}
			got = &corev1.Pod{}
			if err := json.Unmarshal(out, got); err != nil {
				t.Fatalf("%s: patched pod: %v", h.name, err)
			}
		}
		views[h.name] = view(got)
	}
	if diff := cmp.Diff(views["flyte"], views["podsecrets"]); diff != "" {
		t.Errorf("the pods differ (-flyte +podsecrets):\n%s", diff)
	}
	if diff := cmp.Diff(view(pod), views["baseline"]); diff != "" {
		t.Errorf("the baseline changed the pod (-before +after):\n%s", diff)
	}
	if diff := cmp.Diff(view(pod), views["flyte"]); diff == "" {
		t.Error("Flyte's webhook left the pod unchanged: its requests were not read")
	}
}

// podView is what a pod's containers consume, without volume names or order.
type podView struct {
	Env    map[string][]string // container -> "NAME=value" or "NAME<-secret/key optional"
	Mounts map[string][]string // container -> "path <- secret [key->path ...] ro optional"
	Other  string              // everything else of the pod, as JSON
}

// view reads pod as a podView.
func view(pod *corev1.Pod) podView {
	volumes := map[string]corev1.Volume{}
	for _, v := range pod.Spec.Volumes {
		volumes[v.Name] = v
	}
	v := podView{Env: map[string][]string{}, Mounts: map[string][]string{}}
	for _, c := range slices.Concat(pod.Spec.InitContainers, pod.Spec.Containers) {
		for _, e := range c.Env {
			s := e.Name + "=" + e.Value
			if r := e.ValueFrom; r != nil && r.SecretKeyRef != nil {
				s = fmt.Sprintf("%s<-%s/%s optional=%v", e.Name, r.SecretKeyRef.Name, r.SecretKeyRef.Key, isTrue(r.SecretKeyRef.Optional))
			}
			v.Env[c.Name] = append(v.Env[c.Name], s)
		}
		for _, m := range c.VolumeMounts {
			s := fmt.Sprintf("%s ro=%v <- volume %s", m.MountPath, m.ReadOnly, m.Name)
			if vol, ok := volumes[m.Name]; ok && vol.Secret != nil {
				items := make([]string, 0, len(vol.Secret.Items))
				for _, it := range vol.Secret.Items {
					items = append(items, it.Key+"->"+it.Path)
				}
				sort.Strings(items)
				s = fmt.Sprintf("%s ro=%v <- secret %s %v optional=%v mode=%v", m.MountPath, m.ReadOnly, vol.Secret.SecretName, items, isTrue(vol.Secret.Optional), vol.Secret.DefaultMode)
			}
			v.Mounts[c.Name] = append(v.Mounts[c.Name], s)
		}
		sort.Strings(v.Env[c.Name])
		sort.Strings(v.Mounts[c.Name])
	}
	rest := pod.DeepCopy()
	rest.Spec.Volumes = nil
	for _, cs := range [][]corev1.Container{rest.Spec.InitContainers, rest.Spec.Containers} {
		for i := range cs {
			cs[i].Env, cs[i].VolumeMounts = nil, nil
		}
	}
	other, _ := json.Marshal(rest)
	v.Other = string(other)
	return v
}

func isTrue(b *bool) bool { return b != nil && *b }
