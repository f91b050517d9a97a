# SPDX-License-Identifier: Apache-2.0
# shellcheck shell=bash
#
# Shared helpers for cpod's bats system tests (load with `load helpers`).
#
#   cpod ARGS...                 run $CPOD_BIN with this file's isolated --root/--runroot
#   run_cpod [RC] ARGS...        run cpod, $output = stdout+stderr, assert exit code RC (0)
#   run_cpod_split [RC] ARGS...  same, but $output = stdout only and $stderr = stderr
#   is ACTUAL EXPECTED [DESC]    assert ACTUAL matches the extended regex EXPECTED, whole
#   isnt ACTUAL EXPECTED [DESC]  the opposite
#   use_image_store              give this file a store with localhost/hello and
#                                localhost/busybox already imported (once per run)
#   use_empty_store              give this file (or this test) an empty store
#   start_registry [--auth|--token] [--tls]  /  stop_registry   a local docker-registry
#
# Environment: CPOD_BIN (default build/src/cli/cpod), CPOD_TEST_TIMEOUT (seconds per cpod
# call, default 120), CPOD_TEST_NO_TEMPLATE=1 (import the images into each store instead of
# copying the template store). Isolation: every file gets its own graph root and run root under
# $BATS_FILE_TMPDIR, exported as CPOD_TEST_ROOT and CPOD_TEST_RUNROOT.

bats_require_minimum_version 1.5.0

CPOD_SRC_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
CPOD_BIN=${CPOD_BIN:-$CPOD_SRC_DIR/build/src/cli/cpod}
CPOD_TEST_TIMEOUT=${CPOD_TEST_TIMEOUT:-120}
CPOD_IMAGES_OUT=${CPOD_IMAGES_OUT:-$CPOD_SRC_DIR/tests/images/out}
HELLO_TAR=$CPOD_IMAGES_OUT/hello.tar
BUSYBOX_TAR=$CPOD_IMAGES_OUT/busybox.tar
HELLO_IMAGE=localhost/hello:latest
BUSYBOX_IMAGE=localhost/busybox:latest

# The template store with the test images, made once per run by setup_suite.bash.
CPOD_TEMPLATE_DIR=${CPOD_TEMPLATE_DIR:-${BATS_RUN_TMPDIR:-/tmp}/template}

# Per-file isolation. setup_file in a test file may call use_image_store/use_empty_store,
# which re-export these; the defaults below make `cpod` safe to call in any case.
: "${CPOD_TEST_ROOT:=${BATS_FILE_TMPDIR:-/tmp}/root}"
: "${CPOD_TEST_RUNROOT:=${BATS_FILE_TMPDIR:-/tmp}/runroot}"
export CPOD_TEST_ROOT CPOD_TEST_RUNROOT

cpod() {
	timeout --foreground -v --kill-after=10 "$CPOD_TEST_TIMEOUT" \
		"$CPOD_BIN" --root "$CPOD_TEST_ROOT" --runroot "$CPOD_TEST_RUNROOT" "$@"
}

# Print a command line the way a user would type it, for failure messages.
_quote_cmd() {
	local out='' a
	for a in "$@"; do
		if [[ $a =~ ^[A-Za-z0-9_./:=@,+-]+$ ]]; then
			out+=" $a"
		else
			out+=" '${a//\'/\'\\\'\'}'"
		fi
	done
	echo "${out# }"
}

_check_status() {
	local expected=$1
	shift
	if [[ $status == 124 && $expected != 124 ]]; then
		echo "# $(_quote_cmd cpod "$@")" >&2
		echo "# timed out after ${CPOD_TEST_TIMEOUT}s" >&2
		return 1
	fi
	if [[ $expected != '?' && $status != "$expected" ]]; then
		echo "# $(_quote_cmd cpod "$@")" >&2
		echo "# exit code $status, expected $expected; output:" >&2
		printf '%s\n' "$output" | sed 's/^/#   /' >&2
		[[ -n ${stderr:-} ]] && printf '%s\n' "$stderr" | sed 's/^/#   (stderr) /' >&2
		return 1
	fi
	return 0
}

# run_cpod [EXPECTED_RC] ARGS...: EXPECTED_RC is a number or '?' (anything). Like podman's
# run_podman, the command and its output are echoed so that bats shows them on failure.
run_cpod() {
	local expected=0
	if [[ $1 =~ ^([0-9]+|\?)$ ]]; then
		expected=$1
		shift
	fi
	local _bats_rc=()
	[[ $expected == 127 ]] && _bats_rc=(-127)
	echo "\$ $(_quote_cmd cpod "$@")"
	# an expected 127 is said to bats too, or it warns (BW01) that the command was not found
	run "${_bats_rc[@]}" cpod "$@" || true
	printf '%s\n' "$output"
	[[ $status == "$expected" ]] || echo "[rc=$status (expected $expected)]"
	_check_status "$expected" "$@"
}

run_cpod_split() {
	local expected=0
	if [[ $1 =~ ^([0-9]+|\?)$ ]]; then
		expected=$1
		shift
	fi
	local _bats_rc=()
	[[ $expected == 127 ]] && _bats_rc=(-127)
	echo "\$ $(_quote_cmd cpod "$@")"
	run "${_bats_rc[@]}" --separate-stderr cpod "$@" || true
	printf '%s\n' "$output"
	[[ -n $stderr ]] && printf '[stderr] %s\n' "$stderr"
	_check_status "$expected" "$@"
}

# is ACTUAL EXPECTED [DESCRIPTION]: EXPECTED is an extended regular expression that must
# match ALL of ACTUAL (newlines included). Literal text with regex characters must be
# escaped, or use is_literal.
is() {
	local actual=$1 expected=$2 desc=${3:-}
	if [[ $actual =~ ^($expected)$ ]]; then
		return 0
	fi
	_is_fail "$actual" "$expected" "$desc" "expected"
}

isnt() {
	local actual=$1 expected=$2 desc=${3:-}
	if ! [[ $actual =~ ^($expected)$ ]]; then
		return 0
	fi
	_is_fail "$actual" "$expected" "$desc" "did not expect"
}

# is_literal ACTUAL EXPECTED [DESC]: exact string comparison.
is_literal() {
	local actual=$1 expected=$2 desc=${3:-}
	[[ $actual == "$expected" ]] && return 0
	_is_fail "$actual" "$expected" "$desc" "expected exactly"
}

# contains ACTUAL NEEDLE [DESC]: NEEDLE occurs literally somewhere in ACTUAL.
contains() {
	local actual=$1 needle=$2 desc=${3:-}
	[[ $actual == *"$needle"* ]] && return 0
	_is_fail "$actual" "$needle" "$desc" "expected to contain"
}

_is_fail() {
	local actual=$1 expected=$2 desc=$3 verb=$4
	{
		echo "#/vvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvv"
		echo "#|     FAIL: ${desc:-(no description)}"
		printf '#| %-14s %s\n' "$verb:" "${expected//$'\n'/$'\n#|                '}"
		printf '#| %-14s %s\n' "actual:" "${actual//$'\n'/$'\n#|                '}"
		echo "#\\^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^"
	} >&2
	return 1
}

die() {
	echo "# FATAL: $*" >&2
	return 1
}

# Escape a literal string for use inside an `is` pattern.
re_escape() {
	printf '%s' "$1" | sed 's/[][\.*^$+?(){}|/]/\\&/g'
}

# --- stores ---------------------------------------------------------------------------

_new_store_dirs() {
	local base=$1
	rm -rf "$base/root" "$base/runroot"
	mkdir -p "$base"
	export CPOD_TEST_ROOT=$base/root CPOD_TEST_RUNROOT=$base/runroot
}

# use_empty_store [DIR]: a fresh empty store (in DIR, default this file's tmp dir; call it
# from setup() with $BATS_TEST_TMPDIR for one store per test).
use_empty_store() {
	_new_store_dirs "${1:-$BATS_FILE_TMPDIR}"
}

# use_image_store [DIR]: a copy of the template store, which holds $HELLO_IMAGE and
# $BUSYBOX_IMAGE. The template was made by importing the tarballs once (setup_suite.bash);
# copying it keeps files independent (no hard links: SQLite writes in place).
use_image_store() {
	local base=${1:-$BATS_FILE_TMPDIR}
	if [[ ! -f $CPOD_TEMPLATE_DIR/ok ]]; then
		echo "# the test images could not be imported into the template store:" >&2
		sed 's/^/#   /' "$CPOD_TEMPLATE_DIR/log" >&2 2>/dev/null || true
		return 1
	fi
	_new_store_dirs "$base"
	if [[ ${CPOD_TEST_NO_TEMPLATE:-} == 1 ]]; then
		# for a store that cannot be moved (one that records absolute paths)
		cpod import -q "$HELLO_TAR" "$HELLO_IMAGE" --change 'CMD ["/hello"]' >/dev/null &&
			cpod import -q "$BUSYBOX_TAR" "$BUSYBOX_IMAGE" --change 'CMD ["sh"]' >/dev/null
		return
	fi
	cp -a "$CPOD_TEMPLATE_DIR/root" "$CPOD_TEST_ROOT"
	mkdir -p "$CPOD_TEST_RUNROOT"
}

# make_template_store DIR: import the test images into a new store in DIR (setup_suite).
make_template_store() {
	local dir=$1
	rm -rf "$dir"
	mkdir -p "$dir"
	(
		export CPOD_TEST_ROOT=$dir/root CPOD_TEST_RUNROOT=$dir/runroot
		set -e
		cpod import -q "$HELLO_TAR" "$HELLO_IMAGE" --change 'CMD ["/hello"]'
		cpod import -q "$BUSYBOX_TAR" "$BUSYBOX_IMAGE" --change 'CMD ["sh"]'
		names=$(cpod images --format '{{.Repository}}:{{.Tag}}')
		[[ $names == *"$HELLO_IMAGE"* && $names == *"$BUSYBOX_IMAGE"* ]] ||
			{ echo "the imported images are not listed: '$names'"; exit 1; }
	) >"$dir/log" 2>&1 || return 0
	# The run root only holds runtime state: each copy starts with an empty one.
	rm -rf "$dir/runroot"
	touch "$dir/ok"
}

# image_id NAME: the full ID of a local image (no "sha256:").
image_id() {
	cpod image inspect --format '{{.Id}}' "$1"
}

# --- local registry -------------------------------------------------------------------

_free_port() {
	local port tries
	for ((tries = 0; tries < 100; tries++)); do
		port=$((20000 + RANDOM % 30000))
		if ! (exec 9<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
			echo "$port"
			return 0
		fi
	done
	die "no free port found"
}

# _make_certs DIR: a CA and a server certificate for 127.0.0.1 and localhost, signed by it.
_make_certs() {
	local d=$1
	mkdir -p "$d"
	openssl req -x509 -newkey rsa:2048 -nodes -days 2 -sha256 \
		-subj "/CN=cpod test CA" -keyout "$d/ca.key" -out "$d/ca.crt" \
		-addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign \
		>/dev/null 2>&1 || die "openssl: cannot make the test CA"
	openssl req -newkey rsa:2048 -nodes -sha256 -subj "/CN=127.0.0.1" \
		-keyout "$d/server.key" -out "$d/server.csr" >/dev/null 2>&1 ||
		die "openssl: cannot make the server key"
	printf '%s\n' "subjectAltName=IP:127.0.0.1,DNS:localhost" \
		"extendedKeyUsage=serverAuth" "basicConstraints=CA:FALSE" >"$d/server.ext"
	openssl x509 -req -in "$d/server.csr" -CA "$d/ca.crt" -CAkey "$d/ca.key" \
		-CAcreateserial -days 2 -sha256 -extfile "$d/server.ext" -out "$d/server.crt" \
		>/dev/null 2>&1 || die "openssl: cannot sign the server certificate"
}

# start_registry [--auth|--token] [--tls]: start docker-registry on 127.0.0.1 at a free port,
# with storage in a temp dir. Exports:
#   REGISTRY            127.0.0.1:PORT (use it in image references)
#   REGISTRY_PORT, REGISTRY_DIR, REGISTRY_SCHEME (http|https), REGISTRY_URL
#   REGISTRY_USER, REGISTRY_PASS  (with --auth: htpasswd, bcrypt; with --token: the user
#                                 the token issuer accepts)
#   REGISTRY_TOKEN_REALM          (with --token: the issuer's http://127.0.0.1:PORT/token; it
#                                 is tests/system/token-issuer.py, anonymous gets pull only
#                                 and nothing under "private/")
#   REGISTRY_CA                   (with --tls: the CA file that signed the server cert)
#   REGISTRY_CERT_DIR             (with --tls: a directory holding ca.crt, for --cert-dir)
#   REGISTRY_CERTS_D              (with --tls: a certs.d tree with 127.0.0.1:PORT/ca.crt)
# Call it from setup_file (one registry per file) or setup; stop with stop_registry.
start_registry() {
	local auth=0 tls=0 token=0 a
	for a in "$@"; do
		case "$a" in
		--auth) auth=1 ;;
		--token) token=1 ;;
		--tls) tls=1 ;;
		*) die "start_registry: unknown option $a" || return ;;
		esac
	done
	[[ -x /usr/bin/docker-registry ]] || die "docker-registry is not installed" || return

	local dir port
	dir=$(mktemp -d "${BATS_FILE_TMPDIR:-/tmp}/registry.XXXXXX")
	port=$(_free_port) || return
	export REGISTRY_DIR=$dir REGISTRY_PORT=$port REGISTRY=127.0.0.1:$port
	export REGISTRY_SCHEME=http REGISTRY_USER='' REGISTRY_PASS='' REGISTRY_CA='' REGISTRY_CERT_DIR=''
	export REGISTRY_CERTS_D='' REGISTRY_TOKEN_REALM=''

	{
		echo "version: 0.1"
		echo "log:"
		echo "  level: error"
		echo "  accesslog:"
		echo "    disabled: true"
		echo "storage:"
		echo "  filesystem:"
		echo "    rootdirectory: $dir/data"
		echo "  delete:"
		echo "    enabled: true"
		echo "http:"
		echo "  addr: 127.0.0.1:$port"
		echo "  secret: cpod-test-$RANDOM$RANDOM"
	} >"$dir/config.yml"

	if ((tls)); then
		_make_certs "$dir/certs" || return
		export REGISTRY_SCHEME=https REGISTRY_CA=$dir/certs/ca.crt
		export REGISTRY_CERT_DIR=$dir/certdir REGISTRY_CERTS_D=$dir/certs.d
		mkdir -p "$REGISTRY_CERT_DIR" "$REGISTRY_CERTS_D/$REGISTRY"
		cp "$REGISTRY_CA" "$REGISTRY_CERT_DIR/ca.crt"
		cp "$REGISTRY_CA" "$REGISTRY_CERTS_D/$REGISTRY/ca.crt"
		{
			echo "  tls:"
			echo "    certificate: $dir/certs/server.crt"
			echo "    key: $dir/certs/server.key"
		} >>"$dir/config.yml"
	fi
	if ((auth)); then
		export REGISTRY_USER=cpoduser REGISTRY_PASS=pw-$RANDOM$RANDOM
		htpasswd -Bbc "$dir/htpasswd" "$REGISTRY_USER" "$REGISTRY_PASS" >/dev/null 2>&1 ||
			die "htpasswd failed" || return
		{
			echo "auth:"
			echo "  htpasswd:"
			echo "    realm: cpod-test"
			echo "    path: $dir/htpasswd"
		} >>"$dir/config.yml"
	fi
	if ((token)); then
		export REGISTRY_USER=cpoduser REGISTRY_PASS=pw-$RANDOM$RANDOM
		_start_token_issuer "$dir" || return
		{
			echo "auth:"
			echo "  token:"
			echo "    realm: $REGISTRY_TOKEN_REALM"
			echo "    service: cpod-test"
			echo "    issuer: cpod-test-issuer"
			echo "    rootcertbundle: $dir/issuer/issuer.crt"
		} >>"$dir/config.yml"
	fi
	export REGISTRY_URL=$REGISTRY_SCHEME://$REGISTRY

	# fd 3 must be closed, or bats waits for the registry to exit before finishing.
	/usr/bin/docker-registry serve "$dir/config.yml" >"$dir/registry.log" 2>&1 3>&- &
	echo $! >"$dir/pid"

	local i code
	for ((i = 0; i < 100; i++)); do
		code=$(curl -s -o /dev/null -w '%{http_code}' ${REGISTRY_CA:+--cacert "$REGISTRY_CA"} \
			"$REGISTRY_URL/v2/" 2>/dev/null) || true
		[[ $code == 200 || $code == 401 ]] && return 0
		kill -0 "$(cat "$dir/pid")" 2>/dev/null || break
		sleep 0.1
	done
	echo "# docker-registry did not come up on $REGISTRY; its log:" >&2
	sed 's/^/#   /' "$dir/registry.log" >&2
	stop_registry
	return 1
}

# _start_token_issuer DIR: a self-signed issuer key and certificate in DIR/issuer, and
# token-issuer.py serving them on a free port; sets REGISTRY_TOKEN_REALM.
_start_token_issuer() {
	local d=$1/issuer i
	mkdir -p "$d"
	openssl req -x509 -newkey rsa:2048 -nodes -days 2 -sha256 -subj "/CN=cpod-test-issuer" \
		-keyout "$d/issuer.key" -out "$d/issuer.crt" >/dev/null 2>&1 ||
		die "openssl: cannot make the token issuer certificate" || return
	python3 "$CPOD_SRC_DIR/tests/system/token-issuer.py" --key "$d/issuer.key" \
		--cert "$d/issuer.crt" --port-file "$d/port" --user "$REGISTRY_USER" \
		--password "$REGISTRY_PASS" --deny-anonymous private/ >"$d/issuer.log" 2>&1 3>&- &
	echo $! >"$1/issuer.pid"
	for ((i = 0; i < 100; i++)); do
		if [[ -s $d/port ]]; then
			REGISTRY_TOKEN_REALM=http://127.0.0.1:$(cat "$d/port")/token
			export REGISTRY_TOKEN_REALM
			return 0
		fi
		kill -0 "$(cat "$1/issuer.pid")" 2>/dev/null || break
		sleep 0.1
	done
	echo "# the token issuer did not come up; its log:" >&2
	sed 's/^/#   /' "$d/issuer.log" >&2
	_stop_pidfile "$1/issuer.pid"
	return 1
}

# _stop_pidfile FILE: stop the process whose ID FILE holds (TERM, then KILL), remove FILE.
_stop_pidfile() {
	[[ -f $1 ]] || return 0
	local pid
	pid=$(cat "$1")
	kill "$pid" 2>/dev/null || true
	for _ in {1..50}; do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	kill -9 "$pid" 2>/dev/null || true
	rm -f "$1"
}

stop_registry() {
	[[ -n ${REGISTRY_DIR:-} ]] || return 0
	_stop_pidfile "$REGISTRY_DIR/pid"
	_stop_pidfile "$REGISTRY_DIR/issuer.pid"
}

# registry_curl PATH [CURL ARGS...]: request $REGISTRY_URL/PATH with the CA and, when the
# registry has auth, the credentials.
registry_curl() {
	local path=$1
	shift
	curl -s ${REGISTRY_CA:+--cacert "$REGISTRY_CA"} \
		${REGISTRY_USER:+-u "$REGISTRY_USER:$REGISTRY_PASS"} "$@" "$REGISTRY_URL/$path"
}
