package encode

import (
	"bytes"
	"encoding/json"
	"errors"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// decodeReasons are every Reason a *DecodeError may carry, digits aside: a
// reason outside this list could be quoting the input.
var decodeReasons = regexp.MustCompile(`^(empty manifest, expected one Secret|invalid JSON|unexpected end of input|` +
	`several documents, expected one Secret|unexpected data after the Secret|unknown field, not part of a v1 Secret|` +
	`must be "v1"|must be "Secret"|invalid base64( at byte \d+ of the value)?|expected a JSON object \(a Secret\)|` +
	`expected a value of type [][a-zA-Z0-9.*]+|expected a (base64 )?string|no document, expected one Secret|invalid YAML(: a mapping key appears twice|: content after the end of the document)?|` +
	`a field holds a value of the wrong form|a key appears twice in one object|a time whose year in UTC is outside 0000 to 9999|` +
	`manifest is \d+ bytes, more than the \d+ bytes \(3 MiB\) the API server accepts in one request)$`)

func FuzzDecode(f *testing.F) {
	f.Add([]byte(`{"apiVersion":"v1","kind":"Secret","metadata":{"name":"a"},"data":{"k":"dg=="},"stringData":{"s":"x"}}`))
	f.Add([]byte("apiVersion: v1\nkind: Secret\nmetadata:\n  name: a\ntype: Opaque\ndata:\n  k: dg==\n"))
	f.Add([]byte(`{"apiVersion":"v1","kind":"Secret","metadata":{"labels":{"a":"b"}},"data":{"k":"dg==","k":"dw=="}}`))
	f.Add([]byte(`{"apiVersion":"v1","kind":"Secret","metadata":{"name":"a","annotations":{"a":"\u007f\u0085\ufeff"}},"data":{"\u007f":""}}`))
	f.Add([]byte(`{"apiVersion":"v1","kind":"Secret","metadata":{"name":"a","creationTimestamp":"2020-01-01T00:00:00.5+01:00",` +
		`"managedFields":[{"manager":"m","time":"9999-12-31T23:00:00-01:00","fieldsV1":{"f:a":{"x":1e2}}}]}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := Decode(data)
		if err != nil {
			var de *DecodeError
			if !errors.As(err, &de) {
				t.Fatalf("error of type %T, want *DecodeError", err)
			}
			if !decodeReasons.MatchString(de.Reason) {
				t.Fatalf("unexpected reason (may quote input): %q", de.Reason)
			}
			return
		}
		if s.APIVersion != "v1" || s.Kind != "Secret" || s.Data == nil || s.StringData != nil {
			t.Fatal("decoded Secret is not normalised")
		}
		valid := len(Validate(s)) == 0
		for _, format := range []string{"json", "yaml"} {
			b, err := Marshal(s, format)
			if err != nil {
				// The only refusal: data keys the API server refuses, each
				// named with the reason Validate gives and nothing else.
				for _, e := range unjoin(err) {
					var ke *KeyError
					if !errors.As(e, &ke) || ke.Source != "marshal" || ke.Reason != keyReason(ke.Key) || len(isConfigMapKey(ke.Key)) == 0 {
						t.Fatalf("Marshal %s: an error other than an invalid key (%T)", format, e)
					}
					if _, ok := s.Data[ke.Key]; !ok {
						t.Fatalf("Marshal %s: names a key %q the Secret does not have", format, ke.Key)
					}
				}
				if valid {
					t.Fatalf("Marshal %s refused a Secret Validate accepts: %v", format, err)
				}
				continue
			}
			s2, err := Decode(b)
			if err != nil {
				t.Fatalf("Decode(Marshal(s, %s)): %v", format, err)
			}
			if !cmp.Equal(s, s2, roundTripEqual) {
				t.Fatalf("%s: Decode(Marshal(s)) differs from s (valid: %v)", format, valid)
			}
			b2, err := Marshal(s2, format)
			if err != nil || !bytes.Equal(b, b2) {
				t.Fatalf("%s: Marshal(Decode(Marshal(s))) differs from Marshal(s)", format)
			}
		}
	})
}

// roundTripEqual compares Secrets as a manifest carries them: timestamps at
// the second (metav1.Time writes RFC 3339 seconds), managed fields' JSON by
// meaning (it is written compact, and through YAML re-ordered), and a
// missing map or list the same as an empty one (written as neither).
var roundTripEqual = cmp.Options{
	cmpopts.EquateEmpty(),
	cmp.Comparer(func(a, b metav1.Time) bool { return a.Truncate(time.Second).Equal(b.Truncate(time.Second)) }),
	cmp.Comparer(func(a, b metav1.FieldsV1) bool {
		var x, y any
		return json.Unmarshal(a.Raw, &x) == nil && json.Unmarshal(b.Raw, &y) == nil && cmp.Equal(x, y)
	}),
}

// envReasons are every Reason an *EnvFileError may carry; the only input
// text allowed in one is a duplicate key, itself a valid variable name.
var envReasons = regexp.MustCompile(`^(not valid UTF-8|no '=' in line \(kubectl would read the value from its environment; podsecrets refuses\)|` +
	`empty variable name before '='|invalid variable name: .*|invalid Secret key: .*|` +
	`duplicate key "[-._a-zA-Z][-._a-zA-Z0-9]*", first set on line \d+|line longer than \d+ bytes)$`)

func FuzzEnvFile(f *testing.F) {
	f.Add([]byte("\xEF\xBB\xBFA=1\n# c\n\n  B=\"q\" \r\nC=x=y"))
	f.Add([]byte("A=1\nA=2\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		type pair struct{ K, V string }
		var got []pair
		err := parseEnvFile(bytes.NewReader(data), "fuzz.env", MaxSize, func(_ int, k, v string) error {
			got = append(got, pair{k, v})
			return nil
		})
		if err != nil {
			var ee *EnvFileError
			var se *SizeError
			switch {
			case errors.As(err, &ee):
				if !envReasons.MatchString(ee.Reason) {
					t.Fatalf("unexpected reason (may quote input): %q", ee.Reason)
				}
				// The static messages may name the rules; they must not
				// carry the offending line.
				msg := strings.ReplaceAll(ee.Reason, "invalid variable name: ", "")
				msg = strings.ReplaceAll(msg, "invalid Secret key: ", "")
				if len(isEnvVarName(msg)) == 0 && strings.Contains(string(data), msg) && !strings.HasPrefix(ee.Reason, "duplicate") {
					t.Fatalf("reason is a piece of the input")
				}
			case errors.As(err, &se):
			default:
				t.Fatalf("error of type %T", err)
			}
			return
		}
		var buf bytes.Buffer
		for _, p := range got {
			if len(isEnvVarName(p.K)) != 0 || len(isConfigMapKey(p.K)) != 0 || strings.ContainsRune(p.V, '\n') {
				t.Fatalf("accepted an invalid pair (key %q)", p.K)
			}
			buf.WriteString(p.K + "=" + p.V + "\r\n")
		}
		var again []pair
		if err := parseEnvFile(&buf, "again.env", MaxSize, func(_ int, k, v string) error {
			again = append(again, pair{k, v})
			return nil
		}); err != nil {
			t.Fatalf("re-reading the written pairs: %v", err)
		}
		if !cmp.Equal(got, again) {
			t.Fatal("pairs do not round trip")
		}
	})
}
