/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The k8s-file log reader (untrusted: the container writes the content, and the file may
 * be damaged): line and time parsing, time formatting round trips, and printing with tail,
 * since/until and timestamps into /dev/null.
 */
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "runtime/attach.h"
#include "runtime/k8s-log.h"
#include "util/cleanup.h"
#include "util/banned.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > 1 << 20)
		return 0;
	const char *text = (const char *)data;
	struct k8s_log_line l;
	if (k8s_log_parse_line(text, size, &l) == 0) {
		if (l.msg < text || l.msg + l.msg_len > text + size)
			abort();
		char buf[64];
		k8s_log_format_time(l.time_ns, l.tz_offset, buf, sizeof(buf));
		int64_t again;
		int off;
		/* what we print must parse back to the same instant */
		if (k8s_log_parse_time(buf, strlen(buf), &again, &off) < 0 || again != l.time_ns ||
		    off != l.tz_offset)
			abort();
	}
	_cleanup_close_ int null_fd = open("/dev/null", O_WRONLY | O_CLOEXEC);
	int64_t tail = size ? (int64_t)(data[0] % 5) - 1 : -1;
	struct k8s_log_opts o = {
	        .out_fd = null_fd,
	        .err_fd = null_fd,
	        .tail = tail,
	        .timestamps = size > 1 && (data[1] & 1),
	        .since_ns = size > 2 && (data[2] & 1) ? 1700000000000000000LL : 0,
	        .until_ns = size > 2 && (data[2] & 2) ? 1900000000000000000LL : 0,
	        .prefix = size > 3 && (data[3] & 1) ? "abc " : NULL,
	};
	if (k8s_log_print_buffer(text, size, &o) < 0)
		abort();

	/* the detach-key matcher over the same bytes */
	struct attach_detach_keys keys;
	if (attach_parse_detach_keys(NULL, &keys, NULL) == 0) {
		struct attach_detach_matcher m = {.keys = &keys};
		unsigned char out[256 + ATTACH_DETACH_KEYS_MAX];
		size_t n;
		for (size_t i = 0; i < size; i += 256) {
			size_t chunk = size - i < 256 ? size - i : 256;
			if (attach_detach_matcher_feed(&m, data + i, chunk, out, &n))
				break;
			if (n > chunk + ATTACH_DETACH_KEYS_MAX)
				abort();
		}
	}
	return 0;
}
