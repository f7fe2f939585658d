package main

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	corev1 "k8s.io/api/core/v1"

	"github.com/podsecrets/podsecrets/secretspec"
	"github.com/podsecrets/podsecrets/secretspec/flyte"
)

// annotationPrefix starts the key of every Flyte secret request on a pod.
const annotationPrefix = "flyte.secrets/s"

// flyteOrigin is the webhook's admission Origin: ref i is named by the pod annotation whose
// request made it (the first request of the ref's group that asks for one of the keys the
// ref reads), e.g. `annotation flyte.secrets/s2 (group "db", key "password")`; "" when none
// matches, so the ref is named by what it asks for.
func flyteOrigin(pod *corev1.Pod, refs []secretspec.Ref, i int) string {
	r := &refs[i]
	for _, k := range requestKeys(pod.Annotations) {
		secrets, err := flyte.DecodeAnnotations(map[string]string{k: pod.Annotations[k]})
		if err != nil || len(secrets) != 1 {
			continue
		}
		s := secrets[0]
		if s.Group == r.Secret && readsKey(r, s.Key) {
			return fmt.Sprintf("annotation %s (group %q, key %q)", k, s.Group, s.Key)
		}
	}
	return ""
}

// requestKeys are the pod's Flyte request annotations, in s0, s1, … numeric order.
func requestKeys(annotations map[string]string) []string {
	var keys []string
	for k := range annotations {
		if _, err := strconv.Atoi(strings.TrimPrefix(k, annotationPrefix)); err == nil && strings.HasPrefix(k, annotationPrefix) {
			keys = append(keys, k)
		}
	}
	sort.Slice(keys, func(a, b int) bool {
		na, _ := strconv.Atoi(strings.TrimPrefix(keys[a], annotationPrefix))
		nb, _ := strconv.Atoi(strings.TrimPrefix(keys[b], annotationPrefix))
		return na < nb
	})
	return keys
}

// readsKey reports whether r reads key of its Secret (every key when it names none).
func readsKey(r *secretspec.Ref, key string) bool {
	if r.Key == key {
		return true
	}
	for _, it := range r.Items {
		if it.Key == key {
			return true
		}
	}
	return r.Key == "" && len(r.Items) == 0
}
