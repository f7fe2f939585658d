package inject

import (
	corev1 "k8s.io/api/core/v1"
)

// Volume names are "<prefix>-<hash>": the prefix is the Secret name made a valid label
// (lower case, every character outside [a-z0-9] turned into '-', at most prefixMax bytes),
// the hash is 10 hex digits of a 64-bit FNV-1a over the Secret name, the sorted items, the
// mode and the optional flag. So a name depends on what the volume holds and nothing else,
// is a DNS-1123 label of at most 63 bytes, and is the same in every pod.
//
// When the pod already has a volume of that name with different content (a user volume, or
// by a 40-bit chance another of ours), the next name is tried: the same hash mixed with a
// counter 1, 2, …. The choice depends only on the pod's volumes, so it is deterministic and
// a second Apply finds and reuses the volume the first one added.
const (
	hashLen   = 10
	prefixMax = 63 - 1 - hashLen
)

const (
	fnvOffset uint64 = 14695981039346656037
	fnvPrime  uint64 = 1099511628211
)

type fnv64 uint64

func (h *fnv64) byte(b byte) { *h = fnv64((uint64(*h) ^ uint64(b)) * fnvPrime) }

func (h *fnv64) uint32(v uint32) {
	for i := 0; i < 4; i++ {
		h.byte(byte(v >> (8 * i)))
	}
}

// string writes s with its length first, so that no two sequences of strings hash alike
// by mere concatenation.
func (h *fnv64) string(s string) {
	h.uint32(uint32(len(s)))
	for i := 0; i < len(s); i++ {
		h.byte(s[i])
	}
}

// volumeHash is the content hash of a secret volume.
func volumeHash(secret string, items []corev1.KeyToPath, hasMode bool, mode int32, optional bool) uint64 {
	h := fnv64(fnvOffset)
	h.string(secret)
	h.uint32(uint32(len(items)))
	for i := range items {
		h.string(items[i].Key)
		h.string(items[i].Path)
		if m := items[i].Mode; m != nil {
			h.byte(1)
			h.uint32(uint32(*m))
		} else {
			h.byte(0)
		}
	}
	if hasMode {
		h.byte(1)
		h.uint32(uint32(mode))
	} else {
		h.byte(0)
	}
	if optional {
		h.byte(1)
	} else {
		h.byte(0)
	}
	return uint64(h)
}

// saltHash is the hash of the salt-th alternative name (salt 0 is the hash itself).
func saltHash(h uint64, salt int) uint64 {
	if salt == 0 {
		return h
	}
	x := fnv64(h)
	x.uint32(uint32(salt))
	return uint64(x)
}

// volumeName builds "<prefix>-<hash>" from a Secret name and a hash.
func volumeName(secret string, h uint64) string {
	var buf [63]byte
	n := 0
	for i := 0; i < len(secret) && n < prefixMax; i++ {
		c := secret[i]
		switch {
		case c >= 'a' && c <= 'z', c >= '0' && c <= '9':
		case c >= 'A' && c <= 'Z':
			c += 'a' - 'A'
		default:
			c = '-'
		}
		if c == '-' && n == 0 {
			continue // a label starts with an alphanumeric
		}
		buf[n] = c
		n++
	}
	for n > 0 && buf[n-1] == '-' {
		n--
	}
	if n == 0 {
		n = copy(buf[:], "secret")
	}
	buf[n] = '-'
	n++
	const hexDigits = "0123456789abcdef"
	for i := hashLen - 1; i >= 0; i-- {
		buf[n+i] = hexDigits[h&0xf]
		h >>= 4
	}
	return string(buf[:n+hashLen])
}
