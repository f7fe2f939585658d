// Package errtext turns an error into its list of messages so tests can compare them.
//
// An aggregate (k8s.io/apimachinery/pkg/util/errors.Aggregate, such as the one
// field.ErrorList.ToAggregate returns) yields one message per member error:
//
//	if diff := cmp.Diff(wantMessages, errtext.Messages(err)); diff != "" {
//		t.Errorf("errors (-want +got):\n%s", diff)
//	}
package errtext
