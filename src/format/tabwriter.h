/* SPDX-License-Identifier: Apache-2.0 */
#ifndef CPOD_FORMAT_TABWRITER_H
#define CPOD_FORMAT_TABWRITER_H

/*
 * Go's text/tabwriter (elastic tabstops), byte for byte, for left-aligned output padded with a
 * character: cells end with '\t' (or '\v'), lines with '\n' (or '\f'); each column of a
 * block of consecutive lines that have a cell there is as wide as its widest cell plus
 * padding, at least minwidth; the last cell of a line (after its last tab) is not part of a
 * column and is not padded. Widths count UTF-8 runes. With TABWRITER_STRIP_ESCAPE, text
 * between 0xff bytes is taken literally (tabs included) and the 0xff bytes are dropped.
 * Podman (containers/common report) uses minwidth 12, tabwidth 2, padding 2, ' ',
 * StripEscape: see tabwriter_init_podman().
 */
#include <stdbool.h>
#include <stddef.h>

#include "util/buf.h"

enum tabwriter_flags {
	TABWRITER_STRIP_ESCAPE = 1 << 0,
	TABWRITER_DISCARD_EMPTY_COLUMNS = 1 << 1,
};

struct tabwriter {
	int minwidth;
	int padding;
	char padchar;
	unsigned flags;
	struct buf in; /* text written since the last flush */
};

void tabwriter_init(struct tabwriter *w, int minwidth, int padding, char padchar, unsigned flags);
/* Podman's settings: minwidth 12, padding 2, ' ', StripEscape */
void tabwriter_init_podman(struct tabwriter *w);
void tabwriter_release(struct tabwriter *w);

/* Buffer text; returns 0 or -E2BIG when the buffered input would exceed max (0: none). */
int tabwriter_write(struct tabwriter *w, const char *s, size_t len);

/*
 * Align everything buffered and append it to out; the buffer is then empty. Returns 0 or
 * -E2BIG when out is full.
 */
int tabwriter_flush(struct tabwriter *w, struct buf *out);

#endif
