#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
#
# Container benchmarks: cpod beside Debian's podman on the same machine, same image (the
# test suite's busybox rootfs), same runtime, --network none (podman's default network is
# not usable on these hosts; cpod's default is the host network until networking lands).
# Prints medians (hyperfine), cpod/podman ratios and peak RSS. Needs root and
# `scripts/install-deps.sh --bench` (podman, hyperfine). Never part of the tests.
#
# Usage: bench/containers.sh [RUNTIME]     (default runc: podman 4.3 cannot run crun on a
#                                           cgroup hybrid host; cpod can, see the last rows)
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
# podman's default ulimits exceed this host's hard limits (no CAP_SYS_RESOURCE): podman
# cannot start a container without lower ones; cpod gets the same for fairness
U="--ulimit nofile=1024:1024 --ulimit nproc=1024:1024"
NET="$NET $U"

header "operation ($RT)"
row "run --rm IMAGE true" \
	"$(median_ms c-run "$C run --rm $NET localhost/bench true")" \
	"$(median_ms p-run "$P run --rm $NET localhost/bench true")"
row "create + start -a" \
	"$(median_ms c-cs "$C start -a \$($C create $NET localhost/bench true)")" \
	"$(median_ms p-cs "$P start -a \$($P create $NET localhost/bench true)")"
$C rm -a -f >/dev/null 2>&1 || true
$P rm -a -f >/dev/null 2>&1 || true
for i in $(seq 100); do
	$C create $NET localhost/bench true >/dev/null
	$P create $NET localhost/bench true >/dev/null 2>&1
done
row "ps -a (100 containers)" \
	"$(median_ms c-ps "$C ps -a")" "$(median_ms p-ps "$P ps -a")"
$C create --name insp $NET localhost/bench true >/dev/null
$P create --name insp $NET localhost/bench true >/dev/null 2>&1
row "inspect" "$(median_ms c-insp "$C inspect insp")" "$(median_ms p-insp "$P inspect insp")"
c_rm=$(BENCH_PREPARE="$C run -d --name rmme $NET localhost/bench sleep 1000" median_ms c-rm "$C rm -f -t 0 rmme")
p_rm=$(BENCH_PREPARE="$P run -d --name rmme $NET localhost/bench sleep 1000" median_ms p-rm "$P rm -f -t 0 rmme")
row "rm -f of a running container" "$c_rm" "$p_rm"
row "--version" "$(median_ms c-ver "$C --version")" "$(median_ms p-ver "$P --version")"

echo
printf '%-34s %10s %10s %8s\n' "peak RSS (KiB)" cpod podman ratio
c_rss=$(peak_rss_kb $C run --rm $NET localhost/bench true)
p_rss=$(peak_rss_kb $P run --rm $NET localhost/bench true)
row "run --rm (process tree peak)" "$c_rss" "$p_rss"
# the engine's own peak, without the runtime it waits for (runc is a Go program of ~10 MiB)
c_self=$(CPOD_REPORT_RSS=1 $C run --rm $NET localhost/bench true 2>&1 >/dev/null | sed -n 's/^cpod: peak rss \([0-9]*\) kB$/\1/p')
row "run --rm (cpod's own VmHWM)" "${c_self:-n/a}" "$p_rss"

echo
echo "bare runtime (the floor: runtime run of a prepared bundle, no engine)"
B=$BENCH_DIR/bundle
mkdir -p "$B/rootfs" && tar -C "$B/rootfs" -xf "$TAR"
(cd "$B" && runc spec && sed -i 's/"terminal": true/"terminal": false/; s/"sh"/"true"/' config.json)
printf '%-34s %10s\n' "runc run" "$(median_ms bare-runc "runc run --bundle $B bench-runc")"
if "$CPOD_BIN" info --format '{{.Host.OCIRuntime.Name}}' 2>/dev/null | grep -q crun; then
	Cc="$CPOD_BIN --root $BENCH_DIR/cpod --runroot $BENCH_DIR/cpod-run --runtime crun"
	printf '%-34s %10s\n' "cpod run --rm (crun)" "$(median_ms c-run-crun "$Cc run --rm $NET localhost/bench true")"
	printf '%-34s %10s\n' "crun run (private mount ns)" \
		"$(median_ms bare-crun "unshare -m sh -c 'umount /sys/fs/cgroup/unified 2>/dev/null; exec crun run --bundle $B bench-crun'")"
fi
$C rm -a -f >/dev/null 2>&1 || true
$P rm -a -f >/dev/null 2>&1 || true
