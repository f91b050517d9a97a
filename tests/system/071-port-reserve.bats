#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
#
# Published host ports are reserved as in Podman 4.3 (libpod's bindPorts): cpod binds them
# before it starts conmon, which holds them while the container runs. A port some host
# process already holds fails the start with Podman's message; a running container's ports
# cannot be taken by the host; the container never sees those sockets. Loopback only, ports
# picked free in 18000-18999.

load helpers

setup_file() {
	use_image_store
	[[ $(id -u) == 0 ]] || skip "bridge networks need root"
	command -v python3 >/dev/null || skip "python3 is needed to hold and probe ports"
	command -v ss >/dev/null || skip "ss (iproute2) is needed to see who holds a port"
}

teardown() {
	local pid
	if [[ -f $BATS_TEST_TMPDIR/holders ]]; then
		while read -r pid; do
			kill "$pid" 2>/dev/null || true
		done <"$BATS_TEST_TMPDIR/holders"
	fi
	cpod rm -f -a -t 0 >/dev/null 2>&1 || true
}

# can_bind PROTO PORT: whether a host process can bind 127.0.0.1:PORT right now.
can_bind() {
	python3 - "$1" "$2" <<'EOF'
import socket, sys
kind = socket.SOCK_STREAM if sys.argv[1] == "tcp" else socket.SOCK_DGRAM
s = socket.socket(socket.AF_INET, kind)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
try:
    s.bind(("127.0.0.1", int(sys.argv[2])))
    if kind == socket.SOCK_STREAM:
        s.listen(1)
except OSError as e:
    print(e.strerror)
    sys.exit(1)
EOF
}

# A port free for TCP and UDP on 127.0.0.1.
free_port() {
	local p i
	for i in $(seq 1 200); do
		p=$((18000 + RANDOM % 1000))
		if can_bind tcp "$p" >/dev/null && can_bind udp "$p" >/dev/null; then
			echo "$p"
			return 0
		fi
	done
	die "no free port in 18000-18999"
}

# hold_port PROTO PORT: a host process binds 127.0.0.1:PORT (TCP listening) until teardown.
hold_port() {
	local proto=$1 port=$2 ready=$BATS_TEST_TMPDIR/ready-$1-$2 i
	python3 -c '
import socket, sys, time
kind = socket.SOCK_STREAM if sys.argv[1] == "tcp" else socket.SOCK_DGRAM
s = socket.socket(socket.AF_INET, kind)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[2])))
if kind == socket.SOCK_STREAM:
    s.listen(1)
open(sys.argv[3], "w").close()
time.sleep(600)' "$proto" "$port" "$ready" </dev/null >/dev/null 2>&1 3>&- &
	echo $! >>"$BATS_TEST_TMPDIR/holders"
	for i in $(seq 1 50); do
		[[ -f $ready ]] && return 0
		sleep 0.1
	done
	die "the holder of $proto port $port did not start"
}

# Nothing of a start that failed is left: no conmon, no namespace, no network state.
assert_nothing_left() {
	local name=$1
	run_cpod inspect --format '{{.State.Status}} {{.State.Pid}}' "$name"
	is "$output" "created 0"
	run_cpod inspect --format '{{.Id}}' "$name"
	local id=$output
	is "$(find "$CPOD_TEST_RUNROOT/netns" -name 'cpod-*' 2>/dev/null | wc -l)" "0" \
		"netns files left behind"
	is "$(cat "$CPOD_TEST_RUNROOT"/networks/ipam/*.json 2>/dev/null | grep -c "$id" || true)" \
		"0" "IPAM leases left behind"
	is "$(pgrep -f "conmon.* -c $id" | wc -l)" "0" "conmon left behind"
}

@test "a host port already taken fails run and start with Podman's message" {
	local port
	port=$(free_port)
	hold_port tcp "$port"
	local msg="cannot listen on the TCP port: listen tcp4 127.0.0.1:$port: bind: address already in use"

	run_cpod 126 run -d --name pr-busy -p "127.0.0.1:$port:80" "$BUSYBOX_IMAGE" sleep 300
	# Podman: 126 (define.ExitCode of a start failure)
	is "$output" "Error: $(re_escape "$msg")"
	assert_nothing_left pr-busy

	run_cpod inspect --format '{{.Id}}' pr-busy
	local id=$output
	run_cpod 125 start pr-busy
	is "$output" "Error: unable to start container \"$id\": $(re_escape "$msg")"
	assert_nothing_left pr-busy

	# a range with one taken port fails as a whole; the other ports are free again
	local lo=$((port - 1))
	can_bind tcp "$lo" >/dev/null || lo=$port
	if [[ $lo != "$port" ]]; then
		run_cpod 126 run -d --name pr-range -p "127.0.0.1:$lo-$((lo + 1)):80-81" \
			"$BUSYBOX_IMAGE" sleep 300
		is "$output" "Error: $(re_escape "$msg")"
		run can_bind tcp "$lo"
		is "$status" "0" "the range's free port stays free"
	fi

	# once the host lets the port go, the same container starts
	kill "$(cat "$BATS_TEST_TMPDIR/holders")"
	local i
	for i in $(seq 1 50); do
		can_bind tcp "$port" >/dev/null && break
		sleep 0.1
	done
	run_cpod start pr-busy
	run_cpod inspect --format '{{.State.Status}}' pr-busy
	is "$output" "running"
	run_cpod rm -f -t 0 pr-busy
}

@test "a taken UDP port fails the start, TCP on the same number does not count" {
	local port
	port=$(free_port)
	hold_port udp "$port"
	run_cpod 126 run -d --name pr-udp -p "127.0.0.1:$port:53/udp" "$BUSYBOX_IMAGE" sleep 300
	is "$output" "Error: cannot listen on the UDP port: listen udp4 127\.0\.0\.1:$port: bind: address already in use"
	assert_nothing_left pr-udp

	run_cpod run -d --name pr-tcp -p "127.0.0.1:$port:53/tcp" "$BUSYBOX_IMAGE" sleep 300
	run_cpod rm -f -t 0 pr-tcp
}

@test "a running container keeps its ports: conmon holds them, the container cannot see them" {
	local port uport
	port=$(free_port)
	uport=$(free_port)
	run_cpod run -d --name pr-hold -p "127.0.0.1:$port:80" -p "127.0.0.1:$uport:81/udp" \
		-p 127.0.0.1::82 "$BUSYBOX_IMAGE" sleep 300
	run_cpod port pr-hold 82/tcp
	local rport=${output##*:}

	local p
	for p in "$port" "$rport"; do
		run can_bind tcp "$p"
		is "$status" "1" "a host process could bind the published port $p"
		is "$output" "Address already in use"
		run ss -Hltnp "sport = :$p"
		contains "$output" '"conmon"'
	done
	run can_bind udp "$uport"
	is "$status" "1" "a host process could bind the published UDP port"
	run ss -Hlunp "sport = :$uport"
	contains "$output" '"conmon"'

	# the container's processes hold no socket (conmon does not pass them on)
	run_cpod exec pr-hold sh -c 'ls -l /proc/1/fd/ /proc/self/fd/'
	contains "$output" " 0 -> "
	isnt "$output" ".*socket:.*"

	# a second container cannot publish the same port while the first runs
	run_cpod 126 run -d --name pr-second -p "127.0.0.1:$port:80" "$BUSYBOX_IMAGE" sleep 300
	contains "$output" "listen tcp4 127.0.0.1:$port: bind: address already in use"

	# stopped, the ports are free again at once; started again, held again
	run_cpod stop -t 0 pr-hold
	run can_bind tcp "$port"
	is "$status" "0" "the port is still held after stop"
	run can_bind udp "$uport"
	is "$status" "0" "the UDP port is still held after stop"
	run_cpod start pr-hold
	run can_bind tcp "$port"
	is "$status" "1" "the port is not held after a new start"
	run_cpod rm -f -t 0 pr-hold
	run can_bind tcp "$port"
	is "$status" "0" "the port is still held after rm -f"
}

@test "-p with --network none or host: discarded, with Podman's notice on stderr" {
	local n
	for n in none host; do
		run_cpod_split run --rm --network $n -p 127.0.0.1:18998:80 "$BUSYBOX_IMAGE" true
		is "$output" "" "nothing on stdout"
		is "$stderr" "Port mappings have been discarded as one of the Host, Container, Pod, and None network modes are in use"
	done
}

@test "a restart by the restart policy binds the ports again" {
	local port
	port=$(free_port)
	run_cpod run -d --name pr-restart --restart on-failure:2 -p "127.0.0.1:$port:80" \
		"$BUSYBOX_IMAGE" sh -c 'sleep 0.5; exit 3'
	local id=$output
	# conmon lets the ports go before it runs the exit command, which restarts the container;
	# the count may read 2 while the last restart is still being made: wait until no conmon
	# or exit command of the container is left
	local i state
	for i in $(seq 1 100); do
		run_cpod inspect --format '{{.RestartCount}} {{.State.Status}}' pr-restart
		state=$output
		[[ $state == "2 exited" && -z $(pgrep -f "$id") ]] && break
		sleep 0.2
	done
	is "$state" "2 exited"
	run_cpod inspect --format '{{.State.Error}}' pr-restart
	is "$output" ""
	run can_bind tcp "$port"
	is "$status" "0" "the port is still held after the last exit"
}
