#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
#
# The command line itself: version, help, and how usage errors are reported. Expected
# outputs are Podman 4.3's, with "podman" replaced by "cpod".

load helpers

setup_file() {
	use_empty_store
}

@test "cpod --version matches cpod version" {
	run_cpod --version
	is "$output" "cpod version [0-9]+\.[0-9]+\.[0-9]+(-[0-9A-Za-z.-]+)?" "--version output"
	local v=${output#cpod version }

	run_cpod version
	is "${lines[0]}" "Client: +[Cc]pod Engine" "first line: client name"
	is "$output" ".*"$'\n'"Version: +$(re_escape "$v")"$'\n'".*" "Version: line = --version"
}

@test "cpod version has Podman's layout" {
	run_cpod version
	# podman: Client, Version, API Version, Go Version, [Git Commit,] Built, OS/Arch, with
	# every value aligned in one column; cpod has no Go Version.
	local keys=() line col=
	for line in "${lines[@]}"; do
		[[ $line =~ ^([A-Za-z/ ]+:)( +)(.+)$ ]] || die "unexpected line: '$line'"
		keys+=("${BASH_REMATCH[1]}")
		local c=$((${#BASH_REMATCH[1]} + ${#BASH_REMATCH[2]}))
		[[ -z $col || $col == "$c" ]] || die "values not aligned: '$line'"
		col=$c
	done
	is "${keys[*]}" "Client: Version: API Version: Git Commit: Built: OS/Arch:" "keys in order"
	is "$output" ".*"$'\n'"API Version: +[0-9]+\.[0-9]+\.[0-9]+"$'\n'".*" "API Version"
	is "$output" ".*"$'\n'"Git Commit: +([0-9a-f]{40}|unknown)"$'\n'".*" "Git Commit"
	is "$output" ".*"$'\n'"Built: +[A-Z][a-z]{2} [A-Z][a-z]{2} [ 0-9]{2} [0-9:]{8} [0-9]{4}"$'\n'".*" \
		"Built (Go's time.ANSIC layout, like podman)"
	is "${lines[-1]}" "OS/Arch: +linux/$(uname -m | sed 's/x86_64/amd64/;s/aarch64/arm64/')" "OS/Arch"
}

@test "cpod version --format" {
	run_cpod --version
	local v=${output#cpod version }
	run_cpod version --format '{{.Client.Version}}'
	is "$output" "$(re_escape "$v")" "--format {{.Client.Version}}"

	run_cpod version --format json
	is "$(jq -r .Client.Version <<<"$output")" "$(re_escape "$v")" "json .Client.Version"
	is "$(jq -r .Client.OsArch <<<"$output")" "linux/.+" "json .Client.OsArch"
}

@test "cpod version takes no arguments" {
	run_cpod 125 version extra
	is "$output" 'Error: `cpod version` takes no arguments' "message"
}

@test "unknown command" {
	run_cpod 125 foo
	is "${lines[0]}" 'Error: unrecognized command `cpod foo`' "first line"
	is "${lines[-1]}" "Try 'cpod --help' for more information" "last line"

	run_cpod 125 image foo
	is "${lines[0]}" 'Error: unrecognized command `cpod image foo`' "first line, image group"
	is "${lines[-1]}" "Try 'cpod image --help' for more information" "last line, image group"
}

@test "missing command" {
	# podman prints the help on stdout, then the error on stderr
	run_cpod_split 125
	contains "$output" "Usage:" "help is printed on stdout"
	is "$stderr" "Error: missing command 'cpod COMMAND'" "stderr"

	run_cpod_split 125 image
	contains "$output" "Available Commands:" "image help is printed on stdout"
	is "$stderr" "Error: missing command 'cpod image COMMAND'" "stderr, image group"
}

@test "unknown flag" {
	run_cpod 125 images --foo
	is "$output" "Error: unknown flag: --foo"$'\n'"See 'cpod images --help'" "images --foo"

	run_cpod 125 --foo images
	is "$output" "Error: unknown flag: --foo"$'\n'"See 'cpod --help'" "global --foo"

	# cobra names the command by its name, not by the alias typed
	run_cpod 125 image ls --foo
	is "$output" "Error: unknown flag: --foo"$'\n'"See 'cpod image list --help'" "image ls --foo"
}

@test "wrong number of arguments" {
	run_cpod 125 images a b
	is "$output" "Error: accepts at most 1 arg\(s\), received 2" "images a b"

	run_cpod 125 image exists
	is "$output" "Error: accepts 1 arg\(s\), received 0" "image exists without argument"
}

@test "bad --log-level" {
	# podman 4.3 reports this through logrus.Fatalf: no "Error: " prefix, exit code 1
	run_cpod 1 --log-level=bogus images
	is "$output" 'Log Level "bogus" is not supported, choose from: trace, debug, info, warn, warning, error, fatal, panic' \
		"message"

	run_cpod --log-level=debug version
	contains "$output" "Version:" "--log-level=debug is accepted"
}

@test "cpod --help lists the commands" {
	run_cpod --help
	is "${lines[0]}" "Manage pods, containers and images" "first line"
	contains "$output" $'Usage:\n  cpod [options] [command]' "usage"
	contains "$output" "Available Commands:" "command list"
	contains "$output" "Options:" "option list"
	local cmd
	for cmd in help image images import info rmi tag untag version; do
		is "$output" ".*"$'\n'"  $cmd +[A-Z][^"$'\n'"]+"$'\n'".*" "command '$cmd' is listed with a description"
	done
	for cmd in --root --runroot --log-level --storage-driver --help --version; do
		contains "$output" " $cmd" "global option $cmd is listed"
	done
	# a line per command, in alphabetical order, as cobra prints them
	local listed
	listed=$(sed -n '/^Available Commands:/,/^$/{/^  [a-z]/s/^  \([a-z-]*\).*/\1/p}' <<<"$output")
	is "$listed" "$(sort <<<"$listed")" "commands are sorted"
}

@test "cpod help COMMAND is cpod COMMAND --help" {
	run_cpod help images
	local via_help=$output
	is "${lines[0]}" "List images in local storage" "first line"
	contains "$output" $'Usage:\n  cpod images [options] [IMAGE]' "usage line"
	contains "$output" "--no-trunc" "--no-trunc is documented"

	run_cpod images --help
	is_literal "$output" "$via_help" "help images == images --help"

	run_cpod help
	contains "$output" "Available Commands:" "bare help lists commands"
}

@test "every listed command has --help" {
	run_cpod --help
	local cmds
	cmds=$(sed -n '/^Available Commands:/,/^$/{/^  [a-z]/s/^  \([a-z-]*\).*/\1/p}' <<<"$output")
	[[ -n $cmds ]] || die "no commands found in cpod --help"
	local cmd
	for cmd in $cmds; do
		run_cpod "$cmd" --help
		contains "$output" "Usage:" "cpod $cmd --help shows usage"
		contains "$output" "cpod $cmd" "cpod $cmd --help names the command"
	done

	run_cpod image --help
	cmds=$(sed -n '/^Available Commands:/,/^$/{/^  [a-z]/s/^  \([a-z-]*\).*/\1/p}' <<<"$output")
	for cmd in $cmds; do
		run_cpod image "$cmd" --help
		contains "$output" "Usage:" "cpod image $cmd --help shows usage"
		contains "$output" "cpod image $cmd" "cpod image $cmd --help names the command"
	done
}
