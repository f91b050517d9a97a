#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
#
# cpod run / create / start: output, exit codes, environment and the flags run maps, checked
# against Podman 4.3's behaviour.

load helpers
load ctr-helpers

setup_file() {
	use_image_store
}

teardown() {
	ctr_cleanup
}

@test "run prints the command's output and exits 0" {
	run_cpod run --rm --network none $BUSYBOX_IMAGE $TESTPROG echo hello world
	is "$output" "hello world" "output of the container"
	run_cpod run --rm --network none $HELLO_IMAGE
}

@test "run exit codes: the container's own, 126, 127, 128+n" {
	run_cpod 7 run --rm --network none $BUSYBOX_IMAGE $TESTPROG exit 7
	run_cpod 127 run --rm --network none $BUSYBOX_IMAGE /no/such/file
	contains "$output" "Error: " "error is reported"
	run_cpod 127 run --rm --network none --entrypoint /nope $BUSYBOX_IMAGE
	run_cpod 126 run --rm --network none $BUSYBOX_IMAGE /etc/passwd
	contains "$output" "permission denied" "not executable" || contains "$output" "Permission denied"
}

@test "run killed by a signal from outside exits 128+n" {
	# PID 1 ignores signals it has no handler for: --init makes sleep an ordinary process
	run_cpod run -d --init --name sig1 --network none $BUSYBOX_IMAGE sleep 100
	run_cpod kill -s TERM sig1
	is "$output" "sig1"
	run_cpod wait sig1
	is "$output" "143" "SIGTERM: 128+15"
	run_cpod run -d --name sig2 --network none $BUSYBOX_IMAGE sleep 100
	run_cpod kill sig2
	run_cpod wait sig2
	is "$output" "137" "SIGKILL: 128+9"
}

@test "run -d prints the full ID and the container runs" {
	run_cpod run -d --name bg --network none $BUSYBOX_IMAGE sleep 100
	is "$output" "[0-9a-f]{64}" "full ID"
	local id=$output
	run_cpod inspect --format '{{.State.Status}} {{.Id}} {{.Name}}' bg
	is "$output" "running $id bg"
	run_cpod stop -t 0 bg
	is "$output" "bg"
}

@test "run --rm removes the container, without --rm it stays" {
	run_cpod run --rm --name gone --network none $BUSYBOX_IMAGE true
	run_cpod 1 container exists gone
	run_cpod run --name stays --network none $BUSYBOX_IMAGE true
	run_cpod container exists stays
	run_cpod ps -a --format '{{.Names}} {{.State}}'
	is "$output" "stays Exited \(0\) .* ago"
}

@test "create, then start -a" {
	run_cpod create --name c1 --network none $BUSYBOX_IMAGE $TESTPROG echo created
	is "$output" "[0-9a-f]{64}"
	run_cpod ps -a --format '{{.Names}} {{.Status}}'
	is "$output" "c1 Created"
	run_cpod start -a c1
	is "$output" "created"
	run_cpod 125 create --name c1 --network none $BUSYBOX_IMAGE true
	contains "$output" "Error: " "duplicate name"
	contains "$output" "the container name \"c1\" is already in use by" "podman's message"
}

@test "start several containers prints them as given; start -a with several fails" {
	run_cpod create --name s1 --network none $BUSYBOX_IMAGE sleep 100
	run_cpod create --name s2 --network none $BUSYBOX_IMAGE sleep 100
	run_cpod start s1 s2
	is "$output" "s1"$'\n'"s2"
	run_cpod 125 start -a s1 s2
	is "$output" "Error: you cannot start and attach multiple containers at once"
	run_cpod 125 start
	is "$output" "Error: start requires at least one argument"
}

@test "run -e, --env-file, host passthrough and globs" {
	printf '# comment\n\nFROMFILE=1\nOVER=file\n' >"$BATS_TEST_TMPDIR/env"
	export CPOD_T_ONE=a CPOD_T_TWO=b CPOD_T_PASS=p
	run_cpod run --rm --network none --env-file "$BATS_TEST_TMPDIR/env" -e OVER=flag \
		-e CPOD_T_PASS -e CPOD_NOT_SET -e 'CPOD_T_*' $BUSYBOX_IMAGE $TESTPROG env
	contains "$output" "FROMFILE=1"
	contains "$output" "OVER=flag"
	contains "$output" "CPOD_T_PASS=p"
	contains "$output" "CPOD_T_ONE=a"
	contains "$output" "CPOD_T_TWO=b"
	[[ $output != *CPOD_NOT_SET* ]] || die "unset host variable passed"
	run_cpod 125 run --rm --network none -e =x $BUSYBOX_IMAGE true
	is "$output" 'Error: invalid environment variable: "=x"'
}

@test "run -w, -u, --hostname, --entrypoint JSON and string" {
	run_cpod run --rm --network none -w /tmp $BUSYBOX_IMAGE $TESTPROG pwd
	is "$output" "/tmp"
	run_cpod run --rm --network none -u 1000:1000 $BUSYBOX_IMAGE $TESTPROG id
	is "$output" "uid=1000 gid=1000.*"
	run_cpod run --rm --network none --hostname myhost $BUSYBOX_IMAGE $TESTPROG hostname
	is "$output" "myhost"
	run_cpod run --rm --network none --entrypoint '["'$TESTPROG'","echo"]' $BUSYBOX_IMAGE a b
	is "$output" "a b"
	run_cpod run --rm --network none --entrypoint $TESTPROG $BUSYBOX_IMAGE echo str
	is "$output" "str"
}

@test "labels, annotations, stop signal and timeout show in inspect" {
	printf 'fromfile=yes\nbare\n' >"$BATS_TEST_TMPDIR/labels"
	run_cpod create --name lab --network none -l a=b --label-file "$BATS_TEST_TMPDIR/labels" \
		--annotation x=y --stop-signal SIGUSR1 --stop-timeout 3 $BUSYBOX_IMAGE true
	run_cpod inspect --format '{{.Config.Labels.a}} {{.Config.Labels.fromfile}} {{.Config.StopTimeout}}' lab
	is "$output" "b yes 3"
	run_cpod ps -a --format '{{.Labels}}'
	contains "$output" "a:b"
}

@test "flags of missing features fail clearly only when used" {
	run_cpod 125 run --rm --network none --pod nopod $BUSYBOX_IMAGE true
	is "$output" "Error: --pod is not supported yet"
	# Podman's default values are accepted
	run_cpod run --rm --network none --systemd true --umask 0022 $BUSYBOX_IMAGE true
	run_cpod 125 run --rm --pull always $BUSYBOX_IMAGE true
	contains "$output" "pulling is not available yet"
	run_cpod 125 run --rm --pull bogus $BUSYBOX_IMAGE true
	is "$output" 'Error: unsupported pull policy "bogus"'
	run_cpod 125 run --rm --network none --attach bogus $BUSYBOX_IMAGE true
	contains "$output" 'invalid stream "bogus" for --attach'
	run_cpod 125 run --bogus-flag $BUSYBOX_IMAGE true
	is "$output" "Error: unknown flag: --bogus-flag"$'\n'"See 'cpod run --help'"
}

@test "run --help lists Podman's run flags" {
	run_cpod run --help
	for f in --add-host --cap-add --cpus --detach-keys --env-file --init --memory --publish \
		--read-only --restart --sig-proxy --stop-timeout --tz --ulimit --volume --workdir; do
		contains "$output" " $f " "help lists $f"
	done
}

@test "run: stdin with -i, not without" {
	run cpod run --rm -i --network none $BUSYBOX_IMAGE $TESTPROG cat - <<<"piped"
	is "$output" "piped"
	is "$status" 0
	run_cpod run --rm --network none $BUSYBOX_IMAGE $TESTPROG echo no-stdin </dev/null
	is "$output" "no-stdin"
}

@test "run -a stdout only drops stderr" {
	run_cpod_split run --rm --network none -a stdout $BUSYBOX_IMAGE sh -c 'echo out; echo err >&2'
	is "$output" "out"
	is "$stderr" ""
}

@test "run -t under a pty: a real terminal, and a resize reaches the container" {
	command -v python3 >/dev/null || skip "python3 is not installed"
	run python3 - "$CPOD_BIN" "$CPOD_TEST_ROOT" "$CPOD_TEST_RUNROOT" "$CPOD_TEST_RUNTIME" \
		"$BUSYBOX_IMAGE" <<'PY'
import fcntl, os, pty, select, struct, sys, termios, time
cpod, root, runroot, rt, image = sys.argv[1:6]
pid, fd = pty.fork()
if pid == 0:
    os.execv(cpod, [cpod, "--root", root, "--runroot", runroot, "--runtime", rt, "run", "--rm",
                    "-it", "--network", "none", image, "sh"])
fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 100, 0, 0))
out = b""
def read_until(token, timeout=20):
    global out
    end = time.time() + timeout
    while token not in out and time.time() < end:
        r, _, _ = select.select([fd], [], [], 0.2)
        if r:
            try:
                out += os.read(fd, 4096)
            except OSError:
                break
    return token in out
read_until(b"#")
os.write(fd, b"tty; stty size\n")
ok1 = read_until(b"30 100")
fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
os.kill(pid, 28)  # SIGWINCH, as the terminal would send
time.sleep(0.5)
os.write(fd, b"stty size\n")
ok2 = read_until(b"40 120")
os.write(fd, b"exit 3\n")
read_until(b"nothing", 3)
_, status = os.waitpid(pid, 0)
sys.stdout.write(out.decode(errors="replace").replace("\r", ""))
print("\nTTY_OK" if b"/dev/pts/" in out else "\nTTY_MISSING")
print("SIZE1_OK" if ok1 else "SIZE1_BAD")
print("SIZE2_OK" if ok2 else "SIZE2_BAD")
print("EXIT=%d" % os.waitstatus_to_exitcode(status))
PY
	echo "$output"
	contains "$output" "TTY_OK" "tty prints a /dev/pts device"
	contains "$output" "SIZE1_OK" "initial terminal size"
	contains "$output" "SIZE2_OK" "size after a resize"
	contains "$output" "EXIT=3" "exit code of the shell"
}
