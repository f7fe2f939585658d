package hostile_test

import (
	"context"
	"encoding/base64"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/go-logr/logr"
	"github.com/go-logr/logr/funcr"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

// The sentinels are the secret values of the leak suite: recognisable text that
// no error message, name or key of ours contains. sentinel2 differs from
// sentinel so that "two different values" cases have two values to leak.
const (
	sentinel  = "S3NT1NEL-value-7f3a9c"
	sentinel2 = "S3NT1NEL-other-42b8d1"
	// numSentinel is a secret that is all digits (a PIN, a token), to place where a
	// decoder expects a string: encoding/json quotes a number it cannot store.
	numSentinel = "73570031337735700"
)

// leakNeedles are the forms a leaked sentinel can take in text: raw, base64
// (at every alignment inside a longer value, std and URL alphabets), hex and
// the numeric sentinel. The name of a form is what a failure message shows,
// never the form itself.
func leakNeedles() map[string]string {
	n := map[string]string{
		"raw":     "S3NT1NEL",
		"numeric": numSentinel[:12],
	}
	for _, v := range []string{sentinel, sentinel2, numSentinel} {
		for k := 0; k < 3; k++ {
			for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.URLEncoding} {
				full := enc.EncodeToString([]byte(strings.Repeat("x", k) + v))
				start := 0
				if k > 0 {
					start = 4 // the first group mixes the padding bytes
				}
				inner := full[start : len(full)-4] // the last group may mix following bytes
				n[fmt.Sprintf("base64(align %d) of a sentinel", k)+"/"+v[:9]] = inner
			}
		}
		n["hex of a sentinel/"+v[:9]] = fmt.Sprintf("%x", v)[:24]
	}
	return n
}

// leaked reports which forms of a sentinel text contains, by name.
func leaked(text string, needles map[string]string) []string {
	var forms []string
	for name, needle := range needles {
		if strings.Contains(text, needle) || name == "raw" && strings.Contains(strings.ToUpper(text), needle) {
			forms = append(forms, name)
		}
	}
	return forms
}

// leakOut is what one call of an entry point produced that a user could see.
type leakOut struct {
	err    error
	texts  map[string]string // e.g. "String()", "response body", "report" -> text
	errors field.ErrorList
}

// leakCase drives one entry point with the sentinel in one wrong position.
type leakCase struct {
	entry   string // the public entry point, e.g. "encode.Generic"
	name    string // the position of the sentinel
	wantErr bool   // the call must fail (so that the case exercises an error path)
	run     func(t *testing.T, ctx context.Context) leakOut
}

// TestNoSecretLeaks drives every public entry point that takes secret material
// with sentinel values in every position that can be wrong, and asserts that no
// form of a sentinel reaches an error (its text, %v, %+v, %#v, any error it
// wraps), a String() or summary, an HTTP response, a log line or a panic.
func TestNoSecretLeaks(t *testing.T) {
	needles := leakNeedles()
	totalLogs := 0
	defer func() {
		if totalLogs == 0 {
			t.Error("no log line was captured: the log check tests nothing")
		}
	}()
	for _, c := range leakCases(t) {
		t.Run(c.entry+"/"+c.name, func(t *testing.T) {
			var mu sync.Mutex
			var logs []string
			logger := funcr.New(func(prefix, args string) {
				mu.Lock()
				defer mu.Unlock()
				logs = append(logs, prefix+" "+args)
			}, funcr.Options{Verbosity: 10, LogCaller: funcr.None})
			ctx := logr.NewContext(context.Background(), logger)

			var out leakOut
			var panicked any
			func() {
				defer func() { panicked = recover() }()
				out = c.run(t, ctx)
			}()
			where := c.entry + " (" + c.name + ")"
			if panicked != nil {
				// Never print the panic value: it may hold the secret.
				t.Errorf("%s panicked; the panic value leaks %v", where, leaked(fmt.Sprintf("%v %#v", panicked, panicked), needles))
				return
			}
			if c.wantErr && out.err == nil && len(out.errors) == 0 {
				t.Errorf("%s: no error, want one (the case does not test an error path)", where)
			}
			check := func(what, text string) {
				if forms := leaked(text, needles); len(forms) != 0 {
					t.Errorf("%s: %s leaks the sentinel (forms: %s)", where, what, strings.Join(forms, ", "))
				}
			}
			for i, err := range errorChain(out.err) {
				check(fmt.Sprintf("error chain[%d] %%v", i), fmt.Sprintf("%v", err))
				check(fmt.Sprintf("error chain[%d] %%+v", i), fmt.Sprintf("%+v", err))
				check(fmt.Sprintf("error chain[%d] %%#v", i), fmt.Sprintf("%#v", err))
				check(fmt.Sprintf("error chain[%d] %%q", i), fmt.Sprintf("%q", err))
			}
			if len(out.errors) != 0 {
				check("field.ErrorList %v", fmt.Sprintf("%v", out.errors))
				check("field.ErrorList %#v", fmt.Sprintf("%#v", out.errors))
				check("field.ErrorList aggregate", out.errors.ToAggregate().Error())
				for i, fe := range out.errors {
					check(fmt.Sprintf("field.Error[%d] %%#v", i), fmt.Sprintf("%#v", fe))
					check(fmt.Sprintf("field.Error[%d] ErrorBody", i), fe.ErrorBody())
				}
			}
			for what, text := range out.texts {
				check(what, text)
			}
			mu.Lock()
			defer mu.Unlock()
			totalLogs += len(logs)
			for i, l := range logs {
				check(fmt.Sprintf("log line %d", i), l)
			}
		})
	}
}

// errorChain is err and every error it wraps, depth first.
func errorChain(err error) []error {
	if err == nil {
		return nil
	}
	chain := []error{err}
	switch u := err.(type) {
	case interface{ Unwrap() error }:
		chain = append(chain, errorChain(u.Unwrap())...)
	case interface{ Unwrap() []error }:
		for _, e := range u.Unwrap() {
			chain = append(chain, errorChain(e)...)
		}
	case interface{ Errors() []error }: // apimachinery's Aggregate
		for _, e := range u.Errors() {
			chain = append(chain, errorChain(e)...)
		}
	}
	return chain
}

func errOut(err error) leakOut { return leakOut{err: err} }

func secretOut(_ *corev1.Secret, err error) leakOut { return leakOut{err: err} }

// writeFile writes content to dir/name and returns the path.
func writeFile(t *testing.T, dir, name, content string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func b64(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }

func secretWith(name string, data map[string]string) *corev1.Secret {
	s := &corev1.Secret{TypeMeta: metav1.TypeMeta{APIVersion: "v1", Kind: "Secret"}, Data: map[string][]byte{}}
	s.Name = name
	for k, v := range data {
		s.Data[k] = []byte(v)
	}
	return s
}

func leakCases(t *testing.T) []leakCase {
	var cases []leakCase
	cases = append(cases, encodeBuilderLeakCases(t)...)
	cases = append(cases, encodeManifestLeakCases()...)
	cases = append(cases, encodeCheckLeakCases(t)...)
	cases = append(cases, dialectLeakCases()...)
	cases = append(cases, dialectMessageLeakCases()...)
	cases = append(cases, flyteLeakCases()...)
	cases = append(cases, injectLeakCases()...)
	cases = append(cases, injectListLeakCases()...)
	cases = append(cases, injectExtrasLeakCases()...)
	cases = append(cases, workloadsLeakCases()...)
	cases = append(cases, admissionLeakCases()...)
	cases = append(cases, webhookLeakCases()...)
	cases = append(cases, propagateLeakCases()...)
	cases = append(cases, propagateRecreateLeakCases()...)
	cases = append(cases, leaderLeakCases()...)
	cases = append(cases, lifecycleLeakCases(t)...)
	return cases
}
