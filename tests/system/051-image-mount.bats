#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
#
# --mount type=image,src=IMAGE,dst=/PATH[,rw=true]: the image's files in the container,
# read-only unless rw=true, whose writes never reach the image; looked up when the container
# starts (a missing image fails the start, not the create); nothing left mounted on the host
# after stop, kill -9 or rm -f. Messages and inspect output as podman 4.3.1 prints them.

load helpers
load ctr-helpers

setup_file() {
	use_image_store
}

teardown() {
	ctr_cleanup
}

# The image mounts of container $1 on the host (its userdata/image-volumes/N/merged).
host_image_mounts() {
	grep -c "/containers/$1/userdata/image-volumes/" /proc/self/mountinfo || true
}

@test "image mount: the image's files at the destination, read-only by default" {
	run_cpod run --rm --network none --mount type=image,src=$HELLO_IMAGE,dst=/img \
		$BUSYBOX_IMAGE ls /img
	is "$output" "hello"
	# a short name resolves as for the container's own image
	run_cpod run --rm --network none --mount type=image,source=hello,target=/img \
		$BUSYBOX_IMAGE sh -c 'touch /img/new; echo "rc=$?"; ls /img'
	is "$output" "touch: /img/new: Read-only file system
rc=1
hello"
	run_cpod 1 run --rm --network none --mount type=image,src=busybox,destination=/img,rw=false \
		$BUSYBOX_IMAGE sh -c 'echo x >> /img/etc/passwd'
	is "$output" "sh: can't create /img/etc/passwd: Read-only file system"
}

@test "image mount rw=true: the container writes, the image stays as it was" {
	run_cpod run --rm --network none --mount type=image,src=busybox,dst=/img,rw=true \
		$BUSYBOX_IMAGE sh -c 'echo im051 > /img/etc/im051-new && echo more >> /img/etc/passwd &&
			rm /img/etc/group && cat /img/etc/im051-new && tail -1 /img/etc/passwd'
	is "$output" "im051
more"
	# a second container sees the image unchanged
	run_cpod run --rm --network none --mount type=image,src=busybox,dst=/img \
		$BUSYBOX_IMAGE sh -c 'ls /img/etc/im051-new; cmp /etc/passwd /img/etc/passwd &&
			cmp /etc/group /img/etc/group && echo same'
	is "${lines[-1]}" "same"
	contains "$output" "No such file or directory"
	# and so does the image's own root
	run_cpod run --rm --network none $BUSYBOX_IMAGE sh -c 'ls /etc/im051-new; tail -1 /etc/passwd'
	isnt "$output" ".*more.*"
	run find "$CPOD_TEST_ROOT" -name im051-new
	is "$output" "" "the written file is nowhere in the store after --rm"
}

@test "image mount: inspect shows it as Podman does" {
	run_cpod create --name im051-insp --network none \
		--mount type=image,src=$HELLO_IMAGE,dst=/img \
		--mount type=image,source=busybox,target=/img2,readwrite=true \
		-v /tmp:/hosttmp $BUSYBOX_IMAGE
	run_cpod inspect --format '{{json .Mounts}}' im051-insp
	is_literal "$output" '[{"Type":"image","Source":"localhost/hello:latest","Destination":"/img","Driver":"","Mode":"","Options":null,"RW":false,"Propagation":""},{"Type":"image","Source":"busybox","Destination":"/img2","Driver":"","Mode":"","Options":null,"RW":true,"Propagation":""},{"Type":"bind","Source":"/tmp","Destination":"/hosttmp","Driver":"","Mode":"","Options":["rbind"],"RW":true,"Propagation":"rprivate"}]'
	run_cpod inspect --format '{{json .HostConfig.Binds}}' im051-insp
	is_literal "$output" '["/tmp:/hosttmp:rw,rprivate,rbind"]'
	run_cpod start im051-insp
	run_cpod rm -f -t 0 im051-insp
}

@test "image mount of a missing image: the create works, the start fails as in Podman" {
	run_cpod create --name im051-miss --network none \
		--mount type=image,src=localhost/im051-nosuch,dst=/img $BUSYBOX_IMAGE true
	run_cpod 125 start im051-miss
	is "$output" "Error: unable to start container \"[0-9a-f]{64}\": creating image volume \"localhost/im051-nosuch\":\"/img\": localhost/im051-nosuch: image not known"
	run_cpod inspect --format '{{.State.Status}}' im051-miss
	isnt "$output" "running"
	run_cpod rm im051-miss
	# run exits 126 for a failed start, as Podman's define.ExitCode()
	run_cpod 126 run --rm --network none --mount type=image,src=im051-nosuch,dst=/img \
		$BUSYBOX_IMAGE true
	is "$output" "Error: creating image volume \"im051-nosuch\":\"/img\": im051-nosuch: image not known"
	run_cpod ps -a -q
	is "$output" "" "run --rm left no container"
}

@test "image mount: nothing left mounted on the host after stop, kill -9 and rm -f" {
	run_cpod run -d --name im051-life --network none \
		--mount type=image,src=$HELLO_IMAGE,dst=/img \
		--mount type=image,src=busybox,dst=/img2,rw=true $BUSYBOX_IMAGE sleep 100
	local cid=$output
	is "$(host_image_mounts "$cid")" 2 "both image mounts are in place while it runs"
	run_cpod exec im051-life sh -c 'ls /img; echo w > /img2/w; cat /img2/w'
	is "$output" "hello
w"
	run_cpod stop -t 0 im051-life
	is "$(host_image_mounts "$cid")" 0 "unmounted by stop"
	# like Podman's fresh upper directory at every start, the writes of a run are gone
	run_cpod start im051-life
	is "$(host_image_mounts "$cid")" 2
	run_cpod 1 exec im051-life ls /img2/w
	run_cpod kill -s KILL im051-life
	wait_for_state im051-life exited
	is "$(host_image_mounts "$cid")" 0 "unmounted by the cleanup after kill -9"
	run_cpod start im051-life
	is "$(host_image_mounts "$cid")" 2
	run_cpod rm -f -t 0 im051-life
	is "$(host_image_mounts "$cid")" 0 "unmounted by rm -f"
	run ls "$CPOD_TEST_ROOT/containers/$cid"
	is "$status" 2 "the container's directory is gone"
}

@test "image mount of an image removed later: rmi works, the next start says why it fails" {
	# the same layer as hello, another image ID: rmi really deletes it
	run_cpod import -q --change 'CMD ["/hello", "im051"]' "$HELLO_TAR" localhost/im051-gone
	run_cpod run -d --name im051-gone --network none \
		--mount type=image,src=localhost/im051-gone,dst=/img $BUSYBOX_IMAGE sleep 100
	local cid=$output
	run_cpod rmi localhost/im051-gone
	contains "$output" "Untagged: localhost/im051-gone:latest"
	run_cpod stop -t 0 im051-gone
	is "$(host_image_mounts "$cid")" 0
	run_cpod 125 start im051-gone
	is "$output" "Error: unable to start container \"$cid\": creating image volume \"localhost/im051-gone\":\"/img\": localhost/im051-gone: image not known"
	run_cpod rm im051-gone
	is "$output" "im051-gone"
	run_cpod run --rm --network none $HELLO_IMAGE
	contains "$output" "Hello"
}

@test "image mount: duplicate destinations and bad keys refused with Podman's messages" {
	local img=localhost/im051-nosuch
	run_cpod 125 create --mount type=image,src=$img,dst=/i,foo=bar $BUSYBOX_IMAGE
	is "$output" "Error: foo: invalid mount option"
	run_cpod 125 create --mount type=image,src=$img,dst=/i,ro=true $BUSYBOX_IMAGE
	is "$output" "Error: ro: invalid mount option"
	run_cpod 125 create --mount type=image,src=$img,dst=/i,readonly $BUSYBOX_IMAGE
	is "$output" "Error: readonly: invalid mount option"
	run_cpod 125 create --mount type=image,src=$img,dst=/i,type=bind $BUSYBOX_IMAGE
	is "$output" "Error: type: invalid mount option"
	run_cpod 125 create --mount type=image,src=$img,dst=/i,rw=yes $BUSYBOX_IMAGE
	is "$output" "Error: invalid rw value \"yes\": invalid mount option"
	run_cpod 125 create --mount type=image,src=$img,dst=/i,readwrite=TRUE $BUSYBOX_IMAGE
	is "$output" "Error: invalid rw value \"TRUE\": invalid mount option"
	run_cpod 125 create --mount type=image,src=$img $BUSYBOX_IMAGE
	is "$output" "Error: must set source and destination for image volume"
	run_cpod 125 create --mount type=image,dst=/i $BUSYBOX_IMAGE
	is "$output" "Error: must set source and destination for image volume"
	run_cpod 125 create --mount type=image,src=,dst=/i $BUSYBOX_IMAGE
	is "$output" "Error: must set source and destination for image volume"
	run_cpod 125 create --mount type=image,src,dst=/i $BUSYBOX_IMAGE
	is "$output" "Error: src: must provide an argument for option"
	run_cpod 125 create --mount type=image,src=$img,dst=i $BUSYBOX_IMAGE
	is "$output" "Error: invalid container path \"i\", must be an absolute path"
	run_cpod 125 create --mount type=image,src=$img,dst= $BUSYBOX_IMAGE
	is "$output" "Error: container directory cannot be empty"
	run_cpod 125 create --mount type=image,src=$img,dst=/i \
		--mount type=image,src=$img,dst=/i $BUSYBOX_IMAGE
	is "$output" "Error: /i: duplicate mount destination"
	run_cpod 125 create --mount type=image,src=$img,dst=/i -v /tmp:/i $BUSYBOX_IMAGE
	is "$output" "Error: /i: duplicate mount destination"
	run_cpod ps -a -q
	is "$output" "" "nothing was created"
	# accepted: consistency (ignored), the last src and dst, rw=false after rw=true
	run_cpod create --name im051-keys \
		--mount type=image,src=x,src=$img,dst=/a,dst=/i,consistency=z,rw=true,rw=false \
		$BUSYBOX_IMAGE
	run_cpod inspect --format '{{range .Mounts}}{{.Source}} {{.Destination}} {{.RW}}{{end}}' \
		im051-keys
	is "$output" "$img /i true"
}
