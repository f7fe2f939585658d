package inject

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"

	"github.com/podsecrets/podsecrets/inject/internal/patchtest"
	"github.com/podsecrets/podsecrets/secretspec"
)

// FuzzApply drives the pod, ref and Extras generators with fuzz bytes, and puts arbitrary
// strings and a mode into one more ref and one more Extras (a variable, a mount, a volume,
// an init container, an annotation). ApplyPod must never panic or modify its input; what it
// returns must be a valid pod, stable under a second ApplyPod, and reachable by Patch.
func FuzzApply(f *testing.F) {
	f.Add([]byte{}, "db", "password", "DB_PASSWORD", "/etc/db", int32(0o400), byte(0))
	f.Add([]byte{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, "My.Secret", "a/b", "A=B", "/etc/../x", int32(-1), byte(2))
	f.Add([]byte("the quick brown fox jumps over the lazy dog"), "git", "", "", "", int32(0o400), byte(4))
	f.Fuzz(func(t *testing.T, data []byte, secret, key, name, path string, mode int32, as byte) {
		c := &byteChooser{b: data}
		pod := genPod(c)
		refs := genRefs(c, true)
		opts := genPolicy(c)
		extra := secretspec.Ref{Secret: secret, Key: key, EnvVar: name, MountPath: path,
			As: []secretspec.Delivery{secretspec.Env, secretspec.EnvFrom, secretspec.Mount, secretspec.PullSecret, secretspec.GitSSH}[int(as)%5]}
		switch extra.As {
		case secretspec.EnvFrom:
			extra.EnvVar, extra.Prefix = "", name
		case secretspec.Mount:
			extra.EnvVar = ""
			extra.Items = []corev1.KeyToPath{{Key: key, Path: name}}
			extra.Key = ""
			extra.Mode = &mode
		case secretspec.PullSecret:
			extra.Key, extra.EnvVar, extra.MountPath = "", "", ""
		case secretspec.GitSSH:
			extra.EnvVar = ""
		default:
			extra.MountPath = ""
		}
		refs = append(refs, extra)
		extras := genExtras(c, true)
		if as%3 == 0 {
			extras = append(extras, secretspec.Extras{
				Env:            []corev1.EnvVar{{Name: name, Value: "literal-value-do-not-print"}},
				Mounts:         []corev1.VolumeMount{{Name: secret, MountPath: path}},
				Volumes:        []corev1.Volume{{Name: secret}},
				InitContainers: []corev1.Container{{Name: key, Image: "fetcher"}},
				Annotations:    map[string]string{name: "literal-value-do-not-print"},
				Containers:     pick(c, nil, []string{key}, []string{"main"}),
			})
		}
		opts = append(opts, extrasOptions(extras)...)

		podBefore := pod.DeepCopy()
		extrasBefore := deepCopyExtras(extras)
		out, err := ApplyPod(pod, refs, opts...)
		if diff := cmp.Diff(podBefore, pod); diff != "" {
			t.Fatalf("ApplyPod modified its pod (-before +after):\n%s", diff)
		}
		if diff := cmp.Diff(extrasBefore, extras); diff != "" {
			t.Fatalf("ApplyPod modified its Extras (-before +after):\n%s", diff)
		}
		if err != nil {
			if strings.Contains(err.Error(), "literal-value-do-not-print") {
				t.Fatal("the error prints a literal env value")
			}
			return
		}
		if bad := checkPodSpec(&out.Spec); len(bad) > 0 {
			t.Fatalf("the output breaks Kubernetes' rules:\n%s", strings.Join(bad, "\n"))
		}
		twice, err := ApplyPod(out, refs, opts...)
		if err != nil {
			t.Fatalf("ApplyPod on its own output: %v", err)
		}
		if diff := cmp.Diff(out, twice); diff != "" {
			t.Fatalf("ApplyPod is not idempotent (-once +twice):\n%s", diff)
		}
		patch, err := Patch(pod, out)
		if err != nil {
			t.Fatalf("Patch: %v", err)
		}
		if err := patchtest.Check(pod, out, patch); err != nil {
			t.Fatal(err)
		}
	})
}
