#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
#
# save / load (docker-archive, oci-archive, oci-dir) keeping image IDs and diff IDs, stdin
# and stdout, hostile archives, and the local image commands history, image tree and
# image prune. Outputs were checked by hand against podman 4.3.1.

load helpers

setup() {
	use_image_store "$BATS_TEST_TMPDIR"
}

# save IMAGE with ARGS, then load the archive into an empty store; prints nothing
save_and_reload() {
	local archive=$1
	shift
	run_cpod save -q -o "$archive" "$@"
	local saved_root=$CPOD_TEST_ROOT saved_run=$CPOD_TEST_RUNROOT
	use_empty_store "$BATS_TEST_TMPDIR/second"
	export SAVED_ROOT=$saved_root SAVED_RUNROOT=$saved_run
}

@test "save and load a docker-archive keeps the image ID and diff IDs" {
	local id layers
	id=$(image_id "$HELLO_IMAGE")
	layers=$(cpod image inspect --format '{{.RootFS.Layers}}' "$HELLO_IMAGE")
	save_and_reload "$BATS_TEST_TMPDIR/h.tar" "$HELLO_IMAGE"

	run tar tf "$BATS_TEST_TMPDIR/h.tar"
	contains "$output" "manifest.json"
	contains "$output" "repositories"
	contains "$output" "$id.json"
	run tar xOf "$BATS_TEST_TMPDIR/h.tar" manifest.json
	contains "$output" '"RepoTags":["localhost/hello:latest"]'

	run_cpod_split load -i "$BATS_TEST_TMPDIR/h.tar"
	is "$output" "Loaded image: localhost/hello:latest" "load prints the name on stdout"
	contains "$stderr" "Copying config sha256:$id"
	is "$(image_id "$HELLO_IMAGE")" "$id" "same image ID after load"
	run_cpod image inspect --format '{{.RootFS.Layers}}' "$HELLO_IMAGE"
	is "$output" "$(re_escape "$layers")" "same diff IDs after load"
}

@test "save to stdout and load from stdin" {
	local id
	id=$(image_id "$BUSYBOX_IMAGE")
	cpod save "$BUSYBOX_IMAGE" >"$BATS_TEST_TMPDIR/bb.tar"
	use_empty_store "$BATS_TEST_TMPDIR/second"
	run_cpod load -q <"$BATS_TEST_TMPDIR/bb.tar"
	is "$output" "Loaded image: localhost/busybox:latest"
	is "$(image_id "$BUSYBOX_IMAGE")" "$id" "same image ID after stdin load"
}

@test "oci-archive and oci-dir round trips" {
	local id
	id=$(image_id "$HELLO_IMAGE")
	run_cpod save -q --format oci-archive -o "$BATS_TEST_TMPDIR/o.tar" "$HELLO_IMAGE"
	run tar xOf "$BATS_TEST_TMPDIR/o.tar" index.json
	contains "$output" '"org.opencontainers.image.ref.name":"localhost/hello:latest"'
	run_cpod save -q --format oci-dir -o "$BATS_TEST_TMPDIR/odir" "$HELLO_IMAGE"
	[[ -f $BATS_TEST_TMPDIR/odir/oci-layout && -f $BATS_TEST_TMPDIR/odir/blobs/sha256/$id ]] ||
		die "oci-dir layout is incomplete"

	use_empty_store "$BATS_TEST_TMPDIR/second"
	run_cpod load -q -i "$BATS_TEST_TMPDIR/o.tar"
	is "$output" "Loaded image: localhost/hello:latest"
	is "$(image_id "$HELLO_IMAGE")" "$id" "oci-archive keeps the ID"
	run_cpod rmi -a
	run_cpod load -q -i "$BATS_TEST_TMPDIR/odir"
	is "$output" "Loaded image: localhost/(hello|.*odir):latest" "named after its path, or its annotation when the path is no valid name"
	run_cpod images -q --no-trunc
	is "$output" "sha256:$id" "oci-dir keeps the ID"
}

@test "several images in one archive, and extra tags" {
	run_cpod save -q -m -o "$BATS_TEST_TMPDIR/m.tar" "$HELLO_IMAGE" "$BUSYBOX_IMAGE"
	run_cpod save -q -o "$BATS_TEST_TMPDIR/t.tar" "$HELLO_IMAGE" extra
	run tar xOf "$BATS_TEST_TMPDIR/t.tar" manifest.json
	contains "$output" '"RepoTags":["localhost/extra:latest","localhost/hello:latest"]'
	run_cpod 125 save -q -m --format oci-archive -o "$BATS_TEST_TMPDIR/x.tar" "$HELLO_IMAGE" \
		"$BUSYBOX_IMAGE"
	is "$output" 'Error: unsupported format "oci-archive" for saving multiple images \(only docker-archive\)'

	use_empty_store "$BATS_TEST_TMPDIR/second"
	run_cpod load -q -i "$BATS_TEST_TMPDIR/m.tar"
	is "$output" "Loaded image: localhost/hello:latest
Loaded image: localhost/busybox:latest"
}

@test "an image saved by ID loads untagged" {
	local id
	id=$(image_id "$HELLO_IMAGE")
	run_cpod save -q -o "$BATS_TEST_TMPDIR/id.tar" "${id:0:12}"
	use_empty_store "$BATS_TEST_TMPDIR/second"
	run_cpod load -q -i "$BATS_TEST_TMPDIR/id.tar"
	is "$output" "Loaded image: sha256:$id"
}

@test "save refuses bad arguments" {
	run_cpod 125 save -q -o "$BATS_TEST_TMPDIR/x.tar" --format bogus "$HELLO_IMAGE"
	is "$output" 'Error: unknown format option "bogus"'
	run_cpod 125 save -q --compress -o "$BATS_TEST_TMPDIR/x.tar" "$HELLO_IMAGE"
	is "$output" "Error: --compress can only be set when --format is either 'oci-dir' or 'docker-dir'"
	run_cpod 125 save -q -o "$BATS_TEST_TMPDIR/x.tar" localhost/nosuch
	contains "$output" "localhost/nosuch"
}

@test "load refuses hostile or broken archives and leaves nothing behind" {
	use_empty_store "$BATS_TEST_TMPDIR/second"
	local d=$BATS_TEST_TMPDIR/evil
	mkdir -p "$d/sub"
	echo hi >"$d/sub/x"
	tar -C "$d" -cf "$BATS_TEST_TMPDIR/evil.tar" --transform 's,^sub/x,../../x,' sub/x
	run_cpod 125 load -i "$BATS_TEST_TMPDIR/evil.tar"
	is "$output" 'Error: invalid archive member name "../../x"'

	echo '[{"Config":"c.json","RepoTags":["a:1"],"Layers":["missing.tar"]}]' >"$d/manifest.json"
	echo '{"rootfs":{"type":"layers","diff_ids":["sha256:0000000000000000000000000000000000000000000000000000000000000000"]}}' >"$d/c.json"
	tar -C "$d" -cf "$BATS_TEST_TMPDIR/missing.tar" manifest.json c.json
	run_cpod 125 load -i "$BATS_TEST_TMPDIR/missing.tar"
	contains "$output" '"missing.tar"'

	tar -C "$d" -cf "$BATS_TEST_TMPDIR/none.tar" c.json
	run_cpod 125 load -i "$BATS_TEST_TMPDIR/none.tar"
	contains "$output" "payload does not match any of the supported image formats"

	run_cpod images -a -q
	is "$output" "" "no image after the failed loads"
}

@test "history" {
	local id
	id=$(image_id "$HELLO_IMAGE")
	run_cpod history "$HELLO_IMAGE"
	is "${lines[0]}" "ID            CREATED +CREATED BY +SIZE +COMMENT"
	is "${lines[1]}" "${id:0:12}  .* ago +/bin/sh -c #\(nop\) ADD file:[0-9a-f]{15}\.\.\.  [0-9.]+ kB +imported from tarball"
	run_cpod history -q "$HELLO_IMAGE"
	is "$output" "${id:0:12}"
	run_cpod history --no-trunc --format '{{.ID}} {{.CreatedBy}}' "$HELLO_IMAGE"
	is "$output" "$id /bin/sh -c #\(nop\) ADD file:[0-9a-f]{64} in /"
	run_cpod history --format json "$HELLO_IMAGE"
	is "$output" "\[\{\"id\":\"$id\",\"created\":\".*\",\"CreatedBy\":\".*\",\"size\":[0-9]+,\"comment\":\"imported from tarball\",\"Created\":\".*\"\}\]"
	run_cpod 125 history localhost/nosuch
}

@test "image tree" {
	local id
	id=$(image_id "$HELLO_IMAGE")
	run_cpod image tree "$HELLO_IMAGE"
	is "${lines[0]}" "Image ID: ${id:0:12}"
	is "${lines[1]}" "Tags:     \[localhost/hello:latest\]"
	is "${lines[3]}" "Image Layers"
	is "${lines[4]}" "└── ID: [0-9a-f]{12} Size: +[0-9.]+kB Top Layer of: \[localhost/hello:latest\]"
}

@test "image prune" {
	run_cpod import -q "$HELLO_TAR"
	local dangling=${output#sha256:}
	run_cpod image prune <<<"n"
	is "$output" "WARNING! This command removes all dangling images.
Are you sure you want to continue\? \[y/N\] " "prune asks first"
	run_cpod image exists "$dangling"
	run_cpod image prune -f
	is "$output" "$dangling" "prune -f removes the dangling image"
	run_cpod image prune -f
	is "$output" "" "nothing left to prune"
	run_cpod image prune -a -f
	is "$(printf '%s\n' "${lines[@]}" | wc -l)" "2" "prune -a removes both images"
	run_cpod images -q
	is "$output" ""
}
