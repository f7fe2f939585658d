package encode

import (
	"errors"
	"fmt"
	"strconv"
)

// MaxSize is the largest total of decoded data bytes the API server accepts
// in one Secret: 1 MiB (1048576 bytes), the same limit as Kubernetes' own
// MaxSecretSize. A Secret of exactly MaxSize bytes is valid.
const MaxSize = 1 << 20

// KeyError reports a data key that cannot be added to a Secret: an invalid
// key, a duplicate, or a value refused for that key. It names the source and
// the key, never the value.
type KeyError struct {
	Source string // where the key came from, e.g. `literal` or `file "a/b.txt"`
	Key    string // the key; may be empty when the key is missing
	Reason string // what is wrong
}

// Error returns "encode: <source>: key <key>: <reason>".
func (e *KeyError) Error() string {
	return "encode: " + e.Source + ": key " + strconv.Quote(e.Key) + ": " + e.Reason
}

// EnvFileError reports a problem on one line of an env file. It gives the
// 1-based line number and never the line's content.
type EnvFileError struct {
	Path   string // the env file
	Line   int    // 1-based line number
	Reason string // what is wrong
}

// Error returns "encode: env file <path>, line <n>: <reason>".
func (e *EnvFileError) Error() string {
	return fmt.Sprintf("encode: env file %q, line %d: %s", e.Path, e.Line, e.Reason)
}

// SizeError reports Secret data larger than MaxSize.
type SizeError struct {
	Source  string // what was being added when the limit was passed; empty for a whole Secret
	Size    int64  // total decoded data bytes (a lower bound when AtLeast is set)
	AtLeast bool   // reading stopped as soon as the limit was passed
	Limit   int64  // MaxSize
}

// Error says how large the data is and what the limit is.
func (e *SizeError) Error() string {
	prefix := "encode: "
	if e.Source != "" {
		prefix += e.Source + ": "
	}
	at := ""
	if e.AtLeast {
		at = "at least "
	}
	return fmt.Sprintf("%sSecret data would be %s%d bytes, more than the limit of %d bytes (1 MiB)", prefix, at, e.Size, e.Limit)
}

// DecodeError reports a manifest that Decode cannot read. It gives the place
// (a byte offset, a line, or a field path) and never quotes the input.
type DecodeError struct {
	Offset int64  // 0-based byte offset in the manifest, or -1 if unknown
	Line   int    // 1-based line number, or 0 if unknown
	Field  string // field path such as "data[tls.key]", or "" if none
	Reason string // what was expected
}

// Error returns "encode: decode: [line N|byte N]: [field: ]reason".
func (e *DecodeError) Error() string {
	s := "encode: decode: "
	switch {
	case e.Line > 0:
		s += "line " + strconv.Itoa(e.Line) + ": "
	case e.Offset >= 0:
		s += "byte " + strconv.FormatInt(e.Offset, 10) + ": "
	}
	if e.Field != "" {
		s += e.Field + ": "
	}
	return s + e.Reason
}

// errNilSecret is returned for a nil *corev1.Secret argument.
var errNilSecret = errors.New("encode: nil Secret")
