#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
#
# Health checks as Podman 4.3 runs them: the --health-* flags and their messages,
# `healthcheck run` (exit 0 healthy, 1 and "unhealthy" when the check fails, 125 errors),
# inspect's Config.Healthcheck and State.Health (Status, FailingStreak, Log), ps's STATUS
# "Up ... (healthy)", retries, the start period, the timeout, --health-on-failure, the image's
# HEALTHCHECK and --no-healthcheck.
#
# The periodic checks: where systemd is PID 1 cpod makes Podman's transient systemd timer;
# this host (and CI) has no systemd, so only cpod's own path is tested here: a detached
# `cpod container healthcheck-loop ID` process that runs the check every interval, and that
# stop / rm -f end. Names start with "hc-" (unique in this file's store).

load helpers
load ctr-helpers

setup_file() {
	use_image_store
}

teardown() {
	ctr_cleanup
}

# hc_health NAME: "STATUS STREAK NLOGS"
hc_health() {
	cpod inspect --format '{{.State.Health.Status}} {{.State.Health.FailingStreak}} {{len .State.Health.Log}}' "$1"
}

# hc_loop_pids ID: pids of the health check loop of container ID
hc_loop_pids() {
	pgrep -f -- "container healthcheck-loop $1" || true
}

# hc_wait_health NAME STATUS: poll until State.Health.Status is STATUS (30 s at most)
hc_wait_health() {
	local deadline=$((SECONDS + 30)) got=
	while ((SECONDS < deadline)); do
		got=$(cpod inspect --format '{{.State.Health.Status}}' "$1" 2>/dev/null || true)
		[[ $got == "$2" ]] && return 0
		sleep 0.2
	done
	die "container $1: health status '$got', expected '$2'"
}

@test "healthcheck run: a passing check makes the container healthy" {
	run_cpod run -d --name hc-ok --network none --health-cmd 'echo hi' --health-interval 0 \
		$BUSYBOX_IMAGE sleep 100
	run_cpod inspect --format '{{json .Config.Healthcheck}} {{.Config.HealthcheckOnFailureAction}}' hc-ok
	is_literal "$output" '{"Test":["CMD-SHELL","echo hi"],"Timeout":30000000000,"Retries":3} none'
	run_cpod inspect --format '{{json .State.Health}}' hc-ok
	is_literal "$output" '{"Status":"starting","FailingStreak":0,"Log":null}'
	run_cpod ps --filter name=hc-ok --format '{{.Status}}'
	[[ $output =~ ^Up\ .*\ \(starting\)$ ]] || die "ps status: $output"

	run_cpod healthcheck run hc-ok
	is "$output" ""
	is "$(hc_health hc-ok)" "healthy 0 1"
	run_cpod inspect --format '{{range .State.Health.Log}}{{.ExitCode}} {{.Output}}{{end}}' hc-ok
	is "$output" "0 hi"
	run_cpod inspect --format '{{range .State.Health.Log}}{{.Start}} {{.End}}{{end}}' hc-ok
	[[ $output =~ ^20[0-9-]+T[0-9:.]+(Z|[+-][0-9:]+)\ 20[0-9-]+T[0-9:.]+(Z|[+-][0-9:]+)$ ]] ||
		die "times: $output"
	run_cpod ps --filter name=hc-ok --format '{{.Status}}'
	[[ $output =~ ^Up\ .*\ \(healthy\)$ ]] || die "ps status: $output"
	run_cpod ps --filter name=hc-ok
	contains "$output" "(healthy)"
	# the JSON form of the check, CMD with its own args
	run_cpod run -d --name hc-json --network none --health-cmd '["/bin/test","-d","/"]' \
		$BUSYBOX_IMAGE sleep 100
	run_cpod inspect --format '{{json .Config.Healthcheck.Test}}' hc-json
	is_literal "$output" '["CMD","/bin/test","-d","/"]'
	run_cpod healthcheck run hc-json
	is "$(hc_health hc-json)" "healthy 0 1"
}

@test "healthcheck run: failures count up to --health-retries, the log keeps 5 entries" {
	run_cpod run -d --name hc-bad --network none --health-cmd 'echo oops; exit 3' \
		--health-retries 2 --health-interval 0 $BUSYBOX_IMAGE sleep 100
	run_cpod 1 healthcheck run hc-bad
	is "$output" "unhealthy"
	is "$(hc_health hc-bad)" "starting 1 1"
	run_cpod inspect --format '{{range .State.Health.Log}}{{.ExitCode}} {{.Output}}{{end}}' hc-bad
	is "$output" "1 oops"
	run_cpod 1 healthcheck run hc-bad
	is "$output" "unhealthy"
	is "$(hc_health hc-bad)" "unhealthy 2 2"
	run_cpod ps --filter name=hc-bad --format '{{.Status}}'
	[[ $output =~ ^Up\ .*\ \(unhealthy\)$ ]] || die "ps status: $output"
	local i
	for i in 3 4 5 6; do
		run_cpod 1 healthcheck run hc-bad
	done
	is "$(hc_health hc-bad)" "unhealthy 6 5"
	# the container keeps running: the default --health-on-failure is none
	run_cpod inspect --format '{{.State.Status}}' hc-bad
	is "$output" "running"
}

@test "healthcheck run: failures inside --health-start-period do not count" {
	run_cpod run -d --name hc-start --network none --health-cmd 'CMD /nonexistent' \
		--health-start-period 1m --health-retries 1 $BUSYBOX_IMAGE sleep 100
	run_cpod 1 healthcheck run hc-start
	is "$output" "unhealthy"
	is "$(hc_health hc-start)" "starting 0 1"
	# a command that cannot run is a failed check (ExitCode 1), not an error
	run_cpod inspect --format '{{range .State.Health.Log}}{{.ExitCode}}{{end}}' hc-start
	is "$output" "1"
}

@test "healthcheck run: the check is killed at --health-timeout" {
	run_cpod run -d --name hc-slow --network none \
		--health-cmd 'echo started; sleep 30' --health-timeout 1s --health-interval 0 \
		$BUSYBOX_IMAGE sleep 100
	local t0=$SECONDS
	run_cpod 125 healthcheck run hc-slow
	is "$output" "Error: healthcheck command exceeded timeout of 1s"
	((SECONDS - t0 < 10)) || die "the check was not stopped at its timeout"
	is "$(hc_health hc-slow)" "starting 1 1"
	run_cpod inspect --format '{{range .State.Health.Log}}{{.ExitCode}} {{.Output}}{{end}}' hc-slow
	is "$output" "-1 started"
	# nothing of the check is left in the container
	run_cpod exec hc-slow ps -o args
	[[ $output != *"sleep 30"* ]] || die "the check still runs: $output"
}

@test "--health-on-failure kill and stop end an unhealthy container" {
	run_cpod run -d --name hc-kill --network none --health-cmd 'exit 2' --health-retries 1 \
		--health-on-failure kill --health-interval 0 $BUSYBOX_IMAGE sleep 100
	run_cpod inspect --format '{{.Config.HealthcheckOnFailureAction}}' hc-kill
	is "$output" "kill"
	run_cpod 1 healthcheck run hc-kill
	is "$output" "unhealthy"
	run_cpod inspect --format '{{.State.Status}} {{.State.ExitCode}} {{.State.Health.Status}}' hc-kill
	is "$output" "exited 137 unhealthy"
	run_cpod ps -a --filter name=hc-kill --format '{{.Status}}'
	[[ $output =~ ^Exited\ \(137\)\ .*\ \(unhealthy\)$ ]] || die "ps status: $output"
	run_cpod 125 healthcheck run hc-kill
	[[ $output =~ ^Error:\ container\ [0-9a-f]{64}\ is\ not\ running$ ]] || die "$output"

	run_cpod run -d --name hc-stop --network none --health-cmd 'false' --health-retries 1 \
		--health-on-failure stop --stop-signal KILL --health-interval 0 $BUSYBOX_IMAGE sleep 100
	run_cpod 1 healthcheck run hc-stop
	run_cpod inspect --format '{{.State.Status}}' hc-stop
	is "$output" "exited"
}

@test "the image's HEALTHCHECK applies, --no-healthcheck disables it" {
	# an image whose config carries Docker's Healthcheck
	local dir=$BATS_TEST_TMPDIR/img
	mkdir -p "$dir/x"
	run_cpod save -o "$dir/bb.tar" $BUSYBOX_IMAGE
	tar xf "$dir/bb.tar" -C "$dir/x"
	python3 - "$dir/x" <<'EOF'
import hashlib, json, os, sys
d = sys.argv[1]
m = json.load(open(os.path.join(d, "manifest.json")))
name = m[0]["Config"]
cfg = json.load(open(os.path.join(d, name)))
cfg.setdefault("config", {})["Healthcheck"] = {
    "Test": ["CMD-SHELL", "echo from-image"], "Retries": 2}
data = json.dumps(cfg).encode()
digest = hashlib.sha256(data).hexdigest()
open(os.path.join(d, digest + ".json"), "wb").write(data)
os.remove(os.path.join(d, name))
m[0]["Config"] = digest + ".json"
m[0]["RepoTags"] = ["localhost/hc-image:latest"]
json.dump(m, open(os.path.join(d, "manifest.json"), "w"))
EOF
	rm -f "$dir/x/repositories"
	tar cf "$dir/hc.tar" -C "$dir/x" .
	run_cpod load -i "$dir/hc.tar"

	run_cpod run -d --name hc-img --network none localhost/hc-image sleep 100
	run_cpod inspect --format '{{json .Config.Healthcheck}}' hc-img
	is_literal "$output" '{"Test":["CMD-SHELL","echo from-image"],"Interval":30000000000,"Timeout":30000000000,"Retries":2}'
	run_cpod healthcheck run hc-img
	run_cpod inspect --format '{{.State.Health.Status}} {{range .State.Health.Log}}{{.Output}}{{end}}' hc-img
	is "$output" "healthy from-image"
	# flags replace the image's check
	run_cpod create --name hc-img2 --health-cmd 'true' --health-retries 9 localhost/hc-image sleep 1
	run_cpod inspect --format '{{json .Config.Healthcheck}}' hc-img2
	is_literal "$output" '{"Test":["CMD-SHELL","true"],"Interval":30000000000,"Timeout":30000000000,"Retries":9}'

	run_cpod run -d --name hc-none --network none --no-healthcheck localhost/hc-image sleep 100
	run_cpod inspect --format '{{json .Config.Healthcheck}} {{json .State.Health}}' hc-none
	is_literal "$output" '{"Test":["NONE"]} {"Status":"","FailingStreak":0,"Log":null}'
	local id
	id=$(cpod inspect --format '{{.Id}}' hc-none)
	run_cpod 125 healthcheck run hc-none
	is "$output" "Error: container $id has no defined healthcheck"
	run_cpod ps --filter name=hc-none --format '{{.Status}}'
	[[ $output != *"("* ]] || die "ps status: $output"
	is "$(hc_loop_pids "$id")" ""
	run_cpod rm -f -t 0 hc-img hc-img2 hc-none
	run_cpod rmi localhost/hc-image
}

@test "healthcheck run: containers without a check, unknown and stopped containers" {
	run_cpod run -d --name hc-plain --network none $BUSYBOX_IMAGE sleep 100
	local id
	id=$(cpod inspect --format '{{.Id}}' hc-plain)
	run_cpod 125 healthcheck run hc-plain
	is "$output" "Error: container $id has no defined healthcheck"
	run_cpod inspect --format '{{json .State.Health}}' hc-plain
	is_literal "$output" '{"Status":"","FailingStreak":0,"Log":null}'
	run_cpod inspect --format '{{json .Config.Healthcheck}}' hc-plain
	is "$output" "null"

	run_cpod 125 healthcheck run hc-nosuch
	is "$output" 'Error: unable to look up hc-nosuch to perform a health check: no container with name or ID "hc-nosuch" found: no such container'
	run_cpod 125 healthcheck run
	contains "$output" "Error: accepts 1 arg(s), received 0"

	run_cpod create --name hc-created --health-cmd true $BUSYBOX_IMAGE sleep 100
	id=$(cpod inspect --format '{{.Id}}' hc-created)
	run_cpod 125 healthcheck run hc-created
	is "$output" "Error: container $id is not running"
}

@test "--health-* flags: Podman's values and messages" {
	local -A bad=(
		['--health-on-failure bogus']='invalid on-failure action "bogus" for health check: supported actions are none,kill,restart,stop'
		['--health-retries 0']='healthcheck-retries must be greater than 0'
		['--health-interval 5']='invalid healthcheck-interval: time: missing unit in duration "5"'
		['--health-timeout 0s']='healthcheck-timeout must be at least 1 second'
		['--health-start-period -1s']='healthcheck-start-period must be 0 seconds or greater'
		['--health-start-period x']='invalid healthcheck-start-period: time: invalid duration "x"'
		['--no-healthcheck']='cannot specify both --no-healthcheck and --health-cmd'
	)
	local f
	for f in "${!bad[@]}"; do
		# shellcheck disable=SC2086
		run_cpod 125 create --health-cmd true $f $BUSYBOX_IMAGE sleep 1
		is "$output" "Error: ${bad[$f]}"
	done
	run_cpod 125 create --health-cmd '[]' $BUSYBOX_IMAGE sleep 1
	is "$output" "Error: must define a healthcheck command for all healthchecks"

	run_cpod create --name hc-flags --health-cmd 'CMD-SHELL a  b' --health-interval disable \
		--health-timeout 1m30s --health-start-period 2s --health-retries 7 \
		--health-on-failure restart $BUSYBOX_IMAGE sleep 1
	run_cpod inspect --format '{{json .Config.Healthcheck}} {{.Config.HealthcheckOnFailureAction}}' hc-flags
	is_literal "$output" '{"Test":["CMD-SHELL","a  b"],"StartPeriod":2000000000,"Timeout":90000000000,"Retries":7} restart'
	run_cpod create --name hc-none-cmd --health-cmd none $BUSYBOX_IMAGE sleep 1
	run_cpod inspect --format '{{json .Config.Healthcheck.Test}}' hc-none-cmd
	is_literal "$output" '["NONE"]'
}

@test "the periodic check runs without healthcheck run, and its process ends with the container" {
	run_cpod run -d --name hc-timer --network none --health-cmd 'true' --health-interval 1s \
		$BUSYBOX_IMAGE sleep 100
	local id=$output
	# cpod's own loop, since systemd is not PID 1 here
	[[ -n $(hc_loop_pids "$id") ]] || die "no health check process for $id"
	hc_wait_health hc-timer healthy
	run_cpod ps --filter name=hc-timer --format '{{.Status}}'
	[[ $output =~ ^Up\ .*\ \(healthy\)$ ]] || die "ps status: $output"

	# stop ends it, start makes a new one
	run_cpod stop -t 0 hc-timer
	is "$(hc_loop_pids "$id")" ""
	run_cpod start hc-timer
	run_cpod inspect --format '{{.State.Health.Status}}' hc-timer
	is "$output" "starting"
	[[ -n $(hc_loop_pids "$id") ]] || die "no health check process after start"
	hc_wait_health hc-timer healthy

	# rm -f leaves nothing behind
	run_cpod rm -f -t 0 hc-timer
	is "$(hc_loop_pids "$id")" ""

	# a container that exits by itself ends its loop too (through conmon's cleanup)
	run_cpod run -d --name hc-short --network none --health-cmd 'true' --health-interval 1s \
		$BUSYBOX_IMAGE sleep 2
	id=$output
	[[ -n $(hc_loop_pids "$id") ]] || die "no health check process for $id"
	wait_for_state hc-short exited
	local deadline=$((SECONDS + 10))
	while [[ -n $(hc_loop_pids "$id") ]] && ((SECONDS < deadline)); do sleep 0.2; done
	is "$(hc_loop_pids "$id")" ""

	# the timer turns a failing container unhealthy and applies --health-on-failure
	run_cpod run -d --name hc-timer-kill --network none --health-cmd 'false' \
		--health-interval 1s --health-retries 2 --health-on-failure kill $BUSYBOX_IMAGE sleep 100
	id=$output
	wait_for_state_long() {
		local d=$((SECONDS + 30))
		while ((SECONDS < d)); do
			[[ $(cpod inspect --format '{{.State.Status}}' "$1") == "$2" ]] && return 0
			sleep 0.2
		done
		die "container $1 did not reach $2"
	}
	wait_for_state_long hc-timer-kill exited
	run_cpod inspect --format '{{.State.ExitCode}} {{.State.Health.Status}} {{.State.Health.FailingStreak}}' hc-timer-kill
	is "$output" "137 unhealthy 2"
	deadline=$((SECONDS + 10))
	while [[ -n $(hc_loop_pids "$id") ]] && ((SECONDS < deadline)); do sleep 0.2; done
	is "$(hc_loop_pids "$id")" ""
}
