#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
#
# Networks with netavark and aardvark-dns, against the real kernel. Only loopback and the
# bridges these tests create (subnets 10.254.90-95.0/24) carry traffic: nothing is sent to
# any other address. Debian's static busybox crashes in wget (glibc NSS in a static binary),
# so HTTP inside containers goes through `nc` and names through `nslookup`.

load helpers

setup_file() {
	use_image_store
	[[ $(id -u) == 0 ]] || skip "bridge networks need root"
	command -v iptables-save >/dev/null || skip "iptables-save is needed to count rules"
	command -v curl >/dev/null || skip "curl is needed to reach published ports"
}

teardown() {
	cpod rm -f -a -t 0 >/dev/null 2>&1 || true
	local n
	for n in $(cpod network ls -q 2>/dev/null); do
		[[ $n == podman ]] || cpod network rm -f "$n" >/dev/null 2>&1 || true
	done
}

# Skip when the run/create flag is not wired yet (the flag table lists it either way).
needs_run_flag() {
	run cpod create --rm "$@" "$BUSYBOX_IMAGE" true
	if [[ $status != 0 && $output == *"not supported"* ]]; then
		skip "cpod create $* is not supported yet"
	fi
	[[ $status == 0 ]] && cpod rm -f "$output" >/dev/null 2>&1
	return 0
}

# veths on a bridge (other containers on this host may come and go meanwhile)
veths() { ip -o link show master "$1" 2>/dev/null | wc -l; }
rules() { iptables-save | grep -c -e "10\.254\.9[0-5]\." -e "$1" || true; }
leases() { cat "$CPOD_TEST_RUNROOT"/networks/ipam/*.json 2>/dev/null | grep -c '10\.' || true; }

assert_no_leaks() {
	local bridge=$1
	[[ -z $bridge ]] || is "$(veths "$bridge")" "0" "veths left behind on $bridge"
	is "$(rules no-such-name)" "0" "iptables rules left behind"
	is "$(leases)" "0" "IPAM leases left behind"
	is "$(find "$CPOD_TEST_RUNROOT/netns" -name 'cpod-*' 2>/dev/null | wc -l)" "0" "netns files left behind"
}

# curl the published port until httpd answers (it starts asynchronously).
fetch() {
	local port=$1 i
	for i in $(seq 1 25); do
		curl -s -m 2 "http://127.0.0.1:$port/" && return 0
		sleep 0.2
	done
	return 1
}

http_ctr() { # NAME [OPTIONS...]: a busybox httpd serving "hello-<name>" on 8080
	local name=$1
	shift
	run_cpod run -d --name "$name" "$@" "$BUSYBOX_IMAGE" \
		sh -c "mkdir -p /www && echo hello-$name > /www/index.html && exec httpd -f -p 8080 -h /www"
}

@test "network create, ls, inspect, exists, rm as podman prints them" {
	run_cpod network create --subnet 10.254.90.0/24 --ip-range 10.254.90.128/25 --label a=b \
		-o mtu=1400 n1
	is "$output" "n1"
	run_cpod 125 network create n1
	is "$output" "Error: network name n1 already used: network already exists"
	run_cpod 125 network create --subnet 10.254.90.0/24 n2
	is "$output" "Error: subnet 10.254.90.0/24 is already used on the host or by another config"
	run_cpod 125 network create --subnet 10.254.91.0/33 n2
	is "$output" "Error: invalid CIDR address: 10.254.91.0/33"
	run_cpod 125 network create --subnet 10.254.91.0/24 --gateway 10.254.92.1 n2
	is "$output" "Error: gateway 10.254.92.1 not in subnet 10.254.91.0/24"

	run_cpod network inspect n1
	local j=$output
	is "$(jq -r '.[0].name' <<<"$j")" "n1"
	is "$(jq -r '.[0].driver' <<<"$j")" "bridge"
	is "$(jq -r '.[0].subnets[0].subnet' <<<"$j")" "10.254.90.0/24"
	is "$(jq -r '.[0].subnets[0].gateway' <<<"$j")" "10.254.90.1"
	is "$(jq -r '.[0].subnets[0].lease_range.start_ip' <<<"$j")" "10.254.90.129"
	is "$(jq -r '.[0].dns_enabled' <<<"$j")" "true"
	is "$(jq -r '.[0].labels.a' <<<"$j")" "b"
	is "$(jq -r '.[0].options.mtu' <<<"$j")" "1400"
	is "$(jq -r '.[0].id' <<<"$j")" "[0-9a-f]{64}"
	# Podman's indentation: five spaces
	is "$(sed -n 2p <<<"$j")" "     \{"

	run_cpod network inspect --format '{{.Name}} {{.Driver}}' podman
	is "$output" "podman bridge"
	run_cpod network ls
	is "${lines[0]}" "NETWORK ID +NAME +DRIVER"
	contains "$output" "2f259bab93aa  podman      bridge"
	run_cpod network ls -q
	is "$output" "n1
podman"
	run_cpod network exists n1
	run_cpod 1 network exists nope
	run_cpod 125 network inspect nope
	contains "$output" "Error: inspecting object: network nope: unable to find network with name or ID nope: network not found"
	run_cpod 125 network rm podman
	is "$output" "Error: default network podman cannot be removed"
	run_cpod network rm n1
	is "$output" "n1"
	run_cpod 1 network rm n1
	is "$output" "Error: unable to find network with name or ID n1: network not found"
}

@test "the default network: an address from 10.88.0.0/16, /etc/hosts, no leak after --rm" {
	run_cpod run --rm "$BUSYBOX_IMAGE" sh -c "ip -o -4 addr show eth0; cat /etc/hosts"
	contains "$output" "inet 10.88."
	is "$(grep -c 'host.containers.internal' <<<"$output")" "1"
	assert_no_leaks ""
	run_cpod run --rm --network none "$BUSYBOX_IMAGE" ip -o link
	isnt "$output" ".*eth0.*"
}

@test "published port from 127.0.0.1, restart keeps it, cpod port" {
	needs_run_flag -p 127.0.0.1::8080
	run_cpod network create --subnet 10.254.91.0/24 webnet
	run_cpod network inspect --format '{{.NetworkInterface}}' webnet
	local bridge=$output
	http_ctr web --network webnet -p 127.0.0.1::8080
	run_cpod port web
	is "$output" "8080/tcp -> 127.0.0.1:[0-9]+"
	local port=${output##*:}
	run fetch "$port"
	is "$output" "hello-web"
	run_cpod port web 8080/tcp
	is "$output" "8080/tcp -> 127.0.0.1:$port"

	run_cpod inspect --format '{{(index .NetworkSettings.Networks "webnet").IPAddress}}' web
	is "$output" "10\.254\.91\.[0-9]+"

	run_cpod restart -t 0 web
	run_cpod port web
	port=${output##*:}
	run fetch "$port"
	is "$output" "hello-web"
	run_cpod rm -f -t 0 web
	assert_no_leaks "$bridge"
}

@test "containers on a network find each other by name and alias" {
	needs_run_flag --network-alias x
	run_cpod network create --subnet 10.254.92.0/24 dnsnet
	http_ctr srv --network dnsnet --network-alias website
	run_cpod run --rm --network dnsnet "$BUSYBOX_IMAGE" sh -c '
		for n in srv website; do
			nslookup $n | grep -q "Address: 10.254.92." || { echo "no $n"; exit 1; }
		done
		ip=$(nslookup website | awk "/^Address: 10/{print \$2}")
		printf "GET / HTTP/1.0\r\n\r\n" | nc -w 3 $ip 8080 | tail -1'
	is "$output" "hello-srv"
}

@test "an internal network has no way out, disconnect cuts traffic" {
	run_cpod network create --subnet 10.254.93.0/24 outer
	run_cpod network create --internal --subnet 10.254.94.0/24 inner
	http_ctr target --network outer
	run_cpod inspect --format '{{(index .NetworkSettings.Networks "outer").IPAddress}}' target
	local ip=$output
	run_cpod 1 run --rm --network inner "$BUSYBOX_IMAGE" \
		sh -c "printf 'GET / HTTP/1.0\r\n\r\n' | nc -w 2 $ip 8080 | grep -q hello"

	# a client on the same network reaches it until the target is disconnected
	run_cpod run --rm --network outer "$BUSYBOX_IMAGE" \
		sh -c "printf 'GET / HTTP/1.0\r\n\r\n' | nc -w 2 $ip 8080 | tail -1"
	is "$output" "hello-target"
	run_cpod network disconnect outer target
	run_cpod 1 run --rm --network outer "$BUSYBOX_IMAGE" \
		sh -c "printf 'GET / HTTP/1.0\r\n\r\n' | nc -w 2 $ip 8080 | grep -q hello"
	run_cpod network connect outer target
	run_cpod inspect --format '{{(index .NetworkSettings.Networks "outer").IPAddress}}' target
	is "$output" "10\.254\.93\.[0-9]+"
}

@test "no leaks after stop, rm -f and kill -9 of the container" {
	run_cpod network create --subnet 10.254.95.0/24 leaknet
	run_cpod network inspect --format '{{.NetworkInterface}}' leaknet
	local bridge=$output
	run_cpod run -d --name l1 --network leaknet "$BUSYBOX_IMAGE" sleep 300
	run_cpod stop -t 0 l1
	assert_no_leaks "$bridge"
	run_cpod start l1
	run_cpod rm -f -t 0 l1
	assert_no_leaks "$bridge"

	run_cpod run -d --name l2 --network leaknet "$BUSYBOX_IMAGE" sleep 300
	run_cpod inspect --format '{{.State.Pid}}' l2
	kill -9 "$output"
	# conmon runs the exit command (cpod container cleanup), which tears the network down
	local i
	for i in $(seq 1 50); do
		[[ $(leases) == 0 ]] && break
		sleep 0.2
	done
	run_cpod wait l2
	is "$output" "137"
	assert_no_leaks "$bridge"
	run_cpod network rm -f leaknet
}

@test "--dns, --dns-search, --dns-option, --add-host and --no-hosts shape /etc files" {
	run_cpod run --rm --dns 10.254.96.53 --dns-search example.test --dns-option ndots:3 \
		--add-host foo.test:10.254.96.9 "$BUSYBOX_IMAGE" cat /etc/resolv.conf /etc/hosts
	contains "$output" "nameserver 10.254.96.53"
	is "$(grep -c '^nameserver' <<<"$output")" "1" "--dns replaces the host's nameservers"
	contains "$output" "search example.test"
	contains "$output" "options ndots:3"
	contains "$output" "10.254.96.9	foo.test"
	contains "$output" "host.containers.internal"
	run_cpod run --rm --no-hosts "$BUSYBOX_IMAGE" sh -c 'cat /etc/hosts 2>/dev/null; true'
	isnt "$output" ".*host.containers.internal.*"
}
