package secretspec

import "testing"

func TestSyntaxErrorError(t *testing.T) {
	e := &SyntaxError{Offset: 7, Msg: `expected "=" after env var name`}
	if got, want := e.Error(), `secretspec: syntax error at byte 7: expected "=" after env var name`; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
}
