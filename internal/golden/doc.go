// Package golden compares test output with a golden file kept under testdata.
//
// Each test package declares its own flag and passes its value in:
//
//	var update = flag.Bool("update", false, "rewrite the golden files in testdata/")
//
//	func TestOutput(t *testing.T) {
//		got := render()
//		golden.Check(t, filepath.Join("testdata", "output.golden.yaml"), got, *update)
//	}
//
// With update set, Check first writes got to the file; it then reads the file and
// reports any difference as a cmp.Diff "(-want +got)".
package golden
