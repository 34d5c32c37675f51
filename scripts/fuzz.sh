#!/usr/bin/env bash
# Runs every fuzz target of the module, one after the other, each for the
# same time, and fails on the first failure. Go fuzzes one target of one
# package per run, hence the loop.
#
#   scripts/fuzz.sh            # 60s per target
#   scripts/fuzz.sh 20s        # or FUZZTIME=20s scripts/fuzz.sh
#   FUZZ_PKGS=./gototraining/gototrainingtest scripts/fuzz.sh 5m
#   FUZZ_SKIP='^FuzzServeHTTP$' scripts/fuzz.sh     # leave targets out (a grep -E pattern)
#
# FUZZMINIMIZETIME (default 10s) caps how long the fuzzer may spend shrinking
# one input. Go's default, 60s, lets the minimization of a single large
# "interesting" input stall both workers for a whole minute of a short run.
#
# Targets are found with `go test -list`, so a new Fuzz function is fuzzed
# without editing this file. A failing input is written to the package's
# testdata/fuzz/<FuzzName>/ directory: commit it with the fix, and it runs as
# a regular test from then on. The corpus the fuzzer grows on its own stays in
# the Go build cache (go env GOCACHE)/fuzz.
set -euo pipefail

fuzztime="${1:-${FUZZTIME:-60s}}"
minimizetime="${FUZZMINIMIZETIME:-10s}"
cd "$(dirname "$0")/.."
go="${GO:-go}"
read -r -a pkgs <<<"${FUZZ_PKGS:-./...}"

targets=()
while read -r pkg; do
	while read -r name; do
		targets+=("$pkg $name")
	done < <("$go" test -list '^Fuzz' "$pkg" | grep '^Fuzz' | grep -Ev "${FUZZ_SKIP:-^$}" || true)
done < <("$go" list -f '{{if or .TestGoFiles .XTestGoFiles}}{{.ImportPath}}{{end}}' "${pkgs[@]}")

if [ "${#targets[@]}" -eq 0 ]; then
	echo "fuzz.sh: no fuzz targets in ${pkgs[*]}" >&2
	exit 1
fi
echo "fuzz.sh: ${#targets[@]} targets, $fuzztime each"
start=$(date +%s)
for target in "${targets[@]}"; do
	pkg="${target% *}"
	name="${target#* }"
	echo "==> $name ($pkg)"
	"$go" test -run='^$' -fuzz="^${name}\$" -fuzztime="$fuzztime" -fuzzminimizetime="$minimizetime" "$pkg"
done
echo "fuzz.sh: ${#targets[@]} targets passed in $(($(date +%s) - start))s"
