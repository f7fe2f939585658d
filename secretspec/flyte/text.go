package flyte

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

// textField is one field of core.Secret in the protobuf text format, in field-number order.
type textField struct {
	name string
	str  func(*Secret) *string // nil for the enum field
}

var textFields = []textField{
	{"group", func(s *Secret) *string { return &s.Group }},
	{"group_version", func(s *Secret) *string { return &s.GroupVersion }},
	{"key", func(s *Secret) *string { return &s.Key }},
	{"mount_requirement", nil},
	{"env_var", func(s *Secret) *string { return &s.EnvVar }},
}

// marshalText writes s as golang/protobuf's MarshalTextString does: one "name: value" line per
// non-zero field in field-number order, strings double-quoted with C escapes, enums by name.
func marshalText(s Secret) string {
	var b strings.Builder
	for _, f := range textFields {
		if f.str == nil {
			if s.MountRequirement != MountAny {
				b.WriteString(f.name)
				b.WriteString(": ")
				b.WriteString(s.MountRequirement.String())
				b.WriteByte('\n')
			}
			continue
		}
		v := *f.str(&s)
		if v == "" {
			continue
		}
		b.WriteString(f.name)
		b.WriteString(": ")
		writeQuoted(&b, v)
		b.WriteByte('\n')
	}
	return b.String()
}

// writeQuoted writes v double-quoted: \n \r \t \" \\ escaped, other bytes outside printable
// ASCII as three octal digits, byte by byte (apostrophes are not escaped).
func writeQuoted(b *strings.Builder, v string) {
	b.WriteByte('"')
	for i := 0; i < len(v); i++ {
		switch c := v[i]; c {
		case '\n':
			b.WriteString(`\n`)
		case '\r':
			b.WriteString(`\r`)
		case '\t':
			b.WriteString(`\t`)
		case '"':
			b.WriteString(`\"`)
		case '\\':
			b.WriteString(`\\`)
		default:
			if c >= 0x20 && c < 0x7f {
				b.WriteByte(c)
			} else {
				b.WriteByte('\\')
				b.WriteByte('0' + c>>6)
				b.WriteByte('0' + c>>3&7)
				b.WriteByte('0' + c&7)
			}
		}
	}
	b.WriteByte('"')
}

// textError is a problem at a byte offset of the text form.
type textError struct {
	offset int
	msg    string
}

// unmarshalText reads the protobuf text form of a core.Secret: whitespace anywhere between
// tokens, '#' comments to the end of the line, ';' or ',' after a field, strings in either
// quote with C, octal, hex and \u escapes and adjacent strings joined, the enum by name or
// number. Unknown and repeated fields are errors. Messages never quote a string's contents.
func unmarshalText(text string) (Secret, *textError) {
	p := textParser{s: text}
	var s Secret
	seen := make([]bool, len(textFields))
	for {
		p.skip()
		if p.i >= len(p.s) {
			return s, nil
		}
		start := p.i
		name := p.ident()
		if name == "" {
			return s, p.fail(start, "expected a field name")
		}
		fi := -1
		for k, f := range textFields {
			if f.name == name {
				fi = k
			}
		}
		if fi < 0 {
			return s, p.fail(start, fmt.Sprintf("unknown field %q: core.Secret has group, group_version, key, mount_requirement and env_var", name))
		}
		if seen[fi] {
			return s, p.fail(start, fmt.Sprintf("field %s given twice", name))
		}
		seen[fi] = true
		p.skip()
		if p.i >= len(p.s) || p.s[p.i] != ':' {
			return s, p.fail(p.i, fmt.Sprintf("expected ':' after %s", name))
		}
		p.i++
		p.skip()
		if f := textFields[fi]; f.str != nil {
			v, err := p.stringValue()
			if err != nil {
				return s, err
			}
			*f.str(&s) = v
		} else {
			m, err := p.enum()
			if err != nil {
				return s, err
			}
			s.MountRequirement = m
		}
		p.skip()
		if p.i < len(p.s) && (p.s[p.i] == ';' || p.s[p.i] == ',') {
			p.i++
		}
	}
}

type textParser struct {
	s string
	i int
}

func (p *textParser) fail(at int, msg string) *textError { return &textError{offset: at, msg: msg} }

// skip passes whitespace and '#' comments.
func (p *textParser) skip() {
	for p.i < len(p.s) {
		switch p.s[p.i] {
		case ' ', '\t', '\n', '\r', '\v', '\f':
			p.i++
		case '#':
			for p.i < len(p.s) && p.s[p.i] != '\n' {
				p.i++
			}
		default:
			return
		}
	}
}

func isIdentByte(c byte, first bool) bool {
	return c == '_' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || !first && '0' <= c && c <= '9'
}

// ident reads [A-Za-z_][A-Za-z0-9_]*, or returns "".
func (p *textParser) ident() string {
	start := p.i
	for p.i < len(p.s) && isIdentByte(p.s[p.i], p.i == start) {
		p.i++
	}
	return p.s[start:p.i]
}

// enum reads a MountType by name or number.
func (p *textParser) enum() (MountType, *textError) {
	start := p.i
	if name := p.ident(); name != "" {
		for m := MountAny; m <= MountFile; m++ {
			if m.String() == name {
				return m, nil
			}
		}
		return 0, p.fail(start, "unknown mount_requirement name: expected ANY, ENV_VAR or FILE (case-sensitive) or 0, 1 or 2")
	}
	if p.i < len(p.s) && p.s[p.i] == '-' {
		p.i++
	}
	for p.i < len(p.s) && (isIdentByte(p.s[p.i], false) || p.s[p.i] == '.') {
		p.i++
	}
	tok := p.s[start:p.i]
	if tok == "" {
		return 0, p.fail(start, "expected the mount_requirement: ANY, ENV_VAR, FILE or a number")
	}
	n, err := strconv.ParseInt(strings.ReplaceAll(tok, "_", "!"), 0, 32) // no digit separators
	if err != nil {
		return 0, p.fail(start, "mount_requirement is not an enum name or an integer")
	}
	if m := MountType(n); m.known() {
		return m, nil
	}
	return 0, p.fail(start, fmt.Sprintf("unknown mount_requirement %d: expected 0 (ANY), 1 (ENV_VAR) or 2 (FILE)", n))
}

// stringValue reads one or more adjacent string literals and joins them.
func (p *textParser) stringValue() (string, *textError) {
	var b strings.Builder
	for n := 0; ; n++ {
		if p.i >= len(p.s) || p.s[p.i] != '"' && p.s[p.i] != '\'' {
			if n == 0 {
				return "", p.fail(p.i, "expected a quoted string")
			}
			return b.String(), nil
		}
		if err := p.quoted(&b); err != nil {
			return "", err
		}
		save := p.i
		p.skip()
		if p.i >= len(p.s) || p.s[p.i] != '"' && p.s[p.i] != '\'' {
			p.i = save
			return b.String(), nil
		}
	}
}

// quoted reads one string literal at p.i into b.
func (p *textParser) quoted(b *strings.Builder) *textError {
	start := p.i
	q := p.s[p.i]
	p.i++
	for {
		if p.i >= len(p.s) || p.s[p.i] == '\n' {
			return p.fail(start, "string is not terminated on its line")
		}
		c := p.s[p.i]
		if c == q {
			p.i++
			return nil
		}
		if c != '\\' {
			b.WriteByte(c)
			p.i++
			continue
		}
		esc := p.i
		p.i++
		if p.i >= len(p.s) {
			return p.fail(esc, "string is not terminated on its line")
		}
		c = p.s[p.i]
		p.i++
		switch c {
		case 'a':
			b.WriteByte('\a')
		case 'b':
			b.WriteByte('\b')
		case 'f':
			b.WriteByte('\f')
		case 'n':
			b.WriteByte('\n')
		case 'r':
			b.WriteByte('\r')
		case 't':
			b.WriteByte('\t')
		case 'v':
			b.WriteByte('\v')
		case '\\', '\'', '"', '?':
			b.WriteByte(c)
		case '0', '1', '2', '3', '4', '5', '6', '7':
			v := int(c - '0')
			for k := 0; k < 2 && p.i < len(p.s) && '0' <= p.s[p.i] && p.s[p.i] <= '7'; k++ {
				v = v*8 + int(p.s[p.i]-'0')
				p.i++
			}
			if v > 0xff {
				return p.fail(esc, "octal escape is over \\377")
			}
			b.WriteByte(byte(v))
		case 'x', 'X':
			v, n := p.hex(2)
			if n == 0 {
				return p.fail(esc, "\\x needs one or two hex digits")
			}
			b.WriteByte(byte(v))
		case 'u', 'U':
			want := 4
			if c == 'U' {
				want = 8
			}
			v, n := p.hex(want)
			if n != want || v > utf8.MaxRune || 0xd800 <= v && v < 0xe000 {
				return p.fail(esc, fmt.Sprintf("\\%c needs %d hex digits naming a Unicode code point", c, want))
			}
			b.WriteRune(rune(v))
		default:
			return p.fail(esc, "unknown escape sequence: expected one of \\a \\b \\f \\n \\r \\t \\v \\\\ \\' \\\" \\?, octal, \\x, \\u or \\U")
		}
	}
}

// hex reads up to max hex digits and returns their value and how many there were.
func (p *textParser) hex(max int) (int, int) {
	v, n := 0, 0
	for n < max && p.i < len(p.s) {
		c := p.s[p.i]
		var d int
		switch {
		case '0' <= c && c <= '9':
			d = int(c - '0')
		case 'a' <= c && c <= 'f':
			d = int(c-'a') + 10
		case 'A' <= c && c <= 'F':
			d = int(c-'A') + 10
		default:
			return v, n
		}
		v = v*16 + d
		n++
		p.i++
	}
	return v, n
}
