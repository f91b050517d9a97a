#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
#
# Build the test images' root filesystems as plain, reproducible tarballs for `cpod import`:
#
#   hello.tar    /hello only (a static binary)            import with --change 'CMD ["/hello"]'
#   busybox.tar  busybox-static + applet links in /bin,    import with --change 'CMD ["sh"]'
#                /etc/passwd and /etc/group (root, nobody, testuser uid 1000), /tmp 1777,
#                /root, and /usr/local/bin/cpod-testprog
#
# Output goes to $CPOD_IMAGES_OUT (default tests/images/out/). The tarballs are rebuilt only
# when an input changes: the sources, this script, the busybox-static and gcc versions are
# hashed into out/inputs.sha256. Entries are sorted, owned by 0:0 (numeric), dated at the
# epoch, so the same inputs give the same bytes and therefore the same image IDs.
#
# Usage: tests/images/build.sh [--force]
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
out=${CPOD_IMAGES_OUT:-$here/out}
force=0
[[ ${1:-} == --force ]] && force=1

for tool in gcc tar sha256sum; do
	command -v "$tool" >/dev/null || { echo "build.sh: $tool is missing (run scripts/install-deps.sh)" >&2; exit 1; }
done
busybox=/bin/busybox
if ! [[ -x $busybox ]] || ! dpkg-query -W -f='${Status}' busybox-static 2>/dev/null | grep -q 'ok installed'; then
	echo "build.sh: busybox-static is not installed (run scripts/install-deps.sh)" >&2
	exit 1
fi

inputs_hash() {
	{
		sha256sum "$here/build.sh" "$here/hello/hello.c" "$here/testprog/cpod-testprog.c" |
			awk '{print $1}'
		dpkg-query -W -f='${Version}\n' busybox-static
		gcc --version | head -1
		tar --version | head -1
	} | sha256sum | awk '{print $1}'
}

key=$(inputs_hash)
if [[ $force == 0 && -f $out/inputs.sha256 && $(cat "$out/inputs.sha256") == "$key" &&
	-f $out/hello.tar && -f $out/busybox.tar ]]; then
	echo "test images are up to date in $out"
	exit 0
fi

mkdir -p "$out"
rm -f "$out/inputs.sha256"
work=$(mktemp -d "$out/.work.XXXXXX")
trap 'rm -rf "$work"' EXIT
umask 022

cflags=(-static -Os -s -std=gnu17 -D_GNU_SOURCE -Wall -Wextra -Werror)
gcc "${cflags[@]}" -o "$work/hello" "$here/hello/hello.c"
gcc "${cflags[@]}" -o "$work/cpod-testprog" "$here/testprog/cpod-testprog.c"

# Same bytes for the same tree: sorted names, fixed owner and time, no atime/ctime records.
# make_tar ROOT DEST [PATH OWNER]: PATH (relative to ROOT) is appended last, owned by OWNER
# (numeric uid = gid), since GNU tar can only override the owner of a whole archive.
make_tar() {
	local root=$1 dest=$2 path=${3:-} owner=${4:-}
	local opts=(--file "$dest.tmp" --directory "$root" --format=gnu --sort=name --numeric-owner
		--mtime=@0)
	find "$root" -exec touch -h -d @0 {} +
	tar --create "${opts[@]}" --owner=0 --group=0 ${path:+--exclude=./$path} .
	if [[ -n $path ]]; then
		tar --append "${opts[@]}" --owner="$owner" --group="$owner" "./$path"
	fi
	mv "$dest.tmp" "$dest"
}

# hello: the one static binary
mkdir -p "$work/hello-root"
install -m 0755 "$work/hello" "$work/hello-root/hello"
make_tar "$work/hello-root" "$out/hello.tar"

# busybox: a small but complete userland
r=$work/busybox-root
mkdir -p "$r"/{bin,dev,etc,proc,root,sys,tmp,usr/bin,usr/sbin,usr/local/bin,var/tmp,home/testuser}
install -m 0755 "$busybox" "$r/bin/busybox"
for applet in $("$busybox" --list); do
	[[ $applet == busybox || -e $r/bin/$applet ]] || ln -s busybox "$r/bin/$applet"
done
ln -s bin "$r/sbin"
install -m 0755 "$work/cpod-testprog" "$r/usr/local/bin/cpod-testprog"
cat >"$r/etc/passwd" <<'PASSWD'
root:x:0:0:root:/root:/bin/sh
testuser:x:1000:1000:cpod test user:/home/testuser:/bin/sh
nobody:x:65534:65534:nobody:/nonexistent:/bin/false
PASSWD
cat >"$r/etc/group" <<'GROUP'
root:x:0:
testuser:x:1000:
nogroup:x:65534:
GROUP
printf 'cpod-busybox\n' >"$r/etc/hostname"
chmod 0644 "$r/etc/passwd" "$r/etc/group" "$r/etc/hostname"
chmod 0700 "$r/root"
chmod 1777 "$r/tmp" "$r/var/tmp"
chmod 0755 "$r/home/testuser"
make_tar "$r" "$out/busybox.tar" home/testuser 1000

echo "$key" >"$out/inputs.sha256"
echo "built test images in $out:"
(cd "$out" && sha256sum hello.tar busybox.tar)
