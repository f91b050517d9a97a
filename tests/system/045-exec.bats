#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
#
# cpod exec and cpod attach: exit codes of the exec'd process, its environment, user,
# capabilities, terminal, detached sessions, detach keys, several attach clients.
# Messages and exit codes checked against Podman 4.3.

load helpers
load ctr-helpers

setup_file() {
	use_image_store
}

teardown() {
	ctr_cleanup
}

start_ctr() {
	run_cpod run -d --name "$1" --network none "${@:2}" $BUSYBOX_IMAGE sleep 1000
}

@test "exec: the process's output and exit codes 0, 3, 126, 127" {
	start_ctr ex1
	run_cpod exec ex1 echo hello
	is "$output" "hello"
	run_cpod 3 exec ex1 sh -c 'exit 3'
	run_cpod 127 exec ex1 /no/such/cmd
	contains "$output" "Error: " "an error is printed"
	contains "$output" "not found" "not found is the cause"
	run_cpod 126 exec ex1 /etc
	contains "$output" "Error: " "an error is printed"
	run_cpod 2 exec ex1 $TESTPROG exit 2
}

@test "exec into a stopped container fails as Podman's" {
	run_cpod create --name ex2 --network none $BUSYBOX_IMAGE true
	run_cpod 125 exec ex2 true
	is "$output" "Error: can only create exec sessions on running containers: container state improper"
	run_cpod 125 exec nosuchctr true
	contains "$output" "no such container"
	start_ctr ex2b
	run_cpod 125 exec ex2b
	contains "$output" "must provide a non-empty command"
}

@test "exec: environment merged with -e and --env-file, workdir, user" {
	start_ctr ex3 -e FROMCTR=c -e OVER=ctr
	printf '# comment\nFROMFILE=f\n\nOVER=file\n' >"$BATS_TEST_TMPDIR/env"
	run_cpod exec -e OVER=flag --env-file "$BATS_TEST_TMPDIR/env" ex3 \
		sh -c 'echo $FROMCTR $FROMFILE $OVER'
	is "$output" "c f flag" "container env, file, then -e wins"
	run_cpod exec -w /tmp ex3 pwd
	is "$output" "/tmp"
	run_cpod exec ex3 pwd
	is "$output" "/" "the container's workdir by default"
	run_cpod exec -u nobody ex3 id -u
	is "$output" "65534"
	run_cpod exec -u 1234:5678 ex3 sh -c 'id -u; id -g'
	is "$output" "1234
5678"
	run_cpod 125 exec -u nosuchuser ex3 true
	contains "$output" "unable to find user nosuchuser"
}

@test "exec: capabilities as the container's, none for other users, all with --privileged" {
	start_ctr ex4
	run_cpod exec ex4 sh -c 'grep CapEff /proc/self/status'
	local ctr_caps=${output##*:}
	isnt "$ctr_caps" "[[:space:]]*0+" "root has the container's capabilities"
	run_cpod exec -u nobody ex4 sh -c 'grep CapEff /proc/self/status'
	is "${output##*:}" "[[:space:]]*0+" "another user has none"
	run_cpod exec --privileged ex4 sh -c 'grep CapBnd /proc/self/status'
	local priv=${output##*:}
	run_cpod exec ex4 sh -c 'grep CapBnd /proc/self/status'
	isnt "$priv" "${output##*:}" "--privileged widens the bounding set"
	run_cpod exec ex4 sh -c 'grep NoNewPrivs /proc/self/status'
	contains "$output" "NoNewPrivs"
}

@test "exec -i relays stdin; without -i the process gets no input" {
	start_ctr ex5
	run bash -c "printf 'line1\nline2\n' | $(printf '%q ' "$CPOD_BIN") --root '$CPOD_TEST_ROOT' --runroot '$CPOD_TEST_RUNROOT' --runtime '$CPOD_TEST_RUNTIME' exec -i ex5 cat"
	is "$output" "line1
line2"
	run bash -c "echo data | $(printf '%q ' "$CPOD_BIN") --root '$CPOD_TEST_ROOT' --runroot '$CPOD_TEST_RUNROOT' --runtime '$CPOD_TEST_RUNTIME' exec ex5 cat"
	is "$output" "" "stdin not attached without -i"
}

@test "exec --preserve-fds passes the caller's fds" {
	start_ctr ex6
	echo "from fd 3" >"$BATS_TEST_TMPDIR/fd3"
	run bash -c "$(printf '%q ' "$CPOD_BIN") --root '$CPOD_TEST_ROOT' --runroot '$CPOD_TEST_RUNROOT' --runtime '$CPOD_TEST_RUNTIME' exec --preserve-fds 1 ex6 cat /proc/self/fd/3 3<'$BATS_TEST_TMPDIR/fd3'"
	is "$output" "from fd 3"
}

@test "exec -d prints the session ID, the process runs, inspect lists it" {
	start_ctr ex7
	run_cpod exec -d ex7 sleep 123
	is "$output" "[0-9a-f]{64}" "session ID"
	local sid=$output
	run_cpod exec ex7 ps
	contains "$output" "sleep 123" "the detached process runs"
	run_cpod inspect --format '{{.ExecIDs}}' ex7
	contains "$output" "$sid" "ExecIDs lists the session"
	run_cpod exec ex7 true
	run_cpod inspect --format '{{len .ExecIDs}}' ex7
	is "$output" "1" "a finished attached session is not kept"
	run_cpod stop -t 0 ex7
	run_cpod inspect --format '{{len .ExecIDs}}' ex7
	is "$output" "0" "no sessions while stopped"
	run_cpod start ex7
	run_cpod inspect --format '{{len .ExecIDs}}' ex7
	is "$output" "0" "sessions of the previous run are gone"
}

@test "exec -t under a pty: a terminal, its size, and a resize" {
	command -v python3 >/dev/null || skip "python3 is not installed"
	start_ctr ex8
	run python3 - "$CPOD_BIN" "$CPOD_TEST_ROOT" "$CPOD_TEST_RUNROOT" "$CPOD_TEST_RUNTIME" <<'PY'
import fcntl, os, pty, select, struct, sys, termios, time
cpod, root, runroot, rt = sys.argv[1:5]
pid, fd = pty.fork()
if pid == 0:
    os.execv(cpod, [cpod, "--root", root, "--runroot", runroot, "--runtime", rt, "exec",
                    "-it", "ex8", "sh"])
fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 31, 101, 0, 0))
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
ok1 = read_until(b"31 101")
fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 42, 123, 0, 0))
os.kill(pid, 28)
time.sleep(0.5)
os.write(fd, b"stty size\n")
ok2 = read_until(b"42 123")
os.write(fd, b"exit 4\n")
read_until(b"nothing", 3)
_, status = os.waitpid(pid, 0)
print("TTY_OK" if b"/dev/pts/" in out else "TTY_MISSING")
print("SIZE1_OK" if ok1 else "SIZE1_BAD")
print("SIZE2_OK" if ok2 else "SIZE2_BAD")
print("EXIT=%d" % os.waitstatus_to_exitcode(status))
PY
	echo "$output"
	contains "$output" "TTY_OK"
	contains "$output" "SIZE1_OK"
	contains "$output" "SIZE2_OK"
	contains "$output" "EXIT=4" "the shell's exit code"
}

@test "exec detach keys leave the session running" {
	start_ctr ex9
	local c
	c="$(printf '%q ' "$CPOD_BIN") --root '$CPOD_TEST_ROOT' --runroot '$CPOD_TEST_RUNROOT' --runtime '$CPOD_TEST_RUNTIME'"
	# ctrl-a then "x" (0x01 0x78) detaches; cat would otherwise run for ever
	run timeout 20 bash -c "(printf 'before\n'; sleep 1; printf '\001x') | $c exec -i --detach-keys ctrl-a,x ex9 sh -c 'cat; sleep 100'"
	is "$status" "0" "detaching exits 0"
	contains "$output" "before" "input before the keys got through"
	run_cpod inspect --format '{{len .ExecIDs}}' ex9
	is "$output" "1" "the detached session is still listed"
	run_cpod 125 exec --detach-keys ctrl-1 -i ex9 true
	contains "$output" "invalid detach keys"
}

@test "exec into a container that exits meanwhile ends with a clear status" {
	run_cpod run -d --name ex10 --network none $BUSYBOX_IMAGE sleep 2
	run_cpod '?' exec ex10 sleep 30
	isnt "$status" "0" "the exec does not succeed"
	run_cpod 125 exec ex10 true
	contains "$output" "container state improper"
}

@test "attach: output, two clients at once, detach keys, not running" {
	run_cpod run -d --name at1 --network none $BUSYBOX_IMAGE \
		sh -c 'i=0; while [ $i -lt 40 ]; do echo tick$i; i=$((i+1)); sleep 0.25; done'
	local c
	c="$(printf '%q ' "$CPOD_BIN") --root '$CPOD_TEST_ROOT' --runroot '$CPOD_TEST_RUNROOT' --runtime '$CPOD_TEST_RUNTIME'"
	timeout 30 bash -c "$c attach --no-stdin at1 >'$BATS_TEST_TMPDIR/a1' 2>&1" &
	local p1=$!
	timeout 30 bash -c "$c attach --no-stdin at1 >'$BATS_TEST_TMPDIR/a2' 2>&1" &
	local p2=$!
	wait $p1
	local s1=$?
	wait $p2
	local s2=$?
	is "$s1 $s2" "0 0" "both clients end with the container's exit code"
	grep -q tick39 "$BATS_TEST_TMPDIR/a1"
	grep -q tick39 "$BATS_TEST_TMPDIR/a2"
	run_cpod 125 attach at1
	is "$output" "Error: you can only attach to running containers"

	# with -t the container keeps its terminal when a client leaves (without -t, conmon
	# closes the container's stdin when the attach socket closes, as for Podman)
	run_cpod run -d -t --name at2 --network none $BUSYBOX_IMAGE cat
	run timeout 20 bash -c "(printf 'echo-me\n'; sleep 1; printf '\001x') | $c attach --detach-keys ctrl-a,x at2"
	is "$status" "0"
	contains "$output" "echo-me" "stdin reached the container and came back"
	sleep 1
	run_cpod inspect --format '{{.State.Status}}' at2
	is "$output" "running" "detaching leaves it running"
}
