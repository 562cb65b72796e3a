#!/bin/bash
# Compares two bhxh-bot builds under the closed-loop flood of bench_webhook,
# in alternating runs (A, B, A, B, ...), so that the machine's drift weighs
# on both alike. Prints each run, then the median per build of the server's
# CPU per 200 and of events/s, and how many pairs B won.
#
#   bench/webhook/compare_builds.sh PAIRS BINARY_A BINARY_B [BENCH]
#
# BENCH defaults to build-bench/bench/bench_webhook. Each run is one fresh
# bhxh-bot, one 4 s closed loop (~15 s per run with start-up and warm-up).
set -euo pipefail

if [ $# -lt 3 ]; then
  echo "usage: $0 PAIRS BINARY_A BINARY_B [BENCH]" >&2
  exit 2
fi
pairs=$1
bin_a=$2
bin_b=$3
bench=${4:-build-bench/bench/bench_webhook}
for f in "$bin_a" "$bin_b" "$bench"; do
  [ -x "$f" ] || { echo "$0: not an executable: $f" >&2; exit 2; }
done

results=$(mktemp)
trap 'rm -f "$results"' EXIT

run() {  # tag binary -> "tag server_us client_us events_per_s"
  local out
  out=$("$bench" --only bhxh --rounds 1 --duration 4 --open-duration 0.5 --binary "$2" 2>&1) || {
    echo "$0: bench_webhook failed for $2:" >&2
    echo "$out" | tail -5 >&2
    exit 1
  }
  local cpu eps
  cpu=$(echo "$out" | sed -n 's/.*closed 32 conn *server *\([0-9.]*\) us *client *\([0-9.]*\) us.*/\1 \2/p' | head -1)
  eps=$(echo "$out" | awk '$1 == "bhxh" && $2 == "closed" {print $5; exit}')
  echo "$1 $cpu $eps" | tee -a "$results"
}

echo "build server_us client_us events/s"
for _ in $(seq "$pairs"); do
  run A "$bin_a"
  run B "$bin_b"
done

median() {  # reads numbers, prints their median
  sort -n | awk '{v[NR] = $1} END {if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2}'
}
for tag in A B; do
  cpu=$(awk -v t=$tag '$1 == t {print $2}' "$results" | median)
  eps=$(awk -v t=$tag '$1 == t {print $4}' "$results" | median)
  echo "median $tag: server CPU per 200 ${cpu} us, ${eps} events/s"
done
awk '$1 == "A" {a[++na] = $4} $1 == "B" {b[++nb] = $4}
     END {w = 0; for (i = 1; i <= nb; i++) if (b[i] > a[i]) w++; print "pairs where B took more events/s: " w " of " nb}' "$results"
