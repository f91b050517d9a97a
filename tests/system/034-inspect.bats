#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
#
# container inspect and the generic inspect (containers first, then images; --type).

load helpers
load ctr-helpers

setup_file() {
	use_image_store
}

teardown() {
	ctr_cleanup
}

@test "container inspect: JSON array indented like Podman, --format" {
	run_cpod create --name ins --network none -e A=1 $BUSYBOX_IMAGE $TESTPROG echo x
	local id=$output
	run_cpod container inspect ins
	is "${lines[0]}" "\["
	is "${lines[1]}" "     \{"
	run jq -r '.[0].Id + " " + .[0].Name + " " + .[0].State.Status' <<<"$output"
	is "$output" "$id ins created" "a new container is \"created\" as in Podman"
	run_cpod container inspect --format '{{.Name}} {{.Config.Cmd}}' ins
	is "$output" "ins \[$TESTPROG echo x\]"
	run_cpod inspect --format '{{.State.Status}}' --latest
	is "$output" "created"
}

@test "inspect: containers first, then images, --type, errors" {
	run_cpod create --name both --network none $BUSYBOX_IMAGE true
	local cid=$output
	local iid=$(image_id $BUSYBOX_IMAGE)
	run_cpod inspect --format '{{.Id}}' both $BUSYBOX_IMAGE
	is "$output" "$cid"$'\n'"$iid"
	run_cpod inspect --type image --format '{{.Id}}' $BUSYBOX_IMAGE
	is "$output" "$iid"
	run_cpod 125 inspect --type container $BUSYBOX_IMAGE
	contains "$output" "Error: inspecting object: no such container"
	run_cpod_split 125 inspect nonexist
	is "$output" "\[\]"
	is "$stderr" 'Error: inspecting object: no such object: "nonexist"'
	run_cpod 125 container inspect --format '{{.Name}}' nonexist both
	is "$output" "both"$'\n'"Error: inspecting object: no such container nonexist"
	run_cpod 125 inspect
	is "$output" "Error: no names or ids specified"
}
