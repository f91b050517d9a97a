# SPDX-License-Identifier: Apache-2.0
# shellcheck shell=bash
#
# For the container tests (030-036): every cpod call uses the OCI runtime named by
# $CPOD_TEST_RUNTIME (crun by default; run.sh runs these files a second time with runc).
# Load after helpers.bash.

CPOD_TEST_RUNTIME=${CPOD_TEST_RUNTIME:-crun}
export CPOD_TEST_RUNTIME
TESTPROG=/usr/local/bin/cpod-testprog

cpod() {
	timeout --foreground -v --kill-after=10 "$CPOD_TEST_TIMEOUT" \
		"$CPOD_BIN" --root "$CPOD_TEST_ROOT" --runroot "$CPOD_TEST_RUNROOT" \
		--runtime "$CPOD_TEST_RUNTIME" "$@"
}

# Remove every container of this file's store (teardown).
ctr_cleanup() {
	cpod rm -a -f -t 0 >/dev/null 2>&1 || true
}

# wait_for_state NAME STATE: poll until the container has STATE (10 s at most).
wait_for_state() {
	local i
	for ((i = 0; i < 100; i++)); do
		[[ $(cpod inspect --format '{{.State.Status}}' "$1" 2>/dev/null) == "$2" ]] && return 0
		sleep 0.1
	done
	die "container $1 did not reach state $2"
}
