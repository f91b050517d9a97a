#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
#
# Faults: cpod killed with SIGKILL in the middle of create/start/rm (the next command repairs
# or reports), missing runtime or conmon, runtime errors (125), commands that cannot be found
# (127) or run (126), containers killed by a signal (128+n).

load helpers
load ctr-helpers

setup_file() {
	use_image_store
}

teardown() {
	ctr_cleanup
}

# kill_during DELAY ARGS...: start cpod ARGS, SIGKILL it after DELAY seconds
kill_during() {
	local delay=$1
	shift
	cpod "$@" >/dev/null 2>&1 &
	local pid=$!
	sleep "$delay"
	# the child of timeout(1) is cpod itself
	pkill -9 -P "$pid" 2>/dev/null || true
	kill -9 "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
}

@test "kill -9 during create, start and rm: the store stays usable" {
	local d
	for d in 0.005 0.02 0.05 0.1; do
		kill_during "$d" create --name k$RANDOM --network none $BUSYBOX_IMAGE true
	done
	run_cpod ps -a --format '{{.Names}} {{.State}}'
	run_cpod run -d --name alive --network none $BUSYBOX_IMAGE sleep 100
	kill_during 0.01 stop -t 0 alive
	kill_during 0.01 rm -f -t 0 alive
	# whatever state was left, the next commands repair or report it
	run_cpod ps -a
	run_cpod rm -a -f -t 0
	run_cpod ps -a -q
	is "$output" "" "everything could be removed"
	run_cpod run --rm --name alive --network none $BUSYBOX_IMAGE $TESTPROG echo ok
	is "$output" "ok" "the name can be reused"
}

@test "unknown containers and duplicate names" {
	local v
	for v in start stop kill restart init wait logs port; do
		run_cpod 125 $v nonexist
		contains "$output" 'no container with name or ID "nonexist" found' "$v"
	done
	run_cpod 1 rm nonexist
	run_cpod create --name dup --network none $BUSYBOX_IMAGE true
	run_cpod 125 run --name dup --network none $BUSYBOX_IMAGE true
	contains "$output" 'the container name "dup" is already in use'
}

@test "exit codes: 127 not found, 126 not executable, 125 engine errors, 128+n signals" {
	run_cpod 127 run --rm --network none --entrypoint /does/not/exist $BUSYBOX_IMAGE
	run_cpod 126 run --rm --network none --entrypoint /etc/passwd $BUSYBOX_IMAGE
	run_cpod 125 run --rm --network none localhost/no-such-image:latest true
	run_cpod 126 run --rm --network none -u nosuchuser $BUSYBOX_IMAGE true
	# PID 1 ignores signals it has no handler for: with --init, sleep is not PID 1
	run_cpod run -d --init --name sigs --network none $BUSYBOX_IMAGE sleep 100
	run_cpod kill -s USR1 sigs
	run_cpod wait sigs
	is "$output" "138" "128 + SIGUSR1 (10)"
	run_cpod run -d --name sigs2 --network none $BUSYBOX_IMAGE $TESTPROG signals 30
	sleep 0.5
	run_cpod kill -s HUP sigs2
	run_cpod wait sigs2
	is "$output" "0" "a handled signal: the program's own exit code"
	run_cpod logs sigs2
	contains "$output" "HUP"
}

@test "runtime or conmon missing: clear errors" {
	run_cpod 125 --runtime /nonexistent/runtime run --rm --network none $BUSYBOX_IMAGE true
	contains "$output" "Error: " "a missing runtime is reported"
	contains "$output" "/nonexistent/runtime"
	# the container exists when conmon fails to start: run maps that as Podman does (127)
	run_cpod 127 --conmon /nonexistent/conmon run --rm --network none $BUSYBOX_IMAGE true
	contains "$output" "conmon"
	# a runtime name that is neither in $PATH nor in containers.conf's runtime paths
	run env PATH=/nonexistent "$CPOD_BIN" --root "$CPOD_TEST_ROOT" --runroot "$CPOD_TEST_RUNROOT" \
		--runtime cpod-no-such-runtime run --rm --network none $BUSYBOX_IMAGE true
	is "$status" 125
	contains "$output" "Error: "
	contains "$output" "cpod-no-such-runtime"
}
