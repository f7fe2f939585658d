package encode

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
)

// Source is one place Secret data comes from: a literal, a file, a
// directory, an env file, a whole tree or one file of a tree. Make one with
// Literal, File, FileAs, Dir, EnvFile, Tree or TreeFile and hand it to
// Generic. The interface is sealed: only this package implements it.
type Source interface {
	addTo(b *builder) error
}

// Literal is the key and value of kubectl's --from-literal=key=value (which
// splits on the first '='; here key and value are given apart, so the value
// may hold any bytes, '=' included).
func Literal(key, value string) Source { return literalSource{key: key, value: value} }

// File is kubectl's --from-file=path: the key is the file's base name, the
// value its content. A symlink is followed; a directory, device or pipe is an
// error (use Dir or Tree for directories).
func File(path string) Source { return fileSource{path: path} }

// FileAs is kubectl's --from-file=key=path: the file's content under key.
func FileAs(key, path string) Source { return fileSource{key: key, path: path, named: true} }

// Dir is kubectl's --from-file=dir: each regular file directly inside dir
// becomes a key named after the file. Subdirectories, symlinks and other
// non-regular entries are skipped, exactly as kubectl does; use Tree to keep
// nested folders. A file replaced by a symlink while Dir reads is an error,
// never followed.
func Dir(path string) Source { return dirSource{path: path} }

type literalSource struct{ key, value string }

func (s literalSource) addTo(b *builder) error {
	return b.add("literal", s.key, []byte(s.value))
}

type fileSource struct {
	key, path string
	named     bool
}

func (s fileSource) addTo(b *builder) error {
	src := "file " + strconv.Quote(s.path)
	key := s.key
	if !s.named {
		key = path.Base(filepath.ToSlash(s.path))
	}
	if err := b.checkKey(src, key); err != nil {
		return err
	}
	data, err := b.readFile(src, s.path, false)
	if err != nil {
		return err
	}
	return b.add(src, key, data)
}

type dirSource struct{ path string }

func (s dirSource) addTo(b *builder) error {
	src := "dir " + strconv.Quote(s.path)
	entries, err := os.ReadDir(s.path)
	if err != nil {
		return fmt.Errorf("encode: %s: %w", src, err)
	}
	for _, e := range entries { // sorted by name
		if !e.Type().IsRegular() {
			continue
		}
		fsrc := "dir " + strconv.Quote(s.path) + " file " + strconv.Quote(e.Name())
		if err := b.checkKey(fsrc, e.Name()); err != nil {
			return err
		}
		data, err := b.readFile(fsrc, filepath.Join(s.path, e.Name()), true)
		if err != nil {
			return err
		}
		if err := b.add(fsrc, e.Name(), data); err != nil {
			return err
		}
	}
	return nil
}

// builder collects the data of one Secret while sources are added.
type builder struct {
	data   map[string][]byte
	origin map[string]string // key -> the source that added it
	tree   map[string]string // key -> item path, for Tree sources
	size   int64             // total bytes in data
}

func newBuilder() *builder {
	return &builder{data: map[string][]byte{}, origin: map[string]string{}, tree: map[string]string{}}
}

// checkKey reports an invalid or duplicate key before any file is read.
func (b *builder) checkKey(source, key string) error {
	if key == "" {
		return &KeyError{Source: source, Key: key, Reason: "empty key"}
	}
	if errs := isConfigMapKey(key); len(errs) != 0 {
		return &KeyError{Source: source, Key: key, Reason: "invalid key: " + strings.Join(errs, "; ")}
	}
	if prev, dup := b.origin[key]; dup {
		return &KeyError{Source: source, Key: key, Reason: "duplicate key, already added by " + prev}
	}
	return nil
}

// add stores value under key, checking the key and the size limit.
func (b *builder) add(source, key string, value []byte) error {
	if err := b.checkKey(source, key); err != nil {
		return err
	}
	if n := int64(len(value)); n > MaxSize-b.size {
		return &SizeError{Source: source, Size: b.size + n, Limit: MaxSize}
	}
	b.data[key] = value
	b.origin[key] = source
	b.size += int64(len(value))
	return nil
}

// readFile reads one regular file without ever reading more than the bytes
// still allowed plus one. A directory, device or pipe is refused before it is
// opened. A symlink is followed unless nofollow is set (Dir takes no
// symlinks): then a file that became a symlink since it was listed is refused,
// at the check or at the open.
func (b *builder) readFile(source, name string, nofollow bool) ([]byte, error) {
	stat, flags := os.Stat, os.O_RDONLY|syscall.O_NONBLOCK
	if nofollow {
		stat, flags = os.Lstat, flags|syscall.O_NOFOLLOW
	}
	fi, err := stat(name)
	if err != nil {
		return nil, fmt.Errorf("encode: %s: %w", source, err)
	}
	if fi.IsDir() {
		return nil, fmt.Errorf("encode: %s: is a directory (use Dir or Tree)", source)
	}
	if !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("encode: %s: not a regular file", source)
	}
	if fi.Size() > MaxSize-b.size {
		return nil, &SizeError{Source: source, Size: b.size + fi.Size(), Limit: MaxSize}
	}
	// O_NONBLOCK: a file swapped for a pipe since the Stat must not block the
	// open; readOpen then refuses it as not regular.
	f, err := os.OpenFile(name, flags, 0)
	if nofollow && errors.Is(err, syscall.ELOOP) {
		return nil, fmt.Errorf("encode: %s: became a symlink while being read", source)
	}
	if err != nil {
		return nil, fmt.Errorf("encode: %s: %w", source, err)
	}
	defer f.Close()
	return b.readOpen(source, f)
}

// readOpen reads the open file f, which must be regular, checking its size
// first and reading at most one byte more than the bytes still allowed.
func (b *builder) readOpen(source string, f *os.File) ([]byte, error) {
	fi, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("encode: %s: %w", source, err)
	}
	if !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("encode: %s: not a regular file", source)
	}
	left := MaxSize - b.size
	if fi.Size() > left {
		return nil, &SizeError{Source: source, Size: b.size + fi.Size(), Limit: MaxSize}
	}
	data, err := io.ReadAll(io.LimitReader(f, left+1))
	if err != nil {
		return nil, fmt.Errorf("encode: %s: %w", source, err)
	}
	if int64(len(data)) > left {
		return nil, &SizeError{Source: source, Size: b.size + int64(len(data)), AtLeast: true, Limit: MaxSize}
	}
	return data, nil
}
