#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
#
# Idmapped mounts: the "idmap" option of -v and --mount (bind and named volumes) reaches crun,
# which maps the mount with the container's user namespace (mount_setattr MOUNT_ATTR_IDMAP):
# host root's files show as the container's root, and what the container's root writes is
# owned by host root. What cannot work (runc 1.1, no user namespace, bad mappings) fails
# before the runtime runs, with one line naming the cause (exit 126 as Podman's refused
# mount, 125 for a bad option).

load helpers

MAP=(--uidmap 0:100000:65536 --gidmap 0:100000:65536)

setup_file() {
	use_image_store
	# the mapped root must reach its rootfs in the store: bats' directories above are 0700
	local d
	d=$(dirname "$CPOD_TEST_ROOT")
	while [[ $d != / ]]; do
		chmod o+x "$d"
		d=$(dirname "$d")
	done
}

setup() {
	HOSTDIR=$BATS_TEST_TMPDIR/idm052-host
	mkdir -p "$HOSTDIR"
	touch "$HOSTDIR/rootfile"
	chown 0:0 "$HOSTDIR/rootfile"
	require_idmap
}

teardown() {
	cpod rm -a -f -t 0 >/dev/null 2>&1 || true
	cpod volume rm -a -f >/dev/null 2>&1 || true
}

# Skip, with the host's own reason, where crun or the kernel cannot make idmapped mounts of
# a directory on this file system. Probed once per file.
require_idmap() {
	local probe=$BATS_FILE_TMPDIR/idmap-probe
	if [[ ! -f $probe ]]; then
		if ! command -v crun >/dev/null; then
			echo "crun is not installed" >"$probe"
		else
			mkdir -p "$BATS_FILE_TMPDIR/idm052-probe"
			if cpod --runtime crun run --rm "${MAP[@]}" \
				-v "$BATS_FILE_TMPDIR/idm052-probe:/p:idmap" $BUSYBOX_IMAGE true \
				>"$probe.out" 2>&1; then
				: >"$probe"
			elif grep -q 'mount_setattr' "$probe.out"; then
				echo "idmapped mounts of $(stat -f -c %T "$BATS_FILE_TMPDIR") on kernel" \
					"$(uname -r): $(sed 's/^Error: //' "$probe.out")" >"$probe"
			else
				: >"$probe" # any other failure is for the tests to show
			fi
		fi
	fi
	[[ -s $probe ]] && skip "$(cat "$probe")"
	return 0
}

# owners DIR-IN-CONTAINER ARGS...: "uid:gid name" of each entry, from inside the container
owners() {
	local dir=$1
	shift
	run_cpod --runtime crun run --rm "$@" $BUSYBOX_IMAGE sh -c \
		"cd $dir && for f in *; do echo \$(stat -c %u:%g \$f) \$f; done"
}

@test "-v HOSTDIR:DIR:idmap: host root is the container's root, both ways" {
	owners /data "${MAP[@]}" -v "$HOSTDIR:/data"
	is "$output" "65534:65534 rootfile" "without idmap: the overflow id"

	owners /data "${MAP[@]}" -v "$HOSTDIR:/data:idmap"
	is "$output" "0:0 rootfile" "with idmap: root"

	run_cpod --runtime crun run --rm "${MAP[@]}" -v "$HOSTDIR:/data:idmap" $BUSYBOX_IMAGE \
		sh -c 'echo hi >/data/made-inside && mkdir /data/dir-inside && id -u'
	is "$output" "0"
	run stat -c '%u:%g' "$HOSTDIR/made-inside" "$HOSTDIR/dir-inside"
	is "$output" "0:0
0:0" "written by the container's root: owned by host root"

	# ro and idmap together; the options reach inspect as Podman shows them
	run_cpod --runtime crun create --name idm052-ro "${MAP[@]}" -v "$HOSTDIR:/data:ro,idmap" \
		$BUSYBOX_IMAGE sh -c 'stat -c %u /data/rootfile; touch /data/x'
	run_cpod inspect --format '{{range .Mounts}}{{.Options}} {{.RW}}{{end}}' idm052-ro
	is "$output" "\[idmap rbind\] false"
	run_cpod inspect --format '{{json .HostConfig.Binds}}' idm052-ro
	is "$output" "\[\"$(re_escape "$HOSTDIR"):/data:ro,idmap,rprivate,rbind\"\]"
	run_cpod 1 start -a idm052-ro
	is "${lines[0]}" "0"
	contains "$output" "Read-only file system"
}

@test "named volume with idmap" {
	local vol=idm052-vol
	run_cpod volume create $vol
	local mp
	mp=$(cpod volume inspect --format '{{.Mountpoint}}' $vol)
	touch "$mp/rootfile"
	chown 0:0 "$mp/rootfile"

	# the first use sets the volume root's owner: with idmap it stays host root (idmapped, the
	# container's root); a first use without idmap would give it the mapped ids, as Podman
	owners /vol "${MAP[@]}" -v $vol:/vol:idmap
	is "$output" "0:0 rootfile" "-v VOL:DIR:idmap"
	owners /vol "${MAP[@]}" --mount type=volume,src=$vol,dst=/vol,idmap
	is "$output" "0:0 rootfile" "--mount type=volume,...,idmap"

	run_cpod --runtime crun run --rm "${MAP[@]}" -v $vol:/vol:idmap $BUSYBOX_IMAGE \
		touch /vol/made-inside
	run stat -c '%u:%g' "$mp/made-inside"
	is "$output" "0:0" "written by the container's root: owned by host root"
	owners /vol "${MAP[@]}" -v $vol:/vol
	is "$output" "65534:65534 made-inside
65534:65534 rootfile" "without idmap: the overflow id"

	# an anonymous volume too (-v /anon:idmap would read "idmap" as the path, as Podman)
	run_cpod --runtime crun run --rm "${MAP[@]}" --mount type=volume,dst=/anon,idmap $BUSYBOX_IMAGE \
		sh -c 'touch /anon/f && stat -c %u:%g /anon/f'
	is "$output" "0:0"
}

@test "named volumes under --uidmap without idmap: owned by the mapped ids, as Podman" {
	# a new volume's root and what copy-up brings from the image belong to the container's
	# root as the host sees it (100000), so the container's root owns and writes them
	run_cpod run --rm "${MAP[@]}" -v idm052-plain:/data -v idm052-etc:/etc $BUSYBOX_IMAGE \
		sh -c 'touch /data/f && stat -c %u:%g /data /data/f /etc /etc/passwd'
	is "$output" "0:0
0:0
0:0
0:0" "seen from inside: the container's root"
	local dir
	run_cpod volume inspect --format '{{.Mountpoint}}' idm052-plain
	dir=$output
	run stat -c %u:%g "$dir" "$dir/f"
	is "$output" "100000:100000
100000:100000" "seen from the host: the mapped ids"
	run_cpod volume inspect --format '{{.Mountpoint}}' idm052-etc
	run stat -c %u:%g "$output/passwd"
	is "$output" "100000:100000" "copied up from the image with the shifted owner"
}

@test "--mount type=bind,...,idmap" {
	owners /m "${MAP[@]}" --mount "type=bind,src=$HOSTDIR,dst=/m"
	is "$output" "65534:65534 rootfile" "without idmap: the overflow id"
	owners /m "${MAP[@]}" --mount "type=bind,src=$HOSTDIR,dst=/m,idmap"
	is "$output" "0:0 rootfile"
	run_cpod --runtime crun run --rm "${MAP[@]}" --mount "type=bind,src=$HOSTDIR,dst=/m,idmap" \
		$BUSYBOX_IMAGE touch /m/made-by-mount
	run stat -c '%u:%g' "$HOSTDIR/made-by-mount"
	is "$output" "0:0"
}

@test "idmap=uids=...;gids=...: a mapping of the mount's own, no user namespace needed" {
	# file system id 0 shows as id 1000
	owners /data -v "$HOSTDIR:/data:idmap=uids=0-1000-10;gids=0-1000-10"
	is "$output" "1000:1000 rootfile"
	owners /m --mount "type=bind,src=$HOSTDIR,dst=/m,idmap=uids=0-2000-1;gids=0-3000-1"
	is "$output" "2000:3000 rootfile"
	# '@': relative to the container's mappings
	owners /data "${MAP[@]}" -v "$HOSTDIR:/data:idmap=uids=@0-0-10;gids=@0-0-10"
	is "$output" "0:0 rootfile"
}

@test "idmap with runc: refused, naming the cause" {
	run_cpod 126 --runtime runc run --rm "${MAP[@]}" -v "$HOSTDIR:/data:idmap" $BUSYBOX_IMAGE true
	is "$output" "Error: idmapped mount on /data: the OCI runtime runc does not support the \"idmap\" mount option, crun does \(--runtime crun\)"
	run_cpod 126 --runtime runc run --rm -v idm052-runc:/vol:idmap $BUSYBOX_IMAGE true
	is "$output" "Error: idmapped mount on /vol: the OCI runtime runc does not support the \"idmap\" mount option, crun does \(--runtime crun\)"
	run_cpod ps -a -q
	is "$output" "" "run --rm left no container"
	# created with runc, started: the same refusal, the container stays, not running
	run_cpod --runtime runc create --name idm052-runc "${MAP[@]}" \
		--mount "type=bind,src=$HOSTDIR,dst=/m,idmap" $BUSYBOX_IMAGE true
	run_cpod 126 --runtime runc start idm052-runc
	is "$output" "Error: unable to start container \"[0-9a-f]{64}\": idmapped mount on /m: the OCI runtime runc does not support the \"idmap\" mount option, crun does \(--runtime crun\)"
	run_cpod inspect --format '{{.State.Running}} {{.State.Pid}}' idm052-runc
	is "$output" "false 0"
}

@test "idmap without a user namespace, and malformed options" {
	run_cpod 126 --runtime crun run --rm -v "$HOSTDIR:/data:idmap" $BUSYBOX_IMAGE true
	is "$output" "Error: idmapped mount on /data: the container has no user namespace to map it to: use --uidmap/--gidmap or --userns, or give the mapping \(idmap=uids=...;gids=...\)"
	run_cpod 126 --runtime crun run --rm -v "$HOSTDIR:/data:idmap=uids=@0-0-1;gids=@0-0-1" \
		$BUSYBOX_IMAGE true
	is "$output" "Error: idmapped mount on /data: a relative mapping \('@'\) needs the container's user namespace mappings \(--uidmap/--gidmap\)"

	run_cpod 125 create -v "$HOSTDIR:/data:idmap,idmap" $BUSYBOX_IMAGE true
	is "$output" "Error: the 'idmap' option can only be set once: duplicate mount option passed"
	run_cpod 125 create --mount "type=bind,src=$HOSTDIR,dst=/m,idmap,idmap" $BUSYBOX_IMAGE true
	is "$output" "Error: the 'idmap' option can only be set once: duplicate mount option passed"
	run_cpod 125 create -v "$HOSTDIR:/data:idmap=uids=0-1-10" $BUSYBOX_IMAGE true
	is "$output" "Error: invalid idmap option \"idmap=uids=0-1-10\": a mapping needs both uids= and gids="
	run_cpod 125 create -v "$HOSTDIR:/data:idmap=users=0-1-1" $BUSYBOX_IMAGE true
	is "$output" "Error: invalid idmap option \"idmap=users=0-1-1\": unknown part \"users=0-1-1\", expected uids=MAPPING or gids=MAPPING"
	run_cpod 125 create --mount "type=bind,src=$HOSTDIR,dst=/m,idmapx" $BUSYBOX_IMAGE true
	is "$output" "Error: idmapx: invalid mount option"
	run_cpod ps -a -q
	is "$output" "" "nothing was created"
}
