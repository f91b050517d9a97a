#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
#
# pull, push, login and logout against a real docker-registry configured for bearer-token
# auth ("auth: token"), whose tokens come from tests/system/token-issuer.py (RS256 JWTs with
# the issuer certificate in x5c). The issuer gives the test user every action asked for,
# anonymous requests "pull" only, and nothing under "private/". Messages were compared by
# hand with podman 4.3.1 against the same registry and issuer.

load helpers

setup_file() {
	start_registry --token
	export TOKEN_REGISTRY=$REGISTRY
	use_image_store
}

teardown_file() {
	stop_registry
}

setup() {
	export REGISTRY_AUTH_FILE=$BATS_TEST_TMPDIR/auth.json
	export CONTAINERS_REGISTRIES_CONF=$BATS_TEST_TMPDIR/registries.conf
	printf '[[registry]]\nlocation = "%s"\ninsecure = true\n' "$TOKEN_REGISTRY" \
		>"$CONTAINERS_REGISTRIES_CONF"
}

# The registry answers a request whose token lacks the scope with 401 and
# `error="insufficient_scope"`; Podman prints "errors:\ndenied: requested access to the
# resource is denied\nunauthorized: authentication required" for it, which contains this.
UNAUTHORIZED='unauthorized: authentication required'

# login takes "insecure" from registries.conf, as pull and push do
login_ok() {
	run_cpod login -u "$REGISTRY_USER" -p "$REGISTRY_PASS" "$TOKEN_REGISTRY"
	is "$output" "Login Succeeded!"
}

@test "anonymous pull: a missing repository, and one the issuer refuses" {
	use_empty_store "$BATS_TEST_TMPDIR"
	run_cpod 125 pull -q "$TOKEN_REGISTRY/missing/x"
	is "$output" "Error: initializing source docker://$TOKEN_REGISTRY/missing/x:latest: reading manifest latest in $TOKEN_REGISTRY/missing/x: manifest unknown: manifest unknown"
	run_cpod 125 pull -q "$TOKEN_REGISTRY/private/x"
	contains "$output" "Error: initializing source docker://$TOKEN_REGISTRY/private/x:latest: reading manifest latest in $TOKEN_REGISTRY/private/x: "
	contains "$output" "$UNAUTHORIZED"
}

@test "push without login is refused" {
	run_cpod 125 push -q "$HELLO_IMAGE" "$TOKEN_REGISTRY/anon/hello"
	contains "$output" "Error: "
	contains "$output" "writing blob"
	contains "$output" "$UNAUTHORIZED"
	# nothing was stored: an anonymous pull finds no manifest
	use_empty_store "$BATS_TEST_TMPDIR"
	run_cpod 125 pull -q "$TOKEN_REGISTRY/anon/hello"
	contains "$output" "manifest unknown"
}

@test "login checks the password with the token issuer" {
	run_cpod 125 login -u "$REGISTRY_USER" -p wrong "$TOKEN_REGISTRY"
	contains "$output" "Error: logging into \"$TOKEN_REGISTRY\": "
	contains "$output" "invalid username/password"
	[[ ! -e $REGISTRY_AUTH_FILE ]] || die "credentials stored after a failed login"
	login_ok
	run_cpod login --get-login "$TOKEN_REGISTRY"
	is "$output" "$REGISTRY_USER"
	# the issuer saw the user's credentials (account=) when login asked for a token
	grep -q "account=$REGISTRY_USER" "$REGISTRY_DIR/issuer/issuer.log" ||
		die "no token request with the user's account in the issuer log"
}

@test "push after login, pull into a fresh store keeps the image ID" {
	local id
	id=$(image_id "$HELLO_IMAGE")
	login_ok
	run_cpod push -q "$HELLO_IMAGE" "$TOKEN_REGISTRY/t/hello:1"
	run_cpod push -q "$HELLO_IMAGE" "$TOKEN_REGISTRY/private/hello:1"

	use_empty_store "$BATS_TEST_TMPDIR"
	run_cpod pull -q "$TOKEN_REGISTRY/t/hello:1"
	is "$output" "$id"
	run_cpod pull -q "$TOKEN_REGISTRY/private/hello:1"
	is "$output" "$id"
	run_cpod image inspect --format '{{.RepoDigests}}' "$TOKEN_REGISTRY/t/hello:1"
	contains "$output" "$TOKEN_REGISTRY/t/hello@sha256:"

	# anonymous: the public repository can be pulled, the private one cannot
	cpod logout "$TOKEN_REGISTRY" >/dev/null
	use_empty_store "$BATS_TEST_TMPDIR/anon"
	run_cpod pull -q "$TOKEN_REGISTRY/t/hello:1"
	is "$output" "$id"
	run_cpod 125 pull -q "$TOKEN_REGISTRY/private/hello:1"
	contains "$output" "$UNAUTHORIZED"
	# --creds instead of stored credentials
	run_cpod pull -q --creds "$REGISTRY_USER:$REGISTRY_PASS" "$TOKEN_REGISTRY/private/hello:1"
	is "$output" "$id"
}

@test "after logout, push is refused again" {
	login_ok
	run_cpod push -q "$HELLO_IMAGE" "$TOKEN_REGISTRY/t/out:1"
	run_cpod logout "$TOKEN_REGISTRY"
	is "$output" "Removed login credentials for $TOKEN_REGISTRY"
	run_cpod 125 push -q "$HELLO_IMAGE" "$TOKEN_REGISTRY/t/out:2"
	contains "$output" "$UNAUTHORIZED"
	run_cpod 125 push -q "$HELLO_IMAGE" "$TOKEN_REGISTRY/t/out:1"
	contains "$output" "$UNAUTHORIZED"
}
