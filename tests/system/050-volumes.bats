#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
#
# Volumes and mounts: the volume verbs, named and anonymous volumes in containers, copy-up,
# ro/U/tmpfs/--volumes-from, rm -v, in-use errors, export/import, bind mounts that must not
# follow symlinks out. Outputs and messages as podman 4.3.1 prints them.

load helpers

setup() {
	use_image_store "$BATS_TEST_TMPDIR"
}

# the container tests need run/create with the mount flags
need_run() {
	cpod run --help 2>/dev/null | grep -q -- '--volume' ||
		skip "cpod run with --volume is not available in this build"
}

@test "volume create, ls, inspect, exists, rm" {
	run_cpod volume create myvol
	is "$output" "myvol"
	run_cpod 125 volume create myvol
	is "$output" "Error: volume with name myvol already exists: volume already exists"
	run_cpod 125 volume create 'bad/name'
	is "$output" "Error: running volume create option: names must match \[a-zA-Z0-9\]\[a-zA-Z0-9_.-\]\*: invalid argument"
	run_cpod volume create --label a=b -o o=nodev
	is "$output" "[0-9a-f]{64}" "unnamed volume: a random 64-hex name"
	local anon=$output

	run_cpod volume ls
	is "${lines[0]}" "DRIVER      VOLUME NAME"
	is "${#lines[@]}" 3
	run_cpod volume ls -q --filter label=a
	is "$output" "$anon"
	run_cpod volume ls -q --filter name=^my
	is "$output" "myvol"
	run_cpod 125 volume ls --filter bogus=1
	is "$output" 'Error: "bogus" is an invalid volume filter'

	run_cpod volume inspect --format '{{.Name}} {{.Driver}} {{.Scope}} {{.MountCount}} {{.NeedsCopyUp}}' myvol
	is "$output" "myvol local local 0 true"
	run_cpod volume inspect myvol
	is_literal "${lines[1]}" "     {" "inspect JSON is indented like podman's"
	contains "$output" "\"Mountpoint\": \"$CPOD_TEST_ROOT/volumes/myvol/_data\""
	run_cpod 125 volume inspect nosuch
	is "${lines[-1]}" "Error: inspecting object: no such volume nosuch"

	run_cpod volume exists myvol
	run_cpod 1 volume exists nosuch
	is "$output" ""

	run_cpod volume rm myvol
	is "$output" "myvol"
	run_cpod 1 volume rm myvol
	is "$output" 'Error: no volume with name "myvol" found: no such volume'
	run_cpod volume prune -f
	is "$output" "$anon"
	run_cpod volume ls -q
	is "$output" ""
}

@test "volume export and import round trip" {
	run_cpod volume create v1
	local src=$BATS_TEST_TMPDIR/src
	mkdir -p "$src/dir"
	echo hello >"$src/dir/file"
	chmod 0640 "$src/dir/file"
	chown 12:34 "$src/dir/file"
	ln -s /etc "$src/link"
	tar -C "$src" -cf "$BATS_TEST_TMPDIR/in.tar" .
	run_cpod volume import v1 "$BATS_TEST_TMPDIR/in.tar"
	local data=$CPOD_TEST_ROOT/volumes/v1/_data
	is "$(stat -c '%a %u:%g' "$data/dir/file")" "640 12:34" "import keeps modes and owners"
	is "$(readlink "$data/link")" "/etc" "symlinks are stored, not followed"

	cpod volume export v1 -o "$BATS_TEST_TMPDIR/out.tar"
	run tar -tvf "$BATS_TEST_TMPDIR/out.tar"
	contains "$output" "dir/file"
	contains "$output" "link -> /etc"
	run_cpod volume create v2
	cpod volume export v1 | cpod volume import v2 -
	is "$(cat "$CPOD_TEST_ROOT/volumes/v2/_data/dir/file")" "hello"

	# a tarball whose entry goes through the volume's symlink stays inside the volume
	printf x >"$BATS_TEST_TMPDIR/p"
	tar -C "$BATS_TEST_TMPDIR" -cf "$BATS_TEST_TMPDIR/evil.tar" --transform 's,^p,link/cpod-evil,' p
	cpod volume import v1 "$BATS_TEST_TMPDIR/evil.tar" || true
	[[ ! -e /etc/cpod-evil ]] || die "import wrote through a symlink to /etc/cpod-evil"
}

@test "named and anonymous volumes in containers, copy-up, rm -v" {
	need_run
	run_cpod run --rm -v data:/data "$BUSYBOX_IMAGE" sh -c 'echo one >/data/f; ls /data'
	is "$output" "f"
	run_cpod run --rm -v data:/data:ro "$BUSYBOX_IMAGE" cat /data/f
	is "$output" "one"
	run_cpod 1 run --rm -v data:/data:ro "$BUSYBOX_IMAGE" touch /data/g
	contains "$output" "Read-only file system"

	# copy-up: an empty volume mounted on /etc gets the image's files, owners and modes
	run_cpod run --rm -v etcvol:/etc "$BUSYBOX_IMAGE" true
	local data=$CPOD_TEST_ROOT/volumes/etcvol/_data
	[[ -e $data/passwd ]] || die "no copy-up of /etc into the new volume"
	run_cpod volume inspect --format '{{.NeedsCopyUp}} {{.NeedsChown}}' etcvol
	is "$output" "false false"

	# anonymous volume: -v /path, removed by rm -v
	run_cpod create --name anon -v /scratch "$BUSYBOX_IMAGE" true
	run_cpod inspect --format '{{range .Mounts}}{{.Type}} {{.Destination}} {{.RW}}{{end}}' anon
	is "$output" "volume /scratch true"
	run_cpod volume ls -q --filter anonymous=true
	is "${#lines[@]}" 1
	local vol=$output

	run_cpod 2 volume rm "$vol"
	is "$output" "Error: volume $vol is being used by the following container\(s\): [0-9a-f]{64}: volume is being used"
	run_cpod rm -v anon
	run_cpod 1 volume exists "$vol"
}

@test "volume rm -f removes the containers using it" {
	need_run
	run_cpod create --name user1 -v forced:/d "$BUSYBOX_IMAGE" true
	run_cpod volume rm -f forced
	is "$output" "forced"
	run_cpod 1 container exists user1
}

@test "mount options: U, tmpfs, --mount, --volumes-from, read-only" {
	need_run
	local dir=$BATS_TEST_TMPDIR/bind
	mkdir -p "$dir"
	touch "$dir/x"
	run_cpod run --rm --user 1234:5678 -v "$dir:/b:U" "$BUSYBOX_IMAGE" stat -c '%u:%g' /b/x
	is "$output" "1234:5678"
	is "$(stat -c '%u:%g' "$dir/x")" "1234:5678" "U chowns the host directory"

	run_cpod run --rm --tmpfs /t:size=1m,mode=700 "$BUSYBOX_IMAGE" sh -c 'stat -c %a /t; grep " /t " /proc/mounts'
	is "${lines[0]}" "700"
	contains "${lines[1]}" "tmpfs /t tmpfs"

	run_cpod run --rm --mount "type=bind,src=$dir,dst=/m,ro=true" "$BUSYBOX_IMAGE" sh -c 'touch /m/y 2>&1; echo rc=$?'
	contains "$output" "rc=1"

	run_cpod create --name src1 -v shared:/shared "$BUSYBOX_IMAGE" true
	run_cpod run --rm --volumes-from src1:ro "$BUSYBOX_IMAGE" sh -c 'grep " /shared " /proc/mounts'
	contains "$output" " ro,"

	run_cpod run --rm --read-only "$BUSYBOX_IMAGE" sh -c 'touch /tmp/ok && touch /nope 2>/dev/null; echo $?'
	is "$output" "1"
	run_cpod 1 run --rm --read-only --read-only-tmpfs=false "$BUSYBOX_IMAGE" touch /tmp/ok

	run_cpod 125 run --rm -v /nope-cpod:/x "$BUSYBOX_IMAGE" true
	is "$output" "Error: statfs /nope-cpod: no such file or directory"
	[[ ! -e /nope-cpod ]] || die "a missing bind source was created"
	run_cpod 125 run --rm -v /tmp:/x:ro,rw "$BUSYBOX_IMAGE" true
	is "$output" "Error: invalid options \"ro, rw\", can only specify 1 'rw' or 'ro' option"
}

@test "a bind-mounted host directory with a symlink out is not followed on the host" {
	need_run
	local dir=$BATS_TEST_TMPDIR/host
	mkdir -p "$dir"
	ln -s /etc "$dir/etc-link"
	# inside the container the link resolves in the container's root, not the host's
	run_cpod run --rm -v "$dir:/h" "$BUSYBOX_IMAGE" sh -c 'echo pwned >/h/etc-link/cpod-pwned 2>/dev/null; true'
	[[ ! -e /etc/cpod-pwned ]] || die "the write went through the host's /etc"
	run_cpod run --rm -v "$dir:/h:U" "$BUSYBOX_IMAGE" true
	is "$(stat -c '%u' /etc)" "0" "U does not chown through the symlink"
}
