#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# Networking: `run --rm` on the default bridge network, cpod beside Debian's podman on the
# same machine (podman with --network-backend netavark: its CNI default is broken here),
# same image, same runtime; then HTTP throughput (wrk) to a busybox httpd in a cpod
# container through a published port on 127.0.0.1, against the same httpd on the host
# network. Only loopback and the container bridge carry traffic. Needs root, podman,
# hyperfine and wrk (scripts/install-deps.sh --bench). Never part of the tests.
#
# Usage: bench/network.sh [RUNTIME]     (default: runc)
set -euo pipefail
. "$(dirname "$0")/lib.sh"

need hyperfine podman python3 wrk curl
RT=${1:-runc}

bench_reset
"$TOP/tests/images/build.sh" >/dev/null
TAR=$TOP/tests/images/out/busybox.tar

C="$CPOD_BIN --root $BENCH_DIR/cpod --runroot $BENCH_DIR/cpod-run --runtime $RT"
P="podman --root $BENCH_DIR/podman --runroot $BENCH_DIR/podman-run --runtime $RT --cgroup-manager cgroupfs --events-backend file --network-backend netavark --network-config-dir $BENCH_DIR/podman-networks"
# podman's default nofile/nproc ulimits exceed this host's hard limits (no CAP_SYS_RESOURCE)
PLIM="--ulimit nofile=1024:1024 --ulimit nproc=1024:1024"
HTTPD='mkdir -p /www && head -c 4096 /dev/zero > /www/index.html && exec httpd -f -p 8080 -h /www'

cleanup() {
	$C rm -a -f -t 0 >/dev/null 2>&1 || true
	$P rm -a -f -t 0 >/dev/null 2>&1 || true
	[[ -n ${HOST_HTTPD:-} ]] && kill "$HOST_HTTPD" 2>/dev/null || true
}
trap cleanup EXIT

$C import -q "$TAR" localhost/bench >/dev/null
$P import -q "$TAR" localhost/bench >/dev/null 2>&1

header "run --rm, default network ($RT)"
row "run --rm true (bridge)" \
	"$(median_ms c-run-bridge "$C run --rm localhost/bench true")" \
	"$(median_ms p-run-bridge "$P run --rm $PLIM localhost/bench true")"
row "run --rm true (--network none)" \
	"$(median_ms c-run-none "$C run --rm --network none localhost/bench true")" \
	"$(median_ms p-run-none "$P run --rm $PLIM --network none localhost/bench true")"

# wrk_rps PORT: requests per second over 5 s, 2 threads, 32 connections
wrk_rps() {
	local i
	for i in $(seq 1 50); do curl -s -o /dev/null -m 1 "http://127.0.0.1:$1/" && break; sleep 0.1; done
	wrk -t2 -c32 -d5s "http://127.0.0.1:$1/" | awk '/^Requests\/sec/ {print $2}'
}

PORT_C=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
$C run -d --name web -p "127.0.0.1:$PORT_C:8080" localhost/bench sh -c "$HTTPD" >/dev/null
rps_c=$(wrk_rps "$PORT_C")

# the same server on the host network, for reference
PORT_H=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
mkdir -p "$BENCH_DIR/www" && head -c 4096 /dev/zero > "$BENCH_DIR/www/index.html"
busybox httpd -f -p "127.0.0.1:$PORT_H" -h "$BENCH_DIR/www" &
HOST_HTTPD=$!
rps_h=$(wrk_rps "$PORT_H")

PORT_P=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
rps_p=nan
if $P run -d $PLIM --name web -p "127.0.0.1:$PORT_P:8080" localhost/bench sh -c "$HTTPD" >/dev/null 2>&1; then
	rps_p=$(wrk_rps "$PORT_P")
fi

printf '\n%-34s %10s %10s %10s\n' "HTTP 4 KiB, req/s (wrk -c32)" "cpod" "podman" "host"
printf '%-34s %10s %10s %10s\n' "published port on 127.0.0.1" "$rps_c" "$rps_p" "$rps_h"
echo "cpod/host: $(ratio "$rps_c" "$rps_h")   cpod/podman: $(ratio "$rps_c" "$rps_p")"
