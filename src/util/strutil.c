/* SPDX-License-Identifier: Apache-2.0 */
#include "util/buf.h"
#include "util/strutil.h"
#include "util/xalloc.h"
#include "util/banned.h"

char *go_quote(const char *s)
{
	struct buf b = BUF_INIT;

	buf_putc(&b, '"');
	for (const unsigned char *c = (const unsigned char *)s; *c; c++) {
		switch (*c) {
		case '"':
			buf_puts(&b, "\\\"");
			break;
		case '\\':
			buf_puts(&b, "\\\\");
			break;
		case '\n':
			buf_puts(&b, "\\n");
			break;
		case '\t':
			buf_puts(&b, "\\t");
			break;
		case '\r':
			buf_puts(&b, "\\r");
			break;
		default:
			if (*c < 0x20 || *c == 0x7f)
				buf_printf(&b, "\\x%02x", *c);
			else
				buf_putc(&b, (char)*c);
		}
	}
	buf_putc(&b, '"');
	return buf_take(&b);
}
