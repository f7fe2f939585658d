#!/usr/bin/env bash
# Runs every fuzz target in the module, one after another, for a given duration each.
#
#   hack/fuzz.sh            # 10m per target
#   hack/fuzz.sh 30s        # a quick pass
#   hack/fuzz.sh 10m ./encode/...   # only some packages
#
# New findings are written by `go test` to the package's testdata/fuzz/FuzzXxx/ directory, where
# they become regression tests for `go test ./...`. A summary line per target goes to stdout and
# to hack/fuzz-results.txt (target, duration, outcome) for SECURITY.md.
set -euo pipefail
cd "$(dirname "$0")/.."

duration=${1:-10m}
shift || true
pkgs=("${@:-./...}")
results=hack/fuzz-results.txt
: > "$results"
status=0

for pkg in $(go list "${pkgs[@]}"); do
	dir=$(go list -f '{{.Dir}}' "$pkg")
	targets=$(grep -hoE '^func (Fuzz[A-Za-z0-9_]+)\(' "$dir"/*_test.go 2>/dev/null | sed -E 's/^func (Fuzz[A-Za-z0-9_]+)\(/\1/' | sort -u || true)
	for target in $targets; do
		printf '%s %s ... ' "$pkg" "$target"
		log=$(mktemp)
		if go test "$pkg" -run '^$' -fuzz "^${target}\$" -fuzztime "$duration" >"$log" 2>&1; then
			line="ok      $pkg $target $duration"
		else
			line="FAILED  $pkg $target $duration (see output above)"
			cat "$log"
			status=1
		fi
		rm -f "$log"
		echo "${line%% *}"
		echo "$line" >> "$results"
	done
done
exit "$status"
