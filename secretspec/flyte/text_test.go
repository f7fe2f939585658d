package flyte

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestMountTypeString(t *testing.T) {
	for m, want := range map[MountType]string{MountAny: "ANY", MountEnvVar: "ENV_VAR", MountFile: "FILE", 7: "7", -1: "-1"} {
		if got := m.String(); got != want {
			t.Errorf("MountType(%d).String() = %q, want %q", int32(m), got, want)
		}
	}
}

func TestMarshalText(t *testing.T) {
	tests := []struct {
		name string
		in   Secret
		want string
	}{
		{"empty", Secret{}, ""},
		{"key only", Secret{Key: "my_key"}, "key: \"my_key\"\n"},
		{"all fields in field order", Secret{EnvVar: "E", MountRequirement: MountFile, Key: "k", GroupVersion: "v", Group: "g"},
			"group: \"g\"\ngroup_version: \"v\"\nkey: \"k\"\nmount_requirement: FILE\nenv_var: \"E\"\n"},
		{"ANY is omitted", Secret{Group: "g", MountRequirement: MountAny}, "group: \"g\"\n"},
		{"ENV_VAR by name", Secret{MountRequirement: MountEnvVar}, "mount_requirement: ENV_VAR\n"},
		{"C escapes, apostrophe kept", Secret{Group: ";':/\\\"\n\r\t"}, `group: ";':/\\\"\n\r\t"` + "\n"},
		{"other bytes in octal", Secret{Key: "\x00\x1f\x7f\xff é"}, `key: "\000\037\177\377 \303\251"` + "\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, marshalText(tt.in)); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestUnmarshalText(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		want    Secret
		wantErr *textError // msg matched as a prefix
	}{
		{name: "empty", in: ""},
		{name: "only space and comments", in: "  # nothing\n\t\v\f\r\n"},
		{name: "canonical", in: "group: \"g\"\nkey: \"k\"\nmount_requirement: FILE\n", want: Secret{Group: "g", Key: "k", MountRequirement: MountFile}},
		{name: "one line, separators", in: `group:"g";key:'k',env_var : "E" mount_requirement:ENV_VAR;`, want: Secret{Group: "g", Key: "k", EnvVar: "E", MountRequirement: MountEnvVar}},
		{name: "any order", in: `env_var: "E" group: "g"`, want: Secret{Group: "g", EnvVar: "E"}},
		{name: "comments", in: "# a request\ngroup: \"g\" # the Secret\n#key: \"x\"\nkey: \"k\"", want: Secret{Group: "g", Key: "k"}},
		{name: "numeric enum", in: "mount_requirement: 2", want: Secret{MountRequirement: MountFile}},
		{name: "hex enum", in: "mount_requirement: 0x1", want: Secret{MountRequirement: MountEnvVar}},
		{name: "zero enum", in: "mount_requirement: 0", want: Secret{}},
		{name: "ANY by name", in: "mount_requirement: ANY", want: Secret{}},
		{name: "simple escapes", in: `key: "\a\b\f\n\r\t\v\\\'\"\?"`, want: Secret{Key: "\a\b\f\n\r\t\v\\'\"?"}},
		{name: "octal escapes", in: `key: "\0\12\101\3031"`, want: Secret{Key: "\x00\nA\xc31"}},
		{name: "hex escapes", in: `key: "\x41\xA\xffz"`, want: Secret{Key: "A\n\xffz"}},
		{name: "unicode escapes", in: `key: "\u00e9\U0001F600"`, want: Secret{Key: "é😀"}},
		{name: "single quotes with double inside", in: `key: 'a"b'`, want: Secret{Key: `a"b`}},
		{name: "adjacent strings", in: "key: \"a\" 'b'\n # c\n \"c\"", want: Secret{Key: "abc"}},

		{name: "unknown field", in: `name: "x"`, wantErr: &textError{0, `unknown field "name"`}},
		{name: "field twice", in: `key: "a" key: "b"`, wantErr: &textError{9, "field key given twice"}},
		{name: "missing colon", in: `key "a"`, wantErr: &textError{4, "expected ':' after key"}},
		{name: "missing value", in: `key:`, wantErr: &textError{4, "expected a quoted string"}},
		{name: "string not terminated", in: `key: "abc`, wantErr: &textError{5, "string is not terminated"}},
		{name: "newline in string", in: "key: \"a\nb\"", wantErr: &textError{5, "string is not terminated"}},
		{name: "bad escape", in: `key: "\q"`, wantErr: &textError{6, "unknown escape sequence"}},
		{name: "octal too big", in: `key: "\777"`, wantErr: &textError{6, "octal escape is over"}},
		{name: "hex without digits", in: `key: "\xg"`, wantErr: &textError{6, `\x needs one or two hex digits`}},
		{name: "short unicode", in: `key: "\u12"`, wantErr: &textError{6, `\u needs 4 hex digits`}},
		{name: "surrogate", in: `key: "\ud800"`, wantErr: &textError{6, `\u needs 4 hex digits`}},
		{name: "unquoted string", in: `key: abc`, wantErr: &textError{5, "expected a quoted string"}},
		{name: "unknown enum name", in: `mount_requirement: SECRET`, wantErr: &textError{19, "unknown mount_requirement name"}},
		{name: "lower-case enum name", in: `mount_requirement: file`, wantErr: &textError{19, "unknown mount_requirement name"}},
		{name: "unknown enum number", in: `mount_requirement: 3`, wantErr: &textError{19, "unknown mount_requirement 3"}},
		{name: "negative enum", in: `mount_requirement: -1`, wantErr: &textError{19, "unknown mount_requirement -1"}},
		{name: "float enum", in: `mount_requirement: 1.0`, wantErr: &textError{19, "mount_requirement is not an enum name or an integer"}},
		{name: "digit separators", in: `mount_requirement: 0_1`, wantErr: &textError{19, "mount_requirement is not an enum name or an integer"}},
		{name: "enum missing", in: `mount_requirement: ;`, wantErr: &textError{19, "expected the mount_requirement"}},
		{name: "enum as string", in: `mount_requirement: "FILE"`, wantErr: &textError{19, "expected the mount_requirement"}},
		{name: "garbage", in: `{`, wantErr: &textError{0, "expected a field name"}},
		{name: "two separators", in: `key: "a";;`, wantErr: &textError{9, "expected a field name"}},
		{name: "message syntax", in: `key { }`, wantErr: &textError{4, "expected ':' after key"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := unmarshalText(tt.in)
			if tt.wantErr != nil {
				if err == nil {
					t.Fatalf("want error %q at %d, got none", tt.wantErr.msg, tt.wantErr.offset)
				}
				if err.offset != tt.wantErr.offset || !strings.HasPrefix(err.msg, tt.wantErr.msg) {
					t.Errorf("error %q at %d, want %q at %d", err.msg, err.offset, tt.wantErr.msg, tt.wantErr.offset)
				}
				return
			}
			if err != nil {
				t.Fatalf("unexpected error %q at %d", err.msg, err.offset)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestTextRoundTrip(t *testing.T) {
	var all []byte
	for c := 0; c < 256; c++ {
		all = append(all, byte(c))
	}
	for _, s := range []Secret{
		{Group: "g", GroupVersion: "v1", Key: "k", EnvVar: "E", MountRequirement: MountFile},
		{Key: string(all), Group: "'\"\\"},
		{MountRequirement: MountEnvVar},
	} {
		got, err := unmarshalText(marshalText(s))
		if err != nil {
			t.Fatalf("error %q at %d", err.msg, err.offset)
		}
		if !cmp.Equal(s, got) {
			t.Error("round trip changed the request")
		}
	}
}
