#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
#
# Local images: import, images, image inspect, tag/untag, rmi, image exists, and what
# import does with hostile or interrupted input. Every test gets its own copy of the store
# holding localhost/hello and localhost/busybox (see use_image_store).

load helpers

setup() {
	use_image_store "$BATS_TEST_TMPDIR"
}

# the diff ID of an uncompressed layer tar is its sha256
tar_digest() {
	echo "sha256:$(sha256sum "$1" | cut -d' ' -f1)"
}

# names of all local images, one "repo:tag" a line, sorted
image_names() {
	cpod images --format '{{.Repository}}:{{.Tag}}' | sort
}

@test "import a file, with --change and --message" {
	run_cpod_split import "$HELLO_TAR" localhost/imp1 --change 'CMD ["/hello"]' \
		--message "imported by the tests"
	is "${lines[-1]}" "sha256:[0-9a-f]{64}" "the last line of stdout is the image ID"
	local id=${lines[-1]#sha256:}

	run_cpod image inspect --format '{{.Id}}' localhost/imp1
	is "$output" "$id" "inspect shows the ID import printed"
	run_cpod image inspect --format '{{.Config.Cmd}}' localhost/imp1:latest
	is "$output" "\[/hello\]" "--change CMD"
	run_cpod image inspect --format '{{.Comment}}' imp1
	is "$output" "imported by the tests" "--message is the comment"
	run_cpod image inspect --format '{{.RootFS.Layers}}' imp1
	is "$output" "\[$(tar_digest "$HELLO_TAR")\]" "one layer whose diff ID is the tar's digest"
}

@test "import -q prints only the ID" {
	run_cpod import -q "$HELLO_TAR" localhost/quiet
	is "$output" "sha256:[0-9a-f]{64}" "output of import -q"
}

@test "import from stdin" {
	run_cpod import -q - localhost/fromstdin --change 'CMD ["/hello"]' <"$HELLO_TAR"
	is "$output" "sha256:[0-9a-f]{64}" "import - prints the ID"
	run_cpod image inspect --format '{{.Config.Cmd}} {{.RootFS.Layers}}' localhost/fromstdin
	is "$output" "\[/hello\] \[$(tar_digest "$HELLO_TAR")\]" "config and layer of the stdin import"
}

@test "import without a name makes an untagged image" {
	run_cpod import -q "$HELLO_TAR"
	local id=${output#sha256:}
	run_cpod images --format '{{.ID}} {{.Repository}}:{{.Tag}}' --no-trunc
	is "$output" ".*sha256:$id <none>:<none>.*" "the new image is listed as <none>"
}

@test "import of a missing file" {
	run_cpod 125 import /nonexistent.tar localhost/x
	is "$output" 'Error: .*"?/nonexistent\.tar"?.*no such file or directory' "error names the file"
}

@test "images: table columns" {
	run_cpod images
	is "${lines[0]}" "REPOSITORY +TAG +IMAGE ID +CREATED +SIZE" "header"
	is "${#lines[@]}" 3 "header and two images"
	local hello busybox
	hello=$(grep '^localhost/hello ' <<<"$output") || die "no localhost/hello row"
	busybox=$(grep '^localhost/busybox ' <<<"$output") || die "no localhost/busybox row"
	local created='(Less than a second|[0-9]+ seconds|About a minute|[0-9]+ minutes|About an hour|[0-9]+ hours|[0-9]+ days|[0-9]+ weeks) ago'
	is "$hello" "localhost/hello +latest +[0-9a-f]{12} +$created +[0-9.]+ kB" "hello row"
	is "$busybox" "localhost/busybox +latest +[0-9a-f]{12} +$created +[0-9.]+ MB" "busybox row"

	# every column starts where its header starts (Go's tabwriter, padding 2)
	local h=${lines[0]} col row pos
	for col in TAG "IMAGE ID" CREATED SIZE; do
		pos=${h%%"$col"*}
		pos=${#pos}
		for row in "${lines[@]:1}"; do
			is "${row:pos-2:3}" "  [^ ]" "column $col starts at $pos in '$row'"
		done
	done
}

@test "images: empty store prints the header only" {
	use_empty_store "$BATS_TEST_TMPDIR/empty"
	run_cpod images
	is_literal "$output" "REPOSITORY  TAG         IMAGE ID    CREATED     SIZE" "exact header"
	run_cpod images -q
	is_literal "$output" "" "images -q on an empty store"
}

@test "images -q, --no-trunc" {
	local hello_id busybox_id
	hello_id=$(image_id localhost/hello)
	busybox_id=$(image_id localhost/busybox)

	run_cpod images -q
	is "$(sort <<<"$output")" "$(printf '%s\n' "${hello_id:0:12}" "${busybox_id:0:12}" | sort)" \
		"images -q: short IDs"

	run_cpod tag localhost/hello localhost/hello:second
	run_cpod images -q
	is "${#lines[@]}" 2 "images -q lists an ID once even with two names"

	run_cpod images --no-trunc
	is "$(grep '^localhost/hello  *latest' <<<"$output")" \
		"localhost/hello +latest +sha256:$hello_id +.+" "--no-trunc shows sha256:ID"
	run_cpod images -q --no-trunc
	contains "$output" "sha256:$busybox_id" "-q --no-trunc"
}

@test "images --format" {
	run_cpod images --format '{{.Repository}}:{{.Tag}}'
	is "$(sort <<<"$output")" $'localhost/busybox:latest\nlocalhost/hello:latest' "repo:tag"

	run_cpod images --format '{{.ID}}|{{.Repository}}'
	is "$(sort -t'|' -k2 <<<"$output")" "[0-9a-f]{12}\|localhost/busybox"$'\n'"[0-9a-f]{12}\|localhost/hello" \
		"{{.ID}} is the short ID"

	run_cpod images --format json
	jq -e . <<<"$output" >/dev/null || die "images --format json is not JSON: $output"
	is "$(jq length <<<"$output")" 2 "two images"
	is "$(jq -r '[.[].Names[]] | sort | join(",")' <<<"$output")" \
		"localhost/busybox:latest,localhost/hello:latest" "Names"
	is "$(jq -r '.[] | select(.Names[0] == "localhost/hello:latest") | .Id' <<<"$output")" \
		"$(image_id localhost/hello)" "Id is the full ID"
	is "$(jq -r '.[0] | [.Size, .Created] | map(type) | join(",")' <<<"$output")" \
		"number,number" "Size and Created are numbers"
}

@test "images --filter reference= and a positional name" {
	run_cpod images --format '{{.Repository}}:{{.Tag}}' --filter reference=localhost/hello
	is "$output" "localhost/hello:latest" "reference=localhost/hello"
	run_cpod images --format '{{.Repository}}:{{.Tag}}' --filter reference=busybox
	is "$output" "localhost/busybox:latest" "reference=busybox (short name)"
	run_cpod images --format '{{.Repository}}' --filter 'reference=*box'
	is "$output" "localhost/busybox" "reference with a wildcard"
	run_cpod images --format '{{.Repository}}' --filter reference=nomatch
	is "$output" "" "no match"
	run_cpod images --format '{{.Repository}}' localhost/hello
	is "$output" "localhost/hello" "positional argument"
	run_cpod 125 images --filter bogus=x
	is "$output" 'Error: unsupported image filter "bogus"' "unknown filter"
}

@test "image inspect" {
	run_cpod image inspect localhost/hello
	jq -e . <<<"$output" >/dev/null || die "not JSON: $output"
	is "$(jq length <<<"$output")" 1 "an array of one"
	is "$(jq -r '.[0].Id' <<<"$output")" "[0-9a-f]{64}" ".Id"
	is "$(jq -r '.[0].RepoTags | join(",")' <<<"$output")" "localhost/hello:latest" ".RepoTags"
	is "$(jq -r '.[0].Config.Cmd | join(",")' <<<"$output")" "/hello" ".Config.Cmd"
	is "$(jq -r '.[0].Os + "/" + .[0].Architecture' <<<"$output")" "linux/(amd64|arm64)" "Os/Architecture"
	is "$(jq -r '.[0].RootFS.Type' <<<"$output")" "layers" ".RootFS.Type"
	is "$(jq -r '.[0].RootFS.Layers[0]' <<<"$output")" "$(tar_digest "$HELLO_TAR")" ".RootFS.Layers"
	is "$(jq -r '.[0].Size | type' <<<"$output")" "number" ".Size"

	run_cpod image inspect --format '{{.Config.Cmd}}' localhost/busybox
	is "$output" "\[sh\]" "--format {{.Config.Cmd}}"

	local id
	id=$(image_id localhost/hello)
	run_cpod image inspect --format '{{.Id}}' "${id:0:12}"
	is "$output" "$id" "inspect by short ID"

	run_cpod image inspect --format '{{.Id}}' localhost/hello localhost/busybox
	is "${#lines[@]}" 2 "two images, one line each"
}

@test "image inspect of a missing image" {
	run_cpod_split 125 image inspect nope
	is "$output" "\[\]" "stdout"
	is "$stderr" "Error: inspecting object: nope: image not known" "stderr"
}

@test "tag and untag" {
	local id
	id=$(image_id localhost/hello)
	run_cpod tag localhost/hello hello:v1 myreg.io/x/hello:v2
	is "$output" "" "tag prints nothing"
	run_cpod images --format '{{.Repository}}:{{.Tag}} {{.ID}}' --filter reference=*hello*
	is "$(sort <<<"$output")" "localhost/hello:latest ${id:0:12}"$'\n'"localhost/hello:v1 ${id:0:12}"$'\n'"myreg.io/x/hello:v2 ${id:0:12}" \
		"three names on one image"
	run_cpod image inspect --format '{{.Id}}' myreg.io/x/hello:v2
	is "$output" "$id" "inspect by a new name"

	run_cpod untag localhost/hello hello:v1
	is "$output" "" "untag prints nothing"
	run_cpod 1 image exists hello:v1
	run_cpod image exists myreg.io/x/hello:v2

	run_cpod 125 untag localhost/hello other:tag
	is "$output" "Error: localhost/other:tag: tag not known" "untag of a name the image lacks"

	run_cpod untag "$id"
	run_cpod images --format '{{.ID}} {{.Repository}}:{{.Tag}}'
	contains "$output" "${id:0:12} <none>:<none>" "untag without names removes them all"

	run_cpod 125 tag nope x
	is "$output" "Error: nope: image not known" "tag a missing image"
	run_cpod 125 tag localhost/busybox
	is "$output" "Error: requires at least 2 arg\(s\), only received 1" "tag without a new name"
}

@test "rmi by name, by ID, -f" {
	local hello busybox
	hello=$(image_id localhost/hello)
	busybox=$(image_id localhost/busybox)

	run_cpod rmi localhost/hello
	is "$output" "Untagged: localhost/hello:latest"$'\n'"Deleted: $hello" "rmi by name"
	run_cpod 1 image exists localhost/hello

	run_cpod tag localhost/busybox bb:1
	run_cpod rmi bb:1
	is "$output" "Untagged: localhost/bb:1" "rmi of one of two names only untags"
	run_cpod image exists localhost/busybox

	run_cpod tag localhost/busybox bb:2
	run_cpod 125 rmi "${busybox:0:12}"
	is "$output" "Error: unable to delete image \"$busybox\" by ID with more than one tag \(\[localhost/busybox:latest localhost/bb:2\]\): please force removal" \
		"rmi by ID of an image with two names (names in the order they were given)"
	run_cpod rmi -f "${busybox:0:12}"
	is "$(sort <<<"$output")" "Deleted: $busybox"$'\n'"Untagged: localhost/bb:2"$'\n'"Untagged: localhost/busybox:latest" \
		"rmi -f by ID"
	run_cpod images -q
	is "$output" "" "no image left"
}

@test "rmi of missing images" {
	run_cpod 1 rmi nope
	is "$output" "Error: nope: image not known" "one missing image"

	run_cpod 1 rmi nope nope2
	is "$output" "Error: 2 errors occurred:"$'\n'$'\t'"\* nope: image not known"$'\n'$'\t'"\* nope2: image not known" \
		"two missing images"

	run_cpod rmi -f nope
	is "$output" "" "rmi -f of a missing image"
}

@test "rmi of several images keeps going after a failure" {
	local hello busybox
	hello=$(image_id localhost/hello)
	busybox=$(image_id localhost/busybox)
	run_cpod 1 rmi localhost/hello nope localhost/busybox
	contains "$output" "Deleted: $hello" "hello deleted"
	contains "$output" "Deleted: $busybox" "busybox deleted"
	is "${lines[-1]}" "Error: nope: image not known" "the error comes last"
	run_cpod images -q
	is "$output" "" "both removed"
}

@test "image exists" {
	run_cpod image exists localhost/hello
	is "$output" "" "no output when it exists"
	run_cpod image exists hello
	run_cpod image exists "$(image_id localhost/busybox)"
	run_cpod 1 image exists nope
	is "$output" "" "no output when it does not"
	run_cpod 1 image exists localhost/hello:nosuchtag
}

@test "bad references" {
	run_cpod 125 tag localhost/hello 'foo::bar'
	contains "$output" "invalid reference format" "tag foo::bar"
	run_cpod 125 tag localhost/hello 'Bad/UPPER'
	contains "$output" "repository name must be lowercase" "tag Bad/UPPER"
	run_cpod 125 import -q "$HELLO_TAR" 'foo::bar'
	contains "$output" "invalid reference format" "import to foo::bar"
	run_cpod 125 rmi 'foo::bar'
	is "$output" "Error: invalid reference format" "rmi foo::bar"
	run_cpod 125 image inspect 'foo::bar'
	contains "$output" "invalid reference format" "inspect foo::bar"
	run_cpod 125 image exists 'foo::bar'
	is "$output" "Error: invalid reference format" "exists foo::bar"
	# podman 4.3 leaves an untagged image behind after `import FILE foo::bar`; cpod must not
	run_cpod images -q
	is "${#lines[@]}" 2 "nothing was added"
}

# --- hostile and interrupted imports -------------------------------------------------------

# make_tar_py OUT PYTHON-STATEMENTS: build a tar with python's tarfile (t is the archive,
# add(name, data=b"", **attrs) adds a member).
make_tar_py() {
	local out=$1 body=$2
	python3 - "$out" <<PY
import io, sys, tarfile
t = tarfile.open(sys.argv[1], "w", format=tarfile.GNU_FORMAT)
def add(name, data=b"", **attrs):
    i = tarfile.TarInfo(name)
    i.size = len(data)
    for k, v in attrs.items():
        setattr(i, k, v)
    t.addfile(i, io.BytesIO(data) if data else None)
$body
t.close()
PY
}

# only stdout: the first command after an interrupted write may warn about what it repairs
assert_no_new_image() {
	run_cpod_split images --format '{{.Repository}}:{{.Tag}}'
	is "$(sort <<<"$output")" $'localhost/busybox:latest\nlocalhost/hello:latest' \
		"only the two original images ($1)"
	run_cpod 1 image exists "$2"
}

@test "import of a truncated tar fails and leaves nothing" {
	head -c 100000 "$BUSYBOX_TAR" >"$BATS_TEST_TMPDIR/trunc.tar"
	run_cpod 125 import -q "$BATS_TEST_TMPDIR/trunc.tar" localhost/trunc
	is "${lines[-1]}" "Error: .+" "an error is reported"
	assert_no_new_image "truncated tar" localhost/trunc

	head -c 5000 /dev/urandom >"$BATS_TEST_TMPDIR/garbage.tar"
	run_cpod 125 import -q "$BATS_TEST_TMPDIR/garbage.tar" localhost/garbage
	is "${lines[-1]}" "Error: .+" "garbage is refused"
	assert_no_new_image "garbage" localhost/garbage

	run_cpod import -q "$HELLO_TAR" localhost/after
	is "$output" "sha256:[0-9a-f]{64}" "a good import still works"
}

# podman 4.3 silently clamps "../" entries to the layer root and imports the image; cpod
# refuses such a tar (DESIGN.md §5, storage/tar-apply.h).
@test "import of a tar escaping with ../ fails, writes nothing outside" {
	local victim=$BATS_TEST_TMPDIR/victim
	mkdir -p "$victim"
	local up=../../../../../../../../../../../..
	make_tar_py "$BATS_TEST_TMPDIR/evil.tar" "
add('ok', b'fine\n')
add('$up$victim/dotdot', b'pwned\n')
add('a/../../escape-$$', b'pwned\n')"
	run_cpod 125 import -q "$BATS_TEST_TMPDIR/evil.tar" localhost/evil
	is "${lines[-1]}" "Error: .+" "the escape is reported"
	contains "$output" ".." "the error names the offending entry"
	is "$(ls -A "$victim")" "" "nothing written in the victim directory"
	[[ ! -e $CPOD_TEST_ROOT/../escape-$$ && ! -e $BATS_TEST_TMPDIR/escape-$$ ]] ||
		die "an entry escaped the layer"
	assert_no_new_image "../ escape" localhost/evil
}

@test "import of a tar with symlinks and hard links pointing out writes nothing outside" {
	local victim=$BATS_TEST_TMPDIR/victim
	mkdir -p "$victim"
	echo original >"$victim/target"
	make_tar_py "$BATS_TEST_TMPDIR/links.tar" "
add('abs', type=tarfile.SYMTYPE, linkname='$victim')
add('abs/pwned', b'pwned\n')
add('rel', type=tarfile.SYMTYPE, linkname='../../../../../../../../..$victim')
add('rel/pwned2', b'pwned\n')
add('hard', type=tarfile.LNKTYPE, linkname='$victim/target')
add('abs/target', b'overwritten\n')"
	run_cpod '?' import -q "$BATS_TEST_TMPDIR/links.tar" localhost/links
	is "$(ls -A "$victim")" "target" "no new file in the victim directory"
	is "$(cat "$victim/target")" "original" "the victim file is untouched"
	if [[ $status != 0 ]]; then
		is "$status" 125 "a refusal is exit code 125"
		assert_no_new_image "link escape refused" localhost/links
	fi
}

@test "kill -9 during an import leaves no half image" {
	mkfifo "$BATS_TEST_TMPDIR/fifo"
	# feed part of a tar, then stall: cpod is certainly in the middle of the import
	(
		head -c 1500000 "$BUSYBOX_TAR"
		exec sleep 60
	) >"$BATS_TEST_TMPDIR/fifo" 2>/dev/null 3>&- &
	local feeder=$!
	"$CPOD_BIN" --root "$CPOD_TEST_ROOT" --runroot "$CPOD_TEST_RUNROOT" \
		import -q - localhost/killed <"$BATS_TEST_TMPDIR/fifo" >"$BATS_TEST_TMPDIR/out" 2>&1 3>&- &
	local pid=$!
	sleep 1.5
	if ! kill -0 "$pid" 2>/dev/null; then
		kill "$feeder" 2>/dev/null || true
		die "cpod import exited before the input ended: $(cat "$BATS_TEST_TMPDIR/out")"
	fi
	kill -9 "$pid"
	wait "$pid" || true
	kill "$feeder" 2>/dev/null || true
	wait "$feeder" 2>/dev/null || true

	assert_no_new_image "after kill -9" localhost/killed
	run_cpod import -q "$BUSYBOX_TAR" localhost/killed
	is "$output" "sha256:[0-9a-f]{64}" "the next import works"
	run_cpod image inspect --format '{{.RootFS.Layers}}' localhost/killed
	is "$output" "\[$(tar_digest "$BUSYBOX_TAR")\]" "and has the whole layer"
}
