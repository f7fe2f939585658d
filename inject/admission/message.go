package admission

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	corev1 "k8s.io/api/core/v1"
	utilerrors "k8s.io/apimachinery/pkg/util/errors"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/podsecrets/podsecrets/secretspec"
)

// namer returns the name of ref i in the pod author's words: Webhook.Origin's, else the
// ref's own description.
func (wh *Webhook) namer(pod *corev1.Pod, refs []secretspec.Ref) func(int) string {
	return func(i int) string {
		if i < 0 || i >= len(refs) {
			return "request " + strconv.Itoa(i)
		}
		if wh.Origin != nil {
			if s := wh.Origin(pod, refs, i); s != "" {
				return s
			}
		}
		return describeRef(&refs[i])
	}
}

// describeRef names a ref by what it asks for and the containers it is for.
func describeRef(r *secretspec.Ref) string {
	var s string
	switch r.As {
	case secretspec.Env:
		s = fmt.Sprintf("env var %q from secret %q key %q", r.EnvVar, r.Secret, r.Key)
	case secretspec.EnvFrom:
		s = fmt.Sprintf("variables from secret %q", r.Secret)
		if r.Prefix != "" {
			s += fmt.Sprintf(" with prefix %q", r.Prefix)
		}
	case secretspec.Mount:
		s = fmt.Sprintf("secret %q mounted at %q", r.Secret, r.MountPath)
	case secretspec.PullSecret:
		s = fmt.Sprintf("image pull secret %q", r.Secret)
	case secretspec.GitSSH:
		s = fmt.Sprintf("git SSH key from secret %q", r.Secret)
	default:
		s = fmt.Sprintf("secret %q", r.Secret)
	}
	switch len(r.Containers) {
	case 0:
	case 1:
		s += fmt.Sprintf(" for container %q", r.Containers[0])
	default:
		q := make([]string, len(r.Containers))
		for i, c := range r.Containers {
			q[i] = strconv.Quote(c)
		}
		s += " for containers " + strings.Join(q, ", ")
	}
	return s
}

// explain is err's message with every field error about refs[i] told in the pod author's
// words (see explainField); an aggregate's errors are joined with "; ".
func explain(err error, names func(int) string) string {
	var agg utilerrors.Aggregate
	if !errors.As(err, &agg) {
		var fe *field.Error
		if errors.As(err, &fe) {
			return explainField(fe, names)
		}
		return err.Error()
	}
	msgs := make([]string, 0, len(agg.Errors()))
	for _, e := range agg.Errors() {
		var fe *field.Error
		if errors.As(e, &fe) {
			msgs = append(msgs, explainField(fe, names))
		} else {
			msgs = append(msgs, e.Error())
		}
	}
	return strings.Join(msgs, "; ")
}

// explainField is fe's message, with a path "refs[i].rest" told as "<name of ref i> (rest)".
func explainField(fe *field.Error, names func(int) string) string {
	body := renameRefs(fe.ErrorBody(), names)
	i, rest, ok := refIndex(fe.Field)
	if !ok {
		return fe.Field + ": " + body
	}
	s := names(i)
	if rest = strings.TrimPrefix(rest, "."); rest != "" {
		s += " (" + rest + ")"
	}
	return s + ": " + body
}

// renameRefs replaces every "refs[i]" in text (inject names the ref a conflict is with) by
// the name of ref i.
func renameRefs(text string, names func(int) string) string {
	var b strings.Builder
	for {
		at := strings.Index(text, "refs[")
		if at < 0 {
			break
		}
		i, rest, ok := refIndex(text[at:])
		b.WriteString(text[:at])
		if !ok {
			b.WriteString("refs[")
			text = text[at+len("refs["):]
			continue
		}
		b.WriteString(names(i))
		text = text[len(text)-len(rest):]
	}
	if b.Len() == 0 {
		return text
	}
	b.WriteString(text)
	return b.String()
}

// refIndex splits a text "refs[i]…" into i and what follows.
func refIndex(path string) (int, string, bool) {
	rest, ok := strings.CutPrefix(path, "refs[")
	if !ok {
		return 0, "", false
	}
	end := strings.IndexByte(rest, ']')
	if end < 0 {
		return 0, "", false
	}
	i, err := strconv.Atoi(rest[:end])
	if err != nil {
		return 0, "", false
	}
	return i, rest[end+1:], true
}
