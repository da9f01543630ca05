/* SPDX-License-Identifier: BSD-3-Clause */
/* src/diag.c - collect definition errors and warnings as file:line messages. */
#include "config.h"
#include "diag.h"

#include "strmap.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

/* A message seen while repeats are capped: key is "file\nmessage". */
struct repeat {
	struct repeat *next;
	const char *kind;
	unsigned count;			/* times reported */
	unsigned first_hidden, last_hidden;	/* lines of those not shown */
	size_t file_len;
	char key[];
};

struct diag_repeats {
	unsigned depth;
	struct strmap map;
	struct repeat *head, **tail;
};

void
diag_init(struct diag *d, FILE *out)
{
	d->out = out;
	d->errors = 0;
	d->warnings = 0;
	d->strict = false;
	d->repeats = NULL;
}

static void
print_line(FILE *out, const char *file, unsigned line, unsigned col, const char *kind,
	const char *msg)
{
	if (!file)	/* the message names its origin itself */
		fprintf(out, "%s: %s\n", kind, msg);
	else if (line && col)
		fprintf(out, "%s:%u:%u: %s: %s\n", file, line, col, kind, msg);
	else if (line)
		fprintf(out, "%s:%u: %s: %s\n", file, line, kind, msg);
	else
		fprintf(out, "%s: %s: %s\n", file, kind, msg);
}

/* The entry of file and msg, made on first sight; NULL when out of memory. */
static struct repeat *
repeat_of(struct diag_repeats *r, const char *file, const char *kind, const char *msg)
{
	size_t fl = strlen(file), ml = strlen(msg);
	struct repeat *e = malloc(sizeof(*e) + fl + ml + 2);
	if (!e)
		return NULL;
	memcpy(e->key, file, fl);
	e->key[fl] = '\n';
	memcpy(e->key + fl + 1, msg, ml + 1);
	struct repeat *old = strmap_get(&r->map, e->key);
	if (old) {
		free(e);
		return old;
	}
	if (strmap_put(&r->map, e->key, e) != e) {
		free(e);
		return NULL;
	}
	e->next = NULL;
	e->kind = kind;
	e->count = 0;
	e->first_hidden = e->last_hidden = 0;
	e->file_len = fl;
	*r->tail = e;
	r->tail = &e->next;
	return e;
}

/* Whether to print this one: always, unless it came too often. */
static bool
repeat_shown(struct diag *d, const char *file, unsigned line, const char *kind, const char *msg)
{
	struct repeat *e = d->repeats ? repeat_of(d->repeats, file ? file : "", kind, msg) : NULL;
	if (!e || ++e->count <= DIAG_REPEATS_SHOWN)
		return true;
	if (!e->first_hidden)
		e->first_hidden = line;
	e->last_hidden = line;
	return false;
}

static void
diag_vprint(struct diag *d, const char *file, unsigned line, unsigned col, const char *kind,
	const char *fmt, va_list ap)
{
	char small[512], *msg = small;
	va_list again;
	if (!d->out)
		return;
	va_copy(again, ap);
	int n = vsnprintf(small, sizeof(small), fmt, ap);
	if (n >= (int)sizeof(small) && (msg = malloc((size_t)n + 1)) != NULL)
		vsnprintf(msg, (size_t)n + 1, fmt, again);
	va_end(again);
	if (!msg)
		msg = small;	/* out of memory: the message cut short */
	if (repeat_shown(d, file, line, kind, msg))
		print_line(d->out, file, line, col, kind, msg);
	if (msg != small)
		free(msg);
}

void
diag_error(struct diag *d, const char *file, unsigned line, const char *fmt, ...)
{
	va_list ap;
	d->errors++;
	va_start(ap, fmt);
	diag_vprint(d, file, line, 0, "error", fmt, ap);
	va_end(ap);
}

void
diag_warn(struct diag *d, const char *file, unsigned line, const char *fmt, ...)
{
	va_list ap;
	d->warnings++;
	va_start(ap, fmt);
	diag_vprint(d, file, line, 0, "warning", fmt, ap);
	va_end(ap);
}

void
diag_error_at(struct diag *d, const char *file, unsigned line, unsigned col, const char *fmt,
	...)
{
	va_list ap;
	d->errors++;
	va_start(ap, fmt);
	diag_vprint(d, file, line, col, "error", fmt, ap);
	va_end(ap);
}

void
diag_strict(struct diag *d, const char *file, unsigned line, unsigned col, const char *fmt, ...)
{
	va_list ap;
	if (d->strict)
		d->errors++;
	else
		d->warnings++;
	va_start(ap, fmt);
	diag_vprint(d, file, line, col, d->strict ? "error" : "warning", fmt, ap);
	va_end(ap);
}

void
diag_repeats_begin(struct diag *d)
{
	if (!d->repeats) {
		d->repeats = calloc(1, sizeof(*d->repeats));
		if (!d->repeats)
			return;		/* then every message is shown */
		d->repeats->tail = &d->repeats->head;
	}
	d->repeats->depth++;
}

/* 9990 as "9,990": counts people read. */
static const char *
grouped(unsigned n, char *buf, size_t size)
{
	char digits[16];
	int len = snprintf(digits, sizeof(digits), "%u", n), o = 0;
	for (int i = 0; i < len && (size_t)o + 2 < size; i++) {
		if (i && (len - i) % 3 == 0)
			buf[o++] = ',';
		buf[o++] = digits[i];
	}
	buf[o] = 0;
	return buf;
}

void
diag_repeats_end(struct diag *d)
{
	struct diag_repeats *r = d->repeats;
	if (!r || --r->depth > 0)
		return;
	for (struct repeat *e = r->head, *next; e; e = next) {
		next = e->next;
		if (e->count > DIAG_REPEATS_SHOWN && d->out) {
			char more[32];
			unsigned hidden = e->count - DIAG_REPEATS_SHOWN;
			fprintf(d->out, "%.*s: %s: …and %s more like \"%s\" (not shown; line%s %u",
				(int)e->file_len, e->key, e->kind, grouped(hidden, more, sizeof(more)),
				e->key + e->file_len + 1, hidden > 1 ? "s" : "", e->first_hidden);
			if (hidden > 1)
				fprintf(d->out, " to %u", e->last_hidden);
			fputs(")\n", d->out);
		}
		free(e);
	}
	strmap_clear(&r->map);
	free(r);
	d->repeats = NULL;
}
