package record

import (
	"strings"
	"testing"
	"unicode/utf8"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/client-go/tools/events"
)

func TestCap(t *testing.T) {
	for _, tc := range []struct {
		name string
		note string
		want int // length in bytes
	}{
		{"short", "copy conflicts", len("copy conflicts")},
		{"exactly the limit", strings.Repeat("a", MaxNote), MaxNote},
		{"one byte over", strings.Repeat("a", MaxNote+1), MaxNote},
		// "é" is 2 bytes: the cut must not split one.
		{"multibyte", strings.Repeat("é", MaxNote), MaxNote - 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := Cap(tc.note)
			if len(got) != tc.want || !utf8.ValidString(got) {
				t.Errorf("Cap: %d bytes (valid UTF-8 %v), want %d", len(got), utf8.ValidString(got), tc.want)
			}
			if len(tc.note) > MaxNote && !strings.HasSuffix(got, "…") {
				t.Errorf("Cap of a long note does not end in …")
			}
		})
	}
}

func TestEvent(t *testing.T) {
	Event(nil, &corev1.ObjectReference{Name: "x"}, nil, corev1.EventTypeNormal, "R", "A", "no recorder: nothing happens")
	rec := events.NewFakeRecorder(1)
	Event(rec, &corev1.ObjectReference{Name: "x"}, nil, corev1.EventTypeWarning, "CopyConflict", "Sync", `secret "a%sb" 100%`)
	if got, want := <-rec.Events, `Warning CopyConflict secret "a%sb" 100%`; got != want {
		t.Errorf("recorded %q, want %q", got, want)
	}
}
