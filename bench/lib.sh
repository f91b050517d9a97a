# SPDX-License-Identifier: Apache-2.0
# Shared helpers for the benchmarks: side-by-side timing of cpod and podman with hyperfine
# (medians) and peak RSS with GNU time. Benchmarks are never part of the test suite.

BENCH_RUNS=${BENCH_RUNS:-20}
BENCH_DIR=${BENCH_DIR:-/tmp/cpod-bench}
TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
CPOD_BIN=${CPOD_BIN:-$TOP/build/src/cli/cpod}

need() {
	for t in "$@"; do
		command -v "$t" >/dev/null || {
			echo "bench: '$t' is missing: run scripts/install-deps.sh --bench" >&2
			exit 1
		}
	done
}

# median_ms NAME CMD...: hyperfine median in milliseconds (prints nothing else)
median_ms() {
	local name=$1
	shift
	local json="$BENCH_DIR/$name.json"
	hyperfine --style none --runs "$BENCH_RUNS" --warmup 2 --export-json "$json" \
		${BENCH_PREPARE:+--prepare "$BENCH_PREPARE"} -- "$*" >/dev/null 2>&1 ||
		{ echo "nan"; return; }
	python3 -c 'import json,sys; print("%.1f" % (json.load(open(sys.argv[1]))["results"][0]["median"]*1000))' "$json"
}

# peak_rss_kb CMD...: the peak resident set of the command itself, in KiB
peak_rss_kb() {
	/usr/bin/time -f %M -o "$BENCH_DIR/rss" "$@" >/dev/null 2>&1 || true
	tail -1 "$BENCH_DIR/rss"
}

ratio() {
	python3 -c 'import sys
a, b = sys.argv[1], sys.argv[2]
try:
    print("%.2f" % (float(a) / float(b)))
except (ValueError, ZeroDivisionError):
    print("n/a")' "$1" "$2"
}

# row LABEL CPOD_MS PODMAN_MS
row() {
	printf '%-34s %10s %10s %8s\n' "$1" "$2" "$3" "$(ratio "$2" "$3")"
}

header() {
	printf '%-34s %10s %10s %8s\n' "$1" "cpod" "podman" "ratio"
}

# A fresh $BENCH_DIR: containers left by an earlier benchmark (cpod's and podman's stores
# there) are removed first, and mounts still under it are detached, so nothing leaks.
bench_reset() {
	if [[ -d $BENCH_DIR/cpod ]]; then
		"$CPOD_BIN" --root "$BENCH_DIR/cpod" --runroot "$BENCH_DIR/cpod-run" rm -a -f -t 0 \
			>/dev/null 2>&1 || true
	fi
	if [[ -d $BENCH_DIR/podman ]] && command -v podman >/dev/null; then
		podman --root "$BENCH_DIR/podman" --runroot "$BENCH_DIR/podman-run" rm -a -f -t 0 \
			>/dev/null 2>&1 || true
	fi
	{ grep -o " $BENCH_DIR[^ ]*" /proc/self/mounts || true; } | sort -r | while read -r m; do
		umount -l "$m" 2>/dev/null || true
	done
	rm -rf "$BENCH_DIR" && mkdir -p "$BENCH_DIR"
}
