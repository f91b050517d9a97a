#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
#
# manifest create/add/inspect/remove/push/rm/exists, pushed to a real docker-registry on
# 127.0.0.1 and pulled back per architecture. Messages and exit codes checked by hand against
# podman 4.3.1.

load helpers

setup_file() {
	start_registry
	export PLAIN_REGISTRY=$REGISTRY
}

teardown_file() {
	stop_registry
}

setup() {
	use_image_store "$BATS_TEST_TMPDIR"
	export CONTAINERS_REGISTRIES_CONF=$BATS_TEST_TMPDIR/registries.conf
	printf '[[registry]]\nlocation = "%s"\ninsecure = true\n' "$PLAIN_REGISTRY" \
		>"$CONTAINERS_REGISTRIES_CONF"
}

@test "manifest create prints an ID; inspect shows an empty Docker list" {
	run_cpod manifest create localhost/list
	[[ $output =~ ^[0-9a-f]{64}$ ]] || die "not an ID: $output"
	local id=$output
	run_cpod manifest inspect localhost/list
	is_literal "$output" '{
    "schemaVersion": 2,
    "mediaType": "application/vnd.docker.distribution.manifest.list.v2+json",
    "manifests": null
}'
	run_cpod manifest exists localhost/list
	run_cpod 1 manifest exists localhost/nothere
	run_cpod 1 manifest exists "$HELLO_IMAGE"
	run_cpod 125 manifest create localhost/list
	is_literal "$output" "Error: creating image to hold manifest list: image name \"localhost/list:latest\" is already associated with image \"$id\": that name is already in use"
	run_cpod manifest create --amend localhost/list
	is "$output" "$id"
}

@test "manifest add records digest, size, media type and platform; remove drops an entry" {
	local id
	id=$(cpod manifest create localhost/list)
	run_cpod manifest add --arch arm64 --variant v8 localhost/list "$HELLO_IMAGE"
	is "$output" "$id"
	run_cpod manifest add --os-version 1.0 --features f1 localhost/list containers-storage:$BUSYBOX_IMAGE
	is "$output" "$id"
	run_cpod manifest inspect localhost/list
	contains "$output" '"architecture": "arm64",'
	contains "$output" '"variant": "v8"'
	contains "$output" '"architecture": "amd64",'
	contains "$output" '"os.version": "1.0",'
	contains "$output" '"mediaType": "application/vnd.oci.image.manifest.v1+json",'
	local n
	n=$(grep -c '"digest": "sha256:' <<<"$output")
	is "$n" 2
	# adding the same image again replaces its entry
	run_cpod manifest add --arch s390x localhost/list "$HELLO_IMAGE"
	run_cpod manifest inspect localhost/list
	is "$(grep -c '"digest": "sha256:' <<<"$output")" 2
	contains "$output" '"architecture": "s390x",'
	local d
	d=$(grep -o '"digest": "sha256:[0-9a-f]*"' <<<"$output" | head -1 | cut -d'"' -f4)
	run_cpod manifest remove localhost/list "$d"
	is "$output" "$id"
	run_cpod manifest inspect localhost/list
	is "$(grep -c '"digest": "sha256:' <<<"$output")" 1
	run_cpod 125 manifest remove localhost/list "$d"
	is_literal "$output" "Error: removing from manifest list localhost/list: no instance matching digest \"$d\" found in manifest list: file does not exist"
}

@test "manifest annotate changes an entry's platform and annotations" {
	local id d
	id=$(cpod manifest create localhost/list)
	cpod manifest add --annotation a=b localhost/list "$HELLO_IMAGE" >/dev/null
	d=$(cpod manifest inspect localhost/list | grep -o '"digest": "sha256:[0-9a-f]*"' | cut -d'"' -f4)
	run_cpod manifest annotate --arch arm --variant v7 --annotation c=d localhost/list "$d"
	is "$output" "$id"
	run_cpod manifest annotate --os-version 2 localhost/list "$HELLO_IMAGE"
	is "$output" "$id"
	run_cpod manifest inspect localhost/list
	contains "$output" '"architecture": "arm",'
	contains "$output" '"os.version": "2",'
	contains "$output" '"variant": "v7"'
	contains "$output" '"annotations": {
                "a": "b",
                "c": "d"
            }'
	local z=sha256:0000000000000000000000000000000000000000000000000000000000000000
	run_cpod 125 manifest annotate --arch arm localhost/list $z
	is_literal "$output" "Error: no Docker manifest matching digest \"$z\" was found in list: no image instance matching the specified digest was found in the list or index"
}

@test "manifest push --all, then pull --arch picks each image" {
	cpod manifest create localhost/multi >/dev/null
	cpod manifest add --arch amd64 localhost/multi "$HELLO_IMAGE" >/dev/null
	cpod manifest add --arch arm64 --variant v8 localhost/multi "$BUSYBOX_IMAGE" >/dev/null
	run_cpod manifest push --digestfile "$BATS_TEST_TMPDIR/digest" localhost/multi \
		"docker://$PLAIN_REGISTRY/multi:1"
	[[ $(cat "$BATS_TEST_TMPDIR/digest") =~ ^sha256:[0-9a-f]{64}$ ]] || die "bad digest file"
	run curl -s -H 'Accept: application/vnd.docker.distribution.manifest.list.v2+json' \
		"http://$PLAIN_REGISTRY/v2/multi/manifests/1"
	contains "$output" '"mediaType":"application/vnd.docker.distribution.manifest.list.v2+json"'
	contains "$output" '"architecture":"arm64"'
	local hello busybox
	hello=$(image_id "$HELLO_IMAGE")
	busybox=$(image_id "$BUSYBOX_IMAGE")
	use_empty_store "$BATS_TEST_TMPDIR/dst"
	run_cpod pull -q --arch arm64 "$PLAIN_REGISTRY/multi:1"
	is "$output" "$busybox"
	run_cpod pull -q --arch amd64 "$PLAIN_REGISTRY/multi:1"
	is "$output" "$hello"
	run_cpod manifest inspect "$PLAIN_REGISTRY/multi:1"
	contains "$output" '"architecture": "arm64",'
}

@test "manifest push --format oci --rm pushes an OCI index and removes the list" {
	cpod manifest create localhost/ocilist "$HELLO_IMAGE" >/dev/null
	run_cpod manifest push -q --format oci --rm localhost/ocilist "$PLAIN_REGISTRY/oci:1"
	run curl -s -H 'Accept: application/vnd.oci.image.index.v1+json' \
		"http://$PLAIN_REGISTRY/v2/oci/manifests/1"
	contains "$output" '"mediaType":"application/vnd.oci.image.index.v1+json"'
	run_cpod 1 manifest exists localhost/ocilist
	run_cpod image exists "$HELLO_IMAGE"
}

@test "manifest rm removes the list, not its images; errors" {
	local id
	id=$(cpod manifest create localhost/list "$HELLO_IMAGE")
	run_cpod manifest rm localhost/list
	is "$output" "Untagged: localhost/list:latest
Deleted: $id"
	run_cpod image exists "$HELLO_IMAGE"
	run_cpod 1 manifest rm localhost/list
	is_literal "$output" "Error: localhost/list: image not known"
	run_cpod 125 manifest rm "$HELLO_IMAGE"
	is_literal "$output" "Error: $HELLO_IMAGE: image is not a manifest list"
	# as Podman, a local image that is not a list is looked up in its registry
	run_cpod 125 manifest inspect "$HELLO_IMAGE"
	contains "$output" "Error: reading image \"docker://$HELLO_IMAGE\": "
	run_cpod 125 manifest add localhost/nothere "$HELLO_IMAGE"
	is_literal "$output" "Error: localhost/nothere: image not known"
	run_cpod 125 manifest add localhost/nolist containers-storage:localhost/nothere
}
