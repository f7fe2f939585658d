// Package patchtest applies RFC 6902 JSON Patches (add, remove, replace), for tests that
// check that inject.Patch(before, after) applied to before gives after.
//
// It is a test helper: small, strict, and slow on purpose (generic JSON trees).
package patchtest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"strconv"
	"strings"
)

// op is one operation of a patch.
type op struct {
	Op    string          `json:"op"`
	Path  string          `json:"path"`
	Value json.RawMessage `json:"value"`
}

// Apply applies patch to the JSON document doc and returns the resulting generic tree
// (numbers as json.Number).
func Apply(doc, patch []byte) (any, error) {
	root, err := decodeTree(doc)
	if err != nil {
		return nil, err
	}
	var ops []op
	if err := json.Unmarshal(patch, &ops); err != nil {
		return nil, fmt.Errorf("patch is not a JSON array of operations: %w", err)
	}
	for i, op := range ops {
		toks, err := parsePointer(op.Path)
		if err != nil {
			return nil, fmt.Errorf("op %d: %w", i, err)
		}
		var val any
		switch op.Op {
		case "add", "replace":
			if op.Value == nil {
				return nil, fmt.Errorf("op %d: %s without a value", i, op.Op)
			}
			if val, err = decodeTree(op.Value); err != nil {
				return nil, fmt.Errorf("op %d: %w", i, err)
			}
		case "remove":
		default:
			return nil, fmt.Errorf("op %d: unexpected op %q", i, op.Op)
		}
		if root, err = mutate(root, toks, op.Op, val); err != nil {
			return nil, fmt.Errorf("op %d (%s %s): %w", i, op.Op, op.Path, err)
		}
	}
	return root, nil
}

func decodeTree(b []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	return v, nil
}

func parsePointer(p string) ([]string, error) {
	if p == "" {
		return nil, nil
	}
	if p[0] != '/' {
		return nil, fmt.Errorf("pointer %q does not start with /", p)
	}
	toks := strings.Split(p[1:], "/")
	for i, t := range toks {
		// ~1 first, then ~0 (RFC 6901 section 4)
		toks[i] = strings.ReplaceAll(strings.ReplaceAll(t, "~1", "/"), "~0", "~")
	}
	return toks, nil
}

func mutate(node any, toks []string, op string, val any) (any, error) {
	if len(toks) == 0 {
		if op == "remove" {
			return nil, fmt.Errorf("cannot remove the root")
		}
		return val, nil
	}
	tok, last := toks[0], len(toks) == 1
	switch n := node.(type) {
	case map[string]any:
		child, ok := n[tok]
		if last {
			switch {
			case op == "add":
				n[tok] = val
			case !ok:
				return nil, fmt.Errorf("%s of missing member %q", op, tok)
			case op == "replace":
				n[tok] = val
			default:
				delete(n, tok)
			}
			return n, nil
		}
		if !ok {
			return nil, fmt.Errorf("missing member %q", tok)
		}
		c, err := mutate(child, toks[1:], op, val)
		if err != nil {
			return nil, err
		}
		n[tok] = c
		return n, nil
	case []any:
		if last && op == "add" && tok == "-" {
			return append(n, val), nil
		}
		i, err := strconv.Atoi(tok)
		if err != nil || i < 0 || strconv.Itoa(i) != tok {
			return nil, fmt.Errorf("bad array index %q", tok)
		}
		if last && op == "add" {
			if i > len(n) {
				return nil, fmt.Errorf("index %d past the end (%d)", i, len(n))
			}
			n = append(n, nil)
			copy(n[i+1:], n[i:])
			n[i] = val
			return n, nil
		}
		if i >= len(n) {
			return nil, fmt.Errorf("index %d out of range (%d)", i, len(n))
		}
		if last {
			if op == "replace" {
				n[i] = val
				return n, nil
			}
			return append(n[:i], n[i+1:]...), nil
		}
		c, err := mutate(n[i], toks[1:], op, val)
		if err != nil {
			return nil, err
		}
		n[i] = c
		return n, nil
	}
	return nil, fmt.Errorf("cannot descend into a scalar at %q", tok)
}

// Check returns an error unless applying patch to the JSON of before gives the JSON of after.
func Check(before, after any, patch []byte) error {
	b, err := json.Marshal(before)
	if err != nil {
		return err
	}
	got, err := Apply(b, patch)
	if err != nil {
		return err
	}
	a, err := json.Marshal(after)
	if err != nil {
		return err
	}
	want, err := decodeTree(a)
	if err != nil {
		return err
	}
	if !reflect.DeepEqual(want, got) {
		gb, _ := json.Marshal(got)
		return fmt.Errorf("patched document differs:\nwant %s\ngot  %s", a, gb)
	}
	return nil
}
