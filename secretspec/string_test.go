package secretspec

import (
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	corev1 "k8s.io/api/core/v1"
)

func TestString(t *testing.T) {
	tests := []struct {
		name string
		ref  Ref
		want string
	}{
		{"env", Ref{As: Env, Secret: "my-secret", Key: "username", EnvVar: "MYUSERNAME"}, "env:MYUSERNAME=my-secret/username"},
		{"envFrom", Ref{As: EnvFrom, Secret: "my-env-name", Prefix: "APP_"}, "envFrom:my-env-name;prefix=APP_"},
		{"mount", Ref{As: Mount, Secret: "my-secret", MountPath: "/var/my-app-secret"}, "mount:/var/my-app-secret=my-secret"},
		{"pull", Ref{As: PullSecret, Secret: "regcred"}, "pull:regcred"},
		{"gitSSH", Ref{As: GitSSH, Secret: "my-ssh-name"}, "gitSSH:my-ssh-name"},
		{"gitSSH defaults spelled out stay", Ref{As: GitSSH, Secret: "k", Key: DefaultGitSSHKey, MountPath: DefaultGitSSHPath},
			"gitSSH:/etc/git-ssh=k/ssh-privatekey"},
		{"every option", Ref{
			As: Mount, Secret: "my-secret", MountPath: "/etc/x", Mode: mode(0o440), Optional: true, Containers: []string{"main", "sidecar"},
			Items: []corev1.KeyToPath{{Key: "tls.crt", Path: "certs/tls.crt"}, {Key: "tls.key", Path: "certs/tls.key", Mode: mode(0)}},
		}, "mount:/etc/x=my-secret;items=tls.crt:certs/tls.crt,tls.key:certs/tls.key@0;mode=0440;optional;containers=main,sidecar"},
		{"mode zero is not nil", Ref{As: Mount, Secret: "s", MountPath: "/x", Mode: mode(0)}, "mount:/x=s;mode=0"},
		{"escapes", Ref{As: Env, Secret: "s", Key: "k", EnvVar: "%;,=:@/ \t\x7fé"}, "env:%25%3B%2C%3D%3A%40/ %09%7F%C3%A9=s/k"},
		{"escaped path", Ref{As: Mount, Secret: "s", MountPath: "/data/a=b; c"}, "mount:/data/a%3Db%3B c=s"},
		{"empty lists print nothing", Ref{As: Mount, Secret: "s", MountPath: "/x", Items: []corev1.KeyToPath{}, Containers: []string{}}, "mount:/x=s"},

		// Invalid refs still print every field.
		{"zero", Ref{}, "?:"},
		{"unknown delivery", Ref{As: "fi:le", Secret: "a/b", Key: "k", EnvVar: "V", MountPath: "/m"}, "fi%3Ale:a%2Fb/k;envVar=V;path=/m"},
		{"env without name and key", Ref{As: Env, Secret: "s"}, "env:=s/"},
		{"mount without path", Ref{As: Mount, Secret: "s"}, "mount:=s"},
		{"fields of other deliveries", Ref{As: PullSecret, Secret: "r", Key: "k", EnvVar: "V", Prefix: "P", MountPath: "/m", Mode: mode(-8)},
			"pull:r/k;envVar=V;path=/m;prefix=P;mode=-010"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.ref.String(); got != tt.want {
				t.Errorf("String() = %q, want %q", got, tt.want)
			}
		})
	}
}

// TestStringParsesBack checks that even invalid refs print text that Parse
// reads back into the same fields, whenever their delivery is known.
func TestStringParsesBack(t *testing.T) {
	refs := []Ref{
		{As: Env, Secret: "s"},
		{As: Mount, Secret: "s"},
		{As: PullSecret, Secret: "r", Key: "k", EnvVar: "V", Prefix: "P", MountPath: "/m", Optional: true, Containers: []string{"x"}},
		{As: EnvFrom, Secret: "Bad_Name", EnvVar: "a=b"},
	}
	for _, r := range refs {
		s, serr := parse(r.String())
		if serr != nil {
			t.Errorf("parse(%q): %v", r.String(), serr)
			continue
		}
		if diff := cmp.Diff(r, s, cmpopts.EquateEmpty()); diff != "" {
			t.Errorf("parse(%q) (-want +got):\n%s", r.String(), diff)
		}
	}
}

// refFromFuzz builds a Ref from fuzz input: items are lines "key<TAB>path" with
// an optional third field, the octal mode; containers are lines.
func refFromFuzz(as uint8, secret, key, envVar, prefix, mountPath, items, containers string, m int32, flags uint8) Ref {
	r := Ref{Secret: secret, Key: key, EnvVar: envVar, Prefix: prefix, MountPath: mountPath, Optional: flags&1 != 0}
	r.As = supportedDeliveries()[int(as)%len(supportedDeliveries())]
	if flags&2 != 0 {
		r.Mode = &m
	}
	if items != "" {
		for line := range strings.SplitSeq(items, "\n") {
			f := strings.SplitN(line, "\t", 3)
			it := corev1.KeyToPath{Key: f[0]}
			if len(f) > 1 {
				it.Path = f[1]
			}
			if len(f) > 2 {
				if v, err := strconv.ParseInt(f[2], 8, 32); err == nil {
					it.Mode = mode(int32(v))
				}
			}
			r.Items = append(r.Items, it)
		}
	}
	if containers != "" {
		r.Containers = strings.Split(containers, "\n")
	} else if flags&4 != 0 {
		r.Containers = []string{}
	}
	return r
}

// FuzzRefRoundTrip generates refs, keeps the valid ones and checks that
// Parse(r.String()) gives r back; for every ref it checks that String is
// deterministic and printable.
func FuzzRefRoundTrip(f *testing.F) {
	f.Add(uint8(0), "db", "password", "DB_PASSWORD", "", "", "", "main", int32(0), uint8(1))
	f.Add(uint8(1), "app", "", "", "APP_;x", "", "", "", int32(0), uint8(0))
	f.Add(uint8(2), "tls", "", "", "", "/etc/a=b; c", "tls.crt\tcerts/tls.crt\nkey\tcerts/a,b@c\t400", "main\nsidecar", int32(0o440), uint8(3))
	f.Add(uint8(3), "regcred", "", "", "", "", "", "", int32(0), uint8(0))
	f.Add(uint8(4), "deploy", "id_ed25519", "", "", "/root/.ssh", "hosts\tknown_hosts", "", int32(0o400), uint8(2))
	f.Fuzz(func(t *testing.T, as uint8, secret, key, envVar, prefix, mountPath, items, containers string, m int32, flags uint8) {
		r := refFromFuzz(as, secret, key, envVar, prefix, mountPath, items, containers, m, flags)
		s := r.String()
		if s != r.String() {
			t.Fatal("String() is not deterministic")
		}
		if strings.ContainsFunc(s, func(c rune) bool { return c < ' ' || c > '~' }) {
			t.Fatalf("String() = %q is not printable ASCII", s)
		}
		if len(r.Validate(nil)) > 0 {
			return
		}
		got, err := Parse(s)
		if err != nil {
			t.Fatalf("Parse(%q) = %v", s, err)
		}
		if diff := cmp.Diff(r, got, cmpopts.EquateEmpty()); diff != "" {
			t.Fatalf("round trip through %q (-want +got):\n%s", s, diff)
		}
	})
}

// TestOriginIsNotText: Origin says where a ref came from; it is not part of the text form, so
// String leaves it out and Parse gives the ref back without it.
func TestOriginIsNotText(t *testing.T) {
	r := Ref{As: Env, Secret: "db", Key: "password", EnvVar: "DB_PASSWORD", Origin: "3rd -e flag"}
	s := r.String()
	if want := "env:DB_PASSWORD=db/password"; s != want {
		t.Fatalf("String() = %q, want %q", s, want)
	}
	got, err := Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	r.Origin = ""
	if diff := cmp.Diff(r, got, cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("Parse(String()) (-want +got):\n%s", diff)
	}
	if errs := (Ref{As: Env, Secret: "db", Key: "k", EnvVar: "V", Origin: "not a path = or [anything]"}).Validate(nil); len(errs) != 0 {
		t.Errorf("Origin is validated: %v", errs)
	}
}
