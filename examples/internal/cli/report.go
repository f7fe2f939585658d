package cli

import (
	"fmt"
	"io"

	"github.com/podsecrets/podsecrets/propagate"
)

// PrintReport writes a propagate Report as a table, one namespace a line, indented by
// two spaces: NAMESPACE, ACTION and, when something was not done, why.
func PrintReport(w io.Writer, report *propagate.Report) error {
	tw := Table(w)
	fmt.Fprintln(tw, "  NAMESPACE\tACTION\tWHY")
	for _, r := range report.Results {
		why := ""
		if r.Err != nil {
			why = r.Err.Error()
		}
		fmt.Fprintf(tw, "  %s\t%s\t%s\n", r.Namespace, r.Action, why)
	}
	return tw.Flush()
}
