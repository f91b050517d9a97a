#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
#
# The one test command (CI runs it through .ci/run): installs the dependencies, builds with
# --werror, runs the unit suite (cmocka tests and fuzz-corpus replays) in a normal and in
# an ASan+UBSan build, a short deterministic libFuzzer run of every fuzz target
# (scripts/fuzz.sh), then the bats system tests against the real binary, as root.
# A failure in any stage fails the script; the stages after a test failure still run so
# that one log shows everything. Ends with a "N passed, N failed" line.
#
# Usage: scripts/test.sh [--no-deps] [--no-asan] [--no-fuzz] [--no-system] [SYSTEM-TEST FILTERS...]
set -uo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.." || exit 1
src=$PWD

deps=1 asan=1 fuzz=1 system=1 filters=()
for a in "$@"; do
	case "$a" in
	--no-deps) deps=0 ;;
	--no-asan) asan=0 ;;
	--no-fuzz) fuzz=0 ;;
	--no-system) system=0 ;;
	-h | --help)
		sed -n '4,11p' "$0" | sed 's/^# \{0,1\}//'
		exit 0
		;;
	-*)
		echo "test.sh: unknown option $a" >&2
		exit 2
		;;
	*) filters+=("$a") ;;
	esac
done

passed=0 failed=0 skipped=0
failures=()
logdir=$(mktemp -d "${TMPDIR:-/tmp}/cpod-test.XXXXXX")
start_all=$SECONDS

stage() {
	echo
	echo "==> $* ($(date -u +%H:%M:%S))"
}

summary() {
	echo
	echo "==> summary ($((SECONDS - start_all))s)"
	local f
	for f in "${failures[@]}"; do
		echo "    FAILED: $f"
	done
	echo "$passed passed, $failed failed, $skipped skipped"
}

# fatal STAGE: a stage the others depend on failed (deps, build): stop here.
fatal() {
	failures+=("$1")
	failed=$((failed + 1))
	summary
	exit 1
}

# meson_tests BUILDDIR LABEL: run the unit suite and add its counts.
meson_tests() {
	local dir=$1 label=$2 rc=0
	meson test -C "$dir" --suite unit --print-errorlogs --num-processes "$(nproc)" || rc=$?
	local log=$dir/meson-logs/testlog.json p=0 f=0 s=0
	if [[ -s $log ]]; then
		p=$(jq -s '[.[] | select(.result == "OK" or .result == "EXPECTEDFAIL")] | length' "$log")
		s=$(jq -s '[.[] | select(.result == "SKIP")] | length' "$log")
		f=$(jq -s '[.[] | select(.result != "OK" and .result != "EXPECTEDFAIL" and .result != "SKIP")] | length' "$log")
		jq -r 'select(.result != "OK" and .result != "EXPECTEDFAIL" and .result != "SKIP") | .name' \
			"$log" | while read -r t; do echo "$label: $t"; done >>"$logdir/failed-names"
	fi
	if ((rc != 0 && f == 0)); then
		f=1
		echo "$label: meson test exited with $rc" >>"$logdir/failed-names"
	fi
	echo "--- $label: $p passed, $f failed, $s skipped"
	passed=$((passed + p)) failed=$((failed + f)) skipped=$((skipped + s))
}

collect_failure_names() {
	[[ -f $logdir/failed-names ]] || return 0
	local n
	while read -r n; do failures+=("$n"); done <"$logdir/failed-names"
	rm -f "$logdir/failed-names"
}

export ASAN_OPTIONS=${ASAN_OPTIONS:-abort_on_error=1:halt_on_error=1:print_summary=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1:print_summary=1}

if ((deps)); then
	stage "install dependencies"
	if [[ $(id -u) == 0 ]]; then
		scripts/install-deps.sh || fatal "install-deps"
	else
		scripts/install-deps.sh || echo "warning: not root and packages are missing; continuing"
	fi
fi

stage "build (build/, --werror)"
scripts/build.sh --werror || fatal "build"

stage "unit tests (build/)"
meson_tests build unit
collect_failure_names

if ((asan)); then
	stage "build with ASan+UBSan (build-asan/, --werror)"
	if scripts/build.sh --asan --werror; then
		stage "unit tests under ASan+UBSan (build-asan/)"
		meson_tests build-asan unit-asan
		collect_failure_names
	else
		failures+=("build-asan")
		failed=$((failed + 1))
	fi
fi

if ((fuzz)); then
	stage "fuzz targets: libFuzzer with ASan+UBSan, fixed seed (scripts/fuzz.sh, build-fuzz/)"
	if scripts/fuzz.sh; then
		passed=$((passed + 1))
	else
		failures+=("fuzz (scripts/fuzz.sh)")
		failed=$((failed + 1))
	fi
fi

if ((system)); then
	stage "test images (tests/images/build.sh)"
	if ! tests/images/build.sh; then
		fatal "test images"
	fi

	stage "system tests (bats, as $(id -un))"
	[[ $(id -u) == 0 ]] || echo "warning: the system tests are meant to run as root"
	tap=$logdir/system.tap
	CPOD_BIN=$src/build/src/cli/cpod tests/system/run.sh --tap "${filters[@]}" | tee "$tap"
	rc=${PIPESTATUS[0]}
	p=$(grep -cE '^ok [0-9]+' "$tap" | head -1)
	s=$(grep -cE '^ok [0-9]+ .*# skip' "$tap" | head -1)
	f=$(grep -cE '^not ok [0-9]+' "$tap" | head -1)
	p=$((p - s))
	while read -r line; do
		failures+=("system: ${line#not ok }")
	done < <(grep -E '^not ok [0-9]+' "$tap")
	planned=$(sed -n 's/^1\.\.\([0-9]*\)$/\1/p' "$tap" | head -1)
	if [[ -n $planned ]] && ((p + s + f < planned)); then
		failures+=("system: only $((p + s + f)) of $planned tests reported")
		f=$((f + planned - p - s - f))
	fi
	if ((rc != 0 && f == 0)); then
		failures+=("system: bats exited with $rc")
		f=1
	fi
	echo "--- system: $p passed, $f failed, $s skipped"
	passed=$((passed + p)) failed=$((failed + f)) skipped=$((skipped + s))
fi

summary
rm -rf "$logdir"
((failed == 0))
