#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
#
# run / create flags handled around the container's creation and start: --replace, --cidfile,
# --umask, --unsetenv, --platform and friends, checked against Podman 4.3's behaviour.

load helpers
load ctr-helpers

setup_file() {
	use_image_store
}

teardown() {
	ctr_cleanup
}

@test "create --replace removes the container holding the name first" {
	run_cpod 125 create --replace --network none $BUSYBOX_IMAGE true
	is "$output" "Error: cannot replace container without --name being set"
	run_cpod create --name rep --network none $BUSYBOX_IMAGE true
	local first=$output
	run_cpod create --replace --name rep --network none $BUSYBOX_IMAGE true
	is "${lines[0]}" "rep" "the removed container's name"
	isnt "${lines[1]}" "$first" "a new container"
	run_cpod ps -a --format '{{.Names}}'
	is "$output" "rep"
	# a running one is stopped and removed
	run_cpod run -d --init --name rep2 --network none $BUSYBOX_IMAGE sleep 100
	run_cpod run --replace --rm --name rep2 --network none $BUSYBOX_IMAGE $TESTPROG echo again
	is "$output" "rep2"$'\n'"again"
	# no container of that name: nothing removed, nothing printed
	run_cpod run --replace --rm --name rep3 --network none $BUSYBOX_IMAGE $TESTPROG echo only
	is "$output" "only"
}

@test "create and run --cidfile write the full ID and refuse an existing file" {
	local f=$BATS_TEST_TMPDIR/cid
	run_cpod create --cidfile "$f" --network none $BUSYBOX_IMAGE true
	is "$(cat "$f")" "$output" "the file holds the full ID without a newline"
	is "$(wc -c <"$f")" "64"
	run_cpod 125 create --cidfile "$f" --network none $BUSYBOX_IMAGE true
	is "$output" "Error: container id file exists. Ensure another container is not using it or delete $f"
	run_cpod 125 run --cidfile "$BATS_TEST_TMPDIR/no/dir" --network none $BUSYBOX_IMAGE true
	is "$output" "Error: opening cidfile $BATS_TEST_TMPDIR/no/dir"
	run_cpod run -d --cidfile "$BATS_TEST_TMPDIR/cid2" --network none $BUSYBOX_IMAGE true
	is "$(cat "$BATS_TEST_TMPDIR/cid2")" "$output"
}

@test "run --umask sets the process umask and inspect shows it" {
	run_cpod run --rm --network none --umask 0077 $BUSYBOX_IMAGE sh -c umask
	is "$output" "0077"
	run_cpod run --rm --network none --umask 27 $BUSYBOX_IMAGE sh -c umask
	is "$output" "0027"
	run_cpod create --name um --network none --umask 0037 $BUSYBOX_IMAGE true
	run_cpod inspect --format '{{.Config.Umask}}' um
	is "$output" "0037"
	for bad in 9 07777 abc ''; do
		run_cpod 125 create --network none --umask "$bad" $BUSYBOX_IMAGE true
		is "$output" "Error: running container create option: invalid umask string $bad: invalid argument"
	done
}

@test "run --unsetenv and --unsetenv-all drop the default environment, not -e" {
	run_cpod run --rm --network none --unsetenv PATH --unsetenv TERM -e FOO=1 \
		$BUSYBOX_IMAGE $TESTPROG env
	contains "$output" "FOO=1"
	contains "$output" "container=podman"
	[[ $output != *PATH=* ]] || die "PATH was not unset: $output"
	[[ $output != *TERM=* ]] || die "TERM was not unset: $output"
	run_cpod run --rm --network none --unsetenv FOO -e FOO=kept $BUSYBOX_IMAGE $TESTPROG env
	contains "$output" "FOO=kept"
	run_cpod create --name ue --network none --unsetenv-all -e FOO=1 $BUSYBOX_IMAGE true
	run_cpod inspect --format '{{.Config.Env}}' ue
	is_literal "${output%% HOSTNAME=*}" "[FOO=1" "only -e (and cpod's HOSTNAME)"
	run_cpod run --rm --network none --unsetenv-all -e FOO=1 $BUSYBOX_IMAGE $TESTPROG env
	[[ $output != *PATH=* && $output != *container=* ]] || die "defaults kept: $output"
	contains "$output" "FOO=1"
}

@test "--platform is split for the pull, and refused with --arch or --os" {
	run_cpod 125 create --platform linux/arm64 --arch amd64 $BUSYBOX_IMAGE true
	is "$output" "Error: --platform option can not be specified with --arch or --os"
	run_cpod 125 create --platform a/b/c/d $BUSYBOX_IMAGE true
	is_literal "$output" 'Error: invalid platform syntax for "a/b/c/d" (use OS/ARCH[/VARIANT][,...])'
	# a local image is used as it is
	run_cpod create --network none --platform linux/amd64 $BUSYBOX_IMAGE true
	run_cpod create --network none --os linux --arch amd64 --variant v8 $BUSYBOX_IMAGE true
}

@test "stop, kill, restart and rm --cidfile act on the IDs in the files" {
	local f=$BATS_TEST_TMPDIR/cid g=$BATS_TEST_TMPDIR/cid2
	run_cpod run -d --init --cidfile "$f" --network none $BUSYBOX_IMAGE sleep 100
	local id=$output
	run_cpod create --cidfile "$g" --network none $BUSYBOX_IMAGE true
	local id2=$output
	run_cpod kill --cidfile "$f"
	is "$output" "$id"
	run_cpod restart --cidfile "$f"
	is "$output" "$id"
	run_cpod stop -t 0 --cidfile "$f"
	is "$output" "$id"
	run_cpod rm --cidfile "$f" --cidfile "$g"
	is "$output" "$id"$'\n'"$id2"
	for verb in stop kill restart rm; do
		run_cpod 125 $verb --cidfile "$BATS_TEST_TMPDIR/none"
		is "$output" "Error: reading CIDFile: open $BATS_TEST_TMPDIR/none: no such file or directory"
		run_cpod 125 $verb --cidfile "$f" -a
		is "$output" "Error: --all, --latest, and --cidfile cannot be used together"
		run_cpod 125 $verb --cidfile "$f" somename
		is "$output" "Error: no arguments are needed with --latest or --cidfile"
	done
}

@test "run --pidfile and --conmon-pidfile: the pids written where asked, inspect shows the paths" {
	local p=$BATS_TEST_TMPDIR/ctr.pid c=$BATS_TEST_TMPDIR/conmon.pid
	run_cpod run -d --init --name pf --pidfile "$p" --conmon-pidfile "$c" --network none \
		$BUSYBOX_IMAGE sleep 100
	run_cpod inspect --format '{{.PidFile}} {{.ConmonPidFile}} {{.State.Pid}} {{.State.ConmonPid}}' pf
	is "$output" "$p $c $(cat "$p") $(cat "$c")"
	[[ -d /proc/$(cat "$p") ]] || die "no process $(cat "$p")"
	# a relative path is relative to the directory of create
	cd "$BATS_TEST_TMPDIR"
	run_cpod create --name pf2 --pidfile rel.pid --network none $BUSYBOX_IMAGE true
	run_cpod inspect --format '{{.PidFile}}' pf2
	is "$output" "$BATS_TEST_TMPDIR/rel.pid"
}

@test "run --timeout: conmon kills the container after the timeout" {
	# conmon kills it and records -1 (Podman run then exits 255)
	run_cpod 255 run --name to --timeout 1 --network none $BUSYBOX_IMAGE sleep 30
	run_cpod inspect --format '{{.Config.Timeout}} {{.State.ExitCode}}' to
	is "$output" "1 -1"
	run_cpod run --rm --timeout 5 --network none $BUSYBOX_IMAGE $TESTPROG echo quick
	is "$output" "quick"
	run_cpod 125 create --timeout abc $BUSYBOX_IMAGE true
	is "$output" 'Error: invalid argument "abc" for "--timeout" flag: strconv.ParseUint: parsing "abc": invalid syntax'$'\n'"See 'cpod create --help'"
}

@test "run --rmi removes the image after the container, implies --rm" {
	run_cpod import -q "$BUSYBOX_TAR" localhost/rmi-only
	local id=$output
	run_cpod 3 run --rmi --network none localhost/rmi-only $TESTPROG exit 3
	run_cpod 1 image exists localhost/rmi-only
	run_cpod ps -a --format '{{.Image}}'
	is "$output" "" "the container went with --rm"
	run_cpod 125 run --rmi --rm=false --network none $BUSYBOX_IMAGE true
	is "$output" "Error: the --rmi option does not work without --rm"
	# an image another container uses stays, with Podman's error in the log
	run_cpod import -q "$BUSYBOX_TAR" localhost/rmi-used
	run_cpod create --name keeper --network none localhost/rmi-used true
	run_cpod run --rmi --network none localhost/rmi-used $TESTPROG echo ran
	contains "$output" "ran"
	contains "$output" 'level=error msg="failed removing image: '
	run_cpod image exists localhost/rmi-used
	# detached: the image is kept (Podman)
	run_cpod run -d --rmi --network none localhost/rmi-used true
	run_cpod image exists localhost/rmi-used
}

@test "run --preserve-fds passes the caller's fds 3.. into the container" {
	echo "from fd 3" >"$BATS_TEST_TMPDIR/in"
	run cpod run --rm --network none --preserve-fds 1 $BUSYBOX_IMAGE sh -c 'cat <&3' \
		3<"$BATS_TEST_TMPDIR/in"
	is "$status" 0
	is "$output" "from fd 3"
	# without the flag the container does not get it
	run cpod run --rm --network none $BUSYBOX_IMAGE sh -c 'cat <&3' 3<"$BATS_TEST_TMPDIR/in"
	isnt "$status" 0
	run_cpod 125 run --preserve-fds x $BUSYBOX_IMAGE true
	is "$output" 'Error: invalid argument "x" for "--preserve-fds" flag: strconv.ParseUint: parsing "x": invalid syntax'$'\n'"See 'cpod run --help'"
	# a descriptor the caller did not pass is refused (never one of cpod's own), as Podman
	run cpod run --rm --network none --preserve-fds 2 $BUSYBOX_IMAGE true \
		3<"$BATS_TEST_TMPDIR/in" 4<&-
	is "$status" 125
	is "$output" "Error: file descriptor 4 is not available - the preserve-fds option requires that all file descriptors must be passed"
}
