package refpath

import (
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/util/validation/field"
)

func FuzzReplaceMentions(f *testing.F) {
	f.Add("also set by refs[1] from secret \"a\"")
	f.Add("refs[0] refs[01] refs[-1] refs[ /x/refs[0]")
	origins := []Origin{{Path: field.NewPath("a").Index(0)}, {Mention: "flag 1"}}
	f.Fuzz(func(t *testing.T, detail string) {
		got := replaceMentions(detail, origins)
		if got2 := replaceMentions(detail, origins); got2 != got {
			t.Error("two runs differ")
		}
		if plain := replaceMentions(detail, nil); plain != detail {
			t.Error("without origins the detail changed")
		}
		if !strings.Contains(detail, root+"[") && got != detail {
			t.Error("a detail without a mention changed")
		}
		i, rest, ok := splitRef(detail)
		if ok && (i < 0 || !strings.HasSuffix(detail, rest)) {
			t.Errorf("splitRef gave index %d and a suffix not in the input", i)
		}
	})
}
