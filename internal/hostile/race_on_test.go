//go:build race

package hostile_test

// raceEnabled is true when the tests run under -race, whose instrumentation
// makes allocation figures meaningless.
const raceEnabled = true
