#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
#
# Run cpod's bats system tests, as root, against the real binary.
#
# Usage: tests/system/run.sh [--tap] [FILTER...]
#   FILTER   run only tests/system/*FILTER*.bats (e.g. `run.sh 010 info`)
#   --tap    TAP output even on a terminal (the default when stdout is not a terminal)
# Environment: CPOD_BIN (default build/src/cli/cpod), CPOD_TEST_TIMEOUT, and BATS_ARGS for
# extra bats options (e.g. BATS_ARGS='--filter import').
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
src=$(cd "$here/../.." && pwd)
export CPOD_BIN=${CPOD_BIN:-$src/build/src/cli/cpod}

tap=0
[[ -t 1 ]] || tap=1
filters=()
for a in "$@"; do
	case "$a" in
	--tap) tap=1 ;;
	-h | --help)
		sed -n '4,10p' "$0" | sed 's/^# \{0,1\}//'
		exit 0
		;;
	*) filters+=("$a") ;;
	esac
done

files=()
for f in "$here"/*.bats; do
	if ((${#filters[@]} == 0)); then
		files+=("$f")
		continue
	fi
	for flt in "${filters[@]}"; do
		if [[ $(basename "$f") == *"$flt"* ]]; then
			files+=("$f")
			break
		fi
	done
done
((${#files[@]})) || {
	echo "run.sh: no test file matches ${filters[*]}" >&2
	exit 2
}

command -v bats >/dev/null || {
	echo "run.sh: bats is not installed (run scripts/install-deps.sh)" >&2
	exit 1
}
[[ -x $CPOD_BIN ]] || {
	echo "run.sh: $CPOD_BIN not found (run scripts/build.sh)" >&2
	exit 1
}

fmt=(--formatter pretty)
((tap)) && fmt=(--tap)
# shellcheck disable=SC2086
bats "${fmt[@]}" --setup-suite-file "$here/setup_suite.bash" ${BATS_ARGS:-} "${files[@]}" </dev/null ||
	rc=$?
# The container tests (03x) run a second time with runc (the first run uses
# $CPOD_TEST_RUNTIME, crun by default); CPOD_TEST_NO_RUNC=1 skips that.
ctr_files=()
for f in "${files[@]}"; do
	[[ $(basename "$f") == 03[0-9]-*.bats ]] && ctr_files+=("$f")
done
if ((${#ctr_files[@]})) && [[ ${CPOD_TEST_NO_RUNC:-} != 1 && ${CPOD_TEST_RUNTIME:-crun} != runc ]]; then
	echo "# container tests again with runc"
	# shellcheck disable=SC2086
	CPOD_TEST_RUNTIME=runc bats "${fmt[@]}" --setup-suite-file "$here/setup_suite.bash" \
		${BATS_ARGS:-} "${ctr_files[@]}" </dev/null || rc=$?
fi
exit "${rc:-0}"
