#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
#
# Security options and namespaces, checked from inside the container: capability sets in
# /proc/self/status, seccomp (a syscall the default profile denies), no-new-privileges,
# --privileged, devices, user namespaces (uid_map), host pid/uts namespaces, sysctls,
# groups, read-only root. Both runtimes where it matters.

load helpers

setup_file() {
	use_image_store
}

teardown() {
	cpod rm -a -f -t 0 >/dev/null 2>&1 || true
}

runtimes() {
	local rt
	for rt in crun runc; do
		command -v "$rt" >/dev/null && echo "$rt"
	done
}

# The containers-common default: CHOWN DAC_OVERRIDE FOWNER FSETID KILL SETGID SETUID SETPCAP
# NET_BIND_SERVICE SYS_CHROOT SETFCAP
DEFAULT_CAPS=00000000800405fb

@test "capability sets: default, --cap-add, --cap-drop, ALL" {
	local rt
	for rt in $(runtimes); do
		run_cpod --runtime "$rt" run --rm $BUSYBOX_IMAGE grep -E '^Cap(Eff|Prm|Bnd)' /proc/self/status
		is "$output" "CapPrm:	$DEFAULT_CAPS
CapEff:	$DEFAULT_CAPS
CapBnd:	$DEFAULT_CAPS" "default caps ($rt)"
		run_cpod --runtime "$rt" run --rm --cap-add net_admin --cap-drop CAP_CHOWN \
			$BUSYBOX_IMAGE grep CapEff /proc/self/status
		is "$output" "CapEff:	00000000800415fa" "+NET_ADMIN -CHOWN ($rt)"
		run_cpod --runtime "$rt" run --rm --cap-drop all $BUSYBOX_IMAGE grep CapEff /proc/self/status
		is "$output" "CapEff:	0000000000000000" "--cap-drop all ($rt)"
	done
	run_cpod 125 create --cap-add FOO $BUSYBOX_IMAGE true
	is "$output" 'Error: "CAP_FOO": unknown capability'
	run_cpod create --name capped --cap-add net_admin --cap-drop chown $BUSYBOX_IMAGE true
	run_cpod inspect --format '{{.HostConfig.CapAdd}} {{.HostConfig.CapDrop}}' capped
	is "$output" "\[CAP_NET_ADMIN\] \[CAP_AUDIT_WRITE CAP_CHOWN CAP_MKNOD CAP_NET_RAW\]"
}

@test "the default seccomp profile denies a syscall that unconfined allows" {
	local rt
	for rt in $(runtimes); do
		run_cpod --runtime "$rt" run --rm $BUSYBOX_IMAGE grep '^Seccomp:' /proc/self/status
		is "$output" "Seccomp:	2" "filter mode ($rt)"
		# swapoff is denied with EPERM by the profile even with CAP_SYS_ADMIN
		run_cpod 1 --runtime "$rt" run --rm --cap-add sys_admin $BUSYBOX_IMAGE swapoff /nonexistent
		is "$output" "swapoff: /nonexistent: Operation not permitted" "denied ($rt)"
		run_cpod 1 --runtime "$rt" run --rm --cap-add sys_admin \
			--security-opt seccomp=unconfined $BUSYBOX_IMAGE swapoff /nonexistent
		is "$output" "swapoff: /nonexistent: No such file or directory" "unconfined ($rt)"
	done
	run_cpod 125 create --security-opt seccomp=/nonexistent.json $BUSYBOX_IMAGE true
	is "$output" "Error: opening seccomp profile failed: open /nonexistent.json: no such file or directory"
	run_cpod 125 create --security-opt foo $BUSYBOX_IMAGE true
	is "$output" 'Error: invalid --security-opt 1: "foo"'
}

@test "a seccomp profile from a file applies" {
	local prof=$BATS_TEST_TMPDIR/deny-mkdir.json
	cat >"$prof" <<'JSON'
{"defaultAction": "SCMP_ACT_ALLOW",
 "syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 1}]}
JSON
	run_cpod 1 run --rm --security-opt seccomp="$prof" $BUSYBOX_IMAGE mkdir /tmp/x
	is "$output" "mkdir: can't create directory '/tmp/x': Operation not permitted"
}

@test "no-new-privileges, masks and --read-only" {
	run_cpod run --rm --security-opt no-new-privileges $BUSYBOX_IMAGE grep NoNewPrivs /proc/self/status
	is "$output" "NoNewPrivs:	1"
	run_cpod run --rm $BUSYBOX_IMAGE grep NoNewPrivs /proc/self/status
	is "$output" "NoNewPrivs:	0"
	run_cpod run --rm --security-opt mask=/etc/hostname $BUSYBOX_IMAGE cat /etc/hostname
	is "$output" "" "a masked file reads empty"
	run_cpod run --rm --security-opt unmask=/proc/sys $BUSYBOX_IMAGE sh -c \
		'grep " /proc/sys " /proc/self/mounts || echo not-mounted'
	is "$output" "not-mounted" "/proc/sys is no longer a read-only mount"
	run_cpod 1 run --rm --read-only $BUSYBOX_IMAGE sh -c 'touch /tmp/ok && touch /nope'
	is "$output" "touch: /nope: Read-only file system"
}

@test "--privileged: every capability, host devices, no seccomp" {
	local host_bnd rt
	host_bnd=$(grep CapBnd /proc/self/status | cut -f2)
	for rt in $(runtimes); do
		run_cpod --runtime "$rt" run --rm --privileged $BUSYBOX_IMAGE \
			sh -c 'grep -E "^(CapEff|Seccomp):" /proc/self/status; ls /dev | wc -l'
		is "${lines[0]}" "CapEff:	$host_bnd" "all of the host's bounding set ($rt)"
		is "${lines[1]}" "Seccomp:	0" "no seccomp ($rt)"
		[[ ${lines[2]} -gt 20 ]] || die "only ${lines[2]} entries in /dev ($rt)"
	done
}

@test "--device and --device-cgroup-rule" {
	run_cpod run --rm --device /dev/null:/dev/mynull:rw $BUSYBOX_IMAGE \
		sh -c 'ls -l /dev/mynull | cut -c1; echo hi >/dev/mynull && echo written'
	is "$output" "c
written"
	run_cpod 125 create --device /etc/passwd $BUSYBOX_IMAGE true
	is "$output" "Error: /etc/passwd is not a valid device: not a device node"
	run_cpod 125 create --device /dev/null:/dev/x:rwx $BUSYBOX_IMAGE true
	is "$output" "Error: invalid device mode: rwx"
}

@test "user namespace from --uidmap (rootfs owned by the mapped root)" {
	local rt d
	# The mapped root must reach the store, as it can under /var/lib: bats' own temporary
	# directories above the test store are 0700.
	d=$(dirname "$CPOD_TEST_ROOT")
	while [[ $d != / ]]; do
		chmod o+x "$d"
		d=$(dirname "$d")
	done
	for rt in $(runtimes); do
		run_cpod --runtime "$rt" run --rm --uidmap 0:100000:65536 $BUSYBOX_IMAGE \
			sh -c 'cat /proc/self/uid_map /proc/self/gid_map; stat -c %u /etc/passwd; touch /f && echo rw'
		is "$(tr -s ' ' <<<"$output" | sed 's/^ //')" "0 100000 65536
0 100000 65536
0
rw" "uid and gid maps ($rt)"
	done
	run_cpod 125 create --userns host --uidmap 0:1:1 $BUSYBOX_IMAGE true
	is "$output" "Error: --userns and --uidmap/--gidmap/--subuidname/--subgidname are mutually exclusive"
	if [[ $(id -u) == 0 ]]; then
		run_cpod 125 create --userns keep-id $BUSYBOX_IMAGE true
		is "$output" "Error: keep-id is only supported in rootless mode"
	fi
}

@test "host pid, uts and ipc namespaces" {
	run_cpod run --rm --pid host $BUSYBOX_IMAGE cat /proc/1/comm
	is "$output" "$(cat /proc/1/comm)" "pid 1 is the host's"
	run_cpod run --rm $BUSYBOX_IMAGE cat /proc/1/comm
	is "$output" "cat" "a private pid namespace"
	run_cpod run --rm --uts host $BUSYBOX_IMAGE hostname
	is "$output" "$(hostname)"
	run_cpod run --rm --ipc host $BUSYBOX_IMAGE readlink /proc/self/ns/ipc
	is_literal "$output" "$(readlink /proc/self/ns/ipc)"
	run_cpod 125 create --pid foo $BUSYBOX_IMAGE true
	is "$output" "Error: unrecognized namespace mode foo passed"
	run_cpod run -d --name pidowner $BUSYBOX_IMAGE sleep 1000
	run_cpod run --rm --pid container:pidowner $BUSYBOX_IMAGE cat /proc/1/comm
	is "$output" "sleep" "joined the other container's pid namespace"
}

@test "namespaced sysctls only" {
	run_cpod run --rm --sysctl net.ipv4.ip_forward=1 --sysctl kernel.shmmax=12345 \
		$BUSYBOX_IMAGE cat /proc/sys/net/ipv4/ip_forward /proc/sys/kernel/shmmax
	is "$output" "1
12345"
	run_cpod 125 create --sysctl kernel.foo=1 $BUSYBOX_IMAGE true
	is "$output" "Error: sysctl 'kernel.foo' is not allowed"
	run_cpod 125 create --network host --sysctl net.ipv4.ip_forward=1 $BUSYBOX_IMAGE true
	is "$output" "Error: sysctl net.ipv4.ip_forward=1 can't be set since Network Namespace set to host: invalid argument"
}

@test "--group-add adds supplementary groups" {
	run_cpod run --rm --group-add 10 --group-add 4242 $BUSYBOX_IMAGE id -G
	is "$output" "0 10 4242"
}
