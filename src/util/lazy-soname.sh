#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Print, on two lines, the soname of LIBDIR/libNAME.so (the library the linker would pick)
# and the Debian package that ships it, for the lazy shims' dlopen() and their error message
# (src/util/lazy.h).
# Usage: lazy-soname.sh LIBDIR NAME    e.g. lazy-soname.sh /usr/lib/x86_64-linux-gnu curl
set -eu
lib="$1/lib$2.so"
soname=$(readelf -d "$lib" 2>/dev/null | sed -n 's/.*(SONAME).*\[\(.*\)\]$/\1/p')
if [ -z "$soname" ]; then
	echo "lazy-soname.sh: no soname found in $lib (is readelf installed?)" >&2
	exit 1
fi
real=$(readlink -f "$lib")
real=$(dirname "$real")/$soname
package=$(dpkg-query -S "$(readlink -f "$real")" 2>/dev/null | sed -n '1s/[:,].*//p') || true
printf '%s\n%s\n' "$soname" "${package:-the package providing $soname}"
