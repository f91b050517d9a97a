#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
#
# Build every fuzz target of tests/fuzz/ as a libFuzzer binary (clang, ASan+UBSan) in
# build-fuzz/ and run each one on its seed corpus. The default is a short deterministic
# smoke run (fixed seed, fixed number of inputs), as scripts/test.sh does in CI; give
# --seconds N for a real fuzzing session of N seconds per target.
#
# Usage: scripts/fuzz.sh [--runs N | --seconds N] [--builddir DIR] [TARGET...]
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

runs=100000 seconds= builddir=build-fuzz targets=()
while (($#)); do
	case "$1" in
	--runs)
		runs=${2:?--runs needs a number}
		shift
		;;
	--seconds)
		seconds=${2:?--seconds needs a number}
		shift
		;;
	--builddir)
		builddir=${2:?--builddir needs a directory}
		shift
		;;
	-h | --help)
		sed -n '4,9p' "$0" | sed 's/^# \{0,1\}//'
		exit 0
		;;
	-*)
		echo "fuzz.sh: unknown option $1" >&2
		exit 2
		;;
	*) targets+=("$1") ;;
	esac
	shift
done

if ((${#targets[@]} == 0)); then
	mapfile -t targets < <(sed -n "s/^ *'\(fuzz-[a-z0-9-]*\)' *:.*/\1/p" tests/fuzz/meson.build)
fi

if [[ ! -f $builddir/build.ninja ]]; then
	CC=clang meson setup "$builddir" -Dfuzz=true -Db_sanitize=address,undefined \
		-Db_lundef=false >/dev/null
fi
ninja -C "$builddir" "${targets[@]/#/tests/fuzz/}"

export ASAN_OPTIONS=${ASAN_OPTIONS:-abort_on_error=1:halt_on_error=1:detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}
work=$(mktemp -d "${TMPDIR:-/tmp}/cpod-fuzz.XXXXXX")
trap 'rm -rf "$work"' EXIT
failed=()
for t in "${targets[@]}"; do
	# new inputs go to a scratch copy: the seed corpus in git stays as it is
	mkdir -p "$work/$t"
	cp -r "tests/fuzz/corpus/$t/." "$work/$t/"
	limit=(-seed=1 -runs="$runs")
	[[ -n $seconds ]] && limit=(-max_total_time="$seconds")
	echo "--- $t (${limit[*]})"
	if ! "$builddir/tests/fuzz/$t" "${limit[@]}" -max_len=65536 -timeout=10 \
		-rss_limit_mb=2048 -artifact_prefix="$work/$t-" "$work/$t" >"$work/$t.log" 2>&1; then
		tail -n 40 "$work/$t.log"
		for a in "$work/$t-"*; do
			[[ -e $a ]] && echo "crashing input: $(base64 -w0 "$a")"
		done
		failed+=("$t")
	else
		grep -E '^Done [0-9]+ runs' "$work/$t.log" || tail -n 1 "$work/$t.log"
	fi
done
if ((${#failed[@]})); then
	echo "fuzz.sh: failed: ${failed[*]}" >&2
	exit 1
fi
echo "fuzz.sh: ${#targets[@]} targets clean"
