package flytebench

import "testing"

// BenchmarkReview is one AdmissionReview of taskPod in, the response out, for each handler;
// compare them with `benchstat -col /impl`.
func BenchmarkReview(b *testing.B) {
	body := reviewBody(b, taskPod(b))
	for _, h := range handlers() {
		b.Run("impl="+h.name, func(b *testing.B) {
			serve(b, h, body) // the response is a patch (or, for the baseline, none)
			s := &sink{header: map[string][]string{}}
			b.ReportAllocs()
			for b.Loop() {
				s.reset()
				h.ServeHTTP(s, newRequest(body))
			}
		})
	}
}
