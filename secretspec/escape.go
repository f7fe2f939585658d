package secretspec

import "strings"

const upperHex = "0123456789ABCDEF"

// mustEscape reports whether String writes byte c of a value as %XX: the
// escape byte itself, the delimiters of the text form, and every byte outside
// printable ASCII. Space stays as it is. slash adds '/', for the values that
// sit next to a "/" delimiter (secret names, keys, container names).
func mustEscape(c byte, slash bool) bool {
	switch c {
	case '%', ';', ',', '=', ':', '@':
		return true
	case '/':
		return slash
	}
	return c < ' ' || c > '~'
}

// writeEscaped writes v to b with every byte that mustEscape names as %XX.
func writeEscaped(b *strings.Builder, v string, slash bool) {
	for i := 0; i < len(v); i++ {
		c := v[i]
		if mustEscape(c, slash) {
			b.WriteByte('%')
			b.WriteByte(upperHex[c>>4])
			b.WriteByte(upperHex[c&0xF])
			continue
		}
		b.WriteByte(c)
	}
}

// unescape decodes %XX escapes (either case) in v, a value that starts at byte
// offset off of the parsed text and is described by what. A delimiter byte
// left raw in v is an error, as is '/' when slash is set; other bytes, even
// ones String would escape, are taken as they are.
func unescape(v string, off int, slash bool, what string) (string, *SyntaxError) {
	if !strings.ContainsAny(v, "%;,=:@/") {
		return v, nil
	}
	var b strings.Builder
	b.Grow(len(v))
	for i := 0; i < len(v); i++ {
		c := v[i]
		switch {
		case c == '%':
			if i+2 >= len(v) || !isHex(v[i+1]) || !isHex(v[i+2]) {
				return "", &SyntaxError{Offset: off + i, Msg: `expected two hex digits after "%" in ` + what}
			}
			b.WriteByte(unhex(v[i+1])<<4 | unhex(v[i+2]))
			i += 2
		case c == '/' && !slash:
			b.WriteByte(c)
		case strings.IndexByte(";,=:@/", c) >= 0:
			return "", &SyntaxError{Offset: off + i,
				Msg: `unexpected "` + string(c) + `" in ` + what + ` (write it as %` + string(upperHex[c>>4]) + string(upperHex[c&0xF]) + `)`}
		default:
			b.WriteByte(c)
		}
	}
	return b.String(), nil
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

func unhex(c byte) byte {
	switch {
	case c <= '9':
		return c - '0'
	case c <= 'F':
		return c - 'A' + 10
	}
	return c - 'a' + 10
}
