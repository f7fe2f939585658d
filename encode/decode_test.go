package encode

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

func TestDecode(t *testing.T) {
	want := &corev1.Secret{
		TypeMeta:   metav1.TypeMeta{APIVersion: "v1", Kind: "Secret"},
		ObjectMeta: metav1.ObjectMeta{Name: "db", Namespace: "ns", Labels: map[string]string{"app": "x"}},
		Type:       corev1.SecretTypeOpaque,
		Data:       map[string][]byte{"user": []byte("admin"), "pass": []byte("from-stringData"), "extra": []byte("e")},
	}
	for _, tc := range []struct{ name, in string }{
		{"json", `{"apiVersion":"v1","kind":"Secret","metadata":{"name":"db","namespace":"ns","labels":{"app":"x"}},
			"type":"Opaque","data":{"user":"YWRtaW4=","pass":"b2xk"},"stringData":{"pass":"from-stringData","extra":"e"}}`},
		{"yaml", "# a comment\napiVersion: v1\nkind: Secret\nmetadata:\n  name: db\n  namespace: ns\n  labels: {app: x}\ntype: Opaque\n" +
			"data:\n  user: YWRtaW4=\n  pass: b2xk\nstringData:\n  pass: from-stringData\n  extra: e\n"},
		{"yaml flow mapping", "{apiVersion: v1, kind: Secret, metadata: {name: db, namespace: ns, labels: {app: x}}, type: Opaque,\n" +
			" data: {user: YWRtaW4=, pass: b2xk}, stringData: {pass: from-stringData, extra: e}}"},
		{"yaml with separators and empty documents", "---\n# only a comment\n---\napiVersion: v1\nkind: Secret\nmetadata: {name: db, namespace: ns, labels: {app: x}}\n" +
			"type: Opaque\ndata: {user: YWRtaW4=, pass: b2xk}\nstringData: {pass: from-stringData, extra: e}\n---\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Decode([]byte(tc.in))
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("Decode (-want +got):\n%s", diff)
			}
		})
	}
	empty, err := Decode([]byte(`{"apiVersion":"v1","kind":"Secret","metadata":{"name":"e"}}`))
	if err != nil || empty.Data == nil {
		t.Errorf("no data: want a non-nil empty map, got %v", err)
	}
}

func TestDecodeErrors(t *testing.T) {
	v := secretValue
	for _, tc := range []struct {
		name, in string
		want     DecodeError
	}{
		{"empty", " \n", DecodeError{Offset: -1, Reason: "empty manifest, expected one Secret"}},
		{"over 3 MiB", "# " + v + strings.Repeat(" ", 3<<20), DecodeError{Offset: -1, Reason: "manifest is 3145755 bytes, more than the 3145728 bytes (3 MiB) the API server accepts in one request"}},
		{"json syntax", `{"apiVersion":"v1","data":{"a":` + v + `}}`, DecodeError{Offset: 32, Reason: "invalid JSON"}},
		{"json truncated", `{"apiVersion":"v1","data":{"a":"` + v, DecodeError{Offset: -1, Reason: "unexpected end of input"}},
		{"two json objects", `{"apiVersion":"v1","kind":"Secret"} {"a":"` + v + `"}`, DecodeError{Offset: 36, Reason: "several documents, expected one Secret"}},
		{"json garbage after", `{"apiVersion":"v1","kind":"Secret"} ` + v, DecodeError{Offset: 36, Reason: "unexpected data after the Secret"}},
		{"unknown field", `{"apiVersion":"v1","kind":"Secret","spec":{"x":"` + v + `"}}`, DecodeError{Offset: 35, Field: "spec", Reason: "unknown field, not part of a v1 Secret"}},
		{"unknown metadata field", "apiVersion: v1\nkind: Secret\nmetadata:\n  nam: x\n", DecodeError{Offset: -1, Field: "metadata.nam", Reason: "unknown field, not part of a v1 Secret"}},
		{"wrong kind", `{"apiVersion":"v1","kind":"ConfigMap"}`, DecodeError{Offset: -1, Field: "kind", Reason: `must be "Secret"`}},
		{"missing kind", `{"apiVersion":"v1"}`, DecodeError{Offset: -1, Field: "kind", Reason: `must be "Secret"`}},
		{"wrong apiVersion", `{"apiVersion":"v2","kind":"Secret"}`, DecodeError{Offset: -1, Field: "apiVersion", Reason: `must be "v1"`}},
		{"bad base64", `{"apiVersion":"v1","kind":"Secret","data":{"ok":"b2s=","tls.key":"` + v + `"}}`, DecodeError{Offset: -1, Field: "data[tls.key]", Reason: "invalid base64 at byte 6 of the value"}},
		{"number as data", "apiVersion: v1\nkind: Secret\ndata:\n  a: 12345678\n", DecodeError{Offset: -1, Field: "data[a]", Reason: "expected a base64 string"}},
		{"json number as data", `{"apiVersion":"v1","kind":"Secret","data":{"a":12345678}}`, DecodeError{Offset: -1, Field: "data[a]", Reason: "expected a base64 string"}},
		{"object as stringData", `{"apiVersion":"v1","kind":"Secret","stringData":{"b":{"x":"12345678"}}}`, DecodeError{Offset: -1, Field: "stringData[b]", Reason: "expected a string"}},
		{"labels not strings", `{"apiVersion":"v1","kind":"Secret","metadata":{"labels":{"a":12345678}}}`, DecodeError{Offset: 69, Field: "metadata.labels", Reason: "expected a value of type string"}},
		{"array", "- " + v + "\n", DecodeError{Offset: -1, Reason: "expected a JSON object (a Secret)"}},
		{"scalar", v + "\n", DecodeError{Offset: -1, Reason: "expected a JSON object (a Secret)"}},
		{"two yaml documents", "apiVersion: v1\nkind: Secret\n---\napiVersion: v1\nkind: Secret\ndata: {a: " + v + "}\n", DecodeError{Offset: -1, Line: 3, Reason: "several documents, expected one Secret"}},
		{"document hidden after a marker", "apiVersion: v1\nkind: Secret\n--- {a: " + v + "}\n", DecodeError{Offset: -1, Line: 3, Reason: "several documents, expected one Secret"}},
		{"document after an end marker", "apiVersion: v1\nkind: Secret\n...\na: " + v + "\n", DecodeError{Offset: -1, Line: 3, Reason: "several documents, expected one Secret"}},
		{"flow mapping then more", "# c\n{apiVersion: v1, kind: Secret}\na: " + v + "\n", DecodeError{Offset: -1, Line: 2, Reason: "invalid YAML: content after the end of the document"}},
		{"json then garbage that is not JSON", `{"apiVersion":"v1","kind":"Secret"} {a: ` + v + `}`, DecodeError{Offset: 36, Reason: "unexpected data after the Secret"}},
		{"only comments", "# nothing\n---\n", DecodeError{Offset: -1, Reason: "no document, expected one Secret"}},
		{"yaml syntax", "apiVersion: v1\nkind: Secret\ndata:\n  a: [" + v + "\n", DecodeError{Offset: -1, Line: 4, Reason: "invalid YAML"}},
		{"yaml syntax in second document", "# c\n---\napiVersion: v1\nkind: Secret\ndata:\n  a: \"" + v + "\n", DecodeError{Offset: -1, Line: 7, Reason: "invalid YAML"}},
		{"yaml duplicate key", "apiVersion: v1\nkind: Secret\ndata:\n  a: " + v + "\n  a: " + v + "\n", DecodeError{Offset: -1, Line: 5, Reason: "invalid YAML: a mapping key appears twice"}},
		{"time after year 9999 in UTC", `{"apiVersion":"v1","kind":"Secret","metadata":{"creationTimestamp":"9999-12-31T23:59:59-23:59"}}`, DecodeError{Offset: -1, Field: "metadata.creationTimestamp", Reason: "a time whose year in UTC is outside 0000 to 9999"}},
		{"time before year 0 in UTC", "apiVersion: v1\nkind: Secret\nmetadata:\n  deletionTimestamp: \"0000-01-01T00:00:00+00:01\"\n", DecodeError{Offset: -1, Field: "metadata.deletionTimestamp", Reason: "a time whose year in UTC is outside 0000 to 9999"}},
		{"managed fields time", `{"apiVersion":"v1","kind":"Secret","metadata":{"managedFields":[{"manager":"a"},{"time":"9999-12-31T23:00:00-01:00"}]}}`, DecodeError{Offset: -1, Field: "metadata.managedFields[1].time", Reason: "a time whose year in UTC is outside 0000 to 9999"}},
		{"bad timestamp", `{"apiVersion":"v1","kind":"Secret","metadata":{"creationTimestamp":"` + v + `"}}`, DecodeError{Offset: -1, Reason: "a field holds a value of the wrong form"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Decode([]byte(tc.in))
			var de *DecodeError
			if !errors.As(err, &de) {
				t.Fatalf("want a *DecodeError, got %T %v", err, err)
			}
			if diff := cmp.Diff(tc.want, *de); diff != "" {
				t.Errorf("DecodeError (-want +got):\n%s", diff)
			}
			if !decodeReasons.MatchString(de.Reason) {
				t.Errorf("reason %q missing from decodeReasons, the list FuzzDecode allows", de.Reason)
			}
			noLeak(t, err, v, "1234")
		})
	}
}

func TestMarshalRoundTrip(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"t/a b/c": "1", "t/d": "\x00\xff binary"})
	cert, key := testPair(t)
	yes := true
	var secrets []*corev1.Secret
	add := func(s *corev1.Secret, err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		secrets = append(secrets, s)
	}
	add(Generic("empty"))
	add(Generic("mixed", Literal("k", "v\n"), Literal("empty", ""), Tree(dir+"/t")))
	add(DockerRegistry("reg", "r.example.com", "u", "p<&>", "e@x"))
	add(TLS("web", cert, key))
	add(BasicAuth("b", "u", "p"))
	full := newSecret("full", corev1.SecretTypeOpaque)
	full.Namespace = "ns"
	full.Labels = map[string]string{"a": "b"}
	full.Annotations = map[string]string{"n": "o"}
	full.Immutable = &yes
	full.Data["x"] = []byte("y")
	secrets = append(secrets, full)
	for _, s := range secrets {
		for _, f := range []string{"json", "yaml"} {
			b, err := Marshal(s, f)
			if err != nil {
				t.Fatal(err)
			}
			b2, _ := Marshal(s, f)
			if string(b) != string(b2) {
				t.Errorf("%s/%s: two Marshal calls differ", s.Name, f)
			}
			got, err := Decode(b)
			if err != nil {
				t.Fatalf("%s/%s: Decode(Marshal(s)): %v", s.Name, f, err)
			}
			if !cmpEqual(s, got) {
				t.Errorf("%s/%s: Decode(Marshal(s)) differs from s", s.Name, f)
			}
		}
	}
	if _, err := Marshal(secrets[0], "xml"); err == nil || !strings.Contains(err.Error(), `unknown format "xml"`) {
		t.Errorf("unknown format: %v", err)
	}
	withString := newSecret("s", "")
	withString.Data["a"] = []byte("old")
	withString.StringData = map[string]string{"a": "new"}
	b, _ := Marshal(withString, "yaml")
	if want := "apiVersion: v1\ndata:\n  a: bmV3\nkind: Secret\nmetadata:\n  name: s\n"; string(b) != want {
		t.Errorf("stringData not folded:\n%s", b)
	}
	if withString.StringData == nil || string(withString.Data["a"]) != "old" {
		t.Error("Marshal modified its argument")
	}
}

// cmpEqual compares two Secrets exactly (nil and empty maps differ).
func cmpEqual(a, b *corev1.Secret) bool { return cmp.Equal(a, b) }

// TestDecodeDuplicateKeys: a JSON key given twice in one object is refused, as the YAML path
// and kubectl's strict decoding do, instead of silently keeping the last value. The error gives
// the byte offset of the second key and its path, never a value.
func TestDecodeDuplicateKeys(t *testing.T) {
	const head = `{"apiVersion":"v1","kind":"Secret",`
	v := secretValue
	b64 := "c2VjcmV0LXZhbHVl" // base64 of a value that must not appear either
	for _, tc := range []struct {
		name, in string
		second   string // the second occurrence of the key, found from the end of in
		field    string
	}{
		{"data key", head + `"data":{"password":"` + b64 + `","password":"` + v + `"}}`, `"password"`, "data[password]"},
		{"data key with a dot", head + `"data":{"tls.key":"` + b64 + `", "tls.key" :"` + b64 + `"}}`, `"tls.key" `, "data[tls.key]"},
		{"data key spelled with an escape", head + `"data":{"password":"` + b64 + `","pass\u0077ord":"` + b64 + `"}}`, `"pass\u0077ord"`, "data[password]"},
		{"stringData key", head + `"stringData":{"a":"` + v + `","b":"x","a":"` + v + `"}}`, `"a"`, "stringData[a]"},
		{"top-level field", head + `"kind":"Secret"}`, `"kind"`, "kind"},
		{"whole data object", head + `"data":{"a":"` + b64 + `"},"data":{"a":"` + b64 + `"}}`, `"data"`, "data"},
		{"label", head + `"metadata":{"name":"n","labels":{"app":"` + v + `","app":"y"}}}`, `"app"`, "metadata.labels[app]"},
		{"in a list", head + `"metadata":{"managedFields":[{"manager":"a"},{"manager":"a","operation":"Apply","manager":"b"}]}}`, `"manager"`, "metadata.managedFields[1].manager"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, err := Decode([]byte(tc.in))
			if s != nil {
				t.Error("a Secret returned with a duplicate key")
			}
			var de *DecodeError
			if !errors.As(err, &de) {
				t.Fatalf("want a *DecodeError, got %T", err)
			}
			want := DecodeError{Offset: int64(strings.LastIndex(tc.in, tc.second)), Field: tc.field, Reason: "a key appears twice in one object"}
			if diff := cmp.Diff(want, *de); diff != "" {
				t.Errorf("DecodeError (-want +got):\n%s", diff)
			}
			noLeak(t, err, v, b64, "c2VjcmV0")
		})
	}
	// The same key in different objects, and map keys differing only in case, are no duplicates.
	for _, in := range []string{
		head + `"metadata":{"name":"a","labels":{"a":"1"},"annotations":{"a":"2"}},"data":{"a":"` + b64 + `"},"stringData":{"a":"x"}}`,
		head + `"metadata":{"labels":{"a":"1","A":"2"},"managedFields":[{"fieldsV1":{"f:data":{"f:a":{},"f:A":{}}}}]},"data":{"a":"` + b64 + `","A":"` + b64 + `"}}`,
	} {
		if _, err := Decode([]byte(in)); err != nil {
			t.Errorf("no duplicate: %v", err)
		}
	}
}

// TestDecodeFieldNamesExact: field names are case-sensitive, as in the API
// server's strict decoding, although encoding/json matches them ignoring
// case. A name in another case is an unknown field, reported with its path
// (and, for JSON, its byte offset), never a value.
func TestDecodeFieldNamesExact(t *testing.T) {
	const head = `{"apiVersion":"v1","kind":"Secret",`
	v := secretValue
	b64 := "c2VjcmV0LXZhbHVl"
	for _, tc := range []struct {
		name, in string
		at       string // the unknown key as written, found from the end of in; "" for YAML (no offset)
		field    string
	}{
		{"fuzz crash input", `{"ApiVersion":"v1","kind":"Secret","dAtA":{"\u007f":""}}`, `"ApiVersion"`, "ApiVersion"},
		{"data in capitals", head + `"Data":{"a":"` + b64 + `"}}`, `"Data"`, "Data"},
		{"data in mixed case", head + `"dAtA":{"a":"` + b64 + `"}}`, `"dAtA"`, "dAtA"},
		{"kind in capitals", `{"apiVersion":"v1","KIND":"Secret"}`, `"KIND"`, "KIND"},
		{"data after data", head + `"data":{"a":"` + b64 + `"},"Data":{"a":"` + v + `"}}`, `"Data"`, "Data"},
		{"stringData with a long s", head + `"\u017ftringData":{"a":"` + v + `"}}`, `"\u017ftringData"`, "ſtringData"},
		{"kind with a Kelvin sign", `{"apiVersion":"v1","\u212aind":"Secret"}`, `"\u212aind"`, "\u212aind"},
		{"type in capitals", head + `"Type":"Opaque"}`, `"Type"`, "Type"},
		{"immutable in capitals", head + `"IMMUTABLE":true}`, `"IMMUTABLE"`, "IMMUTABLE"},
		{"metadata in capitals", head + `"Metadata":{"name":"n"}}`, `"Metadata"`, "Metadata"},
		{"metadata name", head + `"metadata":{"Name":"n"}}`, `"Name"`, "metadata.Name"},
		{"labels", head + `"metadata":{"Labels":{"a":"` + v + `"}}}`, `"Labels"`, "metadata.Labels"},
		{"owner reference field", head + `"metadata":{"ownerReferences":[{"uid":"1"},{"UID":"` + v + `"}]}}`, `"UID"`, "metadata.ownerReferences[1].UID"},
		{"managed fields entry", head + `"metadata":{"managedFields":[{"Manager":"a"}]}}`, `"Manager"`, "metadata.managedFields[0].Manager"},
		{"unknown field anywhere", head + `"metadata":{"name":"n","spec":{"x":"` + v + `"}}}`, `"spec"`, "metadata.spec"},
		{"yaml apiVersion", "ApiVersion: v1\nkind: Secret\n", "", "ApiVersion"},
		{"yaml data", "apiVersion: v1\nkind: Secret\nDATA:\n  a: " + b64 + "\n", "", "DATA"},
		{"yaml metadata name", "apiVersion: v1\nkind: Secret\nmetadata:\n  NAME: x\n", "", "metadata.NAME"},
		{"yaml flow mapping", "# c\n{apiVersion: v1, kind: Secret, stringdata: {a: " + v + "}}", "", "stringdata"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, err := Decode([]byte(tc.in))
			if s != nil {
				t.Error("a Secret returned with an unknown field")
			}
			var de *DecodeError
			if !errors.As(err, &de) {
				t.Fatalf("want a *DecodeError, got %T", err)
			}
			want := DecodeError{Offset: -1, Field: tc.field, Reason: "unknown field, not part of a v1 Secret"}
			if tc.at != "" {
				want.Offset = int64(strings.LastIndex(tc.in, tc.at))
			}
			if diff := cmp.Diff(want, *de); diff != "" {
				t.Errorf("DecodeError (-want +got):\n%s", diff)
			}
			noLeak(t, err, v, b64, "c2VjcmV0")
		})
	}
	// Map keys are no field names: any case is kept as written.
	got, err := Decode([]byte(head + `"metadata":{"name":"n","labels":{"Data":"x"},"annotations":{"KIND":"y"}},"data":{"Data":"` + b64 + `"},"stringData":{"Kind":"z"}}`))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"Data", "Kind"}, sortedKeys(got.Data)); diff != "" {
		t.Errorf("data keys (-want +got):\n%s", diff)
	}
}
