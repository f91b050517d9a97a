#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
#
# The test harness itself: the local registry helper and the test image tarballs. No cpod
# here, so a failure points at the harness, not at cpod.

load helpers

teardown() {
	stop_registry
}

@test "start_registry: plain http answers /v2/" {
	start_registry
	is "$REGISTRY" "127\.0\.0\.1:[0-9]+" "REGISTRY"
	run curl -s -w '\n%{http_code}' "$REGISTRY_URL/v2/"
	is "$status" 0 "curl exit code"
	is "$output" "\{\}"$'\n'"200" "body and status of /v2/"
	stop_registry
	run curl -s "$REGISTRY_URL/v2/"
	isnt "$status" 0 "the registry is gone after stop_registry"
}

@test "start_registry --auth: htpasswd" {
	start_registry --auth
	run curl -s -o /dev/null -w '%{http_code}' "$REGISTRY_URL/v2/"
	is "$output" 401 "anonymous request"
	run curl -s -o /dev/null -w '%{http_code}' -u "$REGISTRY_USER:wrong" "$REGISTRY_URL/v2/"
	is "$output" 401 "wrong password"
	run registry_curl v2/ -o /dev/null -w '%{http_code}'
	is "$output" 200 "right password"
}

@test "start_registry --tls --auth: a CA made by the test" {
	start_registry --tls --auth
	is "$REGISTRY_URL" "https://127\.0\.0\.1:[0-9]+" "https URL"
	run curl -s -o /dev/null -w '%{http_code}' "$REGISTRY_URL/v2/"
	is "$status" 60 "curl refuses the certificate without the CA"
	run registry_curl v2/ -o /dev/null -w '%{http_code}'
	is "$output" 200 "with the CA and credentials"
	is "$(ls "$REGISTRY_CERT_DIR")" "ca.crt" "cert dir for --cert-dir"
	[[ -f $REGISTRY_CERTS_D/$REGISTRY/ca.crt ]] || die "no certs.d/$REGISTRY/ca.crt"
}

@test "two registries at once use different ports" {
	start_registry
	local first_dir=$REGISTRY_DIR first=$REGISTRY
	start_registry
	isnt "$REGISTRY" "$first" "second registry address"
	run curl -s "$REGISTRY_URL/v2/"
	is "$output" "\{\}" "second registry answers"
	stop_registry
	REGISTRY_DIR=$first_dir stop_registry
}

@test "test image tarballs are reproducible and well-formed" {
	local before
	before=$(cd "$CPOD_IMAGES_OUT" && sha256sum hello.tar busybox.tar)
	CPOD_IMAGES_OUT=$BATS_TEST_TMPDIR/out run "$CPOD_SRC_DIR/tests/images/build.sh"
	is "$status" 0 "a rebuild in another directory"
	is "$(cd "$BATS_TEST_TMPDIR/out" && sha256sum hello.tar busybox.tar)" "$(re_escape "$before")" \
		"same bytes"

	run tar -tvf "$HELLO_TAR"
	is "${lines[-1]}" "-rwxr-xr-x 0/0 +[0-9]+ 1970-01-01 00:00 \./hello" "hello.tar holds /hello"
	run tar -tvf "$BUSYBOX_TAR"
	contains "$output" "./bin/sh -> busybox" "applet links"
	contains "$output" "./usr/local/bin/cpod-testprog" "cpod-testprog"
	is "$(grep ' ./tmp/$' <<<"$output")" "drwxrwxrwt 0/0 .*" "/tmp is 1777"
	is "$(grep ' ./home/testuser/$' <<<"$output")" "drwxr-xr-x 1000/1000 .*" "testuser's home"
	tar -xOf "$BUSYBOX_TAR" ./etc/passwd | grep -q '^testuser:x:1000:1000:' || die "no testuser"
}

@test "the test programs run" {
	local d=$BATS_TEST_TMPDIR/x
	mkdir -p "$d"
	tar -xf "$HELLO_TAR" -C "$d"
	run "$d/hello"
	is "$status" 0 "hello exits 0"
	is "${lines[0]}" "Hello from cpod!" "banner"
	tar -xf "$BUSYBOX_TAR" -C "$d" ./usr/local/bin/cpod-testprog
	run "$d/usr/local/bin/cpod-testprog" echo a "b c"
	is "$output" "a b c" "testprog echo"
	run "$d/usr/local/bin/cpod-testprog" exit 42
	is "$status" 42 "testprog exit"
	run "$d/usr/local/bin/cpod-testprog" id
	is "$output" "uid=$(id -u) gid=$(id -g) groups=.*" "testprog id"
	run "$d/usr/local/bin/cpod-testprog" bogus
	is "$status" 2 "unknown subcommand"
}
