// Package fakewatch tells a test when the watches of a fake clientset are established.
//
// The fake clientset does not replay what happened before a watch began (it ignores the
// resourceVersion an informer lists at), so an object written between an informer's LIST and
// its WATCH is never seen: a test must change the cluster only once the informers it relies
// on watch. Record a clientset before starting the controller, then wait for its watches:
//
//	c := fake.NewClientset(objs...)
//	w := fakewatch.Record(c)
//	start(c)
//	waitFor(func() bool { return w.Count("secrets", "team") > 0 })
//	c.CoreV1().Secrets("team").Update(...) // the controller sees it
//
// client-go's examples/fake-client does the same with a channel.
package fakewatch
