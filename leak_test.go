package podsecrets_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-logr/logr"
	"github.com/go-logr/logr/funcr"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/validation/field"
	"k8s.io/client-go/kubernetes/fake"
	k8stesting "k8s.io/client-go/testing"

	"github.com/podsecrets/podsecrets/encode"
	"github.com/podsecrets/podsecrets/inject"
	"github.com/podsecrets/podsecrets/inject/admission"
	"github.com/podsecrets/podsecrets/propagate"
	"github.com/podsecrets/podsecrets/secretspec"
	"github.com/podsecrets/podsecrets/secretspec/flyte"
	"github.com/podsecrets/podsecrets/secretspec/konduktor"
	"github.com/podsecrets/podsecrets/secretspec/pachyderm"
	"github.com/podsecrets/podsecrets/secretspec/runai"
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
	cases = append(cases, dialectLeakCases()...)
	cases = append(cases, injectLeakCases()...)
	cases = append(cases, injectExtrasLeakCases()...)
	cases = append(cases, workloadsLeakCases()...)
	cases = append(cases, admissionLeakCases()...)
	cases = append(cases, admissionNewLeakCases()...)
	cases = append(cases, propagateLeakCases()...)
	cases = append(cases, lifecycleLeakCases(t)...)
	cases = append(cases, flyteLeakCases()...)
	cases = append(cases, propagateRecreateLeakCases()...)
	cases = append(cases, newuserLeakCases(t)...)
	cases = append(cases, leaderLeakCases()...)
	return cases
}

func encodeBuilderLeakCases(t *testing.T) []leakCase {
	big := strings.Repeat(sentinel, encode.MaxSize/len(sentinel)+2)
	generic := func(name string, srcs ...func(dir string) encode.Source) func(*testing.T, context.Context) leakOut {
		return func(t *testing.T, _ context.Context) leakOut {
			dir := t.TempDir()
			var ss []encode.Source
			for _, f := range srcs {
				ss = append(ss, f(dir))
			}
			return secretOut(encode.Generic(name, ss...))
		}
	}
	lit := func(k, v string) func(string) encode.Source {
		return func(string) encode.Source { return encode.Literal(k, v) }
	}
	envFile := func(content string) func(string) encode.Source {
		return func(dir string) encode.Source {
			return encode.EnvFile(writeFile(t, dir, "app.env", content))
		}
	}
	file := func(name, content string) func(string) encode.Source {
		return func(dir string) encode.Source { return encode.File(writeFile(t, dir, name, content)) }
	}
	fileAs := func(key, content string) func(string) encode.Source {
		return func(dir string) encode.Source { return encode.FileAs(key, writeFile(t, dir, "f", content)) }
	}
	dirSrc := func(files map[string]string) func(string) encode.Source {
		return func(dir string) encode.Source {
			d := filepath.Join(dir, "d")
			for n, c := range files {
				writeFile(t, d, n, c)
			}
			return encode.Dir(d)
		}
	}
	tree := func(files map[string]string, links map[string]string) func(string) encode.Source {
		return func(dir string) encode.Source {
			d := filepath.Join(dir, "tree")
			if err := os.MkdirAll(d, 0o755); err != nil {
				t.Fatal(err)
			}
			for n, c := range files {
				writeFile(t, d, n, c)
			}
			for n, target := range links {
				if err := os.Symlink(target, filepath.Join(d, n)); err != nil {
					t.Fatal(err)
				}
			}
			return encode.Tree(d)
		}
	}
	outside := func(dir string) encode.Source {
		writeFile(t, dir, "outside.txt", sentinel)
		return encode.Literal("ok", "x")
	}
	certPEM, keyPEM := selfSigned(t)
	_, otherKey := selfSigned(t)
	sshKey, sshEncrypted := sshKeys(t)

	E := "encode.Generic"
	return []leakCase{
		{E, "Literal invalid key", true, generic("s", lit("bad key!", sentinel))},
		{E, "Literal empty key", true, generic("s", lit("", sentinel))},
		{E, "Literal key '..'", true, generic("s", lit("..", sentinel))},
		{E, "Literal duplicate key", true, generic("s", lit("k", sentinel), lit("k", sentinel2))},
		{E, "Literal oversized", true, generic("s", lit("k", big))},
		{E, "Literal second pushes over limit", true, generic("s", lit("a", big[:encode.MaxSize-10]), lit("b", sentinel))},
		{E, "invalid Secret name", true, generic("Bad_Name!", lit("k", sentinel))},
		{E, "empty Secret name", true, generic("", lit("k", sentinel))},
		{E, "File invalid base name", true, generic("s", file("bad name!.txt", sentinel))},
		{E, "File oversized", true, generic("s", file("big.txt", big))},
		{E, "File duplicate of literal", true, generic("s", lit("f.txt", sentinel2), file("f.txt", sentinel))},
		{E, "File missing", true, generic("s", lit("a", sentinel), func(dir string) encode.Source { return encode.File(filepath.Join(dir, "nope")) })},
		{E, "File is a directory", true, generic("s", lit("a", sentinel), func(dir string) encode.Source { return encode.File(dir) })},
		{E, "FileAs invalid key", true, generic("s", fileAs("bad key", sentinel))},
		{E, "Dir with invalid file name", true, generic("s", dirSrc(map[string]string{"ok": sentinel, "bad name": sentinel2}))},
		{E, "Dir duplicate of literal", true, generic("s", lit("a", sentinel2), dirSrc(map[string]string{"a": sentinel}))},
		{E, "Dir oversized", true, generic("s", dirSrc(map[string]string{"a": big[:encode.MaxSize/2+1], "b": big[:encode.MaxSize/2+1]}))},
		{E, "EnvFile invalid name", true, generic("s", envFile("BAD NAME="+sentinel+"\n"))},
		{E, "EnvFile name starting with digit", true, generic("s", envFile("1A="+sentinel+"\n"))},
		{E, "EnvFile empty name", true, generic("s", envFile("="+sentinel+"\n"))},
		{E, "EnvFile line without '='", true, generic("s", envFile(sentinel+"\n"))},
		{E, "EnvFile line without '=' after good line", true, generic("s", envFile("A="+sentinel2+"\n"+sentinel+"\n"))},
		{E, "EnvFile duplicate name", true, generic("s", envFile("A="+sentinel+"\nA="+sentinel2+"\n"))},
		{E, "EnvFile duplicate of literal", true, generic("s", lit("A", sentinel2), envFile("A="+sentinel+"\n"))},
		{E, "EnvFile export prefix", true, generic("s", envFile("export A="+sentinel+"\n"))},
		{E, "EnvFile NUL in name", true, generic("s", envFile("A\x00B="+sentinel+"\n"))},
		{E, "EnvFile non-UTF-8 name", true, generic("s", envFile("A\xffB="+sentinel+"\n"))},
		{E, "EnvFile BOM then invalid name", true, generic("s", envFile("\uFEFF1A="+sentinel+"\n"))},
		{E, "EnvFile CRLF then invalid name", true, generic("s", envFile("A="+sentinel2+"\r\n1B="+sentinel+"\r\n"))},
		{E, "EnvFile value oversized", true, generic("s", envFile("A="+big+"\n"))},
		{E, "EnvFile values oversized together", true, generic("s", envFile("A="+big[:encode.MaxSize/2]+"\nB="+big[:encode.MaxSize/2+1]+"\n"))},
		{E, "EnvFile one line over the line limit", true, generic("s", envFile("A="+big+big+big+"\n"))},
		{E, "Tree symlink outside", true, generic("s", outside, tree(map[string]string{"a": sentinel}, map[string]string{"l": "../../outside.txt"}))},
		{E, "Tree absolute symlink", true, generic("s", tree(map[string]string{"a": sentinel}, map[string]string{"l": "/etc/hostname"}))},
		{E, "Tree dangling symlink", true, generic("s", tree(map[string]string{"a": sentinel}, map[string]string{"l": "nope"}))},
		{E, "Tree loop", true, generic("s", tree(map[string]string{"sub/a": sentinel}, map[string]string{"sub/loop": ".."}))},
		{E, "Tree oversized", true, generic("s", tree(map[string]string{"a/x": big[:encode.MaxSize/2+1], "b/y": big[:encode.MaxSize/2+1]}, nil))},
		{E, "Tree duplicate of literal", true, generic("s", lit(encode.TreeKey("tree/a"), sentinel2), tree(map[string]string{"a": sentinel}, nil))},

		{"encode.DockerRegistry", "invalid name", true, func(*testing.T, context.Context) leakOut {
			return secretOut(encode.DockerRegistry("Bad Name", "", "user", sentinel, ""))
		}},
		{"encode.DockerRegistry", "missing username", true, func(*testing.T, context.Context) leakOut {
			return secretOut(encode.DockerRegistry("reg", "", "", sentinel, ""))
		}},
		{"encode.DockerRegistry", "oversized password", true, func(*testing.T, context.Context) leakOut {
			return secretOut(encode.DockerRegistry("reg", "", "user", big, ""))
		}},
		{"encode.TLS", "garbage cert and key", true, func(*testing.T, context.Context) leakOut {
			return secretOut(encode.TLS("tls", []byte(sentinel), []byte(sentinel2)))
		}},
		{"encode.TLS", "PEM blocks of garbage", true, func(*testing.T, context.Context) leakOut {
			return secretOut(encode.TLS("tls", pemBlock("CERTIFICATE", sentinel), pemBlock("PRIVATE KEY", sentinel2)))
		}},
		{"encode.TLS", "key does not match", true, func(*testing.T, context.Context) leakOut {
			return secretOut(encode.TLS("tls", certPEM, otherKey))
		}},
		{"encode.TLS", "valid pair, invalid name", true, func(*testing.T, context.Context) leakOut {
			return secretOut(encode.TLS("Bad Name", certPEM, append(append([]byte{}, keyPEM...), "\n# "+sentinel+"\n"...)))
		}},
		{"encode.TLS", "key in cert slot", true, func(*testing.T, context.Context) leakOut {
			return secretOut(encode.TLS("tls", keyPEM, keyPEM))
		}},
		{"encode.SSHAuth", "garbage key", true, func(*testing.T, context.Context) leakOut {
			return secretOut(encode.SSHAuth("ssh", []byte(sentinel), nil))
		}},
		{"encode.SSHAuth", "PEM block of garbage", true, func(*testing.T, context.Context) leakOut {
			return secretOut(encode.SSHAuth("ssh", pemBlock("OPENSSH PRIVATE KEY", sentinel), nil))
		}},
		{"encode.SSHAuth", "passphrase-protected key", true, func(*testing.T, context.Context) leakOut {
			return secretOut(encode.SSHAuth("ssh", sshEncrypted, nil))
		}},
		{"encode.SSHAuth", "bad known_hosts line", true, func(*testing.T, context.Context) leakOut {
			return secretOut(encode.SSHAuth("ssh", sshKey, []byte("github.com "+sentinel+"\n")))
		}},
		{"encode.SSHAuth", "invalid name", true, func(*testing.T, context.Context) leakOut {
			return secretOut(encode.SSHAuth("Bad Name", sshKey, nil))
		}},
		{"encode.BasicAuth", "invalid name", true, func(*testing.T, context.Context) leakOut {
			return secretOut(encode.BasicAuth("Bad Name", "user", sentinel))
		}},
		{"encode.BasicAuth", "oversized password", true, func(*testing.T, context.Context) leakOut {
			return secretOut(encode.BasicAuth("basic", "user", big))
		}},
	}
}

func encodeManifestLeakCases() []leakCase {
	decode := func(manifest string) func(*testing.T, context.Context) leakOut {
		return func(*testing.T, context.Context) leakOut {
			s, err := encode.Decode([]byte(manifest))
			if err != nil {
				return errOut(err)
			}
			return leakOut{errors: encode.Validate(s)} // what a caller does next
		}
	}
	S, S2 := sentinel, sentinel2
	head := `{"apiVersion":"v1","kind":"Secret","metadata":{"name":"s"},`
	yhead := "apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\n"
	big := strings.Repeat(S, encode.MaxSize/len(S)+2)
	D := "encode.Decode"
	cases := []leakCase{
		{D, "JSON data not base64", true, decode(head + `"data":{"k":"` + S + `!"}}`)},
		{D, "JSON data base64 without padding", true, decode(head + `"data":{"k":"` + strings.TrimRight(b64(S+"x"), "=") + `"}}`)},
		{D, "JSON data invalid key", true, decode(head + `"data":{"bad key":"` + b64(S) + `"}}`)},
		{D, "JSON stringData invalid key", true, decode(head + `"stringData":{"bad key":"` + S + `"}}`)},
		{D, "JSON data duplicate key", false, decode(head + `"data":{"k":"` + b64(S) + `","k":"` + b64(S2) + `"}}`)},
		{D, "JSON stringData duplicate key", false, decode(head + `"stringData":{"k":"` + S + `","k":"` + S2 + `"}}`)},
		{D, "JSON truncated after value", true, decode(head + `"stringData":{"k":"` + S)},
		{D, "JSON truncated inside value", true, decode(head + `"stringData":{"k":"` + S + `\`)},
		{D, "JSON bare word value", false, decode(head + `"stringData":{"k":` + S + `}}`)},
		{D, "JSON invalid escape in value", true, decode(head + `"stringData":{"k":"` + S + `\q"}}`)},
		{D, "JSON control character in value", true, decode(head + `"stringData":{"k":"` + S + "\x01" + `"}}`)},
		{D, "JSON number where string expected (data)", true, decode(head + `"data":{"k":` + numSentinel + `}}`)},
		{D, "JSON number where string expected (stringData)", true, decode(head + `"stringData":{"k":` + numSentinel + `}}`)},
		{D, "JSON number as type", true, decode(head + `"type":` + numSentinel + `,"data":{}}`)},
		{D, "JSON object where string expected", true, decode(head + `"stringData":{"k":{"` + S + `":1}}}`)},
		{D, "JSON array where string expected", true, decode(head + `"stringData":{"k":["` + S + `"]}}`)},
		{D, "JSON boolean then sentinel", false, decode(head + `"stringData":{"k":true` + S + `}}`)},
		{D, "JSON unknown field holding value", true, decode(head + `"password":"` + S + `","data":{}}`)},
		{D, "JSON unknown field holding number", true, decode(head + `"pin":` + numSentinel + `,"data":{}}`)},
		{D, "JSON trailing garbage", true, decode(head + `"stringData":{"k":"x"}}` + S)},
		{D, "JSON second object", true, decode(head + `"stringData":{"k":"x"}}` + head + `"stringData":{"k":"` + S + `"}}`)},
		{D, "JSON wrong kind", true, decode(`{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"s"},"data":{"k":"` + S + `"}}`)},
		{D, "JSON wrong apiVersion", true, decode(`{"apiVersion":"v2","kind":"Secret","metadata":{"name":"s"},"stringData":{"k":"` + S + `"}}`)},
		{D, "JSON oversized stringData", true, decode(head + `"stringData":{"k":"` + big + `"}}`)},
		{D, "JSON tls missing key", true, decode(head + `"type":"kubernetes.io/tls","stringData":{"tls.crt":"` + S + `"}}`)},
		{D, "JSON dockerconfigjson not JSON", true, decode(head + `"type":"kubernetes.io/dockerconfigjson","stringData":{".dockerconfigjson":"{` + S + `"}}`)},
		{D, "JSON dockerconfigjson array", true, decode(head + `"type":"kubernetes.io/dockerconfigjson","stringData":{".dockerconfigjson":"[\"` + S + `\"]"}}`)},
		{D, "JSON invalid name", true, decode(`{"apiVersion":"v1","kind":"Secret","metadata":{"name":"Bad Name"},"stringData":{"k":"` + S + `"}}`)},
		{D, "JSON invalid UTF-8 in value", true, decode(head + `"stringData":{"k":"` + S + "\xff" + `"}, "x": 1}`)},
		{D, "YAML data not base64", true, decode(yhead + "data:\n  k: " + S + "!\n")},
		{D, "YAML data invalid key", true, decode(yhead + "data:\n  bad key: " + b64(S) + "\n")},
		{D, "YAML duplicate key", true, decode(yhead + "stringData:\n  k: " + S + "\n  k: " + S2 + "\n")},
		{D, "YAML sequence value", true, decode(yhead + "stringData:\n  k: [" + S + "]\n")},
		{D, "YAML mapping value", true, decode(yhead + "stringData:\n  k:\n    " + S + ": 1\n")},
		{D, "YAML number value", true, decode(yhead + "stringData:\n  k: " + numSentinel + "\n")},
		{D, "YAML float value", true, decode(yhead + "stringData:\n  k: " + numSentinel + ".5e3\n")},
		{D, "YAML bad indentation after value", true, decode(yhead + "stringData:\n  k: " + S + "\n   j: " + S2 + "\n x\n")},
		{D, "YAML tab indentation", true, decode(yhead + "stringData:\n\tk: " + S + "\n")},
		{D, "YAML unclosed quote", true, decode(yhead + "stringData:\n  k: \"" + S + "\n")},
		{D, "YAML unclosed flow", true, decode(yhead + "stringData: {k: " + S + "\n")},
		{D, "YAML bad escape", true, decode(yhead + "stringData:\n  k: \"" + S + "\\q\"\n")},
		{D, "YAML unknown anchor", true, decode(yhead + "stringData:\n  k: *" + S + "\n")},
		{D, "YAML binary tag with garbage", true, decode(yhead + "stringData:\n  k: !!binary " + S + "\n")},
		{D, "YAML int tag on value", true, decode(yhead + "stringData:\n  k: !!int " + S + "\n")},
		{D, "YAML custom tag", false, decode(yhead + "stringData:\n  k: !" + S + " x\n")},
		{D, "YAML unknown field", true, decode(yhead + "password: " + S + "\nstringData: {}\n")},
		{D, "YAML second document", true, decode(yhead + "stringData:\n  k: x\n---\n" + yhead + "stringData:\n  k: " + S + "\n")},
		{D, "YAML content after document end", true, decode(yhead + "stringData:\n  k: x\n...\n" + S + "\n")},
		{D, "YAML sentinel after flow node", true, decode("{apiVersion: v1, kind: Secret, metadata: {name: s}, stringData: {k: x}} " + S + "\n")},
		{D, "YAML non-UTF-8", true, decode(yhead + "stringData:\n  k: " + S + "\xff\xfe\n")},
		{D, "YAML NUL byte", true, decode(yhead + "stringData:\n  k: " + S + "\x00\n")},
		{D, "YAML merge key", true, decode(yhead + "stringData:\n  <<: {k: " + S + "}\n  j: [" + S2 + "\n")},
	}

	// Marshal, Validate, Merge and TreeItems on Secrets holding the sentinel.
	bad := secretWith("s", map[string]string{"bad key": S, "ok": S2})
	withType := func(s *corev1.Secret, typ corev1.SecretType) *corev1.Secret { s.Type = typ; return s }
	immutable := func(s *corev1.Secret) *corev1.Secret { b := true; s.Immutable = &b; return s }
	withTree := func(s *corev1.Secret, tree string) *corev1.Secret {
		s.Annotations = map[string]string{encode.TreeAnnotation: tree}
		return s
	}
	merge := func(base, overlay *corev1.Secret) func(*testing.T, context.Context) leakOut {
		return func(*testing.T, context.Context) leakOut { return secretOut(encode.Merge(base, overlay)) }
	}
	validate := func(s *corev1.Secret) func(*testing.T, context.Context) leakOut {
		return func(*testing.T, context.Context) leakOut { return leakOut{errors: encode.Validate(s)} }
	}
	marshal := func(s *corev1.Secret, format string) func(*testing.T, context.Context) leakOut {
		return func(*testing.T, context.Context) leakOut {
			_, err := encode.Marshal(s, format)
			return errOut(err)
		}
	}
	stringData := secretWith("s", nil)
	stringData.StringData = map[string]string{"bad key": S, "ok": S2}
	cases = append(cases, []leakCase{
		{"encode.Marshal", "unknown format xml", true, marshal(secretWith("s", map[string]string{"k": S}), "xml")},
		{"encode.Marshal", "nil Secret", true, marshal(nil, "json")},
		{"encode.Validate", "invalid data key", true, validate(bad)},
		{"encode.Validate", "invalid stringData key", true, validate(stringData)},
		{"encode.Validate", "oversized", true, validate(secretWith("s", map[string]string{"k": big}))},
		{"encode.Validate", "invalid name", true, validate(secretWith("Bad Name", map[string]string{"k": S}))},
		{"encode.Validate", "tls missing key", true, validate(withType(secretWith("s", map[string]string{"tls.crt": S}), corev1.SecretTypeTLS))},
		{"encode.Validate", "dockerconfigjson not JSON", true, validate(withType(secretWith("s", map[string]string{".dockerconfigjson": "{" + S}), corev1.SecretTypeDockerConfigJson))},
		{"encode.Validate", "dockerconfigjson number", true, validate(withType(secretWith("s", map[string]string{".dockerconfigjson": numSentinel}), corev1.SecretTypeDockerConfigJson))},
		{"encode.Validate", "dockercfg string", true, validate(withType(secretWith("s", map[string]string{".dockercfg": `"` + S + `"`}), corev1.SecretTypeDockercfg))},
		{"encode.Validate", "basic-auth no username or password", true, validate(withType(secretWith("s", map[string]string{"other": S}), corev1.SecretTypeBasicAuth))},
		{"encode.Validate", "ssh-auth missing key", true, validate(withType(secretWith("s", map[string]string{"id_rsa": S}), corev1.SecretTypeSSHAuth))},
		{"encode.Validate", "service-account-token without annotation", true, validate(withType(secretWith("s", map[string]string{"token": S}), corev1.SecretTypeServiceAccountToken))},
		{"encode.Validate", "bad tree annotation", true, validate(withTree(secretWith("s", map[string]string{"k": S}), `{"k":"../x"}`))},
		{"encode.Merge", "types differ", true, merge(withType(secretWith("s", map[string]string{"k": S}), corev1.SecretTypeTLS), secretWith("s", map[string]string{"k": S2}))},
		{"encode.Merge", "names differ", true, merge(secretWith("a", map[string]string{"k": S}), secretWith("b", map[string]string{"k": S2}))},
		{"encode.Merge", "immutable base changed", true, merge(immutable(secretWith("s", map[string]string{"k": S})), secretWith("s", map[string]string{"k": S2}))},
		{"encode.Merge", "overlay invalid key", true, merge(secretWith("s", map[string]string{"k": S}), bad)},
		{"encode.Merge", "oversized result", true, merge(secretWith("s", map[string]string{"a": big[:encode.MaxSize-5]}), secretWith("s", map[string]string{"b": S}))},
		{"encode.Merge", "tree key at two paths", true, merge(withTree(secretWith("s", map[string]string{"k": S}), `{"k":"a/k"}`), withTree(secretWith("s", map[string]string{"k": S2}), `{"k":"b/k"}`))},
		{"encode.Merge", "tree path for two keys", true, merge(withTree(secretWith("s", map[string]string{"k": S}), `{"k":"a/k"}`), withTree(secretWith("s", map[string]string{"j": S2}), `{"j":"a/k"}`))},
		{"encode.Merge", "nil overlay", true, merge(secretWith("s", map[string]string{"k": S}), nil)},
		{"encode.TreeItems", "bad tree JSON", true, func(*testing.T, context.Context) leakOut {
			_, err := encode.TreeItems(withTree(secretWith("s", map[string]string{"k": S}), `{"k":`))
			return errOut(err)
		}},
		{"encode.TreeItems", "tree key without data", true, func(*testing.T, context.Context) leakOut {
			_, err := encode.TreeItems(withTree(secretWith("s", map[string]string{"k": S}), `{"j":"a/j"}`))
			return errOut(err)
		}},
		{"encode.Hash", "String-like output", false, func(*testing.T, context.Context) leakOut {
			s := secretWith("s", map[string]string{"k": S})
			return leakOut{texts: map[string]string{"Hash": encode.Hash(s), "WithHashSuffix name": encode.WithHashSuffix(s).Name}}
		}},
	}...)
	return cases
}

func dialectLeakCases() []leakCase {
	S, S2 := sentinel, sentinel2
	env := func(flag string) func(*testing.T, context.Context) leakOut {
		return func(*testing.T, context.Context) leakOut {
			ref, plain, err := runai.ParseEnv(flag)
			out := leakOut{err: err, texts: map[string]string{}}
			if ref != nil {
				out.texts["ref String()"] = ref.String()
			}
			_ = plain // a plain variable legitimately holds its value
			return out
		}
	}
	envs := func(flags ...string) func(*testing.T, context.Context) leakOut {
		return func(*testing.T, context.Context) leakOut {
			refs, _, err := runai.ParseEnvs(flags)
			out := leakOut{err: err, texts: map[string]string{}}
			for i, r := range refs {
				out.texts[fmt.Sprintf("refs[%d].String()", i)] = r.String()
			}
			return out
		}
	}
	transform := func(doc string) func(*testing.T, context.Context) leakOut {
		return func(*testing.T, context.Context) leakOut {
			_, err := pachyderm.ParseTransform([]byte(doc))
			return errOut(err)
		}
	}
	annotations := func(a map[string]string) func(*testing.T, context.Context) leakOut {
		return func(*testing.T, context.Context) leakOut {
			_, err := flyte.DecodeAnnotations(a)
			return errOut(err)
		}
	}
	kon := func(secrets ...corev1.Secret) func(*testing.T, context.Context) leakOut {
		return func(*testing.T, context.Context) leakOut {
			refs, _, err := konduktor.Refs(secrets, "alice", "")
			out := leakOut{err: err, texts: map[string]string{}}
			for i, r := range refs {
				out.texts[fmt.Sprintf("refs[%d].String()", i)] = r.String()
			}
			return out
		}
	}
	konSecret := func(name, basename, kind string, data map[string]string) corev1.Secret {
		s := secretWith(name, data)
		s.Labels = map[string]string{konduktor.LabelOwner: "alice", konduktor.LabelBasename: basename, konduktor.LabelKind: kind, "parent": "konduktor"}
		return *s
	}
	// The flyte text with the sentinel in the wrong places, base32 encoded as the
	// annotations carry it.
	fly := func(text string) string { return flyteBase32(text) }
	P := "pachyderm.ParseTransform"
	return []leakCase{
		{"runai.ParseEnv", "invalid name", true, env("BAD\tNAME=" + S)},
		{"runai.ParseEnv", "name with space is relaxed-valid", false, env("BAD NAME=" + S)},
		{"runai.ParseEnv", "empty name", true, env("=" + S)},
		{"runai.ParseEnv", "name starting with '='", true, env("==" + S)},
		{"runai.ParseEnv", "name with NUL", true, env("A\x00B=" + S)},
		{"runai.ParseEnv", "name not UTF-8", true, env("A\xff=" + S)},
		{"runai.ParseEnv", "name with newline", true, env("A\nB=" + S)},
		{"runai.ParseEnv", "value then SECRET-like suffix", false, env("A=" + S + ",SECRET:x,y")},
		{"runai.ParseEnv", "secret ref with extra comma", true, env("A=SECRET:db,key," + S)},
		{"runai.ParseEnv", "lower-case secret prefix", false, env("A=secret:" + S)},
		{"runai.ParseEnvs", "duplicate name", true, envs("A="+S, "A="+S2)},
		{"runai.ParseEnvs", "bad flag after plain one", true, envs("A="+S, "=B", "C=SECRET:x")},
		{"runai.ParseEnvs", "plain then ref of same name", true, envs("A="+S, "A=SECRET:db,k")},
		{"runai.ParseEnvs", "empty flag", true, envs("A="+S, "")},
		{P, "JSON syntax error after env value", true, transform(`{"transform":{"env":{"PASSWORD":"` + S + `"},`)},
		{P, "JSON bare word (valid YAML)", false, transform(`{"transform":{"env":{"PASSWORD":` + S + `}}}`)},
		{P, "JSON number in env", false, transform(`{"transform":{"env":{"PIN":` + numSentinel + `},"secrets":[{"name":"s","env_var":"X"}]}}`)},
		{P, "JSON number as secret name", true, transform(`{"transform":{"secrets":[{"name":` + numSentinel + `}]}}`)},
		{P, "JSON object as env", true, transform(`{"transform":{"env":[{"` + S + `":1}],"secrets":[{"name":"s","env_var":"X"}]}}`)},
		{P, "env_var without key, env holds value", true, transform(`{"transform":{"env":{"PASSWORD":"` + S + `"},"secrets":[{"name":"s","env_var":"X"}]}}`)},
		{P, "invalid secret name, env holds value", true, transform(`{"transform":{"env":{"PASSWORD":"` + S + `"},"secrets":[{"name":"Bad Name","mount_path":"/x"}]}}`)},
		{P, "invalid escape", true, transform(`{"transform":{"env":{"PASSWORD":"` + S + `\q"}}}`)},
		{P, "YAML syntax error", true, transform("transform:\n  env:\n    PASSWORD: \"" + S + "\n")},
		{P, "YAML tab", true, transform("transform:\n\tenv: {PASSWORD: " + S + "}\n")},
		{P, "YAML bad indentation", true, transform("transform:\n  env:\n    PASSWORD: " + S + "\n   X: " + S2 + "\n y\n")},
		{P, "YAML invalid ref with env value", true, transform("transform:\n  env:\n    PASSWORD: " + S + "\n  secrets:\n  - name: s\n    env_var: X\n")},
		{P, "YAML unknown anchor", true, transform("transform:\n  env:\n    PASSWORD: *" + S + "\n")},
		{P, "YAML binary tag", true, transform("transform:\n  env:\n    PASSWORD: !!binary " + S + "\n  secrets: 3\n")},
		{P, "YAML number as secrets", true, transform("transform:\n  env: {PIN: " + numSentinel + "}\n  secrets: " + numSentinel + "\n")},
		{"flyte.DecodeAnnotations", "not base32", true, annotations(map[string]string{"flyte.secrets/s0": S, "password": S2})},
		{"flyte.DecodeAnnotations", "adjacent strings concatenate", false, annotations(map[string]string{"flyte.secrets/s0": fly(`group: "g" key: "k" "` + S + `"`)})},
		{"flyte.DecodeAnnotations", "string after a field name without colon", true, annotations(map[string]string{"flyte.secrets/s0": fly(`group "` + S + `"`)})},
		{"flyte.DecodeAnnotations", "two values concatenate", false, annotations(map[string]string{"flyte.secrets/s0": fly(`group: "g" "` + S + `"`)})},
		{"flyte.DecodeAnnotations", "unterminated string", true, annotations(map[string]string{"flyte.secrets/s0": fly(`group: "g" key: "` + S)})},
		{"flyte.DecodeAnnotations", "unknown field with value", true, annotations(map[string]string{"flyte.secrets/s0": fly(`group: "g" token: "` + S + `"`)})},
		{"flyte.DecodeAnnotations", "bad enum", true, annotations(map[string]string{"flyte.secrets/s0": fly(`group: "g" key: "k" mount_requirement: ` + S)})},
		{"flyte.DecodeAnnotations", "number as string", true, annotations(map[string]string{"flyte.secrets/s0": fly(`group: ` + numSentinel)})},
		{"flyte.DecodeAnnotations", "bad escape", true, annotations(map[string]string{"flyte.secrets/s0": fly(`group: "` + S + `\q"`)})},
		{"flyte.DecodeAnnotations", "gap in numbering, other annotation holds value", false, annotations(map[string]string{"flyte.secrets/s1": fly(`group: "g"`), "token": S})},
		{"flyte.DecodeAnnotations", "oversized", true, annotations(map[string]string{"flyte.secrets/s0": fly(`group: "g"`), "blob": strings.Repeat(S, 300<<10/len(S))})},
		{"konduktor.Refs", "unknown kind", true, kon(konSecret("a-alice", "a", "weird", map[string]string{"k": S}))},
		{"konduktor.Refs", "env key not a variable name", true, kon(konSecret("a-alice", "a", konduktor.KindEnv, map[string]string{"1bad=name": S, "OK": S2}))},
		{"konduktor.Refs", "env key set twice", true, kon(konSecret("a-alice", "a", konduktor.KindEnv, map[string]string{"K": S}), konSecret("b-alice", "b", konduktor.KindEnv, map[string]string{"K": S2}))},
		{"konduktor.Refs", "two git-ssh", true, kon(konSecret("a-alice", "a", konduktor.KindGitSSH, map[string]string{"ssh-privatekey": S}), konSecret("b-alice", "b", konduktor.KindGitSSH, map[string]string{"ssh-privatekey": S2}))},
		{"konduktor.Refs", "git-ssh without identifiable key", true, kon(konSecret("a-alice", "a", konduktor.KindGitSSH, map[string]string{"k1": S, "k2": S2}))},
		{"konduktor.Refs", "two defaults one basename", true, kon(konSecret("a-alice", "a", konduktor.KindDefault, map[string]string{"k": S}), konSecret("c-alice", "a", konduktor.KindDefault, map[string]string{"k": S2}))},
		{"konduktor.Refs", "bad tree annotation", true, func(t *testing.T, ctx context.Context) leakOut {
			s := konSecret("a-alice", "a", konduktor.KindDefault, map[string]string{"k": S})
			s.Annotations = map[string]string{encode.TreeAnnotation: `{"k":"/abs"}`}
			return kon(s)(t, ctx)
		}},
		{"konduktor.Refs", "missing basename", true, kon(konSecret("a-alice", "", konduktor.KindDefault, map[string]string{"k": S}))},
		{"konduktor.Refs", "stringData only", false, func(t *testing.T, ctx context.Context) leakOut {
			s := konSecret("a-alice", "a", konduktor.KindEnv, nil)
			s.StringData = map[string]string{"K": S, "bad-name": S2}
			return kon(s)(t, ctx)
		}},
	}
}

func injectLeakCases() []leakCase {
	S, S2 := sentinel, sentinel2
	pod := func(env ...corev1.EnvVar) *corev1.Pod {
		p := &corev1.Pod{TypeMeta: metav1.TypeMeta{APIVersion: "v1", Kind: "Pod"}}
		p.Name, p.Namespace = "p", "ns"
		p.Spec.Containers = []corev1.Container{{Name: "c", Image: "busybox", Env: env}}
		return p
	}
	envRef := secretspec.Ref{Secret: "db", Key: "password", As: secretspec.Env, EnvVar: "PASSWORD"}
	apply := func(p *corev1.Pod, refs []secretspec.Ref, opts ...inject.Option) func(*testing.T, context.Context) leakOut {
		return func(*testing.T, context.Context) leakOut {
			_, err := inject.Apply(&p.Spec, refs, opts...)
			return errOut(err)
		}
	}
	applyPod := func(p *corev1.Pod, refs []secretspec.Ref, opts ...inject.Option) func(*testing.T, context.Context) leakOut {
		return func(*testing.T, context.Context) leakOut {
			_, err := inject.ApplyPod(p, refs, opts...)
			return errOut(err)
		}
	}
	v := func(name, value string) corev1.EnvVar { return corev1.EnvVar{Name: name, Value: value} }
	return []leakCase{
		{"inject.Apply", "user literal clashes with ref", true, apply(pod(v("PASSWORD", S)), []secretspec.Ref{envRef})},
		{"inject.Apply", "user literal clashes with WithEnv", true, apply(pod(v("MODE", S)), nil, inject.WithEnv(v("MODE", S2)))},
		{"inject.Apply", "WithEnv clashes with ref", true, apply(pod(), []secretspec.Ref{envRef}, inject.WithEnv(v("PASSWORD", S)))},
		{"inject.Apply", "two WithEnv values of one name", true, apply(pod(), nil, inject.WithEnv(v("A", S)), inject.WithEnv(v("A", S2)))},
		{"inject.Apply", "WithEnv invalid name", true, apply(pod(), nil, inject.WithEnv(v("A=B", S)))},
		{"inject.Apply", "WithEnv empty name", true, apply(pod(), nil, inject.WithEnv(v("", S)))},
		{"inject.Apply", "invalid ref beside user literal", true, apply(pod(v("TOKEN", S)), []secretspec.Ref{{Secret: "Bad Name", As: secretspec.Env}})},
		{"inject.Apply", "user literal clashes with envFrom prefix var", true, apply(pod(v("PASSWORD", S), v("PASSWORD", S2)), []secretspec.Ref{envRef})},
		{"inject.ApplyPod", "user literal clashes with ref", true, applyPod(pod(v("PASSWORD", S)), []secretspec.Ref{envRef})},
		{"inject.ApplyPod", "nil pod", true, applyPod(nil, []secretspec.Ref{envRef}, inject.WithEnv(v("A", S)))},
		{"inject.ApplyPod", "user literal in init container clashes", true, func(*testing.T, context.Context) leakOut {
			p := pod()
			p.Spec.InitContainers = []corev1.Container{{Name: "i", Image: "busybox", Env: []corev1.EnvVar{v("PASSWORD", S)}}}
			_, err := inject.ApplyPod(p, []secretspec.Ref{envRef})
			return errOut(err)
		}},
		{"inject.Patch", "nil before", true, func(*testing.T, context.Context) leakOut {
			_, err := inject.Patch(nil, pod(v("A", S)))
			return errOut(err)
		}},
		{"inject.Patch", "nil after", true, func(*testing.T, context.Context) leakOut {
			_, err := inject.Patch(pod(v("A", S)), nil)
			return errOut(err)
		}},
	}
}

func admissionLeakCases() []leakCase {
	S := sentinel
	envRefs := func(context.Context, *corev1.Pod) ([]secretspec.Ref, secretspec.Extras, error) {
		return []secretspec.Ref{{Secret: "db", Key: "password", As: secretspec.Env, EnvVar: "PASSWORD"}}, secretspec.Extras{}, nil
	}
	review := func(podJSON string) string {
		return `{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"u1","kind":{"group":"","version":"v1","kind":"Pod"},"resource":{"group":"","version":"v1","resource":"pods"},"namespace":"ns","operation":"CREATE","object":` + podJSON + `}}`
	}
	podWith := func(env string) string {
		return `{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},"spec":{"containers":[{"name":"c","image":"busybox","env":[` + env + `]}]}}`
	}
	post := func(body string, refs admission.RefsFunc) func(*testing.T, context.Context) leakOut {
		return func(t *testing.T, ctx context.Context) leakOut {
			h := admission.NewHandler(refs)
			req := httptest.NewRequest(http.MethodPost, "/mutate", strings.NewReader(body)).WithContext(ctx)
			req.Header.Set("Content-Type", "application/json")
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			out := leakOut{texts: map[string]string{"response body": rec.Body.String()}}
			for k, vs := range rec.Header() {
				out.texts["header "+k] = strings.Join(vs, ",")
			}
			var resp struct {
				Response struct {
					Allowed bool `json:"allowed"`
				} `json:"response"`
			}
			if json.Unmarshal(rec.Body.Bytes(), &resp) == nil && resp.Response.Allowed {
				return out
			}
			out.err = fmt.Errorf("denied with HTTP %d", rec.Code) // the denial is the expected error
			return out
		}
	}
	A := "admission handler"
	return []leakCase{
		{A, "pod literal clashes with ref", true, post(review(podWith(`{"name":"PASSWORD","value":"`+S+`"}`)), envRefs)},
		{A, "truncated after value", true, post(review(podWith(`{"name":"X","value":"`+S)), envRefs)},
		{A, "bare word value", true, post(review(podWith(`{"name":"X","value":`+S+`}`)), envRefs)},
		{A, "number as value", true, post(review(podWith(`{"name":"X","value":`+numSentinel+`}`)), envRefs)},
		{A, "object as value", true, post(review(podWith(`{"name":"X","value":{"`+S+`":1}}`)), envRefs)},
		{A, "invalid escape in value", true, post(review(podWith(`{"name":"X","value":"`+S+`\q"}`)), envRefs)},
		{A, "duplicate env value field", false, post(review(podWith(`{"name":"X","value":"`+S+`","value":"`+sentinel2+`"}`)), envRefs)},
		{A, "RefsFunc fails, pod holds value", true, post(review(podWith(`{"name":"TOKEN","value":"`+S+`"}`)), func(context.Context, *corev1.Pod) ([]secretspec.Ref, secretspec.Extras, error) {
			return nil, secretspec.Extras{}, errors.New("no refs for this pod")
		})},
		{A, "WithEnv clashes with pod literal", true, post(review(podWith(`{"name":"MODE","value":"`+S+`"}`)), func(context.Context, *corev1.Pod) ([]secretspec.Ref, secretspec.Extras, error) {
			return nil, secretspec.Extras{Env: []corev1.EnvVar{{Name: "MODE", Value: sentinel2}}}, nil
		})},
		{A, "not an AdmissionReview", true, post(`{"kind":"Pod","password":"`+S+`"}`, envRefs)},
		{A, "garbage body", true, post(S, envRefs)},
		{A, "trailing garbage", true, post(review(podWith(`{"name":"X","value":"x"}`))+S, envRefs)},
		{A, "oversized body", true, post(review(podWith(`{"name":"X","value":"`+strings.Repeat(S, admission.MaxRequestBytes/len(S)+1)+`"}`)), envRefs)},
		{A, "object is not a pod", true, post(strings.Replace(review(`{"apiVersion":"v1","kind":"Secret","metadata":{"name":"s"},"stringData":{"k":"`+S+`"}}`), `"kind":"Pod"`, `"kind":"Secret"`, 1), envRefs)},
	}
}

func propagateLeakCases() []leakCase {
	S, S2 := sentinel, sentinel2
	source := types.NamespacedName{Namespace: "runai", Name: "creds"}
	ns := func(name string) *corev1.Namespace {
		n := &corev1.Namespace{}
		n.Name = name
		n.Status.Phase = corev1.NamespaceActive
		return n
	}
	src := func(typ corev1.SecretType) *corev1.Secret {
		s := secretWith(source.Name, map[string]string{"password": S})
		s.Namespace, s.UID, s.Type = source.Namespace, "uid-src", typ
		s.Annotations = map[string]string{"kubernetes.io/service-account.name": "default"}
		return s
	}
	foreign := secretWith(source.Name, map[string]string{"password": S2})
	foreign.Namespace = "runai-b"
	foreign.Annotations = map[string]string{"note": "hand-made"}
	world := func(objs ...runtime.Object) *fake.Clientset {
		return fake.NewClientset(append([]runtime.Object{ns("runai"), ns("runai-a"), ns("runai-b"), ns("runai-c")}, objs...)...)
	}
	targets := propagate.Targets{Pattern: "runai-*", Names: []string{"runai-missing"}}
	report := func(rep *propagate.Report, err error) leakOut {
		out := leakOut{err: err, texts: map[string]string{}}
		if rep != nil {
			out.texts["Summary()"] = rep.Summary()
			out.texts["report %v"] = fmt.Sprintf("%v", rep)
			out.texts["report %+v"] = fmt.Sprintf("%+v", rep)
			out.texts["report %#v"] = fmt.Sprintf("%#v", rep)
			var errs []error
			for _, r := range rep.Results {
				errs = append(errs, r.Err)
			}
			if e := errors.Join(errs...); e != nil {
				out.texts["results' errors"] = fmt.Sprintf("%v %+v %#v", e, e, errs)
			}
		}
		return out
	}
	failWrites := func(c *fake.Clientset, ns string, verb string, err error) {
		c.PrependReactor(verb, "secrets", func(a k8stesting.Action) (bool, runtime.Object, error) {
			if a.GetNamespace() == ns {
				return true, nil, err
			}
			return false, nil, nil
		})
	}
	gr := schema.GroupResource{Resource: "secrets"}
	sync := func(c *fake.Clientset, opts ...propagate.Option) func(*testing.T, context.Context) leakOut {
		return func(_ *testing.T, ctx context.Context) leakOut {
			return report(propagate.Sync(ctx, c, source, targets, opts...))
		}
	}
	return []leakCase{
		{"propagate.Sync", "create, conflict, API errors", true, func(t *testing.T, ctx context.Context) leakOut {
			c := world(src(corev1.SecretTypeOpaque), foreign)
			failWrites(c, "runai-c", "create", apierrors.NewInternalError(errors.New("etcd unavailable")))
			return sync(c)(t, ctx)
		}},
		{"propagate.Sync", "update conflicts on an edited copy", true, func(t *testing.T, ctx context.Context) leakOut {
			c := world(src(corev1.SecretTypeOpaque))
			if _, err := propagate.Sync(ctx, c, source, targets); err != nil && !strings.Contains(err.Error(), "runai-missing") {
				t.Fatalf("first Sync: %v", err)
			}
			edited, err := c.CoreV1().Secrets("runai-a").Get(ctx, source.Name, metav1.GetOptions{})
			if err != nil {
				t.Fatal(err)
			}
			edited.Data["password"] = []byte(S2)
			if _, err := c.CoreV1().Secrets("runai-a").Update(ctx, edited, metav1.UpdateOptions{}); err != nil {
				t.Fatal(err)
			}
			failWrites(c, "runai-a", "update", apierrors.NewConflict(gr, source.Name, errors.New("the object has been modified")))
			return sync(c)(t, ctx)
		}},
		{"propagate.Sync", "stale immutable copy", true, func(t *testing.T, ctx context.Context) leakOut {
			s := src(corev1.SecretTypeOpaque)
			im := true
			s.Immutable = &im
			c := world(s)
			if _, err := propagate.Sync(ctx, c, source, targets); err != nil && !strings.Contains(err.Error(), "runai-missing") {
				t.Fatalf("first Sync: %v", err)
			}
			live, err := c.CoreV1().Secrets("runai").Get(ctx, source.Name, metav1.GetOptions{})
			if err != nil {
				t.Fatal(err)
			}
			live.Data["password"] = []byte(S2)
			if _, err := c.CoreV1().Secrets("runai").Update(ctx, live, metav1.UpdateOptions{}); err != nil {
				t.Fatal(err)
			}
			return sync(c)(t, ctx)
		}},
		{"propagate.Sync", "dry run", true, sync(world(src(corev1.SecretTypeOpaque), foreign), propagate.DryRun())},
		{"propagate.Sync", "service-account-token source refused", true, sync(world(src(corev1.SecretTypeServiceAccountToken)))},
		{"propagate.Sync", "Helm release source refused", true, func(t *testing.T, ctx context.Context) leakOut {
			s := src("helm.sh/release.v1")
			return sync(world(s))(t, ctx)
		}},
		{"propagate.Sync", "empty targets", true, func(_ *testing.T, ctx context.Context) leakOut {
			return report(propagate.Sync(ctx, world(src(corev1.SecretTypeOpaque)), source, propagate.Targets{}))
		}},
		{"propagate.Sync", "cancelled context", true, func(_ *testing.T, ctx context.Context) leakOut {
			ctx, cancel := context.WithCancel(ctx)
			cancel()
			return report(propagate.Sync(ctx, world(src(corev1.SecretTypeOpaque), foreign), source, targets))
		}},
		{"propagate.Controller", "conflict and API error logged", false, func(t *testing.T, ctx context.Context) leakOut {
			s := src(corev1.SecretTypeOpaque)
			s.Labels = map[string]string{propagate.RunAIOptInLabel: "true"}
			c := world(s, foreign)
			failWrites(c, "runai-c", "create", apierrors.NewInternalError(errors.New("etcd unavailable")))
			ctrl, err := propagate.NewController(c, propagate.RunAIConfig())
			if err != nil {
				t.Fatalf("NewController: %v", err)
			}
			ctx, cancel := context.WithCancel(ctx)
			done := make(chan error, 1)
			go func() { done <- ctrl.Run(ctx) }()
			// Wait (not a timed assertion) until the controller has written the copy it can.
			for i := 0; i < 1000; i++ {
				if _, err := c.CoreV1().Secrets("runai-a").Get(ctx, source.Name, metav1.GetOptions{}); err == nil {
					break
				}
				time.Sleep(10 * time.Millisecond)
			}
			cancel()
			return errOut(<-done)
		}},
		{"propagate.Remove", "copies, conflict, API error", true, func(t *testing.T, ctx context.Context) leakOut {
			c := world(src(corev1.SecretTypeOpaque))
			if _, err := propagate.Sync(ctx, c, source, propagate.Targets{Pattern: "runai-*"}); err != nil {
				t.Fatalf("Sync: %v", err)
			}
			if err := c.CoreV1().Secrets("runai-b").Delete(ctx, source.Name, metav1.DeleteOptions{}); err != nil {
				t.Fatal(err)
			}
			if _, err := c.CoreV1().Secrets("runai-b").Create(ctx, foreign, metav1.CreateOptions{}); err != nil {
				t.Fatal(err)
			}
			failWrites(c, "runai-c", "delete", apierrors.NewForbidden(gr, source.Name, errors.New("RBAC says no")))
			return report(propagate.Remove(ctx, c, source))
		}},
	}
}
