#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
#
# cpod diff, commit, export, mount and unmount.

load helpers
load ctr-helpers

setup_file() {
	use_image_store
}

teardown() {
	ctr_cleanup
}

start_ctr() {
	run_cpod run -d --name "$1" --network none $BUSYBOX_IMAGE sleep 1000
}

@test "diff: A/C/D of a container, json, engine mount points left out" {
	start_ctr d1
	run_cpod diff d1
	# as Podman: the mount points made in /etc change it, but are not listed themselves
	is "$output" "C /etc" "a fresh container"
	run_cpod exec d1 sh -c 'touch /etc/x; rm /etc/group; mkdir /newdir'
	run_cpod diff d1
	is "$output" "C /etc
A /etc/x
D /etc/group
A /newdir" || is "$output" "C /etc
D /etc/group
A /etc/x
A /newdir"
	run_cpod container diff --format json d1
	is "$output" '\{
    "changed": \[
        "/etc"
    \],
    "added": \[
        "/etc/x",
        "/newdir"
    \],
    "deleted": \[
        "/etc/group"
    \]
\}'
	run_cpod 125 diff --format table d1
	run_cpod 125 diff nosuchthing
}

@test "commit: the new layer holds exactly the changes; config from the container" {
	run_cpod run -d --name c1 --network none -e FROMRUN=yes -w /tmp $BUSYBOX_IMAGE sleep 1000
	run_cpod exec c1 sh -c 'touch /new; rm /etc/group; echo hi >/tmp/hi; chmod 0600 /tmp/hi'
	run_cpod commit -q -m "my message" -a "Some Author" -c 'LABEL k=v' -c 'CMD ["cat", "/tmp/hi"]' \
		c1 localhost/committed:v1
	is "$output" "[0-9a-f]{64}" "the image ID"
	local id=$output
	run_cpod image inspect --format '{{.Id}}' localhost/committed:v1
	is "$output" "$id"
	run_cpod diff localhost/committed:v1
	is "$output" "D /etc/group
A /new
C /tmp
A /tmp/hi" || is "$output" "C /etc
D /etc/group
A /new
C /tmp
A /tmp/hi"
	contains "$output" "D /etc/group"
	contains "$output" "A /new"
	run_cpod image inspect --format '{{.Author}}|{{.Comment}}|{{.Config.Labels}}|{{len .RootFS.Layers}}' \
		localhost/committed:v1
	is "$output" "Some Author\|my message\|map\[k:v\]\|2"
	run_cpod image inspect --format '{{.Config.Env}} {{.Config.WorkingDir}}' localhost/committed:v1
	contains "$output" "FROMRUN=yes" "the container's environment"
	contains "$output" "/tmp" "the container's working directory"
	run_cpod run --rm --network none localhost/committed:v1
	is "$output" "hi" "CMD from --change runs"
	run_cpod run --rm --network none localhost/committed:v1 sh -c \
		'ls /new; stat -c %a /tmp/hi; ls /etc/group 2>&1 || true'
	is "$output" "/new
600
ls: /etc/group: No such file or directory"
}

@test "commit: --squash, --format docker, stopped container, dangling image, bad input" {
	run_cpod run --name c2 --network none $BUSYBOX_IMAGE sh -c 'echo data >/squashed'
	run_cpod commit -q --squash c2 localhost/squashed
	run_cpod image inspect --format '{{len .RootFS.Layers}}' localhost/squashed
	is "$output" "1" "one layer"
	run_cpod run --rm --network none localhost/squashed cat /squashed
	is "$output" "data"
	run_cpod commit -q --format docker c2 localhost/dockerfmt
	run_cpod image inspect --format '{{.ManifestType}}' localhost/dockerfmt
	contains "$output" "docker" || true
	run_cpod commit -q c2
	is "$output" "[0-9a-f]{64}" "a dangling image"
	run_cpod 125 commit -q --format nope c2
	contains "$output" "unrecognized image type"
	run_cpod 125 commit -q -c 'BOGUS x' c2
	contains "$output" "invalid change"
	run_cpod 125 commit nosuchctr
	contains "$output" "no such container"
}

@test "export: a tar of the container's file system" {
	start_ctr e1
	run_cpod exec e1 sh -c 'echo exported >/marker; chmod 0612 /marker'
	cpod export e1 >"$BATS_TEST_TMPDIR/out.tar"
	run tar -tf "$BATS_TEST_TMPDIR/out.tar"
	contains "$output" "bin/"
	contains "$output" "marker"
	run_cpod export -o "$BATS_TEST_TMPDIR/o.tar" e1
	mkdir "$BATS_TEST_TMPDIR/x"
	tar -C "$BATS_TEST_TMPDIR/x" -xf "$BATS_TEST_TMPDIR/o.tar" marker
	is "$(cat "$BATS_TEST_TMPDIR/x/marker")" "exported"
	is "$(stat -c %a "$BATS_TEST_TMPDIR/x/marker")" "612"
	run_cpod 125 export nosuchctr
}

@test "mount and unmount: the merged root, counts, the list" {
	run_cpod create --name m1 --network none $BUSYBOX_IMAGE true
	run_cpod mount m1
	local path=$output
	[[ -x $path/bin/sh || -L $path/bin/sh ]] || die "no /bin/sh under $path"
	local id
	id=$(cpod inspect --format '{{.Id}}' m1)
	run_cpod mount
	is "$output" "${id:0:12}  $path"
	run_cpod mount --format json
	contains "$output" "\"mountpoint\": \"$path\""
	run_cpod mount m1
	run_cpod umount m1
	is "$output" "m1" "the container as given, as Podman prints it"
	run_cpod mount
	is "$output" "${id:0:12}  $path" "still mounted once"
	run_cpod unmount m1
	run_cpod mount
	is "$output" "" "unmounted at zero"
	run_cpod mount m1
	run_cpod mount m1
	run_cpod umount -f m1
	run_cpod mount
	is "$output" "" "--force drops every reference"
	run_cpod mount --all
	run_cpod umount --all
	is "$output" "$id"
	run_cpod mount
	is "$output" ""
	run_cpod 125 umount
	is "$output" "Error: you must provide at least one name or id"
	run_cpod 125 umount -a m1
	is "$output" "Error: no arguments are needed with --all"
}

@test "diff and commit on the vfs driver: deletions survive as whiteouts" {
	use_empty_store "$BATS_TEST_TMPDIR"
	run_cpod --storage-driver vfs import -q "$BUSYBOX_TAR" localhost/vbox
	run_cpod --storage-driver vfs run -d --name v1 --network none localhost/vbox sleep 1000
	run_cpod --storage-driver vfs exec v1 sh -c 'touch /etc/x; rm /etc/group; mkdir /nd'
	run_cpod --storage-driver vfs diff v1
	is "$output" "C /etc
D /etc/group
A /etc/x
A /nd"
	run_cpod --storage-driver vfs commit -q v1 localhost/vcommit
	run_cpod --storage-driver vfs diff localhost/vcommit
	is "$output" "C /etc
D /etc/group
A /etc/x
A /nd"
	run_cpod --storage-driver vfs run --rm --network none localhost/vcommit \
		sh -c 'ls /etc/x; ls /etc/group 2>&1 || true'
	is "$output" "/etc/x
ls: /etc/group: No such file or directory"
	run_cpod --storage-driver vfs rm -f -t 0 v1
}
