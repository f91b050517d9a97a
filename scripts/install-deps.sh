#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
#
# Install every package cpod needs to build, run and test, from Debian 12's archive.
# Idempotent: when everything is already installed it does not touch apt at all, so a
# second run takes a fraction of a second.
#
# Usage: scripts/install-deps.sh [--bench]
#   --bench   also install the reference tools used only by bench/ (podman, hyperfine, wrk).
#             Tests never depend on them.
set -euo pipefail

build_pkgs=(
	meson ninja-build pkg-config gcc libc6-dev clang git
	libjansson-dev libarchive-dev libsqlite3-dev libcurl4-openssl-dev libssl-dev
	libmicrohttpd-dev libyaml-dev libcmocka-dev
	libseccomp-dev # seccomp profiles compiled once and passed to crun precompiled
	libclang-rt-14-dev # ASan/UBSan/libFuzzer runtimes for clang
)
runtime_pkgs=(
	crun runc conmon catatonit uidmap slirp4netns netavark aardvark-dns fuse-overlayfs
	iptables criu golang-github-containers-common
)
test_pkgs=(
	bats busybox-static docker-registry
	apache2-utils # htpasswd for the registry's auth tests
	openssl jq curl procps
	python3 python3-docker # docker-py for the API tests, python3's pty module for tty tests
)
bench_pkgs=(podman hyperfine wrk)

pkgs=("${build_pkgs[@]}" "${runtime_pkgs[@]}" "${test_pkgs[@]}")
case "${1:-}" in
--bench) pkgs+=("${bench_pkgs[@]}") ;;
"") ;;
*)
	echo "usage: $0 [--bench]" >&2
	exit 2
	;;
esac

missing=()
for p in "${pkgs[@]}"; do
	status=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
	[[ $status == installed ]] || missing+=("$p")
done

if ((${#missing[@]} == 0)); then
	echo "install-deps: all ${#pkgs[@]} packages are installed"
	exit 0
fi

if [[ $(id -u) != 0 ]]; then
	echo "install-deps: missing packages: ${missing[*]}" >&2
	echo "install-deps: run this script as root (sudo $0 $*)" >&2
	exit 1
fi

# Some maintainer scripts create /run/systemd/system, which makes tools believe systemd is
# PID 1 (netavark then starts aardvark-dns through systemd-run and fails). Remove it again
# when it did not exist before and systemd is not really running.
had_systemd_dir=0
[[ -e /run/systemd/system ]] && had_systemd_dir=1

echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt_opts=(-y -q -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold
	-o Dpkg::Use-Pty=0)
apt-get "${apt_opts[@]}" update
apt-get "${apt_opts[@]}" install --no-install-recommends "${missing[@]}" </dev/null

if [[ $had_systemd_dir == 0 && -e /run/systemd/system && $(cat /proc/1/comm) != systemd ]]; then
	echo "install-deps: removing /run/systemd/system left by a package (systemd is not PID 1)"
	rm -rf /run/systemd/system
fi
echo "install-deps: done"
