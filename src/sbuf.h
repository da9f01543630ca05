/* SPDX-License-Identifier: BSD-3-Clause */
/* src/sbuf.h - a growing text buffer for replies (control, explanations, metrics). */
#ifndef DNSD_SBUF_H
#define DNSD_SBUF_H

#include <stdbool.h>
#include <stddef.h>

/** Text that grows as needed; oom tells that something was lost. */
struct sbuf {
	char *p;		/**< NUL-terminated once anything was added */
	size_t len, cap;
	bool oom;
};

/** An empty buffer needs no allocation: zero it. */
#define SBUF_INIT { NULL, 0, 0, false }

/** Append formatted text. */
void sbuf_printf(struct sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/** Append a string. */
void sbuf_puts(struct sbuf *b, const char *s);

/** The text ("" when empty or out of memory before anything was added). */
const char *sbuf_text(const struct sbuf *b);

/** Free the text. */
void sbuf_free(struct sbuf *b);

#endif /* DNSD_SBUF_H */
