#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
#
# cpod logs: stdout and stderr kept apart, -t, --tail, --since/--until, several containers
# with ID or name prefixes, -f.

load helpers
load ctr-helpers

setup_file() {
	use_image_store
}

teardown() {
	ctr_cleanup
}

@test "logs: streams, timestamps, tail" {
	run_cpod run --name lg --network none $BUSYBOX_IMAGE sh -c 'echo one; echo two >&2; echo three'
	run_cpod_split logs lg
	is "$output" "one"$'\n'"three"
	is "$stderr" "two"
	run_cpod logs -t lg
	is "${lines[0]}" "[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+Z (one|two)"
	run_cpod logs --tail 1 lg
	is "${#lines[@]}" 1
	run_cpod logs --tail 0 lg
	is "$output" ""
}

@test "logs of several containers are prefixed by ID, or by name with -n" {
	run_cpod run --name la --network none $BUSYBOX_IMAGE echo aa
	local ida=$(cpod inspect --format '{{.Id}}' la)
	run_cpod run --name lb --network none $BUSYBOX_IMAGE echo bb
	run_cpod logs la lb
	is "${lines[0]}" "${ida:0:12} aa"
	run_cpod logs -n la lb
	is "$output" "la aa"$'\n'"lb bb"
	run_cpod logs --names la
	is "$output" "aa"
	run_cpod 125 logs
	is "$output" "Error: specify at least one container name or ID to log"
	run_cpod 125 logs nonexist
	contains "$output" 'no container with name or ID "nonexist" found'
}

@test "logs --since/--until" {
	run_cpod run --name lt --network none $BUSYBOX_IMAGE echo old
	run_cpod logs --since 1h lt
	is "$output" "old"
	run_cpod logs --until 1h lt
	is "$output" ""
	run_cpod logs --since 2000-01-01T00:00:00Z lt
	is "$output" "old"
	run_cpod logs --since 2099-01-01 lt
	is "$output" ""
	run_cpod 125 logs --since bogus lt
	contains "$output" "Error: "
}

@test "logs -f follows until the container exits" {
	run_cpod run -d --name lf --network none $BUSYBOX_IMAGE sh -c 'echo start; sleep 2; echo end'
	run_cpod logs -f lf
	is "$output" "start"$'\n'"end"
}
