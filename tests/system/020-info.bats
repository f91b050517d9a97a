#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
#
# cpod info: what cpod found on this host, with the field names of `podman info`.

load helpers

setup_file() {
	use_empty_store
}

@test "info --format json has podman's fields" {
	run_cpod info --format json
	jq -e . <<<"$output" >/dev/null || die "info --format json is not JSON: $output"
	local json=$output

	local want=v1
	[[ $(stat -f -c %T /sys/fs/cgroup) == cgroup2fs ]] && want=v2
	is "$(jq -r .host.cgroupVersion <<<"$json")" "$want" "host.cgroupVersion"
	is "$(jq -r .host.kernel <<<"$json")" "$(re_escape "$(uname -r)")" "host.kernel"
	is "$(jq -r .host.os <<<"$json")" "linux" "host.os"
	is "$(jq -r .host.arch <<<"$json")" "amd64|arm64" "host.arch"
	is "$(jq -r .host.security.rootless <<<"$json")" "$([[ $(id -u) == 0 ]] && echo false || echo true)" \
		"host.security.rootless"
	is "$(jq -r .host.ociRuntime.name <<<"$json")" "crun|runc" "host.ociRuntime.name"
	is "$(jq -r .host.ociRuntime.path <<<"$json")" "/.+/(crun|runc)" "host.ociRuntime.path"
	is "$(jq -r .store.graphDriverName <<<"$json")" "overlay|vfs" "store.graphDriverName"
	is "$(jq -r .store.graphRoot <<<"$json")" "$(re_escape "$CPOD_TEST_ROOT")" "store.graphRoot is --root"
	is "$(jq -r .store.runRoot <<<"$json")" "$(re_escape "$CPOD_TEST_RUNROOT")" "store.runRoot is --runroot"
	is "$(jq -r .version.Version <<<"$json")" "[0-9]+\.[0-9]+\.[0-9]+.*" "version.Version"
}

@test "info explains the runtime it chose" {
	run_cpod info --format json
	local rt reason
	rt=$(jq -r .host.ociRuntime.name <<<"$output")
	# cpod's addition to podman's ociRuntime object: why this runtime (DESIGN.md §6)
	reason=$(jq -r '.host.ociRuntime | to_entries[] | select(.key | test("reason|why|note|selected"; "i")) | .value | tostring' <<<"$output")
	[[ -n $reason && $reason != null ]] ||
		die "host.ociRuntime has no field saying why $rt was chosen: $(jq -c .host.ociRuntime <<<"$output")"

	run_cpod --runtime runc info --format '{{.Host.OCIRuntime.Name}}'
	is "$output" "runc" "--runtime runc is reported"
}

@test "info --format with a Go template" {
	run_cpod info --format '{{.Host.OCIRuntime.Name}} {{.Store.GraphDriverName}} {{.Host.CgroupsVersion}}'
	is "$output" "(crun|runc) (overlay|vfs) v[12]" "template fields (podman's Go names)"
}

@test "info in YAML-like text" {
	run_cpod info
	is "${lines[0]}" "host:" "first line"
	contains "$output" "  cgroupVersion: v" "cgroupVersion"
	contains "$output" "store:" "store section"
	contains "$output" "  graphRoot: $CPOD_TEST_ROOT" "graphRoot"
	contains "$output" "version:" "version section"
}

@test "info takes no arguments" {
	run_cpod 125 info extra
	is "$output" 'Error: `cpod info` takes no arguments' "message"
	run_cpod 125 info --bogus
	is "$output" "Error: unknown flag: --bogus"$'\n'"See 'cpod info --help'" "unknown flag"
}
