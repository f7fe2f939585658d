package encode

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"

	corev1 "k8s.io/api/core/v1"
)

// Hash returns the 10-character suffix kubectl create secret --append-hash
// appends to s's name: the SHA-256 of a JSON object of s's kind, name, type,
// data (and immutable, when set), whose first 10 hex digits have 0, 1, 3, a
// and e replaced by g, h, k, m and t so that no word can form. Labels and
// annotations do not count. stringData counts folded into data, and nil data
// hashes as empty data, as kubectl's always-present data map does.
func Hash(s *corev1.Secret) string {
	if s == nil {
		return ""
	}
	data := folded(s)
	if data == nil {
		data = map[string][]byte{}
	}
	obj := map[string]any{"kind": "Secret", "name": s.Name, "type": s.Type, "data": data}
	if s.Immutable != nil {
		obj["immutable"] = *s.Immutable
	}
	enc, err := json.Marshal(obj)
	if err != nil { // cannot happen: strings, bytes and a bool always encode
		return ""
	}
	sum := sha256.Sum256(enc)
	h := []byte(hex.EncodeToString(sum[:5]))
	for i, c := range h {
		switch c {
		case '0':
			h[i] = 'g'
		case '1':
			h[i] = 'h'
		case '3':
			h[i] = 'k'
		case 'a':
			h[i] = 'm'
		case 'e':
			h[i] = 't'
		}
	}
	return string(h)
}

// WithHashSuffix returns a copy of s named "<name>-<Hash(s)>", as kubectl
// --append-hash names it. s is not modified; nil gives nil.
func WithHashSuffix(s *corev1.Secret) *corev1.Secret {
	if s == nil {
		return nil
	}
	out := s.DeepCopy()
	out.Name = s.Name + "-" + Hash(s)
	return out
}
