package secretspec

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	corev1 "k8s.io/api/core/v1"
)

func TestParse(t *testing.T) {
	tests := []struct {
		in   string
		want Ref
	}{
		{"env:MYUSERNAME=my-secret/username", Ref{As: Env, Secret: "my-secret", Key: "username", EnvVar: "MYUSERNAME"}},
		{"envFrom:my-env-name", Ref{As: EnvFrom, Secret: "my-env-name"}},
		{"mount:/var/my-app-secret=my-secret", Ref{As: Mount, Secret: "my-secret", MountPath: "/var/my-app-secret"}},
		{"pull:regcred", Ref{As: PullSecret, Secret: "regcred"}},
		{"gitSSH:my-ssh-name", Ref{As: GitSSH, Secret: "my-ssh-name"}},
		{"envFrom:app;prefix=APP_", Ref{As: EnvFrom, Secret: "app", Prefix: "APP_"}},
		{"mount:/etc/tls=tls/tls.crt;mode=0440", Ref{As: Mount, Secret: "tls", Key: "tls.crt", MountPath: "/etc/tls", Mode: mode(0o440)}},
		{"mount:/etc/x=my-secret;items=tls.crt:certs/tls.crt,tls.key:certs/tls.key@0400;mode=0440;optional;containers=main,sidecar", Ref{
			As: Mount, Secret: "my-secret", MountPath: "/etc/x", Mode: mode(0o440), Optional: true, Containers: []string{"main", "sidecar"},
			Items: []corev1.KeyToPath{{Key: "tls.crt", Path: "certs/tls.crt"}, {Key: "tls.key", Path: "certs/tls.key", Mode: mode(0o400)}},
		}},
		{"mount:/x=s;containers=main,sidecar;optional;mode=440;items=a:b", Ref{
			As: Mount, Secret: "s", MountPath: "/x", Mode: mode(0o440), Optional: true, Containers: []string{"main", "sidecar"},
			Items: []corev1.KeyToPath{{Key: "a", Path: "b"}},
		}},
		{"mount:/x=s;mode=0", Ref{As: Mount, Secret: "s", MountPath: "/x", Mode: mode(0)}},
		{"mount:/x=s;mode=0000777", Ref{As: Mount, Secret: "s", MountPath: "/x", Mode: mode(0o777)}},
		{"gitSSH:/root/.ssh=deploy/id_ed25519;items=hosts:known_hosts;mode=0400;optional", Ref{
			As: GitSSH, Secret: "deploy", Key: "id_ed25519", MountPath: "/root/.ssh", Mode: mode(0o400), Optional: true,
			Items: []corev1.KeyToPath{{Key: "hosts", Path: "known_hosts"}},
		}},
		{"env:TOKEN=api/token;optional;containers=main", Ref{As: Env, Secret: "api", Key: "token", EnvVar: "TOKEN", Optional: true, Containers: []string{"main"}}},
		{"env:a/b c!=s/k", Ref{As: Env, Secret: "s", Key: "k", EnvVar: "a/b c!"}},
		{"env:%3b%3A%2c%40%25=s/k", Ref{As: Env, Secret: "s", Key: "k", EnvVar: ";:,@%"}},
		{"mount:/data/a%3Db%3B c=my-secret", Ref{As: Mount, Secret: "my-secret", MountPath: "/data/a=b; c"}},
		{"mount:/x=s;items=k:a%2Cb%3Ac%40d%3De/f g", Ref{As: Mount, Secret: "s", MountPath: "/x", Items: []corev1.KeyToPath{{Key: "k", Path: "a,b:c@d=e/f g"}}}},
		{"envFrom:s;prefix=%41", Ref{As: EnvFrom, Secret: "s", Prefix: "A"}},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := Parse(tt.in)
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if diff := cmp.Diff(tt.want, got, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("Parse (-want +got):\n%s", diff)
			}
		})
	}
}

func TestParseSyntaxError(t *testing.T) {
	tests := []struct {
		in   string
		want SyntaxError
	}{
		{"", SyntaxError{Offset: 0, Msg: `expected ":" after the delivery (env, envFrom, mount, pull or gitSSH)`}},
		{"my-secret", SyntaxError{Offset: 9, Msg: `expected ":" after the delivery (env, envFrom, mount, pull or gitSSH)`}},
		{"Env:A=s/k", SyntaxError{Offset: 0, Msg: `unknown delivery; expected env, envFrom, mount, pull or gitSSH before ":"`}},
		{"env:FOO", SyntaxError{Offset: 7, Msg: `expected "=" after env var name`}},
		{"env:FOO;optional", SyntaxError{Offset: 7, Msg: `expected "=" after env var name`}},
		{"env:FOO=s", SyntaxError{Offset: 9, Msg: `expected "/" between secret name and key`}},
		{"env:FOO=s/k/l", SyntaxError{Offset: 11, Msg: `unexpected "/" in key (write it as %2F)`}},
		{"env:A:B=s/k", SyntaxError{Offset: 5, Msg: `unexpected ":" in env var name (write it as %3A)`}},
		{"env:A=s=t/k", SyntaxError{Offset: 7, Msg: `unexpected "=" in secret name (write it as %3D)`}},
		{"env:A%zz=s/k", SyntaxError{Offset: 5, Msg: `expected two hex digits after "%" in env var name`}},
		{"env:A%4=s/k", SyntaxError{Offset: 5, Msg: `expected two hex digits after "%" in env var name`}},
		{"env:A=s/k%", SyntaxError{Offset: 9, Msg: `expected two hex digits after "%" in key`}},
		{"mount:my-secret", SyntaxError{Offset: 15, Msg: `expected "=" after mount path`}},
		{"mount:/a,b=s", SyntaxError{Offset: 8, Msg: `unexpected "," in mount path (write it as %2C)`}},
		{"mount:/a=s/k@", SyntaxError{Offset: 12, Msg: `unexpected "@" in key (write it as %40)`}},
		{"gitSSH:/a:b=s", SyntaxError{Offset: 9, Msg: `unexpected ":" in mount path (write it as %3A)`}},
		{"pull:a=b", SyntaxError{Offset: 6, Msg: `unexpected "=" in secret name (write it as %3D)`}},
		{"envFrom:s/k/l", SyntaxError{Offset: 11, Msg: `unexpected "/" in key (write it as %2F)`}},
		{"env:A=s/k;", SyntaxError{Offset: 10, Msg: `expected an option after ";" (prefix, items, mode, optional, containers, envVar or path)`}},
		{"env:A=s/k;;optional", SyntaxError{Offset: 10, Msg: `expected an option after ";" (prefix, items, mode, optional, containers, envVar or path)`}},
		{"env:A=s/k;secret=x", SyntaxError{Offset: 10, Msg: "unknown option; expected prefix, items, mode, optional, containers, envVar or path"}},
		{"env:A=s/k;Optional", SyntaxError{Offset: 10, Msg: "unknown option; expected prefix, items, mode, optional, containers, envVar or path"}},
		{"env:A=s/k;optional=true", SyntaxError{Offset: 18, Msg: `option "optional" takes no value`}},
		{"env:A=s/k;optional;optional", SyntaxError{Offset: 19, Msg: `option "optional" given twice`}},
		{"env:A=s/k;prefix", SyntaxError{Offset: 16, Msg: `expected "=" after option "prefix"`}},
		{"env:A=s/k;envVar=B", SyntaxError{Offset: 10, Msg: `option "envVar" does not apply to env: the name goes before "="`}},
		{"mount:/a=s;path=/b", SyntaxError{Offset: 11, Msg: `option "path" does not apply to mount: the mount path goes before "="`}},
		{"gitSSH:s;path=/b", SyntaxError{Offset: 9, Msg: `option "path" does not apply to gitSSH: the mount path goes before "="`}},
		{"mount:/a=s;mode=", SyntaxError{Offset: 16, Msg: "expected an octal file mode such as 0644"}},
		{"mount:/a=s;mode=0644x", SyntaxError{Offset: 20, Msg: "expected an octal file mode such as 0644"}},
		{"mount:/a=s;mode=0o644", SyntaxError{Offset: 17, Msg: "expected an octal file mode such as 0644"}},
		{"mount:/a=s;mode=-1", SyntaxError{Offset: 16, Msg: "expected an octal file mode such as 0644"}},
		{"mount:/a=s;mode=0777777777777", SyntaxError{Offset: 16, Msg: "file mode out of range; expected an octal mode from 0 to 0777"}},
		{"mount:/a=s;items=", SyntaxError{Offset: 17, Msg: `expected ":" between item key and path`}},
		{"mount:/a=s;items=a:b,c", SyntaxError{Offset: 22, Msg: `expected ":" between item key and path`}},
		{"mount:/a=s;items=a:b,c:d@", SyntaxError{Offset: 25, Msg: "expected an octal file mode such as 0644"}},
		{"mount:/a=s;items=a:b,c:d@9", SyntaxError{Offset: 25, Msg: "expected an octal file mode such as 0644"}},
		{"mount:/a=s;items=a/b:c", SyntaxError{Offset: 18, Msg: `unexpected "/" in item key (write it as %2F)`}},
		{"mount:/a=s;items=a:b:c", SyntaxError{Offset: 20, Msg: `unexpected ":" in item path (write it as %3A)`}},
		{"mount:/a=s;items=a:b@0@1", SyntaxError{Offset: 22, Msg: "expected an octal file mode such as 0644"}},
		{"mount:/a=s;containers=a,b/c", SyntaxError{Offset: 25, Msg: `unexpected "/" in container name (write it as %2F)`}},
		{"envFrom:s;prefix=A=B", SyntaxError{Offset: 18, Msg: `unexpected "=" in prefix (write it as %3D)`}},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			r, err := Parse(tt.in)
			var serr *SyntaxError
			if !errors.As(err, &serr) {
				t.Fatalf("Parse error = %v, want a *SyntaxError", err)
			}
			want := tt.want
			want.Text = tt.in // Parse quotes the text it was given
			if diff := cmp.Diff(want, *serr); diff != "" {
				t.Errorf("SyntaxError (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(Ref{}, r); diff != "" {
				t.Errorf("Parse returned a ref with its error (-want +got):\n%s", diff)
			}
		})
	}
}

func TestParseInvalid(t *testing.T) {
	tests := []struct {
		in   string
		want string
	}{
		{"env:A=s/", "key: Required value: an env ref delivers one key"},
		{"env:=s/k", "envVar: Required value: an env ref names the variable it sets"},
		{"env:A=s/k;prefix=P_", "prefix: Forbidden: only envFrom refs take a prefix"},
		{"mount:=s", "mountPath: Required value: a mount ref needs an absolute directory"},
		{"mount:/a=s;mode=01000", `mode: Invalid value: "01000": must be a number between 0 and 0777 (octal), both inclusive`},
		{"pull:r;optional;containers=main", "2 problems:\n\t- optional: Forbidden: imagePullSecrets has no optional flag\n\t- containers: Forbidden: imagePullSecrets apply to the whole pod, not to chosen containers"},
		{"mount:/a=s;containers=", "containers[0]: Required value: a container name"},
		{"envFrom:s;envVar=X", "envVar: Forbidden: only env refs name a variable; envFrom takes a prefix"},
		{"envFrom:s;path=/x", "mountPath: Forbidden: only mount and gitSSH refs have a mount path"},
		{"pull:r/k", "key: Forbidden: a pull secret is used whole; it has no key"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			r, err := Parse(tt.in)
			if err == nil {
				t.Fatalf("Parse accepted an invalid ref: %v", r)
			}
			var serr *SyntaxError
			if errors.As(err, &serr) {
				t.Fatalf("Parse error = %v, want validation errors", err)
			}
			if diff := cmp.Diff(tt.want, err.Error()); diff != "" {
				t.Errorf("error (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(Ref{}, r); diff != "" {
				t.Errorf("Parse returned a ref with its error (-want +got):\n%s", diff)
			}
		})
	}
}

// FuzzParse checks that Parse never panics, that its errors are well formed,
// and that every accepted text gives a ref that round-trips through String.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"env:MYUSERNAME=my-secret/username", "envFrom:my-env-name", "mount:/var/my-app-secret=my-secret",
		"pull:regcred", "gitSSH:my-ssh-name", "envFrom:app;prefix=APP_",
		"mount:/etc/x=my-secret;items=tls.crt:certs/tls.crt,tls.key:certs/tls.key@0400;mode=0440;optional;containers=main,sidecar",
		"gitSSH:/root/.ssh=deploy/id_ed25519;items=hosts:known_hosts;mode=0400", "env:%3b%3A=s/k", "mount:/a%3Db=s;mode=0",
		"env:FOO", "mount:/a=s;items=a:b,c:d@9", "env:A=s/k;optional;optional",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		r, err := Parse(s)
		if err != nil {
			var serr *SyntaxError
			if errors.As(err, &serr) && (serr.Offset < 0 || serr.Offset > len(s) || serr.Msg == "" || serr.Text != s) {
				t.Fatalf("bad SyntaxError %+v for input of %d bytes", serr, len(s))
			}
			if serr != nil && s != "" {
				// The quote is printable, at most the window (escaped) wide, and the caret under it.
				lines := strings.Split(serr.Error(), "\n")
				if len(lines) != 3 || strings.ContainsFunc(lines[1]+lines[2], func(c rune) bool { return c < ' ' && c != '\t' || c > '~' }) {
					t.Fatalf("SyntaxError message is not three printable lines: %q", serr.Error())
				}
				if caret := strings.Index(lines[2], "^"); caret < 1 || caret > len(lines[1]) || len(lines[1]) > 1+6+4*quoteWindow {
					t.Fatalf("caret at column %d under a quote of %d columns", caret, len(lines[1]))
				}
			}
			if !cmp.Equal(Ref{}, r, cmpopts.EquateEmpty()) {
				t.Fatal("Parse returned a ref with its error")
			}
			return
		}
		if errs := r.Validate(nil); len(errs) > 0 {
			t.Fatalf("Parse accepted an invalid ref: %v", errs)
		}
		out := r.String()
		if strings.ContainsFunc(out, func(c rune) bool { return c < ' ' || c > '~' }) {
			t.Fatalf("String() = %q is not printable ASCII", out)
		}
		got, err := Parse(out)
		if err != nil {
			t.Fatalf("Parse(%q) = %v", out, err)
		}
		if diff := cmp.Diff(r, got, cmpopts.EquateEmpty()); diff != "" {
			t.Fatalf("round trip through %q (-want +got):\n%s", out, diff)
		}
		if again := got.String(); again != out {
			t.Fatalf("String() not stable: %q then %q", out, again)
		}
	})
}
