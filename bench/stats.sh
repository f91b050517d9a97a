#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# `stats --no-stream` over 20 running containers: cpod beside Debian's podman on the same
# machine, same image (the test suite's busybox rootfs), same runtime, --network none.
# Prints hyperfine medians and the cpod/podman ratio. Needs root, podman and hyperfine.
# Never part of the tests.
#
# Usage: bench/stats.sh [RUNTIME] [COUNT]     (default: runc, 20 containers)
set -euo pipefail
. "$(dirname "$0")/lib.sh"

need hyperfine podman python3
RT=${1:-runc}
COUNT=${2:-20}

bench_reset
"$TOP/tests/images/build.sh" >/dev/null
TAR=$TOP/tests/images/out/busybox.tar

C="$CPOD_BIN --root $BENCH_DIR/cpod --runroot $BENCH_DIR/cpod-run --runtime $RT"
P="podman --root $BENCH_DIR/podman --runroot $BENCH_DIR/podman-run --runtime $RT --cgroup-manager cgroupfs --events-backend file"
# podman's default nofile/nproc ulimits exceed this host's hard limits (no CAP_SYS_RESOURCE)
PLIM="--ulimit nofile=1024:1024 --ulimit nproc=1024:1024"
NET="--network none"

cleanup() {
	$C rm -a -f -t 0 >/dev/null 2>&1 || true
	$P rm -a -f -t 0 >/dev/null 2>&1 || true
}
trap cleanup EXIT

$C import -q "$TAR" localhost/bench >/dev/null
$P import -q "$TAR" localhost/bench >/dev/null 2>&1
for i in $(seq "$COUNT"); do
	$C run -d $NET --name "s$i" localhost/bench sleep 100000 >/dev/null
	$P run -d $NET $PLIM --name "s$i" localhost/bench sleep 100000 >/dev/null 2>&1
done
echo "running: cpod $($C stats --no-stream --format "{{.ID}}" | wc -l), podman $($P ps -q | wc -l)"

header "operation ($RT, $COUNT containers)"
row "stats --no-stream" \
	"$(median_ms c-stats "$C stats --no-stream")" \
	"$(median_ms p-stats "$P stats --no-stream")"
row "stats --no-stream --format json" \
	"$(median_ms c-stats-json "$C stats --no-stream --format json")" \
	"$(median_ms p-stats-json "$P stats --no-stream --format json")"
row "top (one container)" \
	"$(median_ms c-top "$C top s1")" "$(median_ms p-top "$P top s1")"
