package secretspec

import (
	"strconv"
	"strings"
)

// SyntaxError reports text that Parse cannot read as a ref: what it expected,
// and the 0-based byte offset where it stopped understanding the text. A ref's
// text holds names, keys and paths only, never a secret value, so the message
// quotes it (that text and nothing more) and points at the byte.
type SyntaxError struct {
	Offset int    // 0-based byte offset in the parsed text
	Msg    string // what was expected there
	// Text is the text given to Parse, which Error quotes; "" leaves the quote out.
	Text string
}

// quoteWindow is how many bytes of a long text Error shows around the offset.
const quoteWindow = 64

// Error returns the offset, the text with a caret under the byte at the
// offset, and what was expected there:
//
//	secretspec: syntax error at byte 13:
//		env:TOKEN=api
//		             ^ expected "/" between secret name and key
//
// Bytes outside printable ASCII are shown as \t, \n, \r or \xNN; of a text
// longer than 64 bytes only the 64 around the offset are shown. Without Text
// the message is one line: `secretspec: syntax error at byte 7: expected "="
// after env var name`.
func (e *SyntaxError) Error() string {
	head := "secretspec: syntax error at byte " + strconv.Itoa(e.Offset) + ":"
	if e.Text == "" {
		return head + " " + e.Msg
	}
	off := min(max(e.Offset, 0), len(e.Text))
	start, end := 0, len(e.Text)
	if end-start > quoteWindow {
		start = max(0, off-quoteWindow/2)
		end = min(len(e.Text), start+quoteWindow)
		start = max(0, end-quoteWindow)
	}
	var quote strings.Builder
	col := 0
	if start > 0 {
		quote.WriteString("...")
	}
	for i := start; i < end; i++ {
		if i == off {
			col = quote.Len()
		}
		writeShown(&quote, e.Text[i])
	}
	if off == end {
		col = quote.Len()
	}
	if end < len(e.Text) {
		quote.WriteString("...")
	}
	return head + "\n\t" + quote.String() + "\n\t" + strings.Repeat(" ", col) + "^ " + e.Msg
}

// writeShown writes byte c as it is if it is printable ASCII, else escaped.
func writeShown(b *strings.Builder, c byte) {
	switch {
	case ' ' <= c && c <= '~':
		b.WriteByte(c)
	case c == '\t':
		b.WriteString(`\t`)
	case c == '\n':
		b.WriteString(`\n`)
	case c == '\r':
		b.WriteString(`\r`)
	default:
		b.WriteString(`\x`)
		b.WriteByte(upperHex[c>>4])
		b.WriteByte(upperHex[c&0xF])
	}
}
