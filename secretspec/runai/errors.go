package runai

import (
	"errors"
	"strconv"
	"strings"
)

// ParseError is a problem with one -e flag. It names the flag by its position and its
// variable, never by its value.
type ParseError struct {
	// Index is the flag's 0-based position in the list given to ParseEnvs; -1 from ParseEnv.
	Index int
	// Name is the variable's name, or "" when the flag has none.
	Name string
	// Offset is the 0-based byte offset in the flag where the problem starts; -1 if unknown.
	Offset int
	// Msg says what was wrong and what was expected.
	Msg string
}

// Error describes the problem as "runai: -e flag 2 (NAME): byte 7: msg".
func (e *ParseError) Error() string {
	var b strings.Builder
	b.WriteString("runai: -e")
	if e.Index >= 0 {
		b.WriteString(" flag ")
		b.WriteString(strconv.Itoa(e.Index))
	}
	if e.Name != "" {
		b.WriteString(" (")
		b.WriteString(strconv.Quote(e.Name))
		b.WriteString(")")
	}
	if e.Offset >= 0 {
		b.WriteString(": byte ")
		b.WriteString(strconv.Itoa(e.Offset))
	}
	b.WriteString(": ")
	b.WriteString(e.Msg)
	return b.String()
}

// join returns nil, the only error, or all of them joined.
func join(errs []error) error {
	switch len(errs) {
	case 0:
		return nil
	case 1:
		return errs[0]
	}
	return errors.Join(errs...)
}
