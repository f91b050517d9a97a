#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
#
# run / create flags about the container's files: --image-volume, --passwd-entry, --hostuser,
# --chrootdirs, and the passwd/group lines added for -u UID[:GID], as Podman 4.3 does them.

load helpers
load ctr-helpers

setup_file() {
	use_image_store
}

teardown() {
	ctr_cleanup
}

# An image with a VOLUME at /vol, made from busybox.
_volume_image() {
	cpod image exists localhost/fa-bbv && return 0
	cpod create --name fa-vsrc --network none $BUSYBOX_IMAGE true >/dev/null
	cpod commit -q --change 'VOLUME /vol' fa-vsrc localhost/fa-bbv >/dev/null
	cpod rm fa-vsrc >/dev/null
}

@test "run -u UID:GID adds a passwd and a group entry once" {
	run_cpod run --rm --network none -u 1234:4321 $BUSYBOX_IMAGE \
		sh -c 'tail -1 /etc/passwd; tail -1 /etc/group; id -un'
	is "$output" "1234:\*:1234:4321:container user:/:/bin/sh"$'\n'"4321:x:4321:1234"$'\n'"1234"
	# without a group: gid 0 in passwd, a group for the uid; the home is the workdir
	run_cpod run --rm --network none -u 1234 -w /tmp $BUSYBOX_IMAGE \
		sh -c 'tail -1 /etc/passwd; tail -1 /etc/group; echo $HOME'
	is "$output" "1234:\*:1234:0:container user:/tmp:/bin/sh"$'\n'"1234:x:1234:1234"$'\n'"/tmp"
	# a user the image has: nothing added
	run_cpod run --rm --network none -u nobody $BUSYBOX_IMAGE sh -c 'grep -c :x: /etc/passwd'
	local n=$output
	run_cpod run --rm --network none $BUSYBOX_IMAGE sh -c 'grep -c :x: /etc/passwd'
	is "$output" "$n"
	# a second start finds the entries and adds no more
	run_cpod run --name fa-twice --network none -u 777:777 $BUSYBOX_IMAGE true
	run_cpod start -a fa-twice
	run_cpod run --rm --network none --volumes-from fa-twice $BUSYBOX_IMAGE true
	run_cpod commit -q fa-twice localhost/fa-twice
	run_cpod run --rm --network none localhost/fa-twice sh -c 'grep -c ^777: /etc/passwd /etc/group'
	is "$output" "/etc/passwd:1"$'\n'"/etc/group:1"
	run_cpod rmi localhost/fa-twice
	# run --passwd=false: nothing added (create has no such flag)
	run_cpod run --name fa-nopw --network none --passwd=false -u 1234 --hostuser daemon \
		$BUSYBOX_IMAGE sh -c 'tail -n 1 /etc/passwd; tail -n 1 /etc/group; echo $HOME'
	is "$output" "nobody:x:65534:65534:nobody:/nonexistent:/bin/false"$'\n'"nogroup:x:65534:"$'\n'"/"
	run_cpod inspect --format '{{.Config.Passwd}}' fa-nopw
	is "$output" "false"
	run_cpod create --name fa-pw $BUSYBOX_IMAGE true
	run_cpod inspect --format '{{.Config.Passwd}}' fa-pw
	is "$output" "true"
	run_cpod 125 create --passwd=false $BUSYBOX_IMAGE true
	is "${lines[0]}" "Error: unknown flag: --passwd"
	# an unknown group name is the user lookup's error
	run_cpod 126 run --rm --network none -u 1234:nosuch $BUSYBOX_IMAGE true
	is "$output" "Error: unable to find group nosuch: no matching entries in group file"
}

@test "run --passwd-entry sets the format of the added passwd line" {
	run_cpod run --rm --network none -u 1234:1234 \
		--passwd-entry '$USERNAME:x:$UID:$GID:$NAME:$HOME:/bin/false' $BUSYBOX_IMAGE \
		tail -1 /etc/passwd
	is "$output" "1234:x:1234:1234:container user:/:/bin/false"
	run_cpod run --rm --network none -w /tmp -u 1234 \
		--passwd-entry 'U=$USERNAME:$UID:$GID:$NAME:$HOME' $BUSYBOX_IMAGE tail -1 /etc/passwd
	is "$output" "U=1234:1234:0:container user:/tmp"
	# only used when an entry is added
	run_cpod run --rm --network none --passwd-entry 'x' $BUSYBOX_IMAGE tail -1 /etc/passwd
	is "$output" "nobody:x:65534:65534:nobody:/nonexistent:/bin/false"
}

@test "run --hostuser copies host accounts the image does not have" {
	local ent
	ent=$(getent passwd daemon) || skip "no daemon user on this host"
	local uid gid gecos
	IFS=: read -r _ _ uid gid gecos _ <<<"$ent"
	run_cpod run --rm --network none --hostuser root --hostuser nobody --hostuser daemon \
		$BUSYBOX_IMAGE sh -c 'grep -c ^root: /etc/passwd; tail -1 /etc/passwd'
	is "$output" "1"$'\n'"daemon:\*:$uid:$gid:${gecos%%,*}:/:/bin/sh"
	run_cpod run --rm --network none --hostuser daemon -w /tmp \
		--passwd-entry '$USERNAME|$UID|$GID|$HOME' $BUSYBOX_IMAGE tail -1 /etc/passwd
	is_literal "$output" "daemon|$uid|$gid|/tmp"
	run_cpod 126 run --rm --network none --hostuser fa-no-such-user $BUSYBOX_IMAGE true
	is "$output" "Error: creating temporary passwd file for container [0-9a-f]{64}: user: unknown user fa-no-such-user"
}

@test "run --chrootdirs mounts /etc/hosts into each chroot, inspect shows them" {
	run_cpod run --rm --network none --chrootdirs /srv/x --chrootdirs /etc $BUSYBOX_IMAGE \
		sh -c 'grep -o " /[a-z/]*hosts " /proc/self/mounts; cat /srv/x/etc/hosts >/dev/null'
	is "$output" " /etc/hosts "$'\n'" /etc/etc/hosts "$'\n'" /srv/x/etc/hosts "
	run_cpod run --rm --network none --chrootdirs /srv/x $BUSYBOX_IMAGE \
		sh -c 'cmp /etc/hosts /srv/x/etc/hosts && echo same'
	is "$output" "same"
	run_cpod create --name fa-chroot --chrootdirs /a,/b --chrootdirs /c $BUSYBOX_IMAGE true
	run_cpod inspect --format '{{json .Config.ChrootDirs}} {{.Config.Passwd}}' fa-chroot
	is "$output" '\["/a","/b","/c"\] true'
	run_cpod create --name fa-nochroot $BUSYBOX_IMAGE true
	run_cpod inspect fa-nochroot
	[[ $output != *ChrootDirs* ]] || die "ChrootDirs shown without --chrootdirs"
}

@test "run --image-volume bind|tmpfs|ignore for the image's VOLUMEs" {
	_volume_image
	run_cpod run --rm --network none --image-volume tmpfs localhost/fa-bbv \
		sh -c 'grep " /vol " /proc/self/mounts | cut -d" " -f1-3'
	is "$output" "tmpfs /vol tmpfs"
	run_cpod 1 run --rm --network none --image-volume ignore localhost/fa-bbv ls -d /vol
	is "$output" "ls: /vol: No such file or directory"
	run_cpod run --rm --network none --image-volume bind localhost/fa-bbv \
		sh -c 'grep -c " /vol " /proc/self/mounts'
	is "$output" "1"
	# tmpfs and ignore: no volume, nothing in inspect
	for m in tmpfs ignore; do
		run_cpod create --name fa-iv-$m --image-volume $m localhost/fa-bbv true
		run_cpod inspect --format '{{json .Mounts}} {{json .HostConfig.Tmpfs}} {{json .HostConfig.Binds}}' fa-iv-$m
		is "$output" "\[\] \{\} \[\]" "inspect with --image-volume $m"
	done
	run_cpod volume ls -q
	is "$output" ""
	run_cpod create --name fa-iv-bind localhost/fa-bbv true
	run_cpod inspect --format '{{range .Mounts}}{{.Type}} {{.Destination}}{{end}}' fa-iv-bind
	is "$output" "volume /vol"
	run_cpod rm -v fa-iv-bind
	# the default comes from containers.conf's image_volume_mode; the flag wins
	local conf=$BATS_TEST_TMPDIR/containers.conf
	printf '[engine]\nimage_volume_mode = "tmpfs"\n' >"$conf"
	CONTAINERS_CONF=$conf run_cpod run --rm --network none localhost/fa-bbv \
		sh -c 'grep " /vol " /proc/self/mounts | cut -d" " -f1'
	is "$output" "tmpfs"
	CONTAINERS_CONF=$conf run_cpod 1 run --rm --network none --image-volume ignore \
		localhost/fa-bbv ls -d /vol
	printf '[engine]\nimage_volume_mode = "nope"\n' >"$conf"
	CONTAINERS_CONF=$conf run_cpod 125 create localhost/fa-bbv true
	is "$output" 'Error: invalid image volume mode "nope" required value: bind, tmpfs, ignore'
	run_cpod 125 create --image-volume anonymous $BUSYBOX_IMAGE true
	is "$output" 'Error: invalid image volume mode "anonymous" required value: bind, tmpfs, ignore'
	run_cpod 125 run --rm --image-volume TMPFS $BUSYBOX_IMAGE true
	is "$output" 'Error: invalid image volume mode "TMPFS" required value: bind, tmpfs, ignore'
}

# A root file system directory made from the busybox tarball.
_rootfs_dir() {
	local d=$BATS_TEST_TMPDIR/rootfs
	mkdir -p "$d"
	tar -xf "$BUSYBOX_TAR" -C "$d"
	echo "$d"
}

@test "run --rootfs PATH runs from the directory, writes reach it, rm leaves it" {
	local d
	d=$(_rootfs_dir)
	run_cpod run --rm --network none --rootfs "$d" sh -c 'echo hi >/fa-created; cat /fa-created'
	is "$output" "hi"
	is "$(cat "$d/fa-created")" "hi" "the write is in the directory"
	run_cpod create --name fa-root --network none --rootfs "$d" cat /fa-created
	run_cpod inspect --format '{{.Image}}|{{.ImageName}}|{{.ImageDigest}}|{{.Rootfs}}|{{.Config.Image}}' fa-root
	is_literal "$output" "|||$d|"
	run_cpod ps -a --format '{{.Names}}|{{.Image}}' --filter name=fa-root
	is_literal "$output" "fa-root|"
	run_cpod start -a fa-root
	is "$output" "hi"
	# the verbs that go through the store refuse it clearly instead of using an empty layer
	local verb
	for verb in "cp fa-root:/fa-created $BATS_TEST_TMPDIR/x" "mount fa-root" \
		"export -o $BATS_TEST_TMPDIR/x.tar fa-root" "commit fa-root localhost/fa-x" "diff fa-root"; do
		run_cpod 125 $verb
		contains "$output" "container fa-root was created with --rootfs: ${verb%% *} is not supported"
	done
	run_cpod rm fa-root
	[[ -f $d/fa-created && -x $d/bin/sh ]] || die "rm changed the rootfs directory"
	# the user's entry goes into the directory's /etc/passwd, as Podman does
	run_cpod run --rm --network none -u 4242 --rootfs "$d" true
	run tail -n 1 "$d/etc/passwd"
	is "$output" "4242:\*:4242:0:container user:/:/bin/sh"
}

@test "run --rootfs PATH:O keeps the writes in an overlay" {
	local d
	d=$(_rootfs_dir)
	run_cpod run --name fa-rootO --network none --rootfs "$d:O" \
		sh -c 'echo o >/fa-o; rm /bin/ls; cat /fa-o'
	is "$output" "o"
	[[ ! -e $d/fa-o && -e $d/bin/ls ]] || die "an overlay write reached the directory"
	run_cpod inspect --format '{{.Rootfs}}' fa-rootO
	is "$output" "$d"
	# the writes stay with the container across starts
	run_cpod start -a fa-rootO
	is "$output" ".*o"
	run grep -c rootfs-overlay /proc/self/mountinfo
	is "$output" "0" "the overlay is unmounted once the container exited"
	run_cpod rm fa-rootO
	[[ -e $d/bin/ls ]] || die "rm changed the rootfs directory"
}

@test "run --rootfs errors" {
	run_cpod 125 run --rm --network none --rootfs "$BATS_TEST_TMPDIR/fa-none" true
	is "$output" "Error: running container create option: stat $BATS_TEST_TMPDIR/fa-none: no such file or directory"
	local d
	d=$(_rootfs_dir)
	# 4.3 knows only :O
	run_cpod 125 run --rm --network none --rootfs "$d:idmap" true
	is "$output" "Error: running container create option: stat $d:idmap: no such file or directory"
	run_cpod 125 run --rm --network none --rootfs "$d"
	is "$output" "Error: no command or entrypoint provided, and no CMD or ENTRYPOINT from image"
	run_cpod 125 run --rootfs
	is "$output" "Error: requires at least 1 arg\(s\), only received 0"
}
