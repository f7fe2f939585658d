package runai

import (
	"strconv"
	"strings"

	"github.com/podsecrets/podsecrets/internal/errlist"
)

// ParseError is a problem with one -e flag. It names the flag by its position and its
// variable, never by its value.
type ParseError struct {
	// Index is the flag's 0-based position in the list given to ParseEnvs; -1 from ParseEnv.
	// Error counts as a person does: Index 2 is the "3rd -e flag".
	Index int
	// Name is the variable's name, or "" when the flag has none.
	Name string
	// Offset is the 0-based byte offset in the flag where the problem starts; -1 if unknown.
	Offset int
	// Msg says what was wrong and what was expected.
	Msg string
}

// Error describes the problem as `3rd -e flag ("NAME"): byte 7: msg` (`-e flag ("NAME"):
// byte 7: msg` from ParseEnv). It has no package prefix: the error ParseEnv and ParseEnvs
// return says "runai: " once, before all of its problems.
func (e *ParseError) Error() string {
	var b strings.Builder
	if e.Index >= 0 {
		b.WriteString(flagName(e.Index))
	} else {
		b.WriteString("-e flag")
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

// flagName names the -e flag at 0-based index as a person counts it: "1st -e flag".
func flagName(index int) string {
	return ordinal(index+1) + " -e flag"
}

// flagOrigin is the Origin of a ref from the -e flag at index: flagName, or "-e flag" for the
// one flag ParseEnv reads (index -1).
func flagOrigin(index int) string {
	if index < 0 {
		return "-e flag"
	}
	return flagName(index)
}

// ordinal writes n with its English suffix: 1st, 2nd, 3rd, 4th, 11th, 12th, 13th, 21st, ...
func ordinal(n int) string {
	suffix := "th"
	switch n % 10 {
	case 1:
		suffix = "st"
	case 2:
		suffix = "nd"
	case 3:
		suffix = "rd"
	}
	if n%100 >= 11 && n%100 <= 13 {
		suffix = "th"
	}
	return strconv.Itoa(n) + suffix
}

// join returns nil or the errors as one error, "runai: " before them.
func join(errs []error) error { return errlist.WithPrefix("runai", errs...) }
