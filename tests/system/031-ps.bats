#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
#
# cpod ps: Podman's default table, truncation, -a/-q/-l/-n/--no-trunc/--noheading/--format/
# --filter/--sort, and the aliases.

load helpers
load ctr-helpers

setup_file() {
	use_image_store
}

teardown() {
	ctr_cleanup
}

@test "ps on an empty store prints the header only" {
	run_cpod ps -a
	is "$output" "CONTAINER ID +IMAGE +COMMAND +CREATED +STATUS +PORTS +NAMES"
	run_cpod container list
	is "$output" "CONTAINER ID +IMAGE +COMMAND +CREATED +STATUS +PORTS +NAMES"
	run_cpod container ls --noheading
	is "$output" ""
}

@test "ps default columns and truncation" {
	run_cpod run -d --name up --network none $BUSYBOX_IMAGE sleep 100
	local id=$output
	run_cpod create --name made --network none $BUSYBOX_IMAGE sh -c 'echo a long command line here'
	run_cpod ps
	is "${lines[1]}" "${id:0:12}  localhost/busybox:latest  sleep 100 +.* ago +Up .* ago +up" "running row"
	is "${#lines[@]}" 2 "ps without -a: running only"
	run_cpod ps -a
	is "${#lines[@]}" 3
	contains "$output" "sh -c echo a long..." "COMMAND: 17 characters and ..."
	contains "$output" "Created" "created status"
	run_cpod ps -a --no-trunc
	contains "$output" "$id" "--no-trunc: full ID"
	contains "$output" "sh -c echo a long command line here" "--no-trunc: full command"
	run_cpod ps -q
	is "$output" "${id:0:12}"
	run_cpod ps -q --no-trunc
	is "$output" "$id"
	run_cpod ps -a -s
	is "${lines[0]}" "CONTAINER ID .* NAMES +SIZE"
}

@test "ps --format, json, -l, -n, --sort" {
	run_cpod create --name first --network none -l k=v $BUSYBOX_IMAGE true
	sleep 1
	run_cpod create --name second --network none $BUSYBOX_IMAGE true
	run_cpod ps -a --format '{{.Names}}|{{.State}}|{{.Command}}|{{.Labels}}'
	is "$output" "second\|Created\|true\|map\[\]"$'\n'"first\|Created\|true\|map\[k:v\]"
	run_cpod ps -a --format 'table {{.ID}} {{.Names}}'
	is "${lines[0]}" "CONTAINER ID +NAMES"
	run_cpod ps -l --format '{{.Names}}'
	is "$output" "second"
	run_cpod ps -n 2 --format '{{.Names}}'
	is "$output" "second"$'\n'"first"
	run_cpod ps -a --sort names --format '{{.Names}}'
	is "$output" "first"$'\n'"second"
	run_cpod ps -a --format json
	run jq -r '.[].Names[0]' <<<"$output"
	is "$output" "second"$'\n'"first"
	run_cpod 125 ps --sort bogus
	contains "$output" 'invalid argument "bogus" for "--sort" flag'
}

@test "ps --filter id, name, status, label, ancestor, exited" {
	run_cpod run --name ok --network none -l team=a $BUSYBOX_IMAGE true
	run_cpod 3 run --name bad --network none $BUSYBOX_IMAGE $TESTPROG exit 3
	local okid=$(cpod inspect --format '{{.Id}}' ok)
	run_cpod ps -a --filter name=ok --format '{{.Names}}'
	is "$output" "ok"
	run_cpod ps -a --filter id=${okid:0:10} --format '{{.Names}}'
	is "$output" "ok"
	run_cpod ps -a --filter exited=3 --format '{{.Names}}'
	is "$output" "bad"
	run_cpod ps -a --filter label=team=a --format '{{.Names}}'
	is "$output" "ok"
	run_cpod ps -a --filter status=exited --filter ancestor=$BUSYBOX_IMAGE --format '{{.Names}}'
	is "$output" "bad"$'\n'"ok"
	run_cpod ps --filter status=running --format '{{.Names}}'
	is "$output" ""
	run_cpod 125 ps --filter bogus=1
	contains "$output" "Error: "
}
