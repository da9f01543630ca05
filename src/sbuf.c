/* SPDX-License-Identifier: BSD-3-Clause */
/* src/sbuf.c - a growing text buffer for replies (control, explanations, metrics). */
#include "config.h"
#include "sbuf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool
reserve(struct sbuf *b, size_t more)
{
	if (b->oom)
		return false;
	if (b->len + more + 1 <= b->cap)
		return true;
	size_t cap = b->cap ? b->cap : 256;
	while (cap < b->len + more + 1)
		cap *= 2;
	char *p = realloc(b->p, cap);
	if (!p) {
		b->oom = true;
		return false;
	}
	b->p = p;
	b->cap = cap;
	return true;
}

void
sbuf_printf(struct sbuf *b, const char *fmt, ...)
{
	va_list ap, again;
	va_start(ap, fmt);
	va_copy(again, ap);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n > 0 && reserve(b, (size_t)n)) {
		vsnprintf(b->p + b->len, (size_t)n + 1, fmt, again);
		b->len += (size_t)n;
	}
	va_end(again);
}

void
sbuf_puts(struct sbuf *b, const char *s)
{
	size_t n = strlen(s);
	if (reserve(b, n)) {
		memcpy(b->p + b->len, s, n + 1);
		b->len += n;
	}
}

const char *
sbuf_text(const struct sbuf *b)
{
	return b->p ? b->p : "";
}

void
sbuf_free(struct sbuf *b)
{
	free(b->p);
	*b = (struct sbuf)SBUF_INIT;
}
