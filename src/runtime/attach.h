/* SPDX-License-Identifier: Apache-2.0 */
#ifndef CPOD_RUNTIME_ATTACH_H
#define CPOD_RUNTIME_ATTACH_H

/*
 * The attach client for conmon's attach socket (libpod/oci_conmon_attach_common.go).
 *
 * Protocol: <bundle>/attach is a SOCK_SEQPACKET unix socket (conmon --full-attach). Every
 * message from conmon is one byte naming the stream (2 stdout, 3 stderr; conmon's
 * stdpipe_t) followed by up to 8192 bytes of output. What the client writes is the
 * container's stdin, raw (conmon reads at most 32 KiB per message). Shutting down the
 * client's write side tells conmon stdin ended (it closes the container's stdin unless
 * --leave-stdin-open). <bundle>/ctl is a fifo taking "<type> <height> <width>\n" lines:
 * type 1 resizes the terminal, type 2 reopens the log file.
 *
 * Detach keys use Podman's (moby/term ToBytes) syntax: comma-separated keys, each a single
 * character or "ctrl-<c>" with c in a-z @ [ \ ] ^ _ (lowercase); default "ctrl-p,ctrl-q";
 * "" disables detaching. cpod matches the sequence across reads, so it also works when the
 * input is a pipe (Podman only matches keys that arrive one read at a time, as from a raw
 * terminal).
 */
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "util/error.h"

#define ATTACH_DEFAULT_DETACH_KEYS "ctrl-p,ctrl-q"
#define ATTACH_DETACH_KEYS_MAX     32

/* conmon's stdpipe_t values as stream prefixes */
enum {
	ATTACH_PIPE_STDIN = 1,
	ATTACH_PIPE_STDOUT = 2,
	ATTACH_PIPE_STDERR = 3,
};

struct attach_detach_keys {
	unsigned char seq[ATTACH_DETACH_KEYS_MAX];
	size_t len; /* 0: detaching disabled */
};

/*
 * Parse a detach key specification (NULL: the default). Errors: EINVAL with Podman's text,
 * "invalid detach keys: Unknown character: 'ctrl-1'", or a sequence that is too long.
 */
int attach_parse_detach_keys(const char *spec, struct attach_detach_keys *ret,
                             struct cpod_error **err);

/* Incremental detach-key matching over a byte stream. */
struct attach_detach_matcher {
	const struct attach_detach_keys *keys; /* borrowed */
	size_t matched;                        /* bytes of the sequence seen so far (held back) */
};

/*
 * Feed in (len bytes); the bytes to forward are written to out (room for len +
 * ATTACH_DETACH_KEYS_MAX bytes) and counted in *ret_out_len. Returns true when the whole
 * sequence was seen: the caller detaches, and bytes after the sequence are dropped. Bytes
 * that may start the sequence are held back until the next call or
 * attach_detach_matcher_flush().
 */
bool attach_detach_matcher_feed(struct attach_detach_matcher *m, const unsigned char *in,
                                size_t len, unsigned char *out, size_t *ret_out_len);

/* At end of input: the held-back bytes (written to out, at most ATTACH_DETACH_KEYS_MAX). */
size_t attach_detach_matcher_flush(struct attach_detach_matcher *m, unsigned char *out);

/*
 * Connect to a unix socket at path. Paths longer than sun_path are reached through
 * /proc/self/fd/N/<name> of an O_PATH fd of the directory. *ret_fd is owned (close()).
 * Errors: errno of socket/connect, with Podman's "failed to connect to container's attach
 * socket: PATH" context.
 */
int attach_connect(const char *path, int *ret_fd, struct cpod_error **err);

/*
 * Write "1 <rows> <cols>\n" to the ctl fifo (opened non-blocking, so this never hangs when
 * conmon is gone). Errors: errno of open/write.
 */
int attach_resize(const char *ctl_path, unsigned rows, unsigned cols, struct cpod_error **err);

struct attach_opts {
	const char *socket_path; /* required: <bundle>/attach */
	const char *ctl_path;    /* <bundle>/ctl, for terminal resizes; NULL: none */
	int in_fd;               /* stdin to relay; -1: none */
	int out_fd;              /* container stdout goes here; -1: dropped */
	int err_fd;              /* container stderr; -1: dropped */
	const char *detach_keys; /* NULL: ATTACH_DEFAULT_DETACH_KEYS; "": none */
	bool terminal;           /* the container has a tty: raw mode and resizes when in_fd is
	                            a terminal (restored on return) */
	/*
	 * Attach-before-start (`run -a`, `start -a`): called once connected, before relaying,
	 * so that no output is lost. Returns 0 or a negative error with *err set.
	 */
	int (*start)(void *userdata, struct cpod_error **err);
	void *userdata;
};

/*
 * Connect and relay until the container's output ends (conmon closes the socket when the
 * container exits) or the user types the detach keys. *ret_detached (may be NULL) says
 * which. When in_fd reaches EOF, conmon is told stdin ended and output is still relayed.
 * Errors: those of attach_connect, of start(), EINVAL for bad detach keys, errno of I/O.
 */
int attach_run(const struct attach_opts *o, bool *ret_detached, struct cpod_error **err);

/*
 * Signal proxying for an attached container (`run --sig-proxy`, the default with a
 * terminal-less attach): every catchable signal but SIGCHLD, SIGPIPE, SIGURG and SIGWINCH
 * is caught and handed to forward(signo, userdata) on a helper thread (forward typically
 * calls runtime_oci_kill(), or kill() of the container pid). Signal dispositions are
 * process-wide, so only one proxy can run at a time (EBUSY).
 */
struct attach_sig_proxy;
typedef int (*attach_sig_forward_fn)(int signo, void *userdata);

int attach_sig_proxy_start(attach_sig_forward_fn forward, void *userdata,
                           struct attach_sig_proxy **ret, struct cpod_error **err);

/* Restore the previous handlers, stop the helper thread and free p (NULL is fine). */
void attach_sig_proxy_stop(struct attach_sig_proxy *p);

#endif
