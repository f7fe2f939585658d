package propagate

import (
	"bytes"
	"context"
	"strings"
	"sync"
	"testing"

	"github.com/go-logr/logr"
	"github.com/go-logr/logr/funcr"
	"github.com/podsecrets/podsecrets/encode"
	corev1 "k8s.io/api/core/v1"
)

func TestAnnotationTreeIsEncodes(t *testing.T) {
	if AnnotationTree != encode.TreeAnnotation {
		t.Errorf("AnnotationTree = %q, encode.TreeAnnotation = %q", AnnotationTree, encode.TreeAnnotation)
	}
}

func TestContentHash(t *testing.T) {
	yes, no := true, false
	base := func() *corev1.Secret {
		s := &corev1.Secret{Type: corev1.SecretTypeOpaque, Data: map[string][]byte{"ab": []byte("c")}}
		s.Annotations = map[string]string{AnnotationTree: "t"}
		return s
	}
	h := contentHash("uid", base())
	same := []func(*corev1.Secret){
		func(s *corev1.Secret) { s.Immutable = &no },
		func(s *corev1.Secret) { s.Labels = map[string]string{"x": "y"} },
		func(s *corev1.Secret) { s.Annotations["other"] = "z" },
		func(s *corev1.Secret) { s.ResourceVersion, s.UID = "9", "other" },
	}
	for i, f := range same {
		s := base()
		f(s)
		if contentHash("uid", s) != h {
			t.Errorf("same[%d]: hash changed for a change that is not content", i)
		}
	}
	differ := []func(*corev1.Secret){
		func(s *corev1.Secret) { s.Immutable = &yes },
		func(s *corev1.Secret) { s.Type = "" },
		func(s *corev1.Secret) { s.Data = map[string][]byte{"a": []byte("bc")} }, // boundaries count
		func(s *corev1.Secret) { s.Data["ab"] = []byte("d") },
		func(s *corev1.Secret) { s.Data["z"] = nil },
		func(s *corev1.Secret) { delete(s.Annotations, AnnotationTree) },
		func(s *corev1.Secret) { s.Annotations[AnnotationTree] = "" },
	}
	for i, f := range differ {
		s := base()
		f(s)
		if contentHash("uid", s) == h {
			t.Errorf("differ[%d]: hash unchanged for a content change", i)
		}
	}
	if contentHash("uid-2", base()) == h {
		t.Errorf("hash does not depend on the source UID")
	}
	empty, nilData := &corev1.Secret{Data: map[string][]byte{}}, &corev1.Secret{}
	if contentHash("u", empty) != contentHash("u", nilData) {
		t.Errorf("nil and empty data hash differently")
	}
}

func TestDesiredCopyDoesNotAliasMetadata(t *testing.T) {
	s := sourceSecret(map[string]string{"a": "s3cret"})
	imm := true
	s.Immutable = &imm
	c := desiredCopy(s, "ns", "h")
	*c.Immutable = false
	c.Labels["x"] = "y"
	if !*s.Immutable || s.Labels["x"] != "" {
		t.Errorf("the copy shares metadata with the source")
	}
}

func TestLogsCarryNoValues(t *testing.T) {
	var (
		mu  sync.Mutex
		buf bytes.Buffer
	)
	log := funcr.New(func(prefix, args string) {
		mu.Lock()
		defer mu.Unlock()
		buf.WriteString(prefix + args + "\n")
	}, funcr.Options{Verbosity: 10})
	ctx := logr.NewContext(context.Background(), log)
	c := world(3, unowned("runai-2", nil))
	failIn(c, "create", 0, func(ns string) error {
		if ns == "runai-1" {
			return errFake
		}
		return nil
	})
	if _, err := Sync(ctx, c, src, runaiTargets); err == nil {
		t.Errorf("no error from a failing run")
	}
	updateSource(t, c, func(s *corev1.Secret) { s.Data["a"] = []byte("n3w") })
	_, _ = Sync(ctx, c, src, runaiTargets)
	_, _ = Remove(ctx, c, src)
	out := buf.String()
	if !strings.Contains(out, "runai-1") || !strings.Contains(out, "sync finished") {
		t.Errorf("expected log lines are missing")
	}
	if strings.Contains(out, "s3cret") || strings.Contains(out, "n3w") {
		t.Errorf("a secret value was logged")
	}
}
