#!/usr/bin/env bash
# Runs every benchmark program of a build with the flags docs/benchmarks.md records:
#   scripts/run-benchmarks.sh [BUILD_DIR]   (default: build/default)
# Extra arguments after the build folder go to every program (e.g. --benchmark_filter=...).
set -euo pipefail
build=${1:-build/default}
shift || true
bench="$build/bench"
if [ ! -d "$bench" ]; then
  echo "run-benchmarks: no $bench; build first (make build), with benchmarks on" >&2
  exit 1
fi
repeat=(--benchmark_repetitions=5 --benchmark_report_aggregates_only=true)
run() {
  local program=$1
  shift
  if [ ! -x "$bench/$program" ]; then
    echo "run-benchmarks: $bench/$program was not built; skipped" >&2
    return
  fi
  echo "== $program $*"
  "$bench/$program" "$@"
}
echo "machine: $(nproc) cores, $(lscpu | sed -n 's/^Model name: *//p'), load $(cut -d' ' -f1-3 /proc/loadavg)"
run framework/bench_framework --benchmark_min_time=1 "${repeat[@]}" "$@"
run statsd/statsd_bench "$@"
run statsd/statsd_transport_bench "$@"
run datadog/datadog_bench "${repeat[@]}" "$@"
run datadog/datadog_client_bench "${repeat[@]}" "$@"
