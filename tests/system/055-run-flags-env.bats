#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
#
# run / create flags of the container's environment and process: --http-proxy, --env-merge,
# --personality, checked against Podman 4.3.1's behaviour.

load helpers
load ctr-helpers

setup_file() {
	use_image_store
}

teardown() {
	ctr_cleanup
}

@test "run copies the host's proxy variables unless --http-proxy=false" {
	http_proxy=http://h:1 NO_PROXY=x FTP_PROXY=f run_cpod run --rm --network none \
		$BUSYBOX_IMAGE env
	contains "$output" "http_proxy=http://h:1"
	contains "$output" "NO_PROXY=x"
	contains "$output" "FTP_PROXY=f"
	http_proxy=http://h:1 run_cpod run --rm --network none --http-proxy=false \
		$BUSYBOX_IMAGE env
	[[ $output != *proxy* ]] || die "no proxy variable expected: $output"
	# -e wins; --unsetenv does not drop them (Podman adds them after it)
	http_proxy=http://h:1 run_cpod run --rm --network none -e http_proxy=mine \
		$BUSYBOX_IMAGE sh -c 'env | grep proxy'
	is "$output" "http_proxy=mine"
	http_proxy=http://h:1 run_cpod run --rm --network none --unsetenv http_proxy \
		$BUSYBOX_IMAGE sh -c 'env | grep proxy'
	is "$output" "http_proxy=http://h:1"
}

@test "the proxy variables are those of create, shown by inspect" {
	https_proxy=http://c:2 run_cpod create --name fb-proxy --network none $BUSYBOX_IMAGE env
	run_cpod inspect --format '{{range .Config.Env}}{{println .}}{{end}}' fb-proxy
	contains "$output" "https_proxy=http://c:2"
	https_proxy=http://other:3 run_cpod start -a fb-proxy
	contains "$output" "https_proxy=http://c:2"
	run_cpod inspect --format '{{range .Config.Env}}{{println .}}{{end}}' fb-proxy
	contains "$output" "https_proxy=http://c:2"
}

@test "--env-merge expands over the image's environment" {
	run_cpod run --rm --network none --env-merge 'PATH=/x:${PATH}' $BUSYBOX_IMAGE /bin/env
	contains "$output" "PATH=/x:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
	# Podman 4.3 only changes a variable it already has, and keeps the text up to a second "="
	run_cpod run --rm --network none --env-merge 'NEW=a${PATH}' --env-merge NOEQ \
		$BUSYBOX_IMAGE /bin/env
	[[ $output != *NEW=* && $output != *NOEQ* ]] || die "unexpected variable: $output"
	run_cpod run --rm --network none \
		--env-merge 'PATH=${UNDEF:-d}|$HOME|\$X|${PATH:+y}|$container|${container}x|"q"|'"'s'"'|a=b|c' \
		$BUSYBOX_IMAGE /bin/env
	contains "$output" 'PATH=d||$X|y|podman|podmanx|q|s|a'
	# -e wins over it; --unsetenv drops the merged value
	run_cpod run --rm --network none -e PATH=/e --env-merge 'PATH=/m:$PATH' \
		$BUSYBOX_IMAGE /bin/env
	contains "$output" "PATH=/e"
	run_cpod run --rm --network none --unsetenv PATH --env-merge 'PATH=/m:$PATH' \
		$BUSYBOX_IMAGE /bin/env
	[[ $output != *PATH=* ]] || die "PATH expected unset: $output"
}

@test "--env-merge syntax errors as Podman's" {
	run_cpod 125 run --rm --network none --env-merge 'PATH=${' $BUSYBOX_IMAGE true
	is_literal "$output" "Error: unable to process variables for --env-merge PATH=\${: Missing ':' in substitution: PATH=\${"
	run_cpod 125 create --network none --env-merge 'TERM=${TERM:?err}' $BUSYBOX_IMAGE true
	is_literal "$output" "Error: unable to process variables for --env-merge TERM=\${TERM:?err}: Unsupported modifier (?) in substitution: TERM=\${TERM:?err}"
	run_cpod 125 run --rm --network none --env-merge "PATH='open" $BUSYBOX_IMAGE true
	is_literal "$output" "Error: unable to process variables for --env-merge PATH='open: unexpected end of statement while looking for matching single-quote"
	run_cpod 125 run --rm --network none --env-merge 'PATH=${A:-x' $BUSYBOX_IMAGE true
	is_literal "$output" "Error: unable to process variables for --env-merge PATH=\${A:-x: unexpected end of statement while looking for matching }"
	run_cpod ps -a --format '{{.Names}}'
	is "$output" "" "nothing created"
}

@test "--personality sets the spec's execution domain" {
	if [[ $CPOD_TEST_RUNTIME != crun ]]; then
		skip "only crun applies linux.personality"
	fi
	run_cpod run --rm --network none --personality LINUX32 $BUSYBOX_IMAGE uname -m
	is "$output" "i686"
	run_cpod run --rm --network none --personality LINUX $BUSYBOX_IMAGE uname -m
	is "$output" "x86_64"
}

@test "--cgroup-conf needs KEY=VALUE and cgroup v2" {
	run_cpod 125 run --rm --network none --cgroup-conf bogus $BUSYBOX_IMAGE true
	is "$output" "Error: --cgroup-conf must be formatted KEY=VALUE"
	if [[ -f /sys/fs/cgroup/cgroup.controllers ]]; then
		skip "the host has cgroup v2: only the v1/hybrid refusal is tested"
	fi
	run_cpod 125 run --rm --network none --cgroup-conf memory.high=50000000 $BUSYBOX_IMAGE true
	is "$output" "Error: cannot use --cgroup-conf without cgroup v2"
	run_cpod 125 create --network none --cgroup-conf memory.high=5M $BUSYBOX_IMAGE true
	run_cpod ps -a --format '{{.Names}}'
	is "$output" "" "nothing created"
}

@test "--cpu-rt-period and --cpu-rt-runtime: parsed as Podman, shown by inspect, set on cgroup v1" {
	run_cpod 125 create --network none --cpu-rt-period abc $BUSYBOX_IMAGE true
	is_literal "$output" "Error: invalid argument \"abc\" for \"--cpu-rt-period\" flag: strconv.ParseUint: parsing \"abc\": invalid syntax"
	run_cpod 125 create --network none --cpu-rt-period -5 $BUSYBOX_IMAGE true
	is_literal "$output" "Error: invalid argument \"-5\" for \"--cpu-rt-period\" flag: strconv.ParseUint: parsing \"-5\": invalid syntax"
	run_cpod 125 create --network none --cpu-rt-runtime 1x $BUSYBOX_IMAGE true
	is_literal "$output" "Error: invalid argument \"1x\" for \"--cpu-rt-runtime\" flag: strconv.ParseInt: parsing \"1x\": invalid syntax"
	run_cpod create --name fb-rt --network none --cpu-rt-period 1000 --cpu-rt-runtime 500 \
		$BUSYBOX_IMAGE true
	run_cpod inspect --format '{{.HostConfig.CpuRealtimePeriod}} {{.HostConfig.CpuRealtimeRuntime}}' fb-rt
	if [[ -f /sys/fs/cgroup/cgroup.controllers ]]; then
		is "$output" "0 0" "dropped on cgroup v2"
		return
	fi
	is "$output" "1000 500"
	run_cpod create --name fb-rt0 --network none $BUSYBOX_IMAGE true
	run_cpod inspect --format '{{.HostConfig.CpuRealtimePeriod}} {{.HostConfig.CpuRealtimeRuntime}}' fb-rt0
	is "$output" "0 0"
	# the period alone is written to cpu.rt_period_us; a runtime the parent cgroup does not
	# have fails in the runtime (126), as with Podman
	run_cpod run --rm --network none --cpu-rt-period 1000 $BUSYBOX_IMAGE \
		sh -c 'cat /sys/fs/cgroup/cpu/cpu.rt_period_us 2>/dev/null || cat /sys/fs/cgroup/cpu,cpuacct/cpu.rt_period_us'
	is "$output" "1000"
	run_cpod 126 run --rm --network none --cpu-rt-runtime 1000 $BUSYBOX_IMAGE true
	contains "$output" "cpu.rt_runtime_us"
}

@test "--requires: start starts the dependencies, rm refuses while a dependent exists" {
	run_cpod 125 create --name fb-c --network none --requires nosuch $BUSYBOX_IMAGE true
	is "$output" "Error: \"nosuch\" is not a valid container, cannot be used as a dependency: no container with name or ID \"nosuch\" found: no such container"
	run_cpod create --name fb-a --network none $BUSYBOX_IMAGE sleep 100
	local a=$output
	run_cpod create --name fb-b --network none --requires fb-a $BUSYBOX_IMAGE sleep 100
	local b=$output
	run_cpod create --name fb-d --network none --requires fb-a,fb-b $BUSYBOX_IMAGE true
	local d=$output
	run_cpod inspect --format '{{json .Dependencies}}' fb-b
	is "$output" "\[\"$a\"\]"
	run_cpod inspect --format '{{json .Dependencies}}' fb-a
	is "$output" "\[\]"
	run_cpod start fb-b
	is "$output" "fb-b"
	run_cpod ps --format '{{.Names}}'
	is "$(sort <<<"$output")" "fb-a"$'\n'"fb-b"
	run_cpod 2 rm fb-a
	is "$output" "Error: cannot remove container $a as it is running - running or paused containers cannot be removed without force: container state improper"
	run_cpod 125 rm -f fb-a
	is "$output" "Error: container $a has dependent containers which must be removed before it: $b, $d: container already exists"
	run_cpod inspect --format '{{.State.Status}}' fb-a
	is "$output" "running" "a refused rm -f leaves it running"
	run_cpod stop -t 0 fb-a fb-b
	run_cpod 125 rm fb-a
	is "$output" "Error: container $a has dependent containers which must be removed before it: $b, $d: container already exists"
	# rm --depend removes the dependents first
	run_cpod rm --depend fb-b
	run_cpod ps -a --format '{{.Names}}'
	is "$output" "fb-a"
	run_cpod rm fb-a
}

@test "--seccomp-policy image uses the image's io.containers.seccomp.profile label" {
	run_cpod 125 run --rm --network none --seccomp-policy bogus $BUSYBOX_IMAGE true
	is_literal "$output" 'Error: invalid seccomp policy "bogus": valid policies are ["default" "image"]'
	run_cpod 125 run --rm --network none --seccomp-policy image $BUSYBOX_IMAGE true
	is "$output" "Error: no seccomp policy defined by image"
	run_cpod run --rm --network none --seccomp-policy default $BUSYBOX_IMAGE true
	local prof='{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["mkdir","mkdirat"],"action":"SCMP_ACT_ERRNO"}]}'
	run_cpod import -q --change "LABEL io.containers.seccomp.profile=$prof" \
		"$BUSYBOX_TAR" localhost/fb-seccomp
	run_cpod 1 run --rm --network none --seccomp-policy image localhost/fb-seccomp \
		mkdir /tmp/x
	contains "$output" "Operation not permitted"
	# the default policy keeps the default profile; unconfined wins over the image's
	run_cpod run --rm --network none localhost/fb-seccomp mkdir /tmp/x
	run_cpod run --rm --network none --seccomp-policy image \
		--security-opt seccomp=unconfined localhost/fb-seccomp mkdir /tmp/x
	run_cpod rmi localhost/fb-seccomp
}
