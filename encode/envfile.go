package encode

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"syscall"
	"unicode"
	"unicode/utf8"
)

// EnvFile is kubectl's --from-env-file=path: one KEY=VALUE per line. As in
// kubectl, a UTF-8 byte order mark on the first line is dropped, leading
// whitespace is trimmed, blank lines and lines starting with '#' are skipped,
// the line is split on its first '=', the value is kept verbatim (quotes and
// trailing spaces included; a final "\r" is dropped), and each key must be a
// valid environment variable name (IsEnvVarName) and Secret key.
//
// One deliberate difference: a line without '=' is an *EnvFileError, where
// kubectl would read the value from its own environment.
func EnvFile(path string) Source { return envFileSource{path: path} }

type envFileSource struct{ path string }

func (s envFileSource) addTo(b *builder) error {
	src := "env file " + strconv.Quote(s.path)
	fi, err := os.Stat(s.path)
	if err != nil {
		return fmt.Errorf("encode: %s: %w", src, err)
	}
	if !fi.Mode().IsRegular() {
		return fmt.Errorf("encode: %s: not a regular file", src)
	}
	// O_NONBLOCK and a second check on the open file: a file swapped for a
	// pipe since the Stat must neither block the open nor be read.
	f, err := os.OpenFile(s.path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return fmt.Errorf("encode: %s: %w", src, err)
	}
	defer f.Close()
	if fi, err := f.Stat(); err != nil || !fi.Mode().IsRegular() {
		return fmt.Errorf("encode: %s: not a regular file", src)
	}
	return parseEnvFile(f, s.path, MaxSize-b.size, func(line int, key, value string) error {
		return b.add(src+" line "+strconv.Itoa(line), key, []byte(value))
	})
}

// maxEnvLine is the longest line parseEnvFile reads: a longest key, '=', and
// a value of MaxSize bytes, with room for a BOM, leading blanks and "\r".
const maxEnvLine = MaxSize + 4096

// utf8BOM is the byte order mark kubectl strips from the first line.
const utf8BOM = "\xEF\xBB\xBF"

// parseEnvFile reads env-file lines from r and calls add for each pair, in
// file order. Values may total at most limit bytes. Errors are
// *EnvFileError (never holding line content), *SizeError, or add's errors.
func parseEnvFile(r io.Reader, path string, limit int64, add func(line int, key, value string) error) error {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 4096), maxEnvLine)
	seen := map[string]int{}
	var total int64
	n := 0
	for sc.Scan() {
		n++
		line := sc.Bytes()
		if !utf8.Valid(line) {
			return &EnvFileError{Path: path, Line: n, Reason: "not valid UTF-8"}
		}
		if n == 1 {
			line = bytes.TrimPrefix(line, []byte(utf8BOM))
		}
		line = bytes.TrimLeftFunc(line, unicode.IsSpace)
		if len(line) == 0 || line[0] == '#' {
			continue
		}
		k, v, ok := strings.Cut(string(line), "=")
		if !ok {
			return &EnvFileError{Path: path, Line: n, Reason: "no '=' in line (kubectl would read the value from its environment; podsecrets refuses)"}
		}
		if k == "" {
			return &EnvFileError{Path: path, Line: n, Reason: "empty variable name before '='"}
		}
		if errs := isEnvVarName(k); len(errs) != 0 {
			return &EnvFileError{Path: path, Line: n, Reason: "invalid variable name: " + strings.Join(errs, "; ")}
		}
		if errs := isConfigMapKey(k); len(errs) != 0 {
			return &EnvFileError{Path: path, Line: n, Reason: "invalid Secret key: " + strings.Join(errs, "; ")}
		}
		if first, dup := seen[k]; dup {
			return &EnvFileError{Path: path, Line: n, Reason: fmt.Sprintf("duplicate key %q, first set on line %d", k, first)}
		}
		seen[k] = n
		total += int64(len(v))
		if total > limit {
			return &SizeError{Source: fmt.Sprintf("env file %q line %d", path, n), Size: MaxSize - limit + total, AtLeast: true, Limit: MaxSize}
		}
		if err := add(n, k, v); err != nil {
			return err
		}
	}
	if err := sc.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			return &EnvFileError{Path: path, Line: n + 1, Reason: fmt.Sprintf("line longer than %d bytes", maxEnvLine)}
		}
		return fmt.Errorf("encode: env file %q: %w", path, err)
	}
	return nil
}
