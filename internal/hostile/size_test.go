package hostile_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strconv"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/podsecrets/podsecrets/inject/admission"
	"github.com/podsecrets/podsecrets/secretspec"
	"github.com/podsecrets/podsecrets/secretspec/flyte"
	"github.com/podsecrets/podsecrets/secretspec/pachyderm"
	"github.com/podsecrets/podsecrets/secretspec/runai"
)

const mib = 1 << 20

// checkAlloc fails if f allocates limit bytes or more (all goroutines; these
// tests do not run in parallel); under -race it only runs f.
func checkAlloc(t *testing.T, what string, limit uint64, f func()) {
	t.Helper()
	if raceEnabled {
		f()
		return
	}
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	if n := after.TotalAlloc - before.TotalAlloc; n >= limit {
		t.Errorf("%s allocated %.1f MiB, want < %.1f MiB", what, float64(n)/mib, float64(limit)/mib)
	}
}

// TestHostileNesting: deeply nested pipeline specs and admission requests are
// refused with a clear error and bounded memory.
func TestHostileNesting(t *testing.T) {
	nested := map[string]string{
		"100k JSON arrays":  strings.Repeat("[", 100000),
		"100k JSON objects": strings.Repeat(`{"a":`, 100000),
		"100k YAML flow":    "transform: " + strings.Repeat("[", 100000),
		"100k YAML block":   strings.Repeat("- ", 100000) + "x",
		"nested transform":  `{"transform":{"secrets":` + strings.Repeat("[", 100000),
	}
	for name, doc := range nested {
		t.Run("pachyderm/"+name, func(t *testing.T) {
			var err error
			checkAlloc(t, "ParseTransform", 16*mib, func() { _, err = pachyderm.ParseTransform([]byte(doc)) })
			if err == nil {
				t.Error("no error")
			}
		})
	}
	h := admission.NewHandler(func(context.Context, *corev1.Pod) ([]secretspec.Ref, secretspec.Extras, error) {
		return nil, secretspec.Extras{}, nil
	})
	bodies := map[string]string{
		"nested object":  `{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"u","operation":"CREATE","object":` + strings.Repeat(`{"a":`, 100000),
		"nested arrays":  `{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"u","operation":"CREATE","object":{"spec":{"containers":` + strings.Repeat("[", 100000),
		"over the limit": `{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"u","operation":"CREATE","object":{"metadata":{"name":"` + strings.Repeat("x", admission.MaxRequestBytes) + `"}}}}`,
	}
	for name, body := range bodies {
		t.Run("admission/"+name, func(t *testing.T) {
			rec := httptest.NewRecorder()
			req := httptest.NewRequest(http.MethodPost, "/mutate", strings.NewReader(body))
			checkAlloc(t, "handler", 4*admission.MaxRequestBytes, func() { h.ServeHTTP(rec, req) })
			var review struct {
				Response struct {
					Allowed bool `json:"allowed"`
					Status  struct {
						Code    int    `json:"code"`
						Message string `json:"message"`
					} `json:"status"`
				} `json:"response"`
			}
			if err := json.Unmarshal(rec.Body.Bytes(), &review); err != nil {
				t.Fatalf("HTTP %d, the response is not an AdmissionReview: %v", rec.Code, err)
			}
			if review.Response.Allowed || review.Response.Status.Code != 400 || review.Response.Status.Message == "" {
				t.Errorf("allowed %v, code %d, message %q; want a denial with code 400 and a reason",
					review.Response.Allowed, review.Response.Status.Code, review.Response.Status.Message)
			}
		})
	}
}

// TestHostileVolume: oversized Flyte annotations are refused by their total
// size before any is decoded; 100,000 flags, refs and items are handled in
// bounded memory.
func TestHostileVolume(t *testing.T) {
	big := map[string]string{"flyte.secrets/s0": strings.Repeat("a", 10*mib)}
	many := map[string]string{}
	for i := range 100000 {
		many[flyte.AnnotationPrefix+strconv.Itoa(i)] = "m5zhk3a"
	}
	for name, a := range map[string]map[string]string{"one 10 MiB annotation": big, "100k annotations": many} {
		var err error
		checkAlloc(t, "DecodeAnnotations "+name, 1*mib, func() { _, err = flyte.DecodeAnnotations(a) })
		if err == nil || !strings.Contains(err.Error(), strconv.Itoa(flyte.MaxAnnotationsSize)) {
			t.Errorf("%s: err = %v, want one naming the limit", name, err)
		}
	}

	if testing.Short() {
		t.Skip("100,000 flags, refs and items")
	}
	const n = 100000
	flags := make([]string, n)
	refs := make([]secretspec.Ref, n)
	items := make([]corev1.KeyToPath, n)
	for i := range n {
		v := "V" + strconv.Itoa(i)
		flags[i] = v + "=SECRET:s,k"
		refs[i] = secretspec.Ref{Secret: "s", Key: "k", As: secretspec.Env, EnvVar: v}
		items[i] = corev1.KeyToPath{Key: "k" + strconv.Itoa(i), Path: "d" + strconv.Itoa(i%300) + "/f" + strconv.Itoa(i)}
	}
	// ParseEnvs is linear but not frugal: about 1.6 KiB per secret flag (0.3 KiB per plain one).
	checkAlloc(t, "runai.ParseEnvs", 256*mib, func() {
		if got, _, err := runai.ParseEnvs(flags); err != nil || len(got) != n {
			t.Errorf("ParseEnvs: %d refs, %v", len(got), err)
		}
	})
	checkAlloc(t, "secretspec.ValidateRefs", 64*mib, func() {
		if errs := secretspec.ValidateRefs(refs, field.NewPath("refs")); len(errs) != 0 {
			t.Errorf("ValidateRefs: %d errors", len(errs))
		}
	})
	mount := secretspec.Ref{Secret: "s", As: secretspec.Mount, MountPath: "/m", Items: items}
	checkAlloc(t, "Ref.Validate with 100k items", 64*mib, func() {
		if errs := mount.Validate(field.NewPath("ref")); len(errs) != 0 {
			t.Errorf("Validate: %d errors", len(errs))
		}
	})
	checkAlloc(t, "Parse(String()) with 100k items", 128*mib, func() {
		if _, err := secretspec.Parse(mount.String()); err != nil {
			t.Errorf("Parse(String()): %v", err)
		}
	})
}
