package encode

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	k8svalidation "k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

func TestValidate(t *testing.T) {
	v := []byte(secretValue)
	mk := func(typ corev1.SecretType, data map[string][]byte) *corev1.Secret {
		s := newSecret("ok", typ)
		s.Data = data
		return s
	}
	for _, tc := range []struct {
		name string
		s    *corev1.Secret
		want []string // "type path" of each error, in order
	}{
		{"opaque ok", mk("", map[string][]byte{"a": v}), nil},
		{"unknown type ok", mk("example.com/thing", nil), nil},
		{"bad key", mk(corev1.SecretTypeOpaque, map[string][]byte{"a/b": v, "..x": v}), []string{"FieldValueInvalid data[..x]", "FieldValueInvalid data[a/b]"}},
		{"exactly 1 MiB", mk("", map[string][]byte{"a": make([]byte, MaxSize-1), "b": {1}}), nil},
		{"1 MiB and one byte", mk("", map[string][]byte{"a": make([]byte, MaxSize), "b": {1}}), []string{"FieldValueTooLong data"}},
		{"service account token", mk(corev1.SecretTypeServiceAccountToken, nil), []string{"FieldValueRequired metadata.annotations[kubernetes.io/service-account.name]"}},
		{"dockercfg missing", mk(corev1.SecretTypeDockercfg, nil), []string{"FieldValueRequired data[.dockercfg]"}},
		{"dockercfg not JSON", mk(corev1.SecretTypeDockercfg, map[string][]byte{".dockercfg": v}), []string{"FieldValueInvalid data[.dockercfg]"}},
		{"dockerconfigjson missing", mk(corev1.SecretTypeDockerConfigJson, nil), []string{"FieldValueRequired data[.dockerconfigjson]"}},
		{"dockerconfigjson array", mk(corev1.SecretTypeDockerConfigJson, map[string][]byte{".dockerconfigjson": []byte(`["` + secretValue + `"]`)}), []string{"FieldValueInvalid data[.dockerconfigjson]"}},
		{"dockerconfigjson ok", mk(corev1.SecretTypeDockerConfigJson, map[string][]byte{".dockerconfigjson": []byte(`{"auths":{}}`)}), nil},
		{"basic-auth empty", mk(corev1.SecretTypeBasicAuth, nil), []string{"FieldValueRequired data[username]", "FieldValueRequired data[password]"}},
		{"basic-auth password only", mk(corev1.SecretTypeBasicAuth, map[string][]byte{"password": {}}), nil},
		{"ssh-auth empty key", mk(corev1.SecretTypeSSHAuth, map[string][]byte{"ssh-privatekey": {}}), []string{"FieldValueRequired data[ssh-privatekey]"}},
		{"tls missing both", mk(corev1.SecretTypeTLS, nil), []string{"FieldValueRequired data[tls.crt]", "FieldValueRequired data[tls.key]"}},
		{"tls empty values ok", mk(corev1.SecretTypeTLS, map[string][]byte{"tls.crt": {}, "tls.key": {}}), nil},
		{"bad name and namespace", func() *corev1.Secret {
			s := mk("", nil)
			s.Name, s.Namespace = "Bad_Name", "a.b"
			return s
		}(), []string{"FieldValueInvalid metadata.name", "FieldValueInvalid metadata.namespace"}},
		{"finalizers", func() *corev1.Secret {
			s := mk("", nil)
			s.Finalizers = []string{"foo", "kubernetes", "orphan", "foregroundDeletion", "example.com/cleanup", "bad name", "Bad/x"}
			return s
		}(), []string{
			// apimachinery's qualified-name check reports at the list, as the API server does
			"FieldValueInvalid metadata.finalizers", "FieldValueInvalid metadata.finalizers", "FieldValueInvalid metadata.finalizers",
			"FieldValueInvalid metadata.finalizers[0]", "FieldValueInvalid metadata.finalizers[5]",
		}},
		{"stringData counted", func() *corev1.Secret {
			s := mk(corev1.SecretTypeBasicAuth, nil)
			s.StringData = map[string]string{"username": "u", "bad key": "x"}
			return s
		}(), []string{"FieldValueInvalid data[bad key]"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			errs := Validate(tc.s)
			var got []string
			for _, e := range errs {
				got = append(got, string(e.Type)+" "+e.Field)
				if strings.Contains(e.Error(), secretValue) {
					t.Errorf("error leaks a value: %s", e.Field)
				}
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("errors (-want +got):\n%s", diff)
			}
		})
	}
}

// TestValidateMessages checks the messages the API server gives for metadata, each led by
// what was wrong where apimachinery only states the rule.
func TestValidateMessages(t *testing.T) {
	s := newSecret("My-Secret", "")
	s.Namespace = "Team_A"
	s.Finalizers = []string{"cleanup"}
	want := []string{
		`metadata.name: Invalid value: "My-Secret": must be lower case ("M" at byte 0): ` + k8svalidation.IsDNS1123Subdomain("My-Secret")[0],
		`metadata.namespace: Invalid value: "Team_A": must be lower case ("T" at byte 0): ` + k8svalidation.IsDNS1123Label("Team_A")[0],
		`metadata.finalizers[0]: Invalid value: "cleanup": name is neither a standard finalizer name nor is it fully qualified`,
	}
	var got []string
	for _, e := range Validate(s) {
		got = append(got, e.Error())
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Validate (-want +got):\n%s", diff)
	}
}

func TestValidateSizeMessage(t *testing.T) {
	s := newSecret("big", "")
	s.Data["a"] = make([]byte, MaxSize+5)
	errs := Validate(s)
	if len(errs) != 1 || errs[0].Type != field.ErrorTypeTooLong {
		t.Fatalf("want one TooLong error, got %v", errs)
	}
	if msg := errs[0].Error(); !strings.Contains(msg, "1048581 bytes") || !strings.Contains(msg, "1048576") {
		t.Errorf("size error must give the size and the limit: %s", msg)
	}
	if errs := Validate(nil); len(errs) != 1 {
		t.Errorf("Validate(nil): want one error, got %v", errs)
	}
}
