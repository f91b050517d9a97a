#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Guard for the lazy loading of libcurl and libarchive (src/util/lazy.h): fails when cpod's
# code calls a curl_ or archive_ function that the shims (lazy-curl.c, lazy-archive.c) don't
# define, and when the cpod binary depends on libcurl or libarchive directly again.
# Usage: lazy-symbols.sh CPOD_BINARY SHIM_LIBRARY BUILD_ROOT
set -eu
cpod=$1 shim=$2 root=$3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# every static library and test object of the build, except the shims themselves
find "$root/src" "$root/tests" \( -name 'libcpod-*.a' -o -name '*.o' \) \
	! -name "$(basename "$shim")" ! -path '*/libcpod-lazy.a.p/*' | sort >"$tmp/objects"
if ! [ -s "$tmp/objects" ]; then
	echo "lazy-symbols.sh: no objects under $root" >&2
	exit 1
fi
xargs nm -u <"$tmp/objects" 2>/dev/null | awk '$1 == "U" { print $2 }' |
	grep -E '^(curl|archive)_' | sort -u >"$tmp/used" || true
xargs nm --defined-only <"$tmp/objects" 2>/dev/null | awk 'NF == 3 { print $3 }' |
	sort -u >"$tmp/own"
nm --defined-only "$shim" | awk '$2 == "T" { print $3 }' | sort -u >"$tmp/shimmed"
# cpod's own archive_* helpers (image/archive-*.c) are not libarchive's
comm -23 "$tmp/used" "$tmp/own" >"$tmp/library"
comm -23 "$tmp/library" "$tmp/shimmed" >"$tmp/missing"

status=0
if [ -s "$tmp/missing" ]; then
	echo "not provided by the lazy shims in src/util/lazy-curl.c / lazy-archive.c (add them there):"
	sed 's/^/  /' "$tmp/missing"
	status=1
fi
if readelf -d "$cpod" | grep -E 'NEEDED.*\[lib(curl|archive)' ; then
	echo "$cpod links libcurl or libarchive directly: use curl_dep/archive_dep (src/util/meson.build)"
	status=1
fi
echo "$(wc -l <"$tmp/library") libcurl/libarchive functions used, $(wc -l <"$tmp/shimmed") shimmed"
exit $status
