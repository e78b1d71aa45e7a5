#!/usr/bin/env bash
# Issue 18's side-by-side benchmark on the replicated real corpus: every
# object of ../shared/corpus/real copied MULT times with -rNN appended to its
# name, shuffled with a fixed seed, dealt into 1,000 files (57 copies: 26,847
# objects, 12.9 MB). Whole processes, each timed by /usr/bin/time (wall, CPU
# user+sys, peak RSS), modes alternated, median of RUNS:
#   bulwark      bulwark scan manifests DIR --format json -o /dev/null
#   floor        split + decode the same YAML with sigs.k8s.io/yaml on 2 goroutines
#   kube-linter  kube-linter lint DIR --format json (when on PATH)
# then the scaling table: the full scan at 1x, 2x, ..., 64x the corpus.
#
#   bench/replicated.sh                      # RUNS=3 MULT=57 SCALE="1 2 4 8 16 32 64"
#   CORPUS=/path/to/real RUNS=5 SCALE= bench/replicated.sh
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
CORPUS=${CORPUS:-$root/../shared/corpus/real}
[[ -d $CORPUS ]] || CORPUS=/work/shared/corpus/real
MULT=${MULT:-57}
RUNS=${RUNS:-3}
SCALE=${SCALE-1 2 4 8 16 32 64}
work=$(mktemp -d "${TMPDIR:-/tmp}/bulwark-repl.XXXXXX")
trap 'rm -rf "$work"' EXIT

(cd "$root" && go build -o "$work/benchscan" ./bench/cmd/benchscan && go build -o "$work/bulwark" ./cmd/bulwark)
"$work/benchscan" -replicate "$CORPUS" -mult "$MULT" -dir "$work/m" >&2
bytes=$(du -sb "$work/m" | cut -f1)

# measure NAME CMD...: one run, appends "wall cpu rss_mb" to $work/NAME.
measure() {
	local name=$1
	shift
	/usr/bin/time -o "$work/t" -f "%e %U %S %M" "$@" >/dev/null 2>"$work/err" || true
	grep -q . "$work/t" || { cat "$work/err" >&2; exit 1; }
	# The last line: before it, time notes a non-zero exit (1: findings).
	tail -1 "$work/t" | awk '{printf "%.3f %.3f %.1f\n", $1, $2+$3, $4/1024}' | tee -a "$work/res.$name" | sed "s/^/$name: /" >&2
}
modes="bulwark floor"
command -v kube-linter >/dev/null && modes="$modes kube-linter"
for _ in $(seq "$RUNS"); do
	for mode in $modes; do
		case $mode in
		bulwark) measure bulwark "$work/bulwark" scan manifests "$work/m" --format json -o /dev/null ;;
		floor) measure floor "$work/benchscan" -mode floor -dir "$work/m" ;;
		kube-linter) measure kube-linter kube-linter lint "$work/m" --format json ;;
		esac
	done
done
median() { sort -g | awk '{v[NR]=$1} END {if (NR%2) print v[(NR+1)/2]; else print (v[NR/2]+v[NR/2+1])/2}'; }
col() { cut -d" " -f"$2" "$work/res.$1" | median; }
fw=$(col floor 1)
objects=$("$work/benchscan" -mode floor -dir "$work/m" | grep -o 'objects=[0-9]*' | head -1 | cut -d= -f2)
printf '%d objects in 1,000 files (%.1f MB), %d copies of %s; median of %d runs; %s, load %s\n\n' \
	"$objects" "$(bc -l <<<"$bytes/1000000")" "$MULT" "$(basename "$CORPUS")" "$RUNS" "$(date -u +%Y-%m-%d)" "$(cut -d' ' -f1 /proc/loadavg)"
echo "| program | wall | CPU (user+sys) | peak RSS | wall / floor |"
echo "|---|---:|---:|---:|---:|"
for mode in $modes; do
	w=$(col "$mode" 1)
	printf '| %s | %.2f s | %.2f s | %.0f MB | %.2fx |\n' "$mode" "$w" "$(col "$mode" 2)" "$(col "$mode" 3)" "$(bc -l <<<"$w/$fw")"
done

[[ -n $SCALE ]] || exit 0
echo
echo "| copies | objects | MB | wall | CPU | peak RSS | CPU µs/object | KB RSS/object |"
echo "|---:|---:|---:|---:|---:|---:|---:|---:|"
for m in $SCALE; do
	rm -rf "$work/s"
	n=$("$work/benchscan" -replicate "$CORPUS" -mult "$m" -dir "$work/s" | grep -o 'objects=[0-9]*' | cut -d= -f2)
	: >"$work/res.scale"
	measure scale "$work/bulwark" scan manifests "$work/s" --format json -o /dev/null
	read -r w c r <"$work/res.scale"
	printf '| %d | %d | %.1f | %.2f s | %.2f s | %.0f MB | %.0f | %.1f |\n' "$m" "$n" "$(bc -l <<<"$(du -sb "$work/s" | cut -f1)/1000000")" \
		"$w" "$c" "$r" "$(bc -l <<<"$c*1000000/$n")" "$(bc -l <<<"$r*1024/$n")"
done
