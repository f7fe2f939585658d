package inject

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	corev1 "k8s.io/api/core/v1"
)

// Patch returns an RFC 6902 JSON Patch that turns the JSON form of before into that of
// after, exactly, for any two pods. It uses only "add", "remove" and "replace": a field
// absent from before is added whole; arrays keep their common elements, each diffed in
// place, then grow with "/-" appends or shrink by removals from the end; map keys are
// escaped ("~" as "~0", "/" as "~1"). Two equal pods give "[]". The output is the same,
// byte for byte, for the same input.
//
// Patch does not marshal the whole pods: it compares the typed objects and turns into
// JSON only the parts that differ (for Apply's output, the new env, envFrom, volume mount,
// volume and image pull secret entries and the entries a ConflictOverride replaced).
// It never modifies its arguments.
func Patch(before, after *corev1.Pod) ([]byte, error) {
	if before == nil || after == nil {
		return nil, errors.New("inject: Patch needs two pods, got a nil one")
	}
	d := differ{}
	d.buf.Grow(4096)
	d.enc = json.NewEncoder(&d.buf)
	d.enc.SetEscapeHTML(false)
	d.buf.WriteByte('[')
	rb, ra := new(corev1.Pod), new(corev1.Pod)
	*rb, *ra = *before, *after
	rb.Spec, ra.Spec = corev1.PodSpec{}, corev1.PodSpec{}
	if !reflect.DeepEqual(rb, ra) {
		d.json("", rb, ra)
	}
	d.spec(&before.Spec, &after.Spec)
	if d.err != nil {
		return nil, d.err
	}
	d.buf.WriteByte(']')
	return d.buf.Bytes(), nil
}

// differ writes patch operations into buf.
type differ struct {
	buf bytes.Buffer
	n   int // operations written
	err error

	ca, cb *corev1.Container // scratch copies, made once per Patch
	enc    *json.Encoder     // writes values straight into buf
	prefix string            // put before every path (PatchObject: where a template is)
}

func (d *differ) spec(a, b *corev1.PodSpec) {
	const p = "/spec"
	ra, rb := new(corev1.PodSpec), new(corev1.PodSpec)
	*ra, *rb = *a, *b
	ra.InitContainers, ra.Containers, ra.Volumes, ra.ImagePullSecrets = nil, nil, nil, nil
	rb.InitContainers, rb.Containers, rb.Volumes, rb.ImagePullSecrets = nil, nil, nil, nil
	if !reflect.DeepEqual(ra, rb) {
		d.json(p, ra, rb)
	}
	diffList(d, p+"/initContainers", true, a.InitContainers, b.InitContainers, diffContainer, containerName)
	diffList(d, p+"/containers", false, a.Containers, b.Containers, diffContainer, containerName)
	diffList(d, p+"/volumes", true, a.Volumes, b.Volumes, diffJSON[corev1.Volume], volumeNameOf)
	diffList(d, p+"/imagePullSecrets", true, a.ImagePullSecrets, b.ImagePullSecrets, diffJSON[corev1.LocalObjectReference], nil)
}

// diffContainer diffs two containers: the three lists Apply extends element by element,
// the rest through JSON when it differs.
func diffContainer(d *differ, p string, a, b *corev1.Container) {
	if d.ca == nil {
		d.ca, d.cb = new(corev1.Container), new(corev1.Container)
	}
	ra, rb := d.ca, d.cb
	*ra, *rb = *a, *b
	ra.Env, ra.EnvFrom, ra.VolumeMounts = nil, nil, nil
	rb.Env, rb.EnvFrom, rb.VolumeMounts = nil, nil, nil
	if resourcesEqual(&a.Resources, &b.Resources) {
		// reflect.DeepEqual allocates for every map entry; this check does not.
		ra.Resources, rb.Resources = corev1.ResourceRequirements{}, corev1.ResourceRequirements{}
	}
	if !reflect.DeepEqual(ra, rb) {
		d.json(p, ra, rb)
	}
	diffList(d, p+"/envFrom", true, a.EnvFrom, b.EnvFrom, diffJSON[corev1.EnvFromSource], nil)
	diffList(d, p+"/env", true, a.Env, b.Env, diffJSON[corev1.EnvVar], nil)
	diffList(d, p+"/volumeMounts", true, a.VolumeMounts, b.VolumeMounts, diffJSON[corev1.VolumeMount], nil)
}

// resourcesEqual reports whether two containers' resources are identical field for field
// (so their JSON is too). False means "maybe not": the caller then compares them deeply.
func resourcesEqual(a, b *corev1.ResourceRequirements) bool {
	return len(a.Claims) == 0 && len(b.Claims) == 0 && listEqual(a.Limits, b.Limits) && listEqual(a.Requests, b.Requests)
}

func listEqual(a, b corev1.ResourceList) bool {
	if len(a) != len(b) || (a == nil) != (b == nil) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || v != w {
			return false
		}
	}
	return true
}

func diffJSON[T any](d *differ, p string, a, b *T) { d.json(p, a, b) }

func containerName(c *corev1.Container) string { return c.Name }
func volumeNameOf(v *corev1.Volume) string     { return v.Name }

// diffList diffs a typed list field at p. omitEmpty says that the field is left out of the
// JSON when empty (else an empty list is [] and a nil one null). Elements that differ are
// diffed by elem. For a list whose elements have a name (key, else nil), elements inserted
// as one block before the end (fetcher init containers before the pod's own) are added at
// their index and the elements after them diffed with their own, instead of every element
// being diffed with the one that used to be at its index.
func diffList[T any](d *differ, p string, omitEmpty bool, a, b []T, elem func(d *differ, p string, a, b *T), key func(*T) string) {
	aIn, bIn := !omitEmpty || len(a) > 0, !omitEmpty || len(b) > 0
	aArr, bArr := len(a) > 0 || (!omitEmpty && a != nil), len(b) > 0 || (!omitEmpty && b != nil)
	switch {
	case !aIn && !bIn:
		return
	case !aIn:
		d.opValue("add", p, b)
		return
	case !bIn:
		d.op("remove", p)
		return
	case aArr != bArr:
		if bArr {
			d.opValue("replace", p, b)
		} else {
			d.opRaw("replace", p, []byte("null"))
		}
		return
	}
	if at, ok := insertedBlock(a, b, key); ok {
		k := len(b) - len(a)
		for i := 0; i < at; i++ {
			if !reflect.DeepEqual(&a[i], &b[i]) {
				elem(d, p+"/"+strconv.Itoa(i), &a[i], &b[i])
			}
		}
		for i := at; i < at+k; i++ {
			d.opValue("add", p+"/"+strconv.Itoa(i), &b[i])
		}
		for i := at; i < len(a); i++ {
			if !reflect.DeepEqual(&a[i], &b[i+k]) {
				elem(d, p+"/"+strconv.Itoa(i+k), &a[i], &b[i+k])
			}
		}
		return
	}
	n := min(len(a), len(b))
	for i := 0; i < n; i++ {
		if !reflect.DeepEqual(&a[i], &b[i]) {
			elem(d, p+"/"+strconv.Itoa(i), &a[i], &b[i])
		}
	}
	for i := n; i < len(b); i++ {
		d.opValue("add", p+"/-", &b[i])
	}
	for i := len(a) - 1; i >= n; i-- {
		d.op("remove", p+"/"+strconv.Itoa(i))
	}
}

// insertedBlock reports whether b is a with a block of elements inserted at index at < len(a),
// judged by the elements' names: b[:at] and a[:at] have the same names, and so do b[at+k:] and
// a[at:], where k is the block's length.
func insertedBlock[T any](a, b []T, key func(*T) string) (at int, ok bool) {
	if key == nil || len(b) <= len(a) {
		return 0, false
	}
	for at < len(a) && key(&a[at]) == key(&b[at]) {
		at++
	}
	if at == len(a) {
		return 0, false // appended at the end: the plain diff does that
	}
	k := len(b) - len(a)
	for i := at; i < len(a); i++ {
		if key(&a[i]) != key(&b[i+k]) {
			return 0, false
		}
	}
	return at, true
}

// json diffs two typed values through their JSON trees.
func (d *differ) json(p string, a, b any) {
	x, err := toTree(a)
	if err != nil {
		d.fail(p, err)
		return
	}
	y, err := toTree(b)
	if err != nil {
		d.fail(p, err)
		return
	}
	d.tree(p, x, y)
}

func (d *differ) fail(p string, err error) {
	if d.err == nil {
		// The encoder's message names a type, never the data.
		d.err = fmt.Errorf("inject: Patch cannot encode %q: %w", p, err)
	}
}

// toTree turns v into its generic JSON tree (numbers kept as json.Number).
func toTree(v any) (any, error) {
	raw, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var t any
	if err := dec.Decode(&t); err != nil {
		return nil, err
	}
	return t, nil
}

// tree diffs two generic JSON trees: objects key by key (sorted), arrays by common
// prefix then appends or removals at the end, anything else by replacement.
func (d *differ) tree(p string, x, y any) {
	switch xv := x.(type) {
	case map[string]any:
		yv, ok := y.(map[string]any)
		if !ok {
			break
		}
		for _, k := range sortedKeys(xv) {
			if _, ok := yv[k]; !ok {
				d.op("remove", p+"/"+escapeToken(k))
			}
		}
		for _, k := range sortedKeys(yv) {
			if xe, ok := xv[k]; ok {
				d.tree(p+"/"+escapeToken(k), xe, yv[k])
			} else {
				d.opValue("add", p+"/"+escapeToken(k), yv[k])
			}
		}
		return
	case []any:
		yv, ok := y.([]any)
		if !ok {
			break
		}
		n := min(len(xv), len(yv))
		for i := 0; i < n; i++ {
			d.tree(p+"/"+strconv.Itoa(i), xv[i], yv[i])
		}
		for i := n; i < len(yv); i++ {
			d.opValue("add", p+"/-", yv[i])
		}
		for i := len(xv) - 1; i >= n; i-- {
			d.op("remove", p+"/"+strconv.Itoa(i))
		}
		return
	default:
		switch y.(type) {
		case map[string]any, []any:
		default:
			if x == y { // strings, json.Numbers, bools and nil compare by value
				return
			}
		}
	}
	d.opValue("replace", p, y)
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// escapeToken escapes one JSON Pointer token (RFC 6901).
func escapeToken(s string) string {
	if !strings.ContainsAny(s, "~/") {
		return s
	}
	return strings.ReplaceAll(strings.ReplaceAll(s, "~", "~0"), "/", "~1")
}

func (d *differ) op(kind, p string) {
	d.begin(kind, p)
	d.buf.WriteByte('}')
}

func (d *differ) opValue(kind, p string, v any) {
	d.begin(kind, p)
	d.buf.WriteString(`,"value":`)
	if err := d.enc.Encode(v); err != nil {
		d.fail(p, err)
		return
	}
	d.buf.Truncate(d.buf.Len() - 1) // the newline Encode ends each value with
	d.buf.WriteByte('}')
}

func (d *differ) opRaw(kind, p string, raw []byte) {
	d.begin(kind, p)
	d.buf.WriteString(`,"value":`)
	d.buf.Write(raw)
	d.buf.WriteByte('}')
}

func (d *differ) begin(kind, p string) {
	if d.n > 0 {
		d.buf.WriteByte(',')
	}
	d.n++
	d.buf.WriteString(`{"op":"`)
	d.buf.WriteString(kind)
	d.buf.WriteString(`","path":`)
	writeJSONString(&d.buf, d.prefix+p)
}

// writeJSONString writes s as a JSON string. Invalid UTF-8 becomes U+FFFD, as encoding/json does.
func writeJSONString(b *bytes.Buffer, s string) {
	const hexDigits = "0123456789abcdef"
	b.WriteByte('"')
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '"' || c == '\\':
				b.WriteByte('\\')
				b.WriteByte(c)
			case c < 0x20:
				b.WriteString(`\u00`)
				b.WriteByte(hexDigits[c>>4])
				b.WriteByte(hexDigits[c&0xf])
			default:
				b.WriteByte(c)
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b.WriteString(`\ufffd`)
		} else {
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	b.WriteByte('"')
}
