package secretspec

import "strconv"

// SyntaxError reports text that Parse cannot read as a ref: what it expected,
// and the 0-based byte offset where it stopped understanding the text. The
// message never quotes the input.
type SyntaxError struct {
	Offset int    // 0-based byte offset in the parsed text
	Msg    string // what was expected there
}

// Error returns the message with its offset, e.g.
// `secretspec: syntax error at byte 7: expected "=" after env var name`.
func (e *SyntaxError) Error() string {
	return "secretspec: syntax error at byte " + strconv.Itoa(e.Offset) + ": " + e.Msg
}
