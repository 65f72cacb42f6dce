#!/usr/bin/env bash
# Stand-in for `edgesplit run` in the sweep tests: writes a summary.json computed from its --set values,
# via a temporary directory renamed at the end (as the real run does). Values bad/infeasible/crash fail.
set -eu
[ "${1:-}" = run ] || { echo "fake_run: expected 'run'" >&2; exit 1; }
shift
base="$1"
shift
out="" seed=0
sets=()
while [ $# -gt 0 ]; do
  case "$1" in
    --out) out="$2"; shift 2 ;;
    --set) sets+=("$2"); shift 2 ;;
    --seed) seed="$2"; shift 2 ;;
    --quiet) shift ;;
    *) echo "fake_run: unknown argument $1" >&2; exit 2 ;;
  esac
done
[ -f "$base" ] || { echo "$base: error: no such scenario" >&2; exit 2; }
x=0
for s in "${sets[@]+"${sets[@]}"}"; do
  k="${s%%=*}" v="${s#*=}"
  case "$v" in
    bad) echo "" >&2; echo "<command line>:1:1: error: --set $k: expected a number, found \"bad\", really" >&2
         echo "second line" >&2; exit 2 ;;
    infeasible) echo "infeasible: no plan fits the memory of the hosts" >&2; exit 3 ;;
    crash) kill -KILL $$ ;;
  esac
  case "$k" in
    sleep) sleep "$v" ;;
    x | y | z) x=$((x * 10 + v)) ;;
  esac
done
if [ -n "${FAKE_LOG:-}" ]; then echo "$out" >>"$FAKE_LOG"; fi
tmp="$out.fake-tmp"
rm -rf "$tmp"
mkdir -p "$tmp"
printf '%s\n' "${sets[@]+"${sets[@]}"}" >"$tmp/args.txt"
printf 'request,latency_s\n0,%d.5\n' "$x" >"$tmp/requests.csv"
cat >"$tmp/summary.json" <<JSON
{
  "scenario": "fake",
  "partitioner": "fake, \"quoted\"",
  "requests_completed": 10,
  "throughput_rps": $((x * 2 + seed)).25,
  "latency_s": {"mean": 1.5, "p50": $x.5, "p95": 1e-05, "max": 3},
  "bottleneck": {"stage": $((seed % 3)), "host": "pi-$seed", "resource": "compute"},
  "energy_j": {"total": 12, "per_inference": 0.$seed, "by_host": {"pi-1": 1.5}},
  "predicted": {"bottleneck_s": 0.125},
  "wall_time_s": $RANDOM.$$,
  "seed": $seed
}
JSON
mv "$tmp" "$out"
