#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
#
# Resource limits: set at create/run, read back from the cgroup files *inside* the container
# (cgroup v1 controllers under /sys/fs/cgroup/<ctrl>, or the v2 files), proven to bite (a
# memory hog is OOM-killed), changed by `update`; stats, top, pause/unpause. Both runtimes.

load helpers

setup_file() {
	use_image_store
}

teardown() {
	cpod rm -a -f -t 0 >/dev/null 2>&1 || true
}

cgroup_v2() {
	[[ $(stat -f -c %T /sys/fs/cgroup) == cgroup2fs ]]
}

# cgfile V1PATH V2PATH: the file a container reads for a limit
cgfile() {
	if cgroup_v2; then echo "/sys/fs/cgroup/$2"; else echo "/sys/fs/cgroup/$1"; fi
}

runtimes() {
	local rt
	for rt in crun runc; do
		command -v "$rt" >/dev/null && echo "$rt"
	done
}

@test "memory, cpu, pids and cpuset limits are what the container reads" {
	local rt mem quota shares pids cpuset
	mem=$(cgfile memory/memory.limit_in_bytes memory.max)
	quota=$(cgfile cpu/cpu.cfs_quota_us cpu.max)
	shares=$(cgfile cpu/cpu.shares cpu.weight)
	pids=$(cgfile pids/pids.max pids.max)
	cpuset=$(cgfile cpuset/cpuset.cpus cpuset.cpus)
	for rt in $(runtimes); do
		run_cpod --runtime "$rt" run --rm --memory 64m --cpus 0.5 --cpu-shares 512 \
			--pids-limit 42 --cpuset-cpus 0 $BUSYBOX_IMAGE cat "$mem" "$quota" "$pids" "$cpuset"
		if cgroup_v2; then
			is "$output" "67108864
50000 100000
42
0" "limits seen inside ($rt)"
		else
			is "$output" "67108864
50000
42
0" "limits seen inside ($rt)"
			run_cpod --runtime "$rt" run --rm --cpu-shares 512 --memory-reservation 10m \
				$BUSYBOX_IMAGE cat "$shares" /sys/fs/cgroup/memory/memory.soft_limit_in_bytes
			is "$output" "512
10485760" "shares and reservation ($rt)"
		fi
	done
}

@test "--memory alone allows as much swap again, as podman" {
	run_cpod create --name swapper --memory 64m $BUSYBOX_IMAGE true
	run_cpod inspect --format '{{.HostConfig.Memory}} {{.HostConfig.MemorySwap}}' swapper
	is "$output" "67108864 134217728"
	if ! cgroup_v2 && [[ -e /sys/fs/cgroup/memory/memory.memsw.limit_in_bytes ]]; then
		run_cpod run --rm --memory 64m $BUSYBOX_IMAGE \
			cat /sys/fs/cgroup/memory/memory.memsw.limit_in_bytes
		is "$output" "134217728"
	fi
}

@test "a memory hog is OOM-killed and inspect says OOMKilled" {
	local rt
	for rt in $(runtimes); do
		run_cpod 137 --runtime "$rt" run --name "hog-$rt" --memory 20m --memory-swap 20m \
			$BUSYBOX_IMAGE tail /dev/zero
		run_cpod inspect --format '{{.State.OOMKilled}} {{.State.ExitCode}}' "hog-$rt"
		is "$output" "true 137" "OOMKilled ($rt)"
	done
	run_cpod run --name calm --memory 20m $BUSYBOX_IMAGE true
	run_cpod inspect --format '{{.State.OOMKilled}}' calm
	is "$output" "false"
}

@test "limits the host cannot take are refused with podman's messages" {
	local n
	n=$(nproc)
	run_cpod 125 create --cpus $((n + 8)) $BUSYBOX_IMAGE true
	is "$output" "Error: range of CPUs is from 0.01 to $n.00, as there are only $n CPUs available"
	run_cpod 125 create --memory-swap 200m $BUSYBOX_IMAGE true
	is "$output" "Error: you should always set a memory limit when using a memoryswap limit, see usage"
	run_cpod 125 create --memory 100m --memory-swap 50m $BUSYBOX_IMAGE true
	is "$output" "Error: minimum memoryswap limit should be larger than memory limit, see usage"
	run_cpod 125 create --memory abc $BUSYBOX_IMAGE true
	is "$output" "Error: invalid value for memory: invalid size: 'abc'"
	run_cpod 125 create --memory-swappiness 200 $BUSYBOX_IMAGE true
	is "$output" "Error: invalid value: 200, valid memory swappiness range is 0-100"
	run_cpod 125 create --cpuset-cpus 4096 $BUSYBOX_IMAGE true
	is "$output" "Error: requested CPUs are not available - requested 4096, available: .*"
	run_cpod 125 create --device /dev/nope-cpod $BUSYBOX_IMAGE true
	is "$output" "Error: stat /dev/nope-cpod: no such file or directory"
	run_cpod 125 create --device-cgroup-rule junk $BUSYBOX_IMAGE true
	is "$output" 'Error: invalid device cgroup rule requires type, major:Minor, and access rules: "junk"'
	run_cpod 125 create --blkio-weight 5 $BUSYBOX_IMAGE true
	is "$output" "Error: range of blkio weight is from 10 to 1000"
}

@test "a limit the host cannot apply is discarded with podman's warning" {
	if [[ -e /sys/fs/cgroup/blkio/blkio.weight ]] || cgroup_v2; then
		skip "this host supports blkio weights"
	fi
	run_cpod_split create --blkio-weight 500 $BUSYBOX_IMAGE true
	is "$stderr" "Your kernel does not support Block I/O weight or the cgroup is not mounted. Weight discarded."
	is "$output" "[0-9a-f]{64}"
}

@test "--ulimit and --shm-size reach the container" {
	run_cpod run --rm --ulimit nofile=100:200 --shm-size 1m $BUSYBOX_IMAGE \
		sh -c 'ulimit -n; ulimit -Hn; df -k /dev/shm | tail -1'
	is "${lines[0]}" "100"
	is "${lines[1]}" "200"
	is "${lines[2]}" "shm +1024 .*"
}

@test "update changes the limits of a running container" {
	run_cpod run -d --name upd --memory 64m $BUSYBOX_IMAGE sleep 1000
	local id=$output
	run_cpod update --memory 100m --memory-swap 200m --pids-limit 77 upd
	is "$output" "$id"
	if ! cgroup_v2; then
		is "$(cat /sys/fs/cgroup/memory/cpod_parent/cpod-$id/memory.limit_in_bytes)" "104857600"
		is "$(cat /sys/fs/cgroup/pids/cpod_parent/cpod-$id/pids.max)" "77"
	fi
	run_cpod inspect --format '{{.HostConfig.Memory}} {{.HostConfig.PidsLimit}}' upd
	is "$output" "104857600 77"
}

@test "stats --no-stream shows podman's columns" {
	run_cpod run -d --name busy --memory 64m $BUSYBOX_IMAGE sh -c 'while :; do :; done'
	run_cpod run -d --name idle $BUSYBOX_IMAGE sleep 1000
	sleep 1
	run_cpod stats --no-stream
	is "${lines[0]}" "ID +NAME +CPU % +MEM USAGE / LIMIT +MEM % +NET IO +BLOCK IO +PIDS +CPU TIME +AVG CPU %"
	is "${#lines[@]}" 3 "a header and two containers"
	run_cpod stats --no-stream --format '{{.Name}} {{.PIDS}} {{.MemUsage}}' busy
	is "$output" "busy 1 [0-9.]+[kM]?B / 67.11MB"
	run_cpod stats --no-stream --format json busy
	is "$(jq -r '.[0].name' <<<"$output")" "busy"
	is "$(jq -r '.[0] | keys | join(",")' <<<"$output")" \
		"avg_cpu,block_io,cpu_percent,cpu_time,id,mem_percent,mem_usage,name,net_io,pids"
	is "$(jq -r '.[0].cpu_percent' <<<"$output")" "[0-9]+\.[0-9]{2}%"
	run_cpod stop -t 0 idle
	run_cpod stats --no-stream --format '{{.Name}}' -a
	is "$output" "busy" "stopped containers have no stats"
}

@test "top with podman's descriptors, and ps(1) options" {
	run_cpod run -d --name tops $BUSYBOX_IMAGE sleep 1000
	run_cpod top tops
	is "${lines[0]}" "USER +PID +PPID +%CPU +ELAPSED +TTY +TIME +COMMAND"
	is "${lines[1]}" "root +1 +0 +[0-9.]+ +[0-9.]+(ms|s) +\? +0s +sleep 1000 ?"
	run_cpod top tops pid,hpid seccomp capeff
	is "${lines[0]}" "PID +HPID +SECCOMP +EFFECTIVE CAPS"
	is "${lines[1]}" "1 +[0-9]+ +filter +CHOWN,DAC_OVERRIDE,.*SYS_CHROOT"
	run_cpod top tops -o pid,comm
	is "${lines[0]}" "PID +COMMAND"
	is "${lines[1]}" " *1 +sleep"
	run_cpod 125 top nosuchctr
	is "$output" 'Error: no container with name or ID "nosuchctr" found: no such container'
}

@test "pause freezes and unpause thaws" {
	run_cpod run -d --name frozen $BUSYBOX_IMAGE sleep 1000
	local id=$output
	run_cpod pause frozen
	is "$output" "$id"
	run_cpod inspect --format '{{.State.Status}} {{.State.Paused}}' frozen
	is "$output" "paused true"
	if ! cgroup_v2; then
		is "$(cat /sys/fs/cgroup/freezer/cpod_parent/cpod-$id/freezer.state)" "FROZEN"
	fi
	run_cpod 125 pause frozen
	is "$output" "Error: \"$id\" is already paused: container state improper"
	run_cpod unpause frozen
	is "$output" "$id"
	run_cpod inspect --format '{{.State.Status}}' frozen
	is "$output" "running"
	run_cpod 125 unpause frozen
	is "$output" "Error: \"$id\" is not paused, can't unpause: container state improper"
}

@test "--cgroupns private shows the container its own cgroup as the root" {
	run_cpod run --rm --cgroupns private $BUSYBOX_IMAGE cat /proc/self/cgroup
	is "$(grep -c ':/$' <<<"$output")" "$(wc -l <<<"$output")" "every hierarchy is /"
	run_cpod run --rm --cgroupns host $BUSYBOX_IMAGE cat /proc/self/cgroup
	if ! cgroup_v2; then
		is "$output" ".*:memory:/cpod_parent/cpod-[0-9a-f]{64}.*"
	fi
}
