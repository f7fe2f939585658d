package record

import (
	"unicode/utf8"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/tools/events"
)

// MaxNote is the longest note, in bytes, the API server accepts in an events.k8s.io/v1 Event.
const MaxNote = 1024

// Event records an Event through rec about regarding (and related, when not nil); nil rec
// records nothing. A note longer than MaxNote is cut at a character boundary and ends in
// "…". The note is passed as data: a "%" in a name stays as it is.
func Event(rec events.EventRecorder, regarding, related *corev1.ObjectReference, eventtype, reason, action, note string) {
	if rec == nil {
		return
	}
	var rel runtime.Object
	if related != nil {
		rel = related
	}
	rec.Eventf(regarding, rel, eventtype, reason, action, "%s", Cap(note))
}

// Cap returns note cut to at most MaxNote bytes, at a character boundary, ending in "…" when
// it was cut.
func Cap(note string) string {
	if len(note) <= MaxNote {
		return note
	}
	const ellipsis = "…"
	cut := MaxNote - len(ellipsis)
	for cut > 0 && !utf8.RuneStart(note[cut]) {
		cut--
	}
	return note[:cut] + ellipsis
}
