/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Elastic tabstops as Go's text/tabwriter computes them: column blocks are found
 * recursively, column by column, exactly as (*Writer).format does, so that output is
 * byte-identical to Podman's tables.
 */
#include <errno.h>
#include <string.h>

#include "tabwriter.h"
#include "util/xalloc.h"

#include "util/banned.h"

struct cell {
	size_t start, size; /* bytes in the cleaned text */
	int width;          /* runes */
};

struct line {
	struct cell *cells;
	size_t n;
};

struct layout {
	const struct tabwriter *w;
	struct buf text; /* cell text with escapes removed */
	struct line *lines;
	size_t nlines;
	int *widths;
	size_t nwidths;
	struct buf *out;
	int rc;
};

void tabwriter_init(struct tabwriter *w, int minwidth, int padding, char padchar, unsigned flags)
{
	w->minwidth = minwidth;
	w->padding = padding;
	w->padchar = padchar;
	w->flags = flags;
	buf_init(&w->in, 0);
}

void tabwriter_init_podman(struct tabwriter *w)
{
	tabwriter_init(w, 12, 2, ' ', TABWRITER_STRIP_ESCAPE);
}

void tabwriter_release(struct tabwriter *w)
{
	buf_release(&w->in);
}

int tabwriter_write(struct tabwriter *w, const char *s, size_t len)
{
	return buf_append(&w->in, s, len);
}

static int runes(const char *s, size_t len)
{
	int n = 0;
	for (size_t i = 0; i < len; i++)
		if (((unsigned char)s[i] & 0xc0) != 0x80)
			n++;
	return n;
}

static void add_cell(struct layout *l, struct line *line, size_t start)
{
	struct cell *c;
	line->cells = xrealloc(line->cells, (line->n + 1) * sizeof(*line->cells));
	c = &line->cells[line->n++];
	c->start = start;
	c->size = l->text.len - start;
	c->width = runes(l->text.data ? l->text.data + start : "", c->size);
}

static struct line *add_line(struct layout *l)
{
	l->lines = xrealloc(l->lines, (l->nlines + 1) * sizeof(*l->lines));
	l->lines[l->nlines] = (struct line){NULL, 0};
	return &l->lines[l->nlines++];
}

/* split the input into lines of cells; the last line holds the unterminated tail */
static void split_cells(struct layout *l, const char *s, size_t len)
{
	struct line *line = add_line(l);
	size_t start = 0;
	bool escaped = false;
	bool strip = l->w->flags & TABWRITER_STRIP_ESCAPE;
	for (size_t i = 0; i < len; i++) {
		char c = s[i];
		if (c == '\xff' && strip) {
			escaped = !escaped;
			continue;
		}
		if (escaped || (c != '\t' && c != '\v' && c != '\n' && c != '\f')) {
			buf_putc(&l->text, c);
			continue;
		}
		add_cell(l, line, start);
		start = l->text.len;
		if (c == '\n' || c == '\f')
			line = add_line(l);
	}
	/* the outstanding text after the last terminator */
	if (l->text.len > start)
		add_cell(l, line, start);
}

static void put(struct layout *l, const char *s, size_t len)
{
	if (l->rc == 0 && buf_append(l->out, s, len) < 0)
		l->rc = -E2BIG;
}

static void pad(struct layout *l, int textw, int cellw)
{
	for (int i = textw; i < cellw; i++)
		put(l, &l->w->padchar, 1);
}

static void write_lines(struct layout *l, size_t line0, size_t line1)
{
	for (size_t i = line0; i < line1; i++) {
		const struct line *line = &l->lines[i];
		for (size_t j = 0; j < line->n; j++) {
			const struct cell *c = &line->cells[j];
			put(l, l->text.data ? l->text.data + c->start : "", c->size);
			if (j < l->nwidths)
				pad(l, c->width, l->widths[j]);
		}
		if (i + 1 < l->nlines)
			put(l, "\n", 1);
	}
}

/* the last cell of a line belongs to no column */
static bool has_column(const struct line *line, size_t column)
{
	return line->n > 0 && column < line->n - 1;
}

static void format(struct layout *l, size_t line0, size_t line1)
{
	size_t column = l->nwidths;
	for (size_t this = line0; this < line1; this ++) {
		int width = l->w->minwidth;
		bool discardable = true;
		if (!has_column(&l->lines[this], column))
			continue;
		write_lines(l, line0, this);
		line0 = this;
		for (; this < line1 && has_column(&l->lines[this], column); this ++) {
			const struct cell *c = &l->lines[this].cells[column];
			if (c->width + l->w->padding > width)
				width = c->width + l->w->padding;
			if (c->width > 0)
				discardable = false;
		}
		if (discardable && (l->w->flags & TABWRITER_DISCARD_EMPTY_COLUMNS))
			width = 0;
		l->widths = xrealloc(l->widths, (l->nwidths + 1) * sizeof(*l->widths));
		l->widths[l->nwidths++] = width;
		format(l, line0, this);
		l->nwidths--;
		/* the line that ended the block has no cell here: the increment skips it, as Go */
		line0 = this;
	}
	write_lines(l, line0, line1);
}

int tabwriter_flush(struct tabwriter *w, struct buf *out)
{
	struct layout l = {.w = w, .out = out};
	split_cells(&l, w->in.data ? w->in.data : "", w->in.len);
	format(&l, 0, l.nlines);
	for (size_t i = 0; i < l.nlines; i++)
		free(l.lines[i].cells);
	free(l.lines);
	free(l.widths);
	buf_release(&l.text);
	buf_reset(&w->in);
	return l.rc;
}
