#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
#
# stop, kill, restart, rm, wait, init, rename, port, container exists/prune/cleanup:
# outputs as given, Podman's messages and exit codes.

load helpers
load ctr-helpers

setup_file() {
	use_image_store
}

teardown() {
	ctr_cleanup
}

@test "stop prints names as given; unknown containers stop nothing" {
	run_cpod run -d --name st --network none $BUSYBOX_IMAGE sleep 100
	local id=$output
	run_cpod 125 stop st nonexist
	is "$output" 'Error: no container with name or ID "nonexist" found: no such container'
	run_cpod inspect --format '{{.State.Status}}' st
	is "$output" "running" "st still runs"
	run_cpod stop --ignore -t 0 ${id:0:12} nonexist
	is "$output" "${id:0:12}"
	run_cpod stop st
	is "$output" "st" "stopping a stopped container is fine"
	run_cpod 125 stop
	is "$output" "Error: you must provide at least one name or id"
	run_cpod 125 stop -a st
	is "$output" "Error: no arguments are needed with --all"
}

@test "kill: signals, state errors, -a" {
	run_cpod 125 kill -s FOO x
	is "$output" "Error: invalid signal: FOO"
	run_cpod create --name k1 --network none $BUSYBOX_IMAGE true
	run_cpod 125 kill k1
	is "$output" "Error: can only kill running containers. [0-9a-f]{64} is in state .*: container state improper"
	run_cpod run -d --name k2 --network none $BUSYBOX_IMAGE sleep 100
	run_cpod run -d --name k3 --network none $BUSYBOX_IMAGE sleep 100
	run_cpod kill -a
	is "${#lines[@]}" 2 "kill -a: the two running ones"
}

@test "restart, init, wait --condition" {
	run_cpod run -d --name r1 --network none $BUSYBOX_IMAGE sleep 100
	local pid1=$(cpod inspect --format '{{.State.Pid}}' r1)
	run_cpod restart -t 0 r1
	is "$output" "r1"
	run_cpod inspect --format '{{.State.Status}} {{.State.Pid}}' r1
	is "$output" "running [0-9]+"
	isnt "${output#running }" "$pid1" "a new process"
	run_cpod create --name i1 --network none $BUSYBOX_IMAGE $TESTPROG exit 4
	run_cpod init i1
	is "$output" "i1"
	run_cpod ps -a --filter name=i1 --format '{{.Status}}'
	is "$output" "Initialized"
	run_cpod start i1
	run_cpod wait i1
	is "$output" "4"
	run_cpod wait --condition exited i1
	is "$output" "4"
	run_cpod 125 wait --condition bogus i1
	is "$output" "Error: unknown container state: bogus: invalid argument"
	run_cpod 125 wait
	is "$output" 'Error: "cpod wait" requires a name, id, or the "--latest" flag'
}

@test "rm: as given, 1 for unknown, 2 for running, -f, -a" {
	run_cpod create --name d1 --network none $BUSYBOX_IMAGE true
	local id=$output
	run_cpod 1 rm d1 nonexist
	is "$output" 'Error: no container with name or ID "nonexist" found: no such container'
	run_cpod container exists d1
	run_cpod rm ${id:0:12}
	is "$output" "${id:0:12}"
	run_cpod rm -f nonexist
	is "$output" ""
	run_cpod run -d --name d2 --network none $BUSYBOX_IMAGE sleep 100
	local id2=$output
	run_cpod 2 rm d2
	is "$output" "Error: cannot remove container $id2 as it is running - running or paused containers cannot be removed without force: container state improper"
	run_cpod rm -f -t 0 d2
	is "$output" "d2"
	run_cpod create --name d3 --network none $BUSYBOX_IMAGE true
	run_cpod create --name d4 --network none $BUSYBOX_IMAGE true
	run_cpod rm -a
	is "${#lines[@]}" 2
	run_cpod ps -a -q
	is "$output" ""
}

@test "rename, port, container exists, cleanup is hidden" {
	run_cpod create --name old --network none $BUSYBOX_IMAGE true
	run_cpod rename old new
	is "$output" ""
	run_cpod 1 container exists old
	run_cpod container exists new
	run_cpod create --name other --network none $BUSYBOX_IMAGE true
	run_cpod 125 rename new other
	contains "$output" "Error: "
	run_cpod port new
	is "$output" ""
	run_cpod container --help
	[[ $output != *cleanup* ]] || die "cleanup must be hidden"
	run_cpod container cleanup new
	is "$output" "new"
}

@test "container prune asks, -f does not" {
	run_cpod create --name p1 --network none $BUSYBOX_IMAGE true
	local id=$output
	run_cpod run -d --name p2 --network none $BUSYBOX_IMAGE sleep 100
	run bash -c "echo n | $CPOD_BIN --root $CPOD_TEST_ROOT --runroot $CPOD_TEST_RUNROOT container prune"
	is "$output" "WARNING! This will remove all non running containers."$'\n'"Are you sure you want to continue\? \[y/N\] "
	is "$status" 0
	run_cpod container exists p1
	run bash -c "echo y | $CPOD_BIN --root $CPOD_TEST_ROOT --runroot $CPOD_TEST_RUNROOT container prune"
	contains "$output" "$id"
	run_cpod 1 container exists p1
	run_cpod container prune -f
	is "$output" ""
	run_cpod container exists p2
}
