/* SPDX-License-Identifier: Apache-2.0 */
#ifndef CPOD_RUNTIME_K8S_LOG_H
#define CPOD_RUNTIME_K8S_LOG_H

/*
 * The k8s-file log format conmon writes (one record per line):
 *
 *   2026-11-23T18:17:06.123456789+00:00 stdout F hello
 *   2026-11-23T18:17:06.123456790+00:00 stderr P first part of a long line
 *
 * "F" marks a full line, "P" a partial one (conmon split it, or the container wrote no
 * newline yet); the partial parts of one stream and the next full line of that stream make
 * one logical line. The time is RFC 3339 with nanoseconds and a numeric offset.
 *
 * Printing follows `podman logs` (libpod/logs/log.go): with timestamps each line starts with
 * the time in Go's "2006-01-02T15:04:05.000000000Z07:00" layout ("Z" for offset 0); with
 * several containers the caller passes a prefix (Podman: the first 12 characters of the
 * ID, or the name, followed by a space). Where cpod differs: partial parts are always joined
 * into one line carrying the first part's time (Podman prints each part with its own
 * timestamp, and mixes up the parts with --tail); malformed lines are skipped (logged at
 * debug level) instead of failing the whole command.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/error.h"

enum k8s_stream {
	K8S_STREAM_STDOUT,
	K8S_STREAM_STDERR,
	_K8S_STREAM_MAX,
	_K8S_STREAM_INVALID = -22,
};

struct k8s_log_line {
	int64_t time_ns; /* unix time in nanoseconds */
	int tz_offset;   /* seconds east of UTC, as written */
	enum k8s_stream stream;
	bool partial;
	const char *msg; /* borrowed from the parsed text, not NUL-terminated */
	size_t msg_len;
};

/* Longest line accepted (conmon writes at most 8 KiB of content per record). */
#define K8S_LOG_LINE_MAX (1024 * 1024)

/*
 * Parse one record (without its trailing newline; a final "\n" is tolerated). Returns 0 or
 * -EINVAL for anything malformed (time, stream, tag, missing separators).
 */
int k8s_log_parse_line(const char *line, size_t len, struct k8s_log_line *ret);

/*
 * Parse an RFC 3339 time ("2026-11-23T18:17:06Z", fraction optional up to 9 digits,
 * "Z" or "+hh:mm"). Returns 0 or -EINVAL; *ret_offset may be NULL.
 */
int k8s_log_parse_time(const char *s, size_t len, int64_t *ret_ns, int *ret_offset);

/* Format time in Podman's LogTimeFormat into buf (at least 40 bytes); returns buf. */
char *k8s_log_format_time(int64_t time_ns, int tz_offset, char *buf, size_t size);

/* How to print a log (k8s_log_print). */
struct k8s_log_opts {
	int out_fd;         /* stdout records go here (-1: dropped) */
	int err_fd;         /* stderr records (-1: dropped) */
	bool timestamps;    /* -t */
	int64_t tail;       /* < 0: all; N: the last N logical lines */
	int64_t since_ns;   /* 0: none; else only lines strictly after */
	int64_t until_ns;   /* 0: none; else only lines strictly before */
	const char *prefix; /* printed first on every line; NULL: none */
	bool follow;        /* keep reading while running() says so */
	/* follow: whether the container still runs; NULL means it does not */
	bool (*running)(void *userdata);
	void *userdata;
};

/*
 * Print the log at path as `podman logs` does. With follow, waits for more (inotify, and a
 * check of running() every 250 ms) and returns once the container stopped and the rest
 * was printed. Errors: ENOENT when the file does not exist, errno of read/write.
 */
int k8s_log_print(const char *path, const struct k8s_log_opts *o, struct cpod_error **err);

/*
 * The same for a log already in memory (no follow): data, len bytes. Used by tests and the
 * fuzz target; returns 0 or -errno of write.
 */
int k8s_log_print_buffer(const char *data, size_t len, const struct k8s_log_opts *o);

#endif
