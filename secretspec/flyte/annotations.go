package flyte

import (
	"encoding/base32"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	apivalidation "k8s.io/apimachinery/pkg/api/validation"
)

// AnnotationPrefix starts the name of every annotation that carries a secret request; the
// request's position follows: flyte.secrets/s0, flyte.secrets/s1, ….
const AnnotationPrefix = "flyte.secrets/s"

// MaxAnnotationsSize is Kubernetes' limit on the total size of a pod's annotations, names and
// values together, in bytes (256 KiB).
const MaxAnnotationsSize = apivalidation.TotalAnnotationSizeLimitB

// base32Alphabet is Flyte's base32 alphabet; the encoding has no padding.
const base32Alphabet = "abcdefghijklmnopqrstuvwxyz123456"

func encoding() *base32.Encoding {
	return base32.NewEncoding(base32Alphabet).WithPadding(base32.NoPadding)
}

// AnnotationError is a problem with one flyte.secrets annotation. It never quotes the value.
type AnnotationError struct {
	// Annotation is the annotation's name, e.g. "flyte.secrets/s3"; "" for the whole set.
	Annotation string
	// Offset is the 0-based byte offset of the problem, in the value for a base32 error or in
	// the decoded text for a text-format error; -1 when the problem is not at one place.
	Offset int
	// Msg says what was wrong and what was expected.
	Msg string
}

// Error describes the problem as `annotation "flyte.secrets/s3": byte 7: msg`. It has no
// package prefix: the error DecodeAnnotations (or EncodeAnnotations, PodRefs) returns says
// "flyte: " once, before all of its problems.
func (e *AnnotationError) Error() string {
	s := ""
	if e.Annotation != "" {
		s += "annotation " + strconv.Quote(e.Annotation) + ": "
	}
	if e.Offset >= 0 {
		s += "byte " + strconv.Itoa(e.Offset) + ": "
	}
	return s + e.Msg
}

// EncodeAnnotations writes each request as Flyte's propeller does: annotation
// flyte.secrets/s<i> holding the request's protobuf text form (as golang/protobuf's
// MarshalTextString prints it), base32-encoded with the alphabet a-z1-6 and no padding. It is an
// error if a request has an unknown MountRequirement or if the annotations together exceed
// MaxAnnotationsSize. Names are not checked here: Refs does that.
func EncodeAnnotations(secrets []Secret) (map[string]string, error) {
	out := make(map[string]string, len(secrets))
	enc := encoding()
	var errs []error
	size := 0
	for i, s := range secrets {
		name := AnnotationPrefix + strconv.Itoa(i)
		if !s.MountRequirement.known() {
			errs = append(errs, &AnnotationError{Annotation: name, Offset: -1,
				Msg: fmt.Sprintf("secrets[%d]: unknown mount requirement %d: expected MountAny, MountEnvVar or MountFile", i, s.MountRequirement)})
			continue
		}
		v := enc.EncodeToString([]byte(marshalText(s)))
		out[name] = v
		size += len(name) + len(v)
	}
	if size > MaxAnnotationsSize {
		errs = append(errs, &AnnotationError{Offset: -1, Msg: fmt.Sprintf(
			"the %d secret requests need %d bytes of annotations, over Kubernetes' limit of %d bytes for all annotations of a pod",
			len(secrets), size, MaxAnnotationsSize)})
	}
	if len(errs) > 0 {
		return nil, fail(errs...)
	}
	return out, nil
}

// DecodeAnnotations reads the requests in a pod's annotations, in numeric order of their
// names (s2 before s10), ignoring every annotation that does not start with AnnotationPrefix.
// It reads everything the protobuf text format allows: any whitespace, ';' or ',' after a field,
// '#' comments, either quote, adjacent strings, octal, hex and \u escapes, numeric enums.
//
// Every problem is reported (several *AnnotationError joined): annotations over
// MaxAnnotationsSize in total (the API server would never have stored them), a name whose
// suffix is not a decimal number without leading zeros (Flyte reads any name with the prefix
// as a request, so "flyte.secrets/s01" or "flyte.secrets/sx" is refused rather than ignored),
// a value that is not base32 in Flyte's alphabet, and text that is not a core.Secret: an unknown
// field, a field given twice, an unknown mount requirement.
func DecodeAnnotations(annotations map[string]string) ([]Secret, error) {
	secrets, _, err := decodeAnnotations(annotations)
	return secrets, err
}

// decodeAnnotations is DecodeAnnotations, also returning the name of each request's annotation.
func decodeAnnotations(annotations map[string]string) ([]Secret, []string, error) {
	size := 0
	for k, v := range annotations {
		size += len(k) + len(v)
	}
	if size > MaxAnnotationsSize {
		return nil, nil, fail(&AnnotationError{Offset: -1, Msg: fmt.Sprintf(
			"annotations total %d bytes, over Kubernetes' limit of %d bytes", size, MaxAnnotationsSize)})
	}
	type request struct {
		n    int
		name string
	}
	var reqs []request
	var errs []error
	for name := range annotations {
		suffix, ok := strings.CutPrefix(name, AnnotationPrefix)
		if !ok {
			continue
		}
		n, ok := requestNumber(suffix)
		if !ok {
			errs = append(errs, &AnnotationError{Annotation: name, Offset: -1,
				Msg: "expected " + AnnotationPrefix + "<N>, N a decimal number without leading zeros"})
			continue
		}
		reqs = append(reqs, request{n, name})
	}
	slices.SortFunc(reqs, func(a, b request) int { return a.n - b.n })
	slices.SortFunc(errs, func(a, b error) int {
		return strings.Compare(a.(*AnnotationError).Annotation, b.(*AnnotationError).Annotation)
	})
	enc := encoding()
	var (
		out   []Secret
		names []string
	)
	for _, r := range reqs {
		raw, off := decodeValue(enc, annotations[r.name])
		if off >= 0 {
			errs = append(errs, &AnnotationError{Annotation: r.name, Offset: off,
				Msg: "value is not base32 with the alphabet " + base32Alphabet + " and no padding"})
			continue
		}
		s, terr := unmarshalText(string(raw))
		if terr != nil {
			errs = append(errs, &AnnotationError{Annotation: r.name, Offset: terr.offset,
				Msg: "decoded text is not a core.Secret: " + terr.msg})
			continue
		}
		out = append(out, s)
		names = append(names, r.name)
	}
	if len(errs) > 0 {
		return nil, nil, fail(errs...)
	}
	return out, names, nil
}

// decodeValue decodes an annotation's value, or returns the offset of the first byte that is not
// where Flyte's encoder would have put it: unlike encoding/base32 alone, it refuses line breaks,
// a dangling last character and non-zero trailing bits, so that one request has one encoding.
func decodeValue(enc *base32.Encoding, v string) ([]byte, int) {
	raw, err := enc.DecodeString(v)
	if err != nil {
		var ce base32.CorruptInputError
		if errors.As(err, &ce) && int(ce) < len(v) {
			return nil, int(ce)
		}
		return nil, len(v) - 1
	}
	again := enc.EncodeToString(raw)
	if again == v {
		return raw, -1
	}
	i := 0
	for i < len(v) && i < len(again) && v[i] == again[i] {
		i++
	}
	return nil, min(i, len(v)-1)
}

// requestNumber parses the N of s<N>: decimal digits, no sign, no leading zero, fits an int32.
func requestNumber(s string) (int, bool) {
	if s == "" || len(s) > 1 && s[0] == '0' || len(s) > 10 {
		return 0, false
	}
	n := 0
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
		n = n*10 + int(s[i]-'0')
	}
	return n, n <= 1<<31-1
}
