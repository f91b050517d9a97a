#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
#
# login/logout against docker-registry with htpasswd over TLS (CA made by the helper), and
# pull/push with the stored credentials, --creds and --cert-dir.

load helpers

setup_file() {
	start_registry --auth --tls
	use_image_store
}

teardown_file() {
	stop_registry
}

setup() {
	export REGISTRY_AUTH_FILE=$BATS_TEST_TMPDIR/auth.json
}

@test "login verifies the credentials, logout removes them" {
	run_cpod 125 login --cert-dir "$REGISTRY_CERT_DIR" -u "$REGISTRY_USER" -p wrong "$REGISTRY"
	contains "$output" "Error: "
	[[ ! -e $REGISTRY_AUTH_FILE ]] || die "credentials stored after a failed login"
	run_cpod login --cert-dir "$REGISTRY_CERT_DIR" -u "$REGISTRY_USER" -p "$REGISTRY_PASS" "$REGISTRY"
	is "$output" "Login Succeeded!"
	run_cpod login --get-login "$REGISTRY"
	is "$output" "$REGISTRY_USER"
	run_cpod logout "$REGISTRY"
	is "$output" "Removed login credentials for $REGISTRY"
	run_cpod 125 logout "$REGISTRY"
	is "$output" "Error: not logged into $REGISTRY"
	run_cpod logout -a
	is "$output" "Removed login credentials for all registries"
}

@test "--password-stdin" {
	run_cpod login --cert-dir "$REGISTRY_CERT_DIR" -u "$REGISTRY_USER" --password-stdin "$REGISTRY" <<<"$REGISTRY_PASS"
	is "$output" "Login Succeeded!"
}

@test "push and pull over TLS with stored credentials and with --creds" {
	cpod login --cert-dir "$REGISTRY_CERT_DIR" -u "$REGISTRY_USER" -p "$REGISTRY_PASS" "$REGISTRY" >/dev/null
	local id
	id=$(image_id "$HELLO_IMAGE")
	run_cpod push -q --cert-dir "$REGISTRY_CERT_DIR" "$HELLO_IMAGE" "$REGISTRY/auth/hello"
	cpod logout -a >/dev/null
	run_cpod 125 pull -q --cert-dir "$REGISTRY_CERT_DIR" "$REGISTRY/auth/hello"
	contains "$output" "unauthorized"
	run_cpod 125 pull -q "$REGISTRY/auth/hello"
	contains "$output" "certificate"
	run_cpod pull -q --cert-dir "$REGISTRY_CERT_DIR" --creds "$REGISTRY_USER:$REGISTRY_PASS" "$REGISTRY/auth/hello"
	is "$output" "$id"
}
