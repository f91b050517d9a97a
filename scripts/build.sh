#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
#
# Configure (once) and build cpod with meson + ninja.
#
# Usage: scripts/build.sh [--werror] [--asan] [--builddir DIR] [ninja targets...]
#   --werror        turn warnings into errors (always on when CI is set)
#   --asan          ASan+UBSan build; the default build directory becomes build-asan/
#   --builddir DIR  build in DIR instead of build/ (or build-asan/)
# The binary is DIR/src/cli/cpod; `meson install -C DIR` installs it under /usr/local.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

werror=false
[[ ${CI:-} == true ]] && werror=true
asan=0
builddir=
targets=()
while (($#)); do
	case "$1" in
	--werror) werror=true ;;
	--asan) asan=1 ;;
	--builddir)
		builddir=${2:?--builddir needs a directory}
		shift
		;;
	-h | --help)
		sed -n '4,10p' "$0" | sed 's/^# \{0,1\}//'
		exit 0
		;;
	-*)
		echo "build.sh: unknown option $1" >&2
		exit 2
		;;
	*) targets+=("$1") ;;
	esac
	shift
done

opts=(-Dwerror="$werror")
if ((asan)); then
	builddir=${builddir:-build-asan}
	opts+=("-Db_sanitize=address,undefined")
else
	builddir=${builddir:-build}
fi

if [[ -f $builddir/build.ninja ]]; then
	meson configure "$builddir" "${opts[@]}" >/dev/null
else
	meson setup "$builddir" "${opts[@]}"
fi
ninja -C "$builddir" "${targets[@]}"
