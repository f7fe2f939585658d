package inject

import (
	"testing"

	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/podsecrets/podsecrets/inject/internal/benchfixture"
	"github.com/podsecrets/podsecrets/secretspec"
)

func BenchmarkApply(b *testing.B) {
	pod, refs := benchfixture.Pod(), benchfixture.Refs()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Apply(&pod.Spec, refs); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDeepCopy copies the PodSpec that Apply returns: the least any pure function
// producing it must spend. BenchmarkApply is measured against it.
func BenchmarkDeepCopy(b *testing.B) {
	pod, refs := benchfixture.Pod(), benchfixture.Refs()
	out, err := Apply(&pod.Spec, refs)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		_ = out.DeepCopy()
	}
}

func BenchmarkPatch(b *testing.B) {
	pod, refs := benchfixture.Pod(), benchfixture.Refs()
	out, err := ApplyPod(pod, refs)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Patch(pod, out); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkValidateRefs is the share of BenchmarkApply spent in secretspec.ValidateRefs
// (called as Apply calls it).
func BenchmarkValidateRefs(b *testing.B) {
	refs := benchfixture.Refs()
	b.ReportAllocs()
	for b.Loop() {
		if errs := secretspec.ValidateRefs(refs, field.NewPath("refs")); len(errs) > 0 {
			b.Fatal(errs)
		}
	}
}

// BenchmarkApplyExtras is BenchmarkApply with the Extras Flyte's AWS manager adds (a volume,
// one fetcher init container, one mount and two variables in every container); it is
// measured against BenchmarkDeepCopyExtras, a DeepCopy of its result.
func BenchmarkApplyExtras(b *testing.B) {
	pod, refs, opt := benchfixture.Pod(), benchfixture.Refs(), WithExtras(benchfixture.AWSExtras())
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Apply(&pod.Spec, refs, opt); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkDeepCopyExtras(b *testing.B) {
	pod, refs := benchfixture.Pod(), benchfixture.Refs()
	out, err := Apply(&pod.Spec, refs, WithExtras(benchfixture.AWSExtras()))
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		_ = out.DeepCopy()
	}
}
