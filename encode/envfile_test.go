package encode

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

type envPair struct {
	Line       int
	Key, Value string
}

// parseEnv runs parseEnvFile on content and collects the pairs.
func parseEnv(content string, limit int64) ([]envPair, error) {
	var got []envPair
	err := parseEnvFile(strings.NewReader(content), "test.env", limit, func(line int, k, v string) error {
		got = append(got, envPair{line, k, v})
		return nil
	})
	return got, err
}

func TestParseEnvFile(t *testing.T) {
	for _, tc := range []struct {
		name, in string
		want     []envPair
	}{
		{"empty", "", nil},
		{"simple", "A=1\nB=2\n", []envPair{{1, "A", "1"}, {2, "B", "2"}}},
		{"BOM on first line", "\xEF\xBB\xBFA=1\n", []envPair{{1, "A", "1"}}},
		{"comments and blanks", "# c\n\n  \t\n  # indented\nA=1", []envPair{{5, "A", "1"}}},
		{"leading whitespace trimmed, trailing kept", "   A= v  \n", []envPair{{1, "A", " v  "}}},
		{"quotes kept", "A=\"q\"\nB='s'\n", []envPair{{1, "A", `"q"`}, {2, "B", "'s'"}}},
		{"split on first =", "A=b=c==\n", []envPair{{1, "A", "b=c=="}}},
		{"empty value", "A=\n", []envPair{{1, "A", ""}}},
		{"CRLF", "A=1\r\nB=2\r\n", []envPair{{1, "A", "1"}, {2, "B", "2"}}},
		{"only one CR dropped", "A=1\r\r\n", []envPair{{1, "A", "1\r"}}},
		{"hash inside value", "A=x#y\n", []envPair{{1, "A", "x#y"}}},
		{"dots and dashes", ".a-b_c.1=ok\n", []envPair{{1, ".a-b_c.1", "ok"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := parseEnv(tc.in, MaxSize)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("pairs (-want +got):\n%s", diff)
			}
		})
	}
}

func TestParseEnvFileErrors(t *testing.T) {
	v := secretValue
	for _, tc := range []struct {
		name, in string
		line     int
		reason   string
	}{
		{"no equals", "A=1\n" + v + "\n", 2, "no '=' in line"},
		{"empty name", "=" + v + "\n", 1, "empty variable name"},
		{"space in name", "A B=" + v + "\n", 1, "invalid variable name"},
		{"space before =", "A =" + v + "\n", 1, "invalid variable name"},
		{"leading digit", "1A=" + v + "\n", 1, "invalid variable name"},
		{"dot key", ".=" + v + "\n", 1, "must not be '.'"},
		{"dotdot prefix", "..a=" + v + "\n", 1, "must not start with '..'"},
		{"name longer than a key may be", strings.Repeat("A", 254) + "=" + v + "\n", 1, "invalid Secret key"},
		{"invalid UTF-8", "A=1\nB=\xff" + v + "\n", 2, "not valid UTF-8"},
		{"BOM on second line", "A=1\n\xEF\xBB\xBFB=" + v + "\n", 2, "invalid variable name"},
		{"duplicate", "A=1\n# x\nA=" + v + "\n", 3, `duplicate key "A", first set on line 1`},
		{"export prefix", "export A=" + v + "\n", 1, "invalid variable name"},
		{"line too long", "A=1\nB=" + strings.Repeat("x", maxEnvLine) + "\n", 2, "line longer than"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := parseEnv(tc.in, MaxSize)
			var ee *EnvFileError
			if !errors.As(err, &ee) {
				t.Fatalf("want *EnvFileError, got %v", err)
			}
			if ee.Path != "test.env" || ee.Line != tc.line || !strings.Contains(ee.Reason, tc.reason) {
				t.Errorf("got %s; want line %d and reason containing %q", err, tc.line, tc.reason)
			}
			noLeak(t, err, v, "A B", "export")
		})
	}
}

func TestParseEnvFileLimit(t *testing.T) {
	if _, err := parseEnv("A=12\nB=345\n", 7); err != nil {
		t.Errorf("7 bytes of values with a limit of 7: %v", err)
	}
	_, err := parseEnv("A=12\nB=345678\n", 7)
	var se *SizeError
	if !errors.As(err, &se) || !se.AtLeast || se.Limit != MaxSize {
		t.Errorf("want an at-least *SizeError, got %v", err)
	}
}
