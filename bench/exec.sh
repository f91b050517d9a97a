#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
#
# Exec benchmarks: `exec CTR true` latency (and a few neighbours: exec -i with input, cp of a
# small file in and out, diff, mount), cpod beside Debian's podman on the same machine, same
# busybox image imported in both, same runtime, --network none. Prints hyperfine medians and
# cpod/podman ratios. Needs root, podman and hyperfine (`scripts/install-deps.sh --bench`).
# Never part of the tests.
#
# Usage: bench/exec.sh [RUNTIME]     (default runc: podman 4.3 cannot run crun on a cgroup
#                                     hybrid host; cpod can, see the last row)
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
need hyperfine podman python3
RT=${1:-runc}

bench_reset
"$TOP/tests/images/build.sh" >/dev/null
TAR=$TOP/tests/images/out/busybox.tar

C="$CPOD_BIN --root $BENCH_DIR/cpod --runroot $BENCH_DIR/cpod-run --runtime $RT"
P="podman --root $BENCH_DIR/podman --runroot $BENCH_DIR/podman-run --runtime $RT --cgroup-manager cgroupfs --events-backend file"
$C import -q "$TAR" localhost/bench >/dev/null
$P import -q "$TAR" localhost/bench >/dev/null 2>&1
NET="--network none"
# podman's default ulimits exceed this host's hard limits (no CAP_SYS_RESOURCE): give it low ones
$C run -d --name ex $NET localhost/bench sleep 100000 >/dev/null
$P run -d --name ex --ulimit nofile=1024:1024 --ulimit nproc=1024:1024 $NET localhost/bench sleep 100000 >/dev/null
echo small >"$BENCH_DIR/small.txt"

header "operation ($RT)"
p_exec=$(median_ms p-exec "$P exec ex true")
row "exec CTR true" "$(median_ms c-exec "$C exec ex true")" "$p_exec"
row "exec CTR sh -c 'exit 3' (rc 3)" \
	"$(median_ms c-exec3 "$C exec ex sh -c 'exit 3' || true")" \
	"$(median_ms p-exec3 "$P exec ex sh -c 'exit 3' || true")"
row "echo x | exec -i CTR cat" \
	"$(median_ms c-execi "echo x | $C exec -i ex cat")" \
	"$(median_ms p-execi "echo x | $P exec -i ex cat")"
row "cp FILE CTR:/tmp" \
	"$(median_ms c-cpin "$C cp $BENCH_DIR/small.txt ex:/tmp/")" \
	"$(median_ms p-cpin "$P cp $BENCH_DIR/small.txt ex:/tmp/")"
row "cp CTR:/etc/passwd FILE" \
	"$(median_ms c-cpout "$C cp ex:/etc/passwd $BENCH_DIR/c-out")" \
	"$(median_ms p-cpout "$P cp ex:/etc/passwd $BENCH_DIR/p-out")"
row "diff CTR" "$(median_ms c-diff "$C diff ex")" "$(median_ms p-diff "$P diff ex")"

echo
printf '%-34s %10s %10s %8s\n' "peak RSS (KiB)" cpod podman ratio
row "exec CTR true" "$(peak_rss_kb $C exec ex true)" "$(peak_rss_kb $P exec ex true)"

if [[ $RT != crun ]] && $CPOD_BIN --root $BENCH_DIR/cpod --runroot $BENCH_DIR/cpod-run info --format '{{.Host.OCIRuntime.Name}}' 2>/dev/null | grep -q crun; then
	echo
	Cc="$CPOD_BIN --root $BENCH_DIR/cpod --runroot $BENCH_DIR/cpod-run --runtime crun"
	$Cc run -d --name exc $NET localhost/bench sleep 100000 >/dev/null
	# cpod's default runtime here against the only one podman 4.3 can use on this host
	row "exec CTR true (cpod crun)" "$(median_ms c-exec-crun "$Cc exec exc true")" "$p_exec"
fi
$C rm -a -f -t 0 >/dev/null 2>&1 || true
$P rm -a -f -t 0 >/dev/null 2>&1 || true
