package secretspec

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestSyntaxErrorError(t *testing.T) {
	long := "mount:/" + strings.Repeat("a", 100) + "=s;bogus;" + strings.Repeat("b", 100)
	tests := []struct {
		name string
		err  SyntaxError
		want string
	}{{
		name: "no text: one line",
		err:  SyntaxError{Offset: 7, Msg: `expected "=" after env var name`},
		want: `secretspec: syntax error at byte 7: expected "=" after env var name`,
	}, {
		name: "caret under the byte",
		err:  SyntaxError{Offset: 4, Msg: "m", Text: "env:A:B=s/k"},
		want: "secretspec: syntax error at byte 4:\n\tenv:A:B=s/k\n\t    ^ m",
	}, {
		name: "caret after the end",
		err:  SyntaxError{Offset: 13, Msg: `expected "/" between secret name and key`, Text: "env:TOKEN=api"},
		want: "secretspec: syntax error at byte 13:\n\tenv:TOKEN=api\n\t             ^ expected \"/\" between secret name and key",
	}, {
		name: "control and non-ASCII bytes escaped, caret follows",
		err:  SyntaxError{Offset: 8, Msg: "m", Text: "env:\tA\xff=s"},
		want: "secretspec: syntax error at byte 8:\n\tenv:\\tA\\xFF=s\n\t            ^ m",
	}, {
		name: "long text: a window around the offset",
		err:  SyntaxError{Offset: 110, Msg: "m", Text: long},
		want: "secretspec: syntax error at byte 110:\n\t..." + long[78:142] + "...\n\t" + strings.Repeat(" ", 3+110-78) + "^ m",
	}, {
		name: "long text, offset at the start",
		err:  SyntaxError{Offset: 0, Msg: "m", Text: long},
		want: "secretspec: syntax error at byte 0:\n\t" + long[:64] + "...\n\t^ m",
	}, {
		name: "offset out of range is clamped",
		err:  SyntaxError{Offset: 99, Msg: "m", Text: "env"},
		want: "secretspec: syntax error at byte 99:\n\tenv\n\t   ^ m",
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, tc.err.Error()); diff != "" {
				t.Errorf("Error() (-want +got):\n%s", diff)
			}
		})
	}
}
