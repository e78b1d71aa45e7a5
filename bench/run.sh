#!/usr/bin/env bash
# Measures Bulwark's full manifest scan against the decode floor and prints
# a markdown table (median of RUNS runs per mode, each run its own process).
#
#   bench/run.sh                 # 10,000 objects in 1,000 files, 5 runs each
#   bench/run.sh --gotest        # also: go test -bench=. -benchmem -count=3 ./bench/
#   OBJECTS=2000 FILES=200 RUNS=3 bench/run.sh
#
# Environment: OBJECTS, FILES, SEED, RUNS, KEEP=1 (keep the temp dir).
set -euo pipefail

OBJECTS=${OBJECTS:-10000}
FILES=${FILES:-1000}
SEED=${SEED:-1}
RUNS=${RUNS:-5}
GOTEST=0
for arg in "$@"; do
	case "$arg" in
	--gotest) GOTEST=1 ;;
	-h | --help)
		sed -n '2,9p' "$0"
		exit 0
		;;
	*)
		echo "run.sh: unknown argument $arg" >&2
		exit 2
		;;
	esac
done

root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/bulwark-bench.XXXXXX")
if [[ "${KEEP:-0}" != 1 ]]; then
	trap 'rm -rf "$work"' EXIT
else
	echo "keeping $work" >&2
fi

(cd "$root" && go build -o "$work/benchscan" ./bench/cmd/benchscan)
"$work/benchscan" -gen -dir "$work/manifests" -objects "$OBJECTS" -files "$FILES" -seed "$SEED" >&2
bytes=$(du -sb "$work/manifests" | cut -f1)

# Runs alternate between the modes so that load from other processes on
# the machine hits both alike.
for i in $(seq "$RUNS"); do
	for mode in scan floor; do
		line=$("$work/benchscan" -mode "$mode" -dir "$work/manifests")
		echo "run $i: $line $(cut -d' ' -f1-3 /proc/loadavg | sed 's/^/load=/; s/ /,/g')" >&2
		echo "$line" >>"$work/$mode.txt"
	done
done

# field FILE KEY: the values of KEY=... in FILE, one a line.
field() { grep -o "\b$2=[^ ]*" "$1" | cut -d= -f2; }
median() { sort -g | awk '{v[NR]=$1} END {if (NR%2) print v[(NR+1)/2]; else print (v[NR/2]+v[NR/2+1])/2}'; }

for mode in scan floor; do
	declare "${mode}_wall=$(field "$work/$mode.txt" wall_s | median)"
	declare "${mode}_rss=$(field "$work/$mode.txt" peak_rss_mb | median)"
	declare "${mode}_cpu=$(field "$work/$mode.txt" cpu_s | median)"
done
findings=$(field "$work/scan.txt" findings | head -1)

awk -v o="$OBJECTS" -v f="$FILES" -v b="$bytes" -v n="$RUNS" -v fi="$findings" \
	-v sw="$scan_wall" -v fw="$floor_wall" -v sr="$scan_rss" -v fr="$floor_rss" -v sc="$scan_cpu" -v fc="$floor_cpu" \
	-v cores="$(nproc)" -v date="$(date -u +%Y-%m-%d)" 'BEGIN {
	printf "%d objects in %d files (%.1f MB of YAML), %d findings; median of %d runs; %d cores; %s\n\n", o, f, b/1e6, fi, n, cores, date
	print "| mode | wall time | objects/s | ratio to floor | peak RSS | CPU time (user+sys) |"
	print "|---|---:|---:|---:|---:|---:|"
	printf "| scan (PSS + all checks, JSON) | %.3f s | %.0f | %.2fx | %.0f MB | %.2f s |\n", sw, o/sw, sw/fw, sr, sc
	printf "| decode floor | %.3f s | %.0f | 1.00x | %.0f MB | %.2f s |\n", fw, o/fw, fr, fc
	printf "\nCPU-time ratio scan/floor: %.2fx (less sensitive than wall time to other load on the machine)\n", sc/fc
	printf "targets: scan < 1 s: %s; ratio <= 2x: %s; peak RSS < 300 MB: %s\n", \
		(sw < 1 ? "met" : "MISSED"), (sw/fw <= 2 ? "met" : "MISSED"), (sr < 300 ? "met" : "MISSED")
}'

if [[ $GOTEST == 1 ]]; then
	echo
	(cd "$root" && go test -run='^$' -bench=. -benchmem -count=3 ./bench/ -args -corpus.dir="$work/manifests")
fi
