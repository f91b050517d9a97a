#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
#
# Many cpod processes at once: 50 parallel `run -d` leave exactly 50 containers with unique
# names and the right state; parallel stop/rm leave a clean store.

load helpers
load ctr-helpers

setup_file() {
	use_image_store
}

teardown() {
	ctr_cleanup
}

@test "50 parallel run -d: 50 running containers, unique names" {
	local i pids=()
	for i in $(seq 1 50); do
		cpod run -d --network none $BUSYBOX_IMAGE sleep 300 >"$BATS_TEST_TMPDIR/out.$i" 2>&1 &
		pids+=($!)
	done
	local fails=0
	for i in "${pids[@]}"; do
		wait "$i" || fails=$((fails + 1))
	done
	((fails == 0)) || { cat "$BATS_TEST_TMPDIR"/out.*; die "$fails runs failed"; }
	run_cpod ps -a --format '{{.Names}} {{.State}}'
	is "${#lines[@]}" 50 "50 containers"
	run_cpod ps --format '{{.Names}}'
	is "$(sort <<<"$output" | uniq | wc -l)" 50 "50 unique names, all running"
	# every printed ID is a container
	local ids
	ids=$(cat "$BATS_TEST_TMPDIR"/out.* | sort)
	run_cpod ps -q --no-trunc
	is "$(sort <<<"$output")" "$ids" "IDs printed by run -d are the listed ones"
}

@test "parallel named creates: one wins per name" {
	local i
	for i in $(seq 1 10); do
		cpod create --name same --network none $BUSYBOX_IMAGE true >/dev/null 2>&1 &
	done
	wait || true
	run_cpod ps -a --format '{{.Names}}'
	is "$output" "same" "exactly one container named same"
}

@test "parallel stop and rm of 20 containers" {
	local i
	for i in $(seq 1 20); do
		cpod run -d --name p$i --network none $BUSYBOX_IMAGE sleep 300 >/dev/null
	done
	for i in $(seq 1 20); do
		cpod rm -f -t 0 p$i >/dev/null 2>&1 &
	done
	wait
	run_cpod ps -a -q
	is "$output" "" "all removed"
}
