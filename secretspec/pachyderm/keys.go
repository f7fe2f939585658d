package pachyderm

import (
	"encoding/json"
	"slices"
)

// sortedKeys returns the object's field names in order, so errors come out the same every time.
func sortedKeys(obj map[string]json.RawMessage) []string {
	keys := make([]string, 0, len(obj))
	for k := range obj {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
