// Package hostile holds the tests that cross the library's packages: no secret value leaks
// through any public entry point (leak_*_test.go, one file per area), every pure function is
// safe to call concurrently (concurrency_test.go), and hostile sizes are refused cheaply
// (size_test.go). It exports nothing; run it with go test ./internal/hostile.
package hostile
