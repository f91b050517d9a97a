#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
#
# --restart policies as Podman 4.3 applies them: the values and messages of create/run,
# inspect's HostConfig.RestartPolicy and RestartCount, restarts by conmon's cleanup
# (always/unless-stopped on any exit, on-failure on a non-zero exit up to MAX), and a
# container the user stopped or killed stays stopped. Names start with "rp-" (unique here).

load helpers
load ctr-helpers

setup_file() {
	use_image_store
}

teardown() {
	ctr_cleanup
}

# rp_inspect NAME: "STATUS RESTARTCOUNT EXITCODE" (empty when the container is gone)
rp_inspect() {
	cpod inspect --format '{{.State.Status}} {{.RestartCount}} {{.State.ExitCode}}' "$1" \
		2>/dev/null || true
}

# wait_until DESC COMMAND...: run COMMAND until it succeeds, for 60 s at most
wait_until() {
	local desc=$1 deadline=$((SECONDS + 60))
	shift
	until "$@"; do
		((SECONDS < deadline)) || die "timed out waiting for: $desc (last: $(rp_inspect "${RP_NAME:-}"))"
		sleep 0.2
	done
}

# rp_is NAME REGEX: the container's "STATUS COUNT EXITCODE" matches
rp_is() {
	[[ $(rp_inspect "$1") =~ ^$2$ ]]
}

# rp_logs_are NAME N: the container's log has N lines
rp_logs_are() {
	[[ $(cpod logs "$1" 2>/dev/null | wc -l) -eq $2 ]]
}

@test "--restart: values and messages as Podman's, HostConfig.RestartPolicy in inspect" {
	local -A bad=(
		[bogus]='running container create option: "bogus" is not a valid restart policy: invalid argument'
		[NO]='running container create option: "NO" is not a valid restart policy: invalid argument'
		[none]='running container create option: "none" is not a valid restart policy: invalid argument'
		[On-Failure:2]='running container create option: "On-Failure" is not a valid restart policy: invalid argument'
		[on-failure:-1]='must specify restart policy retry count as a number greater than 0'
		[always:3]='restart policy retries can only be specified with on-failure restart policy'
		[on-failure:1:2]='invalid restart policy: may specify retries at most once'
		[on-failure:x]='parsing restart policy retry count: strconv.Atoi: parsing "x": invalid syntax'
		[on-failure:]='parsing restart policy retry count: strconv.Atoi: parsing "": invalid syntax'
		[on-failure:99999999999999999999]='parsing restart policy retry count: strconv.Atoi: parsing "99999999999999999999": value out of range'
	)
	local v
	for v in "${!bad[@]}"; do
		run_cpod 125 create --name rp-bad --network none --restart "$v" $BUSYBOX_IMAGE true
		[[ $output == "Error: ${bad[$v]}" ]] || die "--restart $v: got '$output'"
		run_cpod 125 run -d --name rp-bad --network none --restart="$v" $BUSYBOX_IMAGE true
		[[ $output == "Error: ${bad[$v]}" ]] || die "run --restart=$v: got '$output'"
	done
	run_cpod 1 container exists rp-bad

	local -A good=(
		[no]='{"Name":"no","MaximumRetryCount":0}'
		[always]='{"Name":"always","MaximumRetryCount":0}'
		[unless-stopped]='{"Name":"unless-stopped","MaximumRetryCount":0}'
		[on-failure]='{"Name":"on-failure","MaximumRetryCount":0}'
		[on-failure:0]='{"Name":"on-failure","MaximumRetryCount":0}'
		[on-failure:007]='{"Name":"on-failure","MaximumRetryCount":7}'
		[on-failure:+3]='{"Name":"on-failure","MaximumRetryCount":3}'
	)
	for v in "${!good[@]}"; do
		run_cpod create --name rp-good --network none --restart "$v" $BUSYBOX_IMAGE true
		run_cpod inspect --format '{{json .HostConfig.RestartPolicy}} {{.RestartCount}}' rp-good
		[[ $output == "${good[$v]} 0" ]] || die "inspect of --restart $v: got '$output'"
		run_cpod rm rp-good
	done
	run_cpod create --name rp-none --network none $BUSYBOX_IMAGE true
	run_cpod inspect --format '{{json .HostConfig.RestartPolicy}}' rp-none
	[[ $output == '{"Name":"","MaximumRetryCount":0}' ]] || die "no --restart: got '$output'"
	run_cpod create --name rp-empty --network none --restart= $BUSYBOX_IMAGE true
	run_cpod inspect --format '{{json .HostConfig.RestartPolicy}}' rp-empty
	[[ $output == '{"Name":"","MaximumRetryCount":0}' ]] || die "--restart=: got '$output'"
}

@test "--rm with --restart: only no and a plain on-failure are accepted" {
	local msg='Error: the --rm option conflicts with --restart, when the restartPolicy is not "" and "no"'
	local v
	for v in always unless-stopped on-failure:2 NO bogus; do
		run_cpod 125 run --rm -d --name rp-rm --network none --restart "$v" $BUSYBOX_IMAGE true
		is "$output" "$msg" "--rm --restart $v"
		run_cpod 125 create --restart="$v" --rm --name rp-rm --network none $BUSYBOX_IMAGE true
		is "$output" "$msg" "create --restart=$v --rm"
	done
	run_cpod create --rm --name rp-rm-no --network none --restart no $BUSYBOX_IMAGE true
	run_cpod create --rm --name rp-rm-of --network none --restart on-failure $BUSYBOX_IMAGE true
}

@test "on-failure:2: a process exiting 3 is restarted twice, then stays exited" {
	RP_NAME=rp-of2
	run_cpod run -d --name rp-of2 --network none --restart on-failure:2 $BUSYBOX_IMAGE \
		sh -c 'echo ran; exit 3'
	wait_until "rp-of2 exited after 2 restarts" rp_is rp-of2 "exited 2 3"
	# three runs in all (the first and two restarts), and no third restart comes
	wait_until "3 runs logged" rp_logs_are rp-of2 3
	sleep 1
	run_cpod inspect --format '{{.State.Status}} {{.RestartCount}} {{.State.ExitCode}}' rp-of2
	is "$output" "exited 2 3" "still exited with RestartCount 2"
	run_cpod logs rp-of2
	is "${#lines[@]}" 3 "no more runs"
}

@test "on-failure: a process exiting 0 is not restarted; run returns the first exit code" {
	run_cpod run --name rp-of0 --network none --restart on-failure $BUSYBOX_IMAGE true
	run_cpod inspect --format '{{.State.Status}} {{.RestartCount}} {{.State.ExitCode}}' rp-of0
	is "$output" "exited 0 0"
	RP_NAME=rp-ofa
	run_cpod 4 run --name rp-ofa --network none --restart on-failure:1 $BUSYBOX_IMAGE \
		sh -c 'echo ran; exit 4'
	wait_until "rp-ofa restarted once" rp_is rp-ofa "exited 1 4"
	wait_until "2 runs logged" rp_logs_are rp-ofa 2
}

@test "always restarts a process that exits 0; stop leaves it stopped" {
	RP_NAME=rp-always
	run_cpod run -d --name rp-always --network none --restart always $BUSYBOX_IMAGE \
		sh -c 'echo ran; sleep 0.5'
	wait_until "rp-always restarted" rp_is rp-always "[a-z]+ [1-9][0-9]* [0-9]+"
	wait_until "rp-always running" rp_is rp-always "running [0-9]+ [0-9]+"
	run_cpod stop -t 1 rp-always
	is "$output" "rp-always"
	local after
	after=$(rp_inspect rp-always)
	[[ $after =~ ^exited\ [1-9] ]] || die "after stop: $after"
	sleep 2
	run_cpod inspect --format '{{.State.Status}} {{.RestartCount}} {{.State.ExitCode}}' rp-always
	is "$output" "$after" "stopped by the user: not restarted"
}

@test "stop and kill keep always/unless-stopped containers stopped, even in a restart loop" {
	RP_NAME=rp-loop
	run_cpod run -d --name rp-sleep --network none --restart always $BUSYBOX_IMAGE sleep 1000
	run_cpod stop -t 0 rp-sleep
	run_cpod run -d --name rp-kill --network none --restart unless-stopped $BUSYBOX_IMAGE \
		sleep 1000
	run_cpod kill rp-kill
	# a process that exits at once: the container restarts over and over until stopped
	run_cpod run -d --name rp-loop --network none --restart always $BUSYBOX_IMAGE true
	wait_until "rp-loop restarted a few times" rp_is rp-loop "[a-z]+ ([3-9]|[1-9][0-9]+) [0-9]+"
	run_cpod stop rp-loop
	sleep 2
	is "$(rp_inspect rp-sleep)" "exited 0 137" "stopped with SIGKILL: not restarted"
	is "$(rp_inspect rp-kill)" "exited 0 137" "killed: not restarted"
	local loop
	loop=$(rp_inspect rp-loop)
	[[ $loop =~ ^exited\ [0-9]+\ 0$ ]] || die "rp-loop after stop: $loop"
	sleep 1
	is "$(rp_inspect rp-loop)" "$loop" "the loop ended with the stop"
}

@test "restart and start reset RestartCount; on-failure:1 then counts again" {
	RP_NAME=rp-reset
	run_cpod run -d --name rp-reset --network none --restart on-failure:1 $BUSYBOX_IMAGE \
		sh -c 'echo ran; exit 3'
	wait_until "rp-reset exited after 1 restart" rp_is rp-reset "exited 1 3"
	wait_until "2 runs logged" rp_logs_are rp-reset 2
	run_cpod restart rp-reset
	is "$output" "rp-reset"
	# the count went back to 0, so the policy allows one more restart: 2 more runs
	wait_until "2 more runs logged" rp_logs_are rp-reset 4
	wait_until "rp-reset exited again" rp_is rp-reset "exited 1 3"
	# so does start, as Podman's start (init without retries)
	run_cpod start rp-reset
	wait_until "2 more runs logged after start" rp_logs_are rp-reset 6
	wait_until "rp-reset exited once more" rp_is rp-reset "exited 1 3"
	sleep 1
	run_cpod logs rp-reset
	is "${#lines[@]}" 6 "no more runs"
}

@test "--rm --restart on-failure: restarted after a failure, removed after a success" {
	RP_NAME=rp-rmof
	run_cpod run -d --rm --name rp-rmof --network none --restart on-failure $BUSYBOX_IMAGE \
		sh -c 'test -e /ran && exit 0; touch /ran; exit 1'
	rp_gone() { ! cpod container exists rp-rmof; }
	wait_until "rp-rmof removed" rp_gone
}

@test "ps --filter restart-policy, with Podman's messages for bad values" {
	run_cpod create --name rp-f-unset --network none $BUSYBOX_IMAGE true
	run_cpod create --name rp-f-no --network none --restart no $BUSYBOX_IMAGE true
	run_cpod create --name rp-f-always --network none --restart always $BUSYBOX_IMAGE true
	run_cpod create --name rp-f-of --network none --restart on-failure:4 $BUSYBOX_IMAGE true
	run_cpod ps -a --filter restart-policy=none --format '{{.Names}}'
	is "$output" "rp-f-unset" "none: the containers without a policy"
	run_cpod ps -a --filter restart-policy=no --format '{{.Names}}'
	is "$output" "rp-f-no"
	run_cpod ps -a --filter restart-policy=on-failure --filter restart-policy=always \
		--format '{{.Names}}' --sort names
	is "$(echo $output)" "rp-f-always rp-f-of" "the same key ORed"
	run_cpod ps -a --filter restart-policy=unless-stopped --format '{{.Names}}'
	is "$output" "" "no unless-stopped container"
	run_cpod 125 ps -a --filter restart-policy=bogus
	is "$output" "Error: bogus invalid restart policy"
	run_cpod 125 ps -a --filter restart-policy=bogus --filter restart-policy=NO
	is "$output" "Error: bogus, NO invalid restart policies"
}
