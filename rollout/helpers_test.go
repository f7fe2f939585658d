package rollout

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-logr/logr"
	"github.com/go-logr/logr/funcr"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes/fake"
	k8stesting "k8s.io/client-go/testing"

	"github.com/podsecrets/podsecrets/inject"
	"github.com/podsecrets/podsecrets/preflight"
)

// logs collects a controller's log lines.
type logs struct {
	mu    sync.Mutex
	lines []string
}

func (l *logs) logger() logr.Logger {
	return funcr.New(func(prefix, args string) {
		l.mu.Lock()
		defer l.mu.Unlock()
		l.lines = append(l.lines, prefix+" "+args)
	}, funcr.Options{Verbosity: 1})
}

// count is the number of lines holding every one of parts.
func (l *logs) count(parts ...string) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	n := 0
next:
	for _, line := range l.lines {
		for _, p := range parts {
			if !strings.Contains(line, p) {
				continue next
			}
		}
		n++
	}
	return n
}

func (l *logs) all() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]string(nil), l.lines...)
}

// eventually waits up to 20 s for cond.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

const ns = "team"

func dbSecret(password, other string) *corev1.Secret {
	s := &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: "db", Namespace: ns, UID: "uid-db"},
		Data: map[string][]byte{"password": []byte(password), "other": []byte(other)}}
	return s
}

func envSpec(secret, key string) corev1.PodSpec {
	return corev1.PodSpec{Containers: []corev1.Container{{Name: "c", Image: "busybox", Env: []corev1.EnvVar{{
		Name: "V", ValueFrom: &corev1.EnvVarSource{SecretKeyRef: &corev1.SecretKeySelector{
			LocalObjectReference: corev1.LocalObjectReference{Name: secret}, Key: key}}}}}}}
}

func mountSpec(secret string) corev1.PodSpec {
	return corev1.PodSpec{
		Containers: []corev1.Container{{Name: "c", Image: "busybox", VolumeMounts: []corev1.VolumeMount{{Name: "s", MountPath: "/s"}}}},
		Volumes:    []corev1.Volume{{Name: "s", VolumeSource: corev1.VolumeSource{Secret: &corev1.SecretVolumeSource{SecretName: secret}}}},
	}
}

func meta(name string, optIn bool) metav1.ObjectMeta {
	m := metav1.ObjectMeta{Name: name, Namespace: ns}
	if optIn {
		m.Labels = map[string]string{LabelOptIn: "true"}
	}
	return m
}

func deployment(name string, optIn bool, spec corev1.PodSpec, stamp string) *appsv1.Deployment {
	d := &appsv1.Deployment{ObjectMeta: meta(name, optIn)}
	d.Spec.Template.Spec = spec
	if stamp != "" {
		d.Spec.Template.Annotations = map[string]string{inject.AnnotationSecretsHash: stamp}
	}
	return d
}

// hashOf is what the template with spec should carry, given the client's Secrets.
func hashOf(t *testing.T, c *fake.Clientset, spec corev1.PodSpec) string {
	t.Helper()
	h, err := inject.SecretsHash(preflight.FromClient(context.Background(), c, ns), inject.Uses(&spec))
	if err != nil {
		t.Fatal(err)
	}
	return h
}

// patches returns the patches the client received for objects called name.
func patches(c *fake.Clientset, name string) []string {
	var out []string
	for _, a := range c.Actions() {
		if p, ok := a.(k8stesting.PatchAction); ok && p.GetName() == name {
			out = append(out, string(p.GetPatch()))
		}
	}
	return out
}

func patchFor(hash string) string {
	return `{"spec":{"template":{"metadata":{"annotations":{"` + inject.AnnotationSecretsHash + `":"` + hash + `"}}}}}`
}

func updateSecret(t *testing.T, c *fake.Clientset, s *corev1.Secret) {
	t.Helper()
	if _, err := c.CoreV1().Secrets(ns).Update(context.Background(), s, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
}

// start runs a controller until the test ends.
func start(t *testing.T, c *fake.Clientset, cfg Config) *logs {
	t.Helper()
	ctrl, err := NewController(c, cfg)
	if err != nil {
		t.Fatal(err)
	}
	l := &logs{}
	ctx, cancel := context.WithCancel(logr.NewContext(context.Background(), l.logger()))
	done := make(chan error, 1)
	go func() { done <- ctrl.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Run: %v", err)
		}
	})
	return l
}

func ptrTo[T any](v T) *T { return &v }
