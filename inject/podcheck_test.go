package inject

import (
	"fmt"
	"strings"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/validation"
)

// checkPodSpec applies the Kubernetes rules that inject's output must keep (the ones the
// API server would reject a pod for), and returns what breaks them. It uses apimachinery's
// own checks, so that inject's faster ones are tested against the reference.
func checkPodSpec(spec *corev1.PodSpec) []string {
	var bad []string
	volumes := map[string]bool{}
	for i, v := range spec.Volumes {
		if msgs := validation.IsDNS1123Label(v.Name); len(msgs) > 0 {
			bad = append(bad, fmt.Sprintf("volumes[%d].name %q: %s", i, v.Name, strings.Join(msgs, "; ")))
		}
		if volumes[v.Name] {
			bad = append(bad, fmt.Sprintf("volumes[%d].name %q is not unique", i, v.Name))
		}
		volumes[v.Name] = true
		if s := v.Secret; s != nil {
			bad = append(bad, checkMode(fmt.Sprintf("volumes[%d].secret.defaultMode", i), s.DefaultMode)...)
			for j, it := range s.Items {
				p := fmt.Sprintf("volumes[%d].secret.items[%d]", i, j)
				bad = append(bad, checkMode(p+".mode", it.Mode)...)
				bad = append(bad, checkItemPath(p+".path", it.Path)...)
				if msgs := validation.IsConfigMapKey(it.Key); len(msgs) > 0 {
					bad = append(bad, fmt.Sprintf("%s.key %q: %s", p, it.Key, strings.Join(msgs, "; ")))
				}
			}
		}
	}
	check := func(kind string, i int, c *corev1.Container) {
		paths := map[string]bool{}
		for j, m := range c.VolumeMounts {
			p := fmt.Sprintf("%s[%d].volumeMounts[%d]", kind, i, j)
			if paths[m.MountPath] {
				bad = append(bad, fmt.Sprintf("%s.mountPath %q is not unique", p, m.MountPath))
			}
			paths[m.MountPath] = true
			if !volumes[m.Name] {
				bad = append(bad, fmt.Sprintf("%s.name %q names no volume", p, m.Name))
			}
		}
		for j, e := range c.Env {
			if msgs := validation.IsRelaxedEnvVarName(e.Name); len(msgs) > 0 {
				bad = append(bad, fmt.Sprintf("%s[%d].env[%d].name %q: %s", kind, i, j, e.Name, strings.Join(msgs, "; ")))
			}
			if e.ValueFrom != nil && e.ValueFrom.SecretKeyRef != nil {
				if msgs := validation.IsConfigMapKey(e.ValueFrom.SecretKeyRef.Key); len(msgs) > 0 {
					bad = append(bad, fmt.Sprintf("%s[%d].env[%d] key: %s", kind, i, j, strings.Join(msgs, "; ")))
				}
			}
		}
		for j, e := range c.EnvFrom {
			if e.Prefix != "" {
				if msgs := validation.IsRelaxedEnvVarName(e.Prefix); len(msgs) > 0 {
					bad = append(bad, fmt.Sprintf("%s[%d].envFrom[%d].prefix %q: %s", kind, i, j, e.Prefix, strings.Join(msgs, "; ")))
				}
			}
		}
	}
	for i := range spec.InitContainers {
		check("initContainers", i, &spec.InitContainers[i])
	}
	for i := range spec.Containers {
		check("containers", i, &spec.Containers[i])
	}
	for i, r := range spec.ImagePullSecrets {
		if msgs := validation.IsDNS1123Subdomain(r.Name); len(msgs) > 0 {
			bad = append(bad, fmt.Sprintf("imagePullSecrets[%d].name %q: %s", i, r.Name, strings.Join(msgs, "; ")))
		}
	}
	return bad
}

func checkMode(p string, m *int32) []string {
	if m != nil && (*m < 0 || *m > 0o777) {
		return []string{fmt.Sprintf("%s %#o is outside 0..0777", p, *m)}
	}
	return nil
}

// checkItemPath is Kubernetes' rule for a key-to-path item: relative, not "..", no ".."
// element, not starting with "..".
func checkItemPath(p, ip string) []string {
	switch {
	case ip == "":
		return []string{p + " is empty"}
	case strings.HasPrefix(ip, "/"):
		return []string{fmt.Sprintf("%s %q is absolute", p, ip)}
	case strings.HasPrefix(ip, ".."):
		return []string{fmt.Sprintf("%s %q starts with ..", p, ip)}
	}
	for _, el := range strings.Split(ip, "/") {
		if el == ".." {
			return []string{fmt.Sprintf("%s %q has a .. element", p, ip)}
		}
	}
	return nil
}
