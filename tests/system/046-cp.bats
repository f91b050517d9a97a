#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
#
# cpod cp: both directions, files and directories, "/." contents, tars on stdin/stdout,
# --archive, stopped containers, errors, and hostile symlinks in the container that must
# never lead to the host (CVE-2019-14271 / CVE-2018-15664 class).

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

@test "cp host file into a container keeps contents, mode and owner" {
	start_ctr cp1
	local f=$BATS_TEST_TMPDIR/file1
	echo "content one" >"$f"
	chmod 0640 "$f"
	chown 123:456 "$f"
	run_cpod cp "$f" cp1:/tmp/
	is "$output" ""
	run_cpod exec cp1 stat -c '%a %u %g' /tmp/file1
	is "$output" "640 123 456" "mode and owner kept (--archive is the default)"
	run_cpod exec cp1 cat /tmp/file1
	is "$output" "content one"
	run_cpod cp "$f" cp1:/tmp/renamed
	run_cpod exec cp1 cat /tmp/renamed
	is "$output" "content one" "a missing destination names the new file"
	run_cpod cp --archive=false "$f" cp1:/tmp/owned
	run_cpod exec cp1 stat -c '%a %u %g' /tmp/owned
	is "$output" "640 0 0" "--archive=false: owned by the container's user"
}

@test "cp directories: into a directory, contents with /., to a new name" {
	start_ctr cp2
	local d=$BATS_TEST_TMPDIR/hostdir
	mkdir -p "$d/sub"
	echo a >"$d/a"
	echo b >"$d/sub/b"
	chmod 0700 "$d/sub"
	run_cpod cp "$d" cp2:/tmp
	run_cpod exec cp2 sh -c 'cd /tmp/hostdir && find . | sort && stat -c %a sub'
	is "$output" ".
./a
./sub
./sub/b
700"
	run_cpod exec cp2 mkdir /tmp/existing
	run_cpod cp "$d/." cp2:/tmp/existing
	run_cpod exec cp2 sh -c 'cd /tmp/existing && find . | sort'
	is "$output" ".
./a
./sub
./sub/b" "/. copies the contents"
	run_cpod cp "$d" cp2:/tmp/newname
	run_cpod exec cp2 cat /tmp/newname/sub/b
	is "$output" "b"
}

@test "cp from a container to the host: files and directories" {
	start_ctr cp3
	run_cpod exec cp3 sh -c 'mkdir -p /data/d && echo x >/data/d/f && chmod 0604 /data/d/f &&
		chown 7:8 /data/d/f && ln -s f /data/d/link'
	run_cpod cp cp3:/data/d/f "$BATS_TEST_TMPDIR/out"
	is "$(cat "$BATS_TEST_TMPDIR/out")" "x"
	is "$(stat -c '%a %u %g' "$BATS_TEST_TMPDIR/out")" "604 7 8"
	run_cpod cp cp3:/data "$BATS_TEST_TMPDIR"
	is "$(readlink "$BATS_TEST_TMPDIR/data/d/link")" "f" "symlinks copied as links"
	mkdir "$BATS_TEST_TMPDIR/into"
	run_cpod cp cp3:/data/. "$BATS_TEST_TMPDIR/into"
	is "$(cat "$BATS_TEST_TMPDIR/into/d/f")" "x"
}

@test "cp with tars on stdin and stdout" {
	start_ctr cp4
	mkdir -p "$BATS_TEST_TMPDIR/t"
	echo tarred >"$BATS_TEST_TMPDIR/t/in.txt"
	tar -C "$BATS_TEST_TMPDIR/t" -cf "$BATS_TEST_TMPDIR/in.tar" in.txt
	run_cpod cp - cp4:/tmp <"$BATS_TEST_TMPDIR/in.tar"
	run_cpod exec cp4 cat /tmp/in.txt
	is "$output" "tarred"
	cpod cp cp4:/tmp/in.txt - >"$BATS_TEST_TMPDIR/out.tar"
	run tar -tf "$BATS_TEST_TMPDIR/out.tar"
	is "$output" "in.txt"
	run_cpod 125 cp - cp4:/tmp/in.txt <"$BATS_TEST_TMPDIR/in.tar"
	contains "$output" "must be a directory"
}

@test "cp into and out of a stopped container" {
	run_cpod create --name cp5 --network none $BUSYBOX_IMAGE true
	echo stopped >"$BATS_TEST_TMPDIR/s"
	run_cpod cp "$BATS_TEST_TMPDIR/s" cp5:/s
	run_cpod cp cp5:/s "$BATS_TEST_TMPDIR/s2"
	is "$(cat "$BATS_TEST_TMPDIR/s2")" "stopped"
	run_cpod start -a cp5
	run_cpod cp cp5:/s "$BATS_TEST_TMPDIR/s3"
	is "$(cat "$BATS_TEST_TMPDIR/s3")" "stopped" "after the container ran and exited"
	run_cpod mount
	is "$output" "" "nothing left mounted"
}

@test "cp errors: missing source, destination parent is a file, no container" {
	start_ctr cp6
	run_cpod 125 cp cp6:/nope "$BATS_TEST_TMPDIR/x"
	is "$output" 'Error: "/nope" could not be found on container cp6: no such file or directory'
	run_cpod 125 cp "$BATS_TEST_TMPDIR/nope" cp6:/tmp
	contains "$output" "could not be found on the host: no such file or directory"
	echo y >"$BATS_TEST_TMPDIR/y"
	run_cpod 125 cp "$BATS_TEST_TMPDIR/y" cp6:/etc/passwd/x
	contains "$output" "not a directory"
	run_cpod 125 cp "$BATS_TEST_TMPDIR/y" "$BATS_TEST_TMPDIR/z"
	is "$output" "Error: name or ID cannot be empty" "no container named: Podman's message"
	run_cpod 125 cp "$BATS_TEST_TMPDIR/y" nosuchctr:/tmp
	contains "$output" "no such container"
}

@test "cp from one container to another" {
	start_ctr cp9a
	run_cpod create --name cp9b --network none $BUSYBOX_IMAGE true
	run_cpod exec cp9a sh -c 'mkdir /d && echo between >/d/f && chown 5:6 /d/f'
	run_cpod cp cp9a:/d cp9b:/tmp
	run_cpod cp cp9b:/tmp/d/f "$BATS_TEST_TMPDIR/f"
	is "$(cat "$BATS_TEST_TMPDIR/f")" "between"
	is "$(stat -c '%u %g' "$BATS_TEST_TMPDIR/f")" "5 6"
}

@test "cp: symlinks in the container never lead to the host" {
	start_ctr cp7
	local host=$BATS_TEST_TMPDIR/hostside
	mkdir -p "$host"
	echo "host secret" >"$host/secret"
	echo payload >"$BATS_TEST_TMPDIR/payload"
	# /tmp/link -> /, /etc/x -> the host directory's path, /leak -> the host file's path
	run_cpod exec cp7 sh -c "ln -s / /tmp/link; ln -s $host /etc/x; ln -s $host/secret /leak"
	run_cpod cp "$BATS_TEST_TMPDIR/payload" cp7:/tmp/link/
	run_cpod exec cp7 cat /payload
	is "$output" "payload" "through /tmp/link: the container's root"
	[[ ! -e /payload ]] || die "cp wrote to the host's /"
	run_cpod '?' cp "$BATS_TEST_TMPDIR/payload" cp7:/etc/x/
	[[ ! -e $host/payload ]] || die "cp followed /etc/x to the host"
	run_cpod '?' cp cp7:/leak "$BATS_TEST_TMPDIR/leaked"
	if [[ -e $BATS_TEST_TMPDIR/leaked ]]; then
		isnt "$(cat "$BATS_TEST_TMPDIR/leaked")" "host secret" "the host file was read"
	fi
	run_cpod '?' cp cp7:/etc/x/secret "$BATS_TEST_TMPDIR/leaked2"
	[[ ! -e $BATS_TEST_TMPDIR/leaked2 ]] || die "cp read the host file through /etc/x"
}

@test "cp: a symlink swapped in during the copy does not escape (CVE-2018-15664)" {
	start_ctr cp8
	local host=$BATS_TEST_TMPDIR/victim
	mkdir -p "$host"
	mkdir -p "$BATS_TEST_TMPDIR/src"
	for i in $(seq 50); do echo "$i" >"$BATS_TEST_TMPDIR/src/f$i"; done
	# inside: /w flips between a directory and a symlink to the host directory's path
	run_cpod exec -d cp8 sh -c "while :; do mkdir -p /w_dir; mv /w_dir /w 2>/dev/null;
		mv /w /w_dir 2>/dev/null; ln -sfn $host /w_link; mv /w_link /w 2>/dev/null;
		rm -f /w; done"
	local i
	for i in $(seq 20); do
		cpod cp "$BATS_TEST_TMPDIR/src/." cp8:/w/ >/dev/null 2>&1 || true
		cpod cp cp8:/w/. "$BATS_TEST_TMPDIR/back$i" >/dev/null 2>&1 || true
	done
	run ls -A "$host"
	is "$output" "" "nothing was written to the host directory"
}
