#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
#
# pull, push, login/logout and search against a real docker-registry on 127.0.0.1, and
# registry faults from tests/system/fake-registry.py. Messages were checked by hand against
# podman 4.3.1 on the same registry.

load helpers

setup_file() {
	start_registry
	export PLAIN_REGISTRY=$REGISTRY
	use_image_store
	cpod push -q --tls-verify=false "$BUSYBOX_IMAGE" "$REGISTRY/bb:latest"
	cpod push -q --tls-verify=false "$HELLO_IMAGE" "$REGISTRY/hello:latest"
}

teardown_file() {
	stop_registry
}

setup() {
	use_empty_store "$BATS_TEST_TMPDIR"
	export CONTAINERS_REGISTRIES_CONF=$BATS_TEST_TMPDIR/registries.conf
	printf '[[registry]]\nlocation = "%s"\ninsecure = true\n' "$PLAIN_REGISTRY" \
		>"$CONTAINERS_REGISTRIES_CONF"
}

@test "pull prints Podman's lines on stderr and the ID on stdout" {
	run_cpod_split pull "$PLAIN_REGISTRY/bb"
	[[ $output =~ ^[0-9a-f]{64}$ ]] || die "stdout is not an ID: $output"
	contains "$stderr" "Trying to pull $PLAIN_REGISTRY/bb:latest..."
	contains "$stderr" "Getting image source signatures"
	contains "$stderr" "Copying blob sha256:"
	contains "$stderr" "Copying config sha256:$output"
	contains "$stderr" "Writing manifest to image destination"
	contains "$stderr" "Storing signatures"
	run_cpod image inspect --format '{{.RepoDigests}}' "$PLAIN_REGISTRY/bb"
	contains "$output" "$PLAIN_REGISTRY/bb@sha256:"
}

@test "pull -q prints only the ID; a second pull reuses the layers" {
	run_cpod_split pull -q "$PLAIN_REGISTRY/hello"
	[[ $output =~ ^[0-9a-f]{64}$ ]] || die "stdout is not an ID: $output"
	is "$stderr" ""
	local id=$output
	run_cpod_split pull -q "$PLAIN_REGISTRY/hello:latest"
	is "$output" "$id"
}

@test "push then pull keeps the image ID and the diff IDs" {
	use_image_store "$BATS_TEST_TMPDIR/src"
	local id layers
	id=$(image_id "$HELLO_IMAGE")
	layers=$(cpod image inspect --format '{{.RootFS.Layers}}' "$HELLO_IMAGE")
	run_cpod push --digestfile "$BATS_TEST_TMPDIR/digest" "$HELLO_IMAGE" "$PLAIN_REGISTRY/rt/hello:1"
	contains "$output" "Writing manifest to image destination"
	[[ $(cat "$BATS_TEST_TMPDIR/digest") =~ ^sha256:[0-9a-f]{64}$ ]] || die "bad digest file"
	use_empty_store "$BATS_TEST_TMPDIR/dst"
	run_cpod pull -q "$PLAIN_REGISTRY/rt/hello:1"
	is "$output" "$id"
	run_cpod image inspect --format '{{.RootFS.Layers}}' "$PLAIN_REGISTRY/rt/hello:1"
	is "$output" "$(re_escape "$layers")"
	run_cpod image inspect --format '{{.RepoDigests}}' "$PLAIN_REGISTRY/rt/hello:1"
	contains "$output" "$(cat "$BATS_TEST_TMPDIR/digest")"
}

@test "push --compression-format zstd, then pull the zstd layers" {
	use_image_store "$BATS_TEST_TMPDIR/src"
	local id
	id=$(image_id "$BUSYBOX_IMAGE")
	run_cpod push -q --compression-format zstd "$BUSYBOX_IMAGE" "$PLAIN_REGISTRY/zstd/bb:1"
	run curl -s -H 'Accept: application/vnd.oci.image.manifest.v1+json' \
		"http://$PLAIN_REGISTRY/v2/zstd/bb/manifests/1"
	contains "$output" "application/vnd.oci.image.layer.v1.tar+zstd"
	use_empty_store "$BATS_TEST_TMPDIR/dst"
	run_cpod pull -q "$PLAIN_REGISTRY/zstd/bb:1"
	is "$output" "$id"
}

@test "push to oci:, oci-archive: and docker-archive: destinations" {
	use_image_store "$BATS_TEST_TMPDIR/src"
	run_cpod push -q "$HELLO_IMAGE" "oci:$BATS_TEST_TMPDIR/layout"
	[[ -f $BATS_TEST_TMPDIR/layout/index.json ]] || die "no index.json"
	run_cpod push -q "$HELLO_IMAGE" "oci-archive:$BATS_TEST_TMPDIR/o.tar"
	run tar tf "$BATS_TEST_TMPDIR/o.tar"
	contains "$output" "index.json"
	run_cpod push -q "$HELLO_IMAGE" "docker-archive:$BATS_TEST_TMPDIR/d.tar"
	run tar tf "$BATS_TEST_TMPDIR/d.tar"
	contains "$output" "manifest.json"
}

@test "pull -a pulls every tag" {
	use_image_store "$BATS_TEST_TMPDIR/src"
	cpod push -q "$HELLO_IMAGE" "$PLAIN_REGISTRY/tags/x:a"
	cpod push -q "$BUSYBOX_IMAGE" "$PLAIN_REGISTRY/tags/x:b"
	use_empty_store "$BATS_TEST_TMPDIR/dst"
	run_cpod_split pull -a "$PLAIN_REGISTRY/tags/x"
	is "$(wc -l <<<"$output")" 2
	run_cpod images --format '{{.Tag}}' --sort tag
	is "$(echo $output)" "a b"
}

@test "a multi-arch index: the host's entry by default, --platform and --arch choose" {
	use_image_store "$BATS_TEST_TMPDIR/src"
	cpod push -q --format oci "$HELLO_IMAGE" "$PLAIN_REGISTRY/multi:amd64"
	cpod push -q --format oci "$BUSYBOX_IMAGE" "$PLAIN_REGISTRY/multi:arm64"
	local m1 m2 s1 s2 idx
	m1=$(curl -s -H 'Accept: application/vnd.oci.image.manifest.v1+json' "http://$PLAIN_REGISTRY/v2/multi/manifests/amd64")
	m2=$(curl -s -H 'Accept: application/vnd.oci.image.manifest.v1+json' "http://$PLAIN_REGISTRY/v2/multi/manifests/arm64")
	s1=$(printf '%s' "$m1" | sha256sum | cut -d' ' -f1)
	s2=$(printf '%s' "$m2" | sha256sum | cut -d' ' -f1)
	idx='{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":['
	idx+="{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\"sha256:$s1\",\"size\":${#m1},\"platform\":{\"architecture\":\"amd64\",\"os\":\"linux\"}},"
	idx+="{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\"sha256:$s2\",\"size\":${#m2},\"platform\":{\"architecture\":\"arm64\",\"os\":\"linux\",\"variant\":\"v8\"}}]}"
	run curl -s -o /dev/null -w '%{http_code}' -X PUT \
		-H 'Content-Type: application/vnd.oci.image.index.v1+json' --data-binary "$idx" \
		"http://$PLAIN_REGISTRY/v2/multi/manifests/latest"
	is "$output" 201
	use_empty_store "$BATS_TEST_TMPDIR/dst"
	run_cpod pull -q --platform linux/arm64 "$PLAIN_REGISTRY/multi"
	is "$output" "$(cpod --root "$BATS_TEST_TMPDIR/src/root" --runroot "$BATS_TEST_TMPDIR/src/runroot" image inspect --format '{{.Id}}' "$BUSYBOX_IMAGE")"
	run_cpod pull -q --arch amd64 "$PLAIN_REGISTRY/multi"
	is "$output" "$(cpod --root "$BATS_TEST_TMPDIR/src/root" --runroot "$BATS_TEST_TMPDIR/src/runroot" image inspect --format '{{.Id}}' "$HELLO_IMAGE")"
	run_cpod 125 pull -q --arch s390x "$PLAIN_REGISTRY/multi"
	contains "$output" "no image found in manifest list for architecture s390x"
}

@test "short names: alias, search registries, enforcing without a TTY" {
	cat >"$CONTAINERS_REGISTRIES_CONF" <<-EOF
		unqualified-search-registries = ["$PLAIN_REGISTRY"]
		short-name-mode = "enforcing"
		[[registry]]
		location = "$PLAIN_REGISTRY"
		insecure = true
		[aliases]
		"myalias" = "$PLAIN_REGISTRY/hello"
	EOF
	run_cpod_split pull myalias </dev/null
	contains "$stderr" "Trying to pull $PLAIN_REGISTRY/hello:latest..."
	run_cpod_split pull bb </dev/null
	contains "$stderr" "Resolving \"bb\" using unqualified-search registries ($CONTAINERS_REGISTRIES_CONF)"
	sed -i "s|^unqualified-search-registries.*|unqualified-search-registries = [\"$PLAIN_REGISTRY\", \"127.0.0.1:1\"]|" "$CONTAINERS_REGISTRIES_CONF"
	run_cpod 125 pull other </dev/null
	is "$output" "Error: short-name resolution enforced but cannot prompt without a TTY"
}

@test "a blocked registry is refused" {
	printf '[[registry]]\nlocation = "%s"\nblocked = true\n' "$PLAIN_REGISTRY" \
		>"$CONTAINERS_REGISTRIES_CONF"
	run_cpod 125 pull "$PLAIN_REGISTRY/bb"
	contains "$output" "registry $PLAIN_REGISTRY is blocked in $CONTAINERS_REGISTRIES_CONF"
	run_cpod images -q
	is "$output" ""
}

@test "a mirror is tried first" {
	local mirror=$PLAIN_REGISTRY
	cat >"$CONTAINERS_REGISTRIES_CONF" <<-EOF
		[[registry]]
		prefix = "127.0.0.1:1"
		location = "127.0.0.1:1"
		insecure = true
		[[registry.mirror]]
		location = "$mirror"
		insecure = true
	EOF
	run_cpod_split pull -q 127.0.0.1:1/hello
	[[ $output =~ ^[0-9a-f]{64}$ ]] || die "not pulled through the mirror: $output $stderr"
	run_cpod images --format '{{.Repository}}'
	is "$output" "127.0.0.1:1/hello"
}

@test "policy.json: reject and signedBy refuse, insecureAcceptAnything accepts" {
	echo '{"default":[{"type":"reject"}]}' >"$BATS_TEST_TMPDIR/reject.json"
	run_cpod 125 pull --signature-policy "$BATS_TEST_TMPDIR/reject.json" "$PLAIN_REGISTRY/bb"
	contains "$output" "Error: Source image rejected: Running image docker://$PLAIN_REGISTRY/bb:latest is rejected by policy."
	cat >"$BATS_TEST_TMPDIR/scoped.json" <<-EOF
		{"default":[{"type":"insecureAcceptAnything"}],
		 "transports":{"docker":{"$PLAIN_REGISTRY/bb":[{"type":"signedBy","keyType":"GPGKeys","keyPath":"/x"}]}}}
	EOF
	run_cpod 125 pull --signature-policy "$BATS_TEST_TMPDIR/scoped.json" "$PLAIN_REGISTRY/bb"
	contains "$output" "signature verification is not supported"
	run_cpod pull -q --signature-policy "$BATS_TEST_TMPDIR/scoped.json" "$PLAIN_REGISTRY/hello"
	run_cpod images -q
	is "$(wc -l <<<"$output")" 1
}

@test "search lists the catalog filtered by the term, and tags" {
	run_cpod search "$PLAIN_REGISTRY/bb"
	is "${lines[0]}" "NAME +DESCRIPTION"
	contains "$output" "$PLAIN_REGISTRY/bb"
	run_cpod search --list-tags "$PLAIN_REGISTRY/bb"
	is "${lines[1]}" "$PLAIN_REGISTRY/bb +latest"
	run_cpod search --format '{{.Name}}' "$PLAIN_REGISTRY/hell"
	contains "$output" "$PLAIN_REGISTRY/hello"
	run_cpod search --format '{{.Name}}' "$PLAIN_REGISTRY/nothing-like-this"
	is "$output" ""
}

@test "pulling an unknown tag names the image and the cause" {
	run_cpod 125 pull "$PLAIN_REGISTRY/bb:nope"
	contains "$output" "Error: initializing source docker://$PLAIN_REGISTRY/bb:nope: reading manifest nope in $PLAIN_REGISTRY/bb: manifest unknown"
}

@test "kill -9 during a pull leaves no image; the next pull completes" {
	start_fake slow
	"$CPOD_BIN" --root "$CPOD_TEST_ROOT" --runroot "$CPOD_TEST_RUNROOT" pull -q \
		--tls-verify=false "$FAKE/img" >/dev/null 2>&1 3>&- &
	local pid=$!
	sleep 0.8
	kill -9 "$pid"
	wait "$pid" || true
	run_cpod images -q
	is "$output" ""
	run_cpod pull -q --tls-verify=false "$FAKE/img"
	[[ $output =~ ^[0-9a-f]{64}$ ]] || die "second pull failed: $output"
	stop_fake
}

# start_fake MODE: tests/system/fake-registry.py on a free port; exports FAKE (host:port)
start_fake() {
	local pf=$BATS_TEST_TMPDIR/fake.port
	rm -f "$pf"
	python3 "$CPOD_SRC_DIR/tests/system/fake-registry.py" "$pf" "$1" 3>&- &
	echo $! >"$BATS_TEST_TMPDIR/fake.pid"
	for _ in {1..100}; do [[ -f $pf ]] && break; sleep 0.05; done
	export FAKE=127.0.0.1:$(cat "$pf")
}

stop_fake() {
	kill "$(cat "$BATS_TEST_TMPDIR/fake.pid")" 2>/dev/null || true
}

@test "registry faults give one-line errors naming the image and the cause" {
	local mode want
	while IFS='|' read -r mode want; do
		start_fake "$mode"
		run_cpod 125 pull -q --retry 1 --retry-delay 100ms --tls-verify=false "$FAKE/img"
		is "$(wc -l <<<"$output")" 1 "$mode: one line"
		contains "$output" "$FAKE/img" "$mode: names the image"
		contains "$output" "$want" "$mode: names the cause"
		run_cpod images -q
		is "$output" "" "$mode: no image left"
		stop_fake
	done <<-EOF
		bad-digest|Digest did not match
		truncated|transfer closed
		drop|transfer closed
		big-manifest|exceeded maximum allowed size
		bad-json|parsing manifest
		401|unauthorized: fake 401
		403|denied: fake 403
		404|manifest unknown: fake 404
		429|toomanyrequests: fake 429
		500|500 Internal Server Error
	EOF
}

@test "a flaky registry is retried with --retry and --retry-delay" {
	start_fake flaky
	run_cpod pull -q --retry 3 --retry-delay 100ms --tls-verify=false "$FAKE/img"
	[[ $output =~ ^[0-9a-f]{64}$ ]] || die "not retried: $output"
	stop_fake
}
