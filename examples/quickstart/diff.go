package main

import (
	"fmt"
	"io"
)

// writeDiff prints how b differs from a, line by line: each added line with "+ ", each
// removed one with "- ", and the unchanged line above each run of changes for context, with
// "  ..." where unchanged lines are left out.
func writeDiff(w io.Writer, a, b []string) {
	// lcs[i][j] is the length of the longest common subsequence of a[i:] and b[j:].
	lcs := make([][]int, len(a)+1)
	for i := range lcs {
		lcs[i] = make([]int, len(b)+1)
	}
	for i := len(a) - 1; i >= 0; i-- {
		for j := len(b) - 1; j >= 0; j-- {
			if a[i] == b[j] {
				lcs[i][j] = lcs[i+1][j+1] + 1
			} else {
				lcs[i][j] = max(lcs[i+1][j], lcs[i][j+1])
			}
		}
	}
	shown := -1 // the last line of a printed (as context or removed), -1 for none
	context := func(i int) {
		if i < 0 || i <= shown {
			return
		}
		if i > shown+1 {
			fmt.Fprintln(w, "  ...")
		}
		fmt.Fprintln(w, "  "+a[i])
		shown = i
	}
	changed := false
	i, j := 0, 0
	for i < len(a) || j < len(b) {
		switch {
		case i < len(a) && j < len(b) && a[i] == b[j]:
			i++
			j++
		case j < len(b) && (i == len(a) || lcs[i][j+1] >= lcs[i+1][j]):
			context(i - 1)
			fmt.Fprintln(w, "+ "+b[j])
			j++
			changed = true
		default:
			context(i - 1)
			fmt.Fprintln(w, "- "+a[i])
			shown = i
			i++
			changed = true
		}
	}
	if changed && shown < len(a)-1 {
		fmt.Fprintln(w, "  ...")
	}
}
