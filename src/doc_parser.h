/* SPDX-License-Identifier: BSD-3-Clause */
/* src/doc_parser.h - parser state and node builders shared by the YAML (doc.c) and JSON (doc_json.c) readers; private to them. */
#ifndef DNSD_DOC_PARSER_H
#define DNSD_DOC_PARSER_H

#include "arena.h"
#include "doc.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define DOC_MAX_DEPTH 64

/** One parse of one buffer. */
struct parser {
	struct arena *a;
	struct diag *d;
	const char *file;
	const char *pos, *end;
	const char *bol;		/**< start of the current line */
	unsigned line;
	unsigned depth;
	bool failed;
	/** the documents' roots, then the children of open collections */
	struct doc_node **stack;
	size_t nstack, stack_cap;
	/** scalars that need unescaping or folding are built here */
	char *buf;
	size_t nbuf, buf_cap;
	/** open-addressing table for duplicate keys of large mappings */
	uint32_t *hash;
	size_t hash_cap;
	char shown[16];			/**< doc_show() result */
};

/**
 * Report the first error of a document as "file:line:col: error: …"
 * (col 0: none); later ones are dropped until the parser resyncs.
 * @return NULL, for `return doc_perr_at(…)`.
 */
struct doc_node *doc_perr_at(struct parser *p, unsigned line, unsigned col,
	const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/** Column (bytes from 1) of s, which is on the current line. */
static inline unsigned
doc_col(const struct parser *p, const char *s)
{
	return s >= p->bol ? (unsigned)(s - p->bol) + 1 : 1;
}

/** Byte c quoted for a message ("'x'", or "byte 0x07"). */
const char *doc_show(struct parser *p, char c);

/**
 * Grow scratch array mem (*cap elements of size elem, used of them taken)
 * to hold more elements.
 * @return the possibly moved array, or NULL (reported) when out of memory.
 */
static inline void *
doc_grow(struct parser *p, void *mem, size_t *cap, size_t used, size_t more, size_t elem)
{
	size_t n = *cap;

	if (more <= n - used)
		return mem;
	while (n - used < more && n <= SIZE_MAX / 4 / elem)
		n *= 2;
	if (n - used < more || !(mem = realloc(mem, n * elem)))
		return doc_perr_at(p, p->line, 0, "out of memory");
	*cap = n;
	return mem;
}

/** Append n bytes to the scalar being built: s, or n times c if s is NULL. */
static inline bool
doc_buf_add(struct parser *p, const char *s, char c, size_t n)
{
	char *b = doc_grow(p, p->buf, &p->buf_cap, p->nbuf, n, 1);

	if (!b)
		return false;
	p->buf = b;
	if (s)
		memcpy(b + p->nbuf, s, n);
	else
		memset(b + p->nbuf, c, n);
	p->nbuf += n;
	return true;
}

/** Push a finished node on the scratch stack. */
static inline bool
doc_push(struct parser *p, struct doc_node *n)
{
	struct doc_node **s = doc_grow(p, p->stack, &p->stack_cap, p->nstack, 1, sizeof(*s));

	if (!s)
		return false;
	p->stack = s;
	p->stack[p->nstack++] = n;
	return true;
}

/** A node with room for extra bytes right after it, or NULL (reported). */
static inline struct doc_node *
doc_new_node_room(struct parser *p, enum doc_kind kind, unsigned line, unsigned col,
	size_t extra)
{
	struct doc_node *n = extra < SIZE_MAX - sizeof(*n) ?
		arena_alloc(p->a, sizeof(*n) + extra) : NULL;

	if (!n)
		return doc_perr_at(p, line, 0, "out of memory");
	memset(n, 0, sizeof(*n));
	n->kind = kind;
	n->line = line;
	n->col = col;
	return n;
}

/** A mapping or sequence node, filled by doc_finish_collection. */
static inline struct doc_node *
doc_new_node(struct parser *p, enum doc_kind kind, unsigned line, unsigned col)
{
	return doc_new_node_room(p, kind, line, col, 0);
}

/** A scalar holding a copy of s[0..len). */
static inline struct doc_node *
doc_new_scalar(struct parser *p, unsigned line, unsigned col, const char *s, size_t len,
	bool quoted)
{
	/* node and text in one allocation: a large load makes millions
	 * (len is a span of the input, so len + 1 cannot wrap) */
	struct doc_node *n = doc_new_node_room(p, DOC_SCALAR, line, col, len + 1);
	char *text;

	if (!n)
		return NULL;
	text = (char *)(n + 1);
	memcpy(text, s, len);
	text[len] = 0;
	n->str = text;
	n->len = len;
	n->quoted = quoted;
	return n;
}

/**
 * Move the children pushed since base into n (a mapping's keys must be
 * unique) and leave its level of nesting.
 * @return n, or NULL (reported).
 */
struct doc_node *doc_finish_collection(struct parser *p, struct doc_node *n, size_t base);

/** Value of n hex digits at s, or -1. */
int64_t doc_hex_value(const struct parser *p, const char *s, int n);

/** Append code point v as UTF-8 to the scalar being built. */
bool doc_put_utf8(struct parser *p, uint32_t v);

/**
 * Read the file as JSON from p->pos (after a byte order mark).
 * @param strict: a .json file: anything that is not RFC 8259 JSON is an
 *	error at its line and column. Otherwise (the fast path of the YAML
 *	reader) anything unusual gives up and leaves the parser as it was.
 * @return 1 with *root set, 0 when it gave up, -1 on an error reported.
 */
int doc_json_document(struct parser *p, bool strict, struct doc_node **root);

#endif /* DNSD_DOC_PARSER_H */
