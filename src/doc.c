/* SPDX-License-Identifier: BSD-3-Clause */
/* src/doc.c - parse YAML (a documented subset) and JSON definition files into a tree. */
/*
 * The subset: block mappings and sequences (a sequence may sit at the
 * indentation of its key), flow collections, plain, single- and
 * double-quoted scalars, literal and folded block scalars, comments and
 * several documents per file ("---", "..."). JSON is read as YAML flow
 * content. Anchors, aliases, tags, directives, complex keys, tabs in
 * indentation and duplicate keys are errors.
 *
 * A recursive descent over the buffer. Recursion is bounded by
 * DOC_MAX_DEPTH collections and every loop consumes input, so any input
 * ends in a tree or an error. Children are gathered on one scratch stack
 * and copied into the arena when their collection ends.
 */
#include "config.h"
#include "doc.h"
#include "doc_parser.h"
#include "diag.h"

#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define TAB_INDENT "tab character used for indentation"
#define FLOW_KEY "flow collections as mapping keys are not supported"

/* What may start at a node's position. */
enum ctx {
	CTX_BLOCK,	/* line start or after "- ": block collections too */
	CTX_INLINE,	/* after "key:" or "---" on the same line */
	CTX_TABBED	/* document root after a tab: no block collection */
};

/* An error at the current position. */
#define perr(p, ...) doc_perr_at((p), (p)->line, doc_col((p), (p)->pos), __VA_ARGS__)
#define buf_put(p, s, n) doc_buf_add((p), (s), 0, (n))
#define buf_fill(p, c, n) doc_buf_add((p), NULL, (c), (n))
#define push doc_push

/* Where something started, for messages about it. */
struct mark {
	unsigned line, col;
};

static inline struct mark
here(const struct parser *p)
{
	struct mark m = { p->line, doc_col(p, p->pos) };
	return m;
}

/* Character classes; C_PLAIN_* and C_*Q stop runs of text in a scalar. */
enum {
	C_BREAK = 1, C_SPACE = 2, C_FLOW = 4, C_PLAIN_B = 8, C_PLAIN_F = 16,
	C_SQ = 32, C_DQ = 64
};
#define C_STOPS (C_BREAK | C_PLAIN_B | C_PLAIN_F | C_SQ | C_DQ)
#define C_FLOWIND (C_FLOW | C_PLAIN_F)
static const unsigned char cls[256] = {
	['\n'] = C_STOPS, ['\r'] = C_STOPS, [' '] = C_SPACE, ['\t'] = C_SPACE,
	[':'] = C_PLAIN_B | C_PLAIN_F, ['#'] = C_PLAIN_B | C_PLAIN_F,
	[','] = C_FLOWIND, ['['] = C_FLOWIND, [']'] = C_FLOWIND,
	['{'] = C_FLOWIND, ['}'] = C_FLOWIND,
	['\''] = C_SQ, ['"'] = C_DQ, ['\\'] = C_DQ
};
#define CLS(c) (cls[(unsigned char)(c)])
#define is_break(c) (CLS(c) & C_BREAK)
#define is_space(c) (CLS(c) & C_SPACE)
#define is_flow(c) (CLS(c) & C_FLOW)

static struct doc_node *parse_node(struct parser *p, long parent, enum ctx ctx);
static struct doc_node *parse_flow(struct parser *p);

/* True at the end of input, a space, a tab or a line break. */
static inline bool
blank_at(const struct parser *p, const char *s)
{
	return s >= p->end || is_space(*s) || is_break(*s);
}

/* True when the ':' at s is a value indicator, not plain text. */
static inline bool
colon_ends(const struct parser *p, const char *s, bool flow)
{
	return blank_at(p, s + 1) || (flow && is_flow(s[1]));
}

struct doc_node *
doc_perr_at(struct parser *p, unsigned line, unsigned col, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	if (p->failed)
		return NULL;
	p->failed = true;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	diag_error_at(p->d, p->file, line, col, "%s", msg);
	return NULL;
}

const char *
doc_show(struct parser *p, char c)
{
	unsigned char u = (unsigned char)c;

	snprintf(p->shown, sizeof(p->shown), u > 0x20 && u < 0x7f ? "'%c'" :
		"byte 0x%02x", u);
	return p->shown;
}

/* Step over the line break at p->pos: \n, \r\n or a lone \r. */
static void
eat_break(struct parser *p)
{
	if (*p->pos == '\r' && p->pos + 1 < p->end && p->pos[1] == '\n')
		p->pos++;
	p->pos++;
	p->line++;
	p->bol = p->pos;
}

static void
skip_to_eol(struct parser *p)
{
	const char *s = p->pos;

	while (s < p->end && !is_break(*s))
		s++;
	p->pos = s;
}

static void
skip_spaces(struct parser *p)
{
	while (p->pos < p->end && is_space(*p->pos))
		p->pos++;
}

/* A "---" or "..." document marker at s (line start): '-', '.' or 0. */
static char
marker_at(const struct parser *p, const char *s)
{
	if (s != p->bol || p->end - s < 3 || !blank_at(p, s + 3))
		return 0;
	if (memcmp(s, "---", 3) == 0)
		return '-';
	if (memcmp(s, "...", 3) == 0)
		return '.';
	return 0;
}

/* Folded line breaks: one becomes a space, n > 1 become n - 1 newlines. */
static bool
put_breaks(struct parser *p, unsigned n)
{
	return n == 1 ? buf_fill(p, ' ', 1) : buf_fill(p, '\n', n - 1);
}

/* Count one more level of nesting; the cap keeps recursion bounded. */
static bool
enter(struct parser *p, unsigned line, unsigned col)
{
	if (++p->depth <= DOC_MAX_DEPTH)
		return true;
	doc_perr_at(p, line, col, "nesting deeper than %d levels", DOC_MAX_DEPTH);
	return false;
}

static bool
same_key(const struct doc_node *a, const struct doc_node *b)
{
	return a->len == b->len && memcmp(a->str, b->str, a->len) == 0;
}

static bool
dup_error(struct parser *p, const struct doc_node *k,
	const struct doc_node *first)
{
	doc_perr_at(p, k->line, k->col, "duplicate key '%.*s' (first at line %u)",
		(int)(k->len > 64 ? 64 : k->len), k->str, first->line);
	return false;
}

/* FNV-1a over the key's bytes. */
static uint32_t
hash_key(const struct doc_node *k)
{
	uint32_t h = 2166136261u;
	size_t i;

	for (i = 0; i < k->len; i++)
		h = (h ^ (unsigned char)k->str[i]) * 16777619u;
	return h;
}

/* Find a repeated key among kv[0], kv[2], ...: pairwise for small
 * mappings, with a hash table for large ones so that cost stays linear. */
static bool
check_dups(struct parser *p, struct doc_node **kv, size_t n)
{
	size_t i, j, h, cap = 16;
	uint32_t *h32;

	if (n <= 8) {
		for (i = 2; i < 2 * n; i += 2)
			for (j = 0; j < i; j += 2)
				if (same_key(kv[i], kv[j]))
					return dup_error(p, kv[i], kv[j]);
		return true;
	}
	while (cap < 2 * n)
		cap *= 2;
	if (n > UINT32_MAX / 2)
		doc_perr_at(p, kv[0]->line, 0, "out of memory");
	if (p->failed || !(h32 = doc_grow(p, p->hash, &p->hash_cap, 0, cap,
	    sizeof(*h32))))
		return false;
	p->hash = h32;
	memset(p->hash, 0, cap * sizeof(*p->hash));
	for (i = 0; i < n; i++) {
		h = hash_key(kv[2 * i]) & (cap - 1);
		while (p->hash[h]) {
			j = p->hash[h] - 1;
			if (same_key(kv[2 * i], kv[2 * j]))
				return dup_error(p, kv[2 * i], kv[2 * j]);
			h = (h + 1) & (cap - 1);
		}
		p->hash[h] = (uint32_t)i + 1;
	}
	return true;
}

struct doc_node *
doc_finish_collection(struct parser *p, struct doc_node *n, size_t base)
{
	struct doc_node **kids = p->stack + base;
	size_t i, cnt = p->nstack - base;

	p->nstack = base;
	p->depth--;
	if (cnt > SIZE_MAX / sizeof(struct doc_pair))
		return doc_perr_at(p, n->line, 0, "out of memory");
	if (n->kind == DOC_SEQ) {
		n->count = cnt;
		if (cnt && !(n->items = arena_memdup(p->a, kids,
		    cnt * sizeof(*kids))))
			return doc_perr_at(p, n->line, 0, "out of memory");
		return n;
	}
	n->count = cnt / 2;
	if (!check_dups(p, kids, n->count))
		return NULL;
	if (cnt && !(n->pairs = arena_alloc(p->a,
	    n->count * sizeof(*n->pairs))))
		return doc_perr_at(p, n->line, 0, "out of memory");
	for (i = 0; i < n->count; i++) {
		n->pairs[i].key = kids[2 * i];
		n->pairs[i].value = kids[2 * i + 1];
	}
	return n;
}

/*
 * From a line start, skip blank and comment lines. Leaves p->pos at the
 * start of the next content line and returns its indentation (spaces), or
 * -1 at the end of input or a document marker. *tab tells whether a tab
 * comes before the line's content.
 */
static long
next_content_line(struct parser *p, bool *tab)
{
	const char *s;
	long n;

	for (;;) {
		if (p->pos >= p->end || marker_at(p, p->pos))
			return -1;
		for (s = p->pos; s < p->end && *s == ' '; s++)
			;
		n = (long)(s - p->pos);
		*tab = false;
		for (; s < p->end && is_space(*s); s++)
			*tab = true;
		if (s < p->end && !is_break(*s) && *s != '#')
			return n;
		p->pos = s;
		skip_to_eol(p);
		if (p->pos >= p->end)
			return -1;
		eat_break(p);
	}
}

/* After a value: allow white space and a comment, then the line break. */
static bool
finish_line(struct parser *p)
{
	skip_spaces(p);
	if (p->pos < p->end && *p->pos == '#' && p->pos > p->bol &&
	    is_space(p->pos[-1]))
		skip_to_eol(p);
	if (p->pos >= p->end)
		return true;
	if (!is_break(*p->pos)) {
		perr(p, "unexpected %s after the value",
			doc_show(p, *p->pos));
		return false;
	}
	eat_break(p);
	return true;
}

/* Reject what cannot start a plain scalar, naming unsupported features. */
static bool
plain_start_ok(struct parser *p, bool flow)
{
	const char *s = p->pos;
	bool safe = !blank_at(p, s + 1) && !(flow && is_flow(s[1]));

	if (*s == '&')
		perr(p, "anchors (&) are not supported");
	else if (*s == '*')
		perr(p, "aliases (*) are not supported; quote a "
			"value that starts with '*'");
	else if (*s == '!')
		perr(p, "tags (!) are not supported");
	else if (*s == '?' && !safe)
		perr(p, "complex mapping keys (?) are not supported");
	else if (strchr("%@`|>#\"',[]{}", *s) || (strchr("-:", *s) && !safe))
		perr(p, "unexpected %s", doc_show(p, *s));
	else
		return true;
	return false;
}

/*
 * Scan plain text on the current line from p->pos up to a line break, a
 * comment, a ':' indicator or (in flow context) a flow indicator. Leaves
 * p->pos at the stop; returns the end of the text without trailing blanks.
 */
static const char *
scan_plain_line(struct parser *p, bool flow)
{
	const unsigned char stop = flow ? C_PLAIN_F : C_PLAIN_B;
	const char *start = p->pos, *s = p->pos, *end = p->end;

	for (;;) {
		while (s < end && !(CLS(*s) & stop))
			s++;
		if (s >= end || is_break(*s) || is_flow(*s))
			break;
		if (*s == ':' ? colon_ends(p, s, flow) :
		    (s > start && is_space(s[-1])))
			break;
		s++;
	}
	p->pos = s;
	while (s > start && is_space(s[-1]))
		s--;
	return s;
}

/*
 * At the line break after plain text: when the scalar goes on on a later
 * line, move to its text and return the number of line breaks crossed;
 * otherwise leave p->pos alone and return 0.
 */
static unsigned
plain_next_line(struct parser *p, long parent, bool flow)
{
	const char *pos = p->pos, *bol = p->bol, *s;
	unsigned line = p->line, n = 0;
	long indent;

	for (;;) {
		eat_break(p);
		n++;
		if (marker_at(p, p->pos))
			break;
		for (s = p->pos; s < p->end && *s == ' '; s++)
			;
		indent = (long)(s - p->pos);
		while (s < p->end && is_space(*s))
			s++;
		if (s >= p->end || *s == '#')
			break;
		if (is_break(*s)) {
			p->pos = s;
			continue;
		}
		if (flow ? is_flow(*s) || (*s == ':' && colon_ends(p, s, true))
		    : indent <= parent)
			break;
		p->pos = s;
		return n;
	}
	p->pos = pos;
	p->bol = bol;
	p->line = line;
	return 0;
}

/*
 * Parse a plain scalar; multi-line ones are folded. When ':' follows the
 * text of the first line it is a key: *key is set and p->pos left at the
 * ':'. Block continuation lines must be indented more than parent.
 */
static struct doc_node *
parse_plain(struct parser *p, long parent, bool flow, bool *key)
{
	struct mark m = here(p);
	unsigned n;
	const char *s = p->pos, *e = scan_plain_line(p, flow);

	*key = p->pos < p->end && *p->pos == ':';
	if (*key || p->pos >= p->end || !is_break(*p->pos) ||
	    !(n = plain_next_line(p, parent, flow)))
		return doc_new_scalar(p, m.line, m.col, s, (size_t)(e - s), false);
	p->nbuf = 0;
	if (!buf_put(p, s, (size_t)(e - s)))
		return NULL;
	do {
		if (!put_breaks(p, n))
			return NULL;
		s = p->pos;
		e = scan_plain_line(p, flow);
		if (!buf_put(p, s, (size_t)(e - s)))
			return NULL;
		if (p->pos < p->end && *p->pos == ':')
			return perr(p,
				"mapping values are not allowed here");
	} while (p->pos < p->end && is_break(*p->pos) &&
	    (n = plain_next_line(p, parent, flow)));
	return doc_new_scalar(p, m.line, m.col, p->buf, p->nbuf, false);
}

/*
 * Step over the line break at p->pos inside a quoted scalar, the empty
 * lines after it and the next line's leading white space. The line's
 * trailing white space goes: buf is cut back to keep.
 * Returns the number of line breaks, 0 on error.
 */
static unsigned
fold_quoted(struct parser *p, size_t keep, struct mark m, const char *what)
{
	unsigned n = 0;

	p->nbuf = keep;
	do {
		eat_break(p);
		n++;
		if (marker_at(p, p->pos))
			break;
		skip_spaces(p);
	} while (p->pos < p->end && is_break(*p->pos));
	if (p->pos >= p->end || marker_at(p, p->pos)) {
		doc_perr_at(p, m.line, m.col, "unterminated %s string", what);
		return 0;
	}
	return n;
}

/* Append run [s, e) of quoted text; move *keep past its last non-blank. */
static bool
put_run(struct parser *p, const char *s, const char *e, size_t *keep)
{
	const char *t = e;

	if (!buf_put(p, s, (size_t)(e - s)))
		return false;
	while (t > s && is_space(t[-1]))
		t--;
	if (t > s)
		*keep = p->nbuf - (size_t)(e - t);
	return true;
}


int64_t
doc_hex_value(const struct parser *p, const char *s, int n)
{
	static const char digits[] = "0123456789abcdef";
	const char *d;
	int64_t v = 0;

	if (p->end - s < n)
		return -1;
	for (; n > 0; n--, s++) {
		char c = *s >= 'A' && *s <= 'F' ? (char)(*s + 32) : *s;

		if (!c || !(d = strchr(digits, c)))
			return -1;
		v = v * 16 + (d - digits);
	}
	return v;
}

/* Lone surrogates take their 3-byte form. */
bool
doc_put_utf8(struct parser *p, uint32_t v)
{
	char u[4];
	int i, n = v < 0x80 ? 1 : v < 0x800 ? 2 : v < 0x10000 ? 3 : 4;

	u[0] = (char)(n == 1 ? v : (0xff00u >> n & 0xff) | v >> 6 * (n - 1));
	for (i = 1; i < n; i++)
		u[i] = (char)(0x80 | ((v >> (6 * (n - 1 - i))) & 0x3f));
	return buf_put(p, u, (size_t)n);
}

/* Decode \x, \u (with surrogate pairs) and \U at p->pos (the backslash). */
static bool
parse_hex_escape(struct parser *p, int digits)
{
	const char *s = p->pos + 2;
	int64_t v = doc_hex_value(p, s, digits), lo;

	if (v < 0) {
		perr(p,
			"invalid escape '\\%c': expected %d hex digits", s[-1],
			digits);
		return false;
	}
	s += digits;
	if (digits == 4 && v >= 0xd800 && v <= 0xdbff && p->end - s >= 6 &&
	    s[0] == '\\' && s[1] == 'u' &&
	    (lo = doc_hex_value(p, s + 2, 4)) >= 0xdc00 && lo <= 0xdfff) {
		v = 0x10000 + ((v - 0xd800) << 10) + (lo - 0xdc00);
		s += 6;
	}
	if (v > 0x10ffff) {
		perr(p, "invalid escape '\\U': beyond U+10FFFF");
		return false;
	}
	p->pos = s;
	return doc_put_utf8(p, (uint32_t)v);
}

/* Decode the escape at p->pos (the backslash) of a double-quoted scalar. */
static bool
parse_escape(struct parser *p, struct mark m)
{
	static const char from[] = "0abtnvfre \"/\\\tN_LP";
	static const uint16_t to[] = { 0, 7, 8, 9, 10, 11, 12, 13, 27, ' ',
		'"', '/', '\\', 9, 0x85, 0xa0, 0x2028, 0x2029 };
	const char *s = p->pos + 1, *f;
	unsigned n;

	if (s >= p->end) {
		doc_perr_at(p, m.line, m.col, "unterminated double-quoted string");
		return false;
	}
	if (*s && (f = strchr(from, *s)) != NULL) {
		p->pos += 2;
		return doc_put_utf8(p, to[f - from]);
	}
	if (*s == 'x' || *s == 'u' || *s == 'U')
		return parse_hex_escape(p, *s == 'x' ? 2 : *s == 'u' ? 4 : 8);
	if (is_break(*s)) {
		/* escaped line break: joined without a space */
		p->pos = s;
		if (!(n = fold_quoted(p, p->nbuf, m, "double-quoted")))
			return false;
		return n == 1 || buf_fill(p, '\n', n - 1);
	}
	perr(p, "invalid escape '\\' followed by %s", doc_show(p, *s));
	return false;
}

/* Parse a single- or double-quoted scalar at p->pos. */
static struct doc_node *
parse_quoted(struct parser *p)
{
	const char qc = *p->pos, *what = qc == '"' ? "double-quoted" :
		"single-quoted";
	const unsigned char stop = qc == '"' ? C_DQ : C_SQ;
	struct mark m = here(p);
	const char *s = ++p->pos, *q, *end = p->end;
	unsigned n;
	size_t keep = 0;

	p->nbuf = 0;
	for (;;) {
		for (q = p->pos; q < end && !(CLS(*q) & stop); q++)
			;
		if (q < end && *q == qc && (qc == '"' || q + 1 >= end ||
		    q[1] != '\'')) {
			/* the closing quote; copy only when there was more */
			const char *run = p->pos;

			p->pos = q + 1;
			if (run == s)
				return doc_new_scalar(p, m.line, m.col, s, (size_t)(q - s), true);
			if (!buf_put(p, run, (size_t)(q - run)))
				return NULL;
			return doc_new_scalar(p, m.line, m.col, p->buf, p->nbuf, true);
		}
		if (!put_run(p, p->pos, q, &keep))
			return NULL;
		p->pos = q;
		if (q >= end)
			return doc_perr_at(p, m.line, m.col, "unterminated %s string", what);
		if (*q == '\'') {
			p->pos += 2;
			if (!buf_fill(p, '\'', 1))
				return NULL;
		} else if (*q == '\\') {
			if (!parse_escape(p, m))
				return NULL;
		} else if (!(n = fold_quoted(p, keep, m, what)) ||
		    !put_breaks(p, n)) {
			return NULL;
		}
		keep = p->nbuf;
	}
}

/* Read the "|" or ">" header: chomping ('-', '+' or 0) and indentation. */
static bool
block_header(struct parser *p, long parent, char *chomp, long *indent)
{
	int i;

	*chomp = 0;
	*indent = -1;
	p->pos++;
	for (i = 0; i < 2 && p->pos < p->end; i++, p->pos++) {
		char c = *p->pos;

		if ((c == '-' || c == '+') && !*chomp)
			*chomp = c;
		else if (c >= '1' && c <= '9' && *indent < 0)
			*indent = (parent < 0 ? 0 : parent) + (c - '0');
		else
			break;
	}
	if (!blank_at(p, p->pos)) {
		perr(p, "invalid block scalar header");
		return false;
	}
	return finish_line(p);
}

/* Put the n line breaks before a block scalar's content line; folding
 * joins two lines of text that are not more indented. */
static bool
block_separate(struct parser *p, bool folded, int prev, bool more, size_t n)
{
	if (folded && prev == 1 && !more && n)
		return put_breaks(p, (unsigned)n);
	return buf_fill(p, '\n', n);
}

/* Parse a literal (|) or folded (>) block scalar; its lines are indented
 * more than parent. */
static struct doc_node *
parse_block_scalar(struct parser *p, long parent)
{
	struct mark m = here(p);
	bool folded = *p->pos == '>', more;
	const char *ls, *s, *t, *e;
	size_t breaks = 0;
	int prev = 0;		/* last line: 0 none, 1 text, 2 more indented */
	long indent, sp;
	char chomp;

	if (!block_header(p, parent, &chomp, &indent))
		return NULL;
	p->nbuf = 0;
	while ((ls = p->pos) < p->end && !marker_at(p, ls)) {
		for (s = ls; s < p->end && *s == ' '; s++)
			;
		sp = (long)(s - ls);
		if (s < p->end && !is_break(*s)) {
			if (indent < 0 && sp > parent)
				indent = sp;
			if (indent < 0 || sp < indent)
				break;
		}
		t = ls + (indent >= 0 && sp >= indent ? indent : sp);
		if (t >= p->end) {
			p->pos = t;
			break;
		}
		if (!is_break(*t)) {
			more = is_space(*t);
			for (e = t; e < p->end && !is_break(*e); e++)
				;
			if (!block_separate(p, folded, prev, more, breaks) ||
			    !buf_put(p, t, (size_t)(e - t)))
				return NULL;
			prev = more ? 2 : 1;
			breaks = 0;
			t = e;
		}
		p->pos = t;
		if (t < p->end) {
			eat_break(p);
			breaks++;
		}
	}
	if (chomp != '+')
		breaks = chomp == '-' || !prev ? 0 : breaks > 0;
	if (!buf_fill(p, '\n', breaks))
		return NULL;
	return doc_new_scalar(p, m.line, m.col, p->buf, p->nbuf, true);
}

/* Skip white space, line breaks and comments inside a flow collection. */
static bool
skip_flow_ws(struct parser *p, const struct doc_node *coll, char close)
{
	const char *s;

	for (;;) {
		for (s = p->pos; s < p->end && is_space(*s); s++)
			;
		p->pos = s;
		if (s < p->end && is_break(*s)) {
			eat_break(p);
			if (!marker_at(p, p->pos))
				continue;
		} else if (s < p->end && *s == '#' &&
		    (s == p->bol || is_space(s[-1]))) {
			skip_to_eol(p);
			continue;
		} else if (s < p->end) {
			return true;
		}
		doc_perr_at(p, coll->line, coll->col, "unterminated flow %s: missing '%c'",
			close == ']' ? "sequence" : "mapping", close);
		return false;
	}
}

static struct doc_node *
parse_flow_node(struct parser *p)
{
	bool key;

	switch (*p->pos) {
	case '[':
	case '{':
		return parse_flow(p);
	case '"':
	case '\'':
		return parse_quoted(p);
	}
	if (!plain_start_ok(p, true))
		return NULL;
	return parse_plain(p, -1, true, &key);
}

/* A mapping holding k: v alone, for "[k: v]". */
static struct doc_node *
single_pair(struct parser *p, struct doc_node *k, struct doc_node *v)
{
	struct doc_node *m = doc_new_node(p, DOC_MAP, k->line, k->col);

	if (!m)
		return NULL;
	if (!(m->pairs = arena_alloc(p->a, sizeof(*m->pairs))))
		return doc_perr_at(p, k->line, 0, "out of memory");
	m->pairs[0].key = k;
	m->pairs[0].value = v;
	m->count = 1;
	return m;
}

/* One entry of a flow collection: an item, or key [: value]. */
static bool
parse_flow_entry(struct parser *p, bool is_map, const struct doc_node *coll, char close)
{
	struct doc_node *k, *v = NULL;

	if (!(k = parse_flow_node(p)) || !skip_flow_ws(p, coll, close))
		return false;
	if (*p->pos != ':' && !is_map)
		return push(p, k);
	if (k->kind != DOC_SCALAR) {
		doc_perr_at(p, k->line, k->col, FLOW_KEY);
		return false;
	}
	if (*p->pos == ':') {
		p->pos++;
		if (!skip_flow_ws(p, coll, close))
			return false;
		if (*p->pos != ',' && *p->pos != close &&
		    (!(v = parse_flow_node(p)) ||
		    !skip_flow_ws(p, coll, close)))
			return false;
	}
	if (!v && !(v = doc_new_scalar(p, p->line, doc_col(p, p->pos), "", 0, false)))
		return false;
	if (!is_map)
		return (k = single_pair(p, k, v)) && push(p, k);
	return push(p, k) && push(p, v);
}

/* Parse a flow sequence or mapping at p->pos ('[' or '{'). */
static struct doc_node *
parse_flow(struct parser *p)
{
	bool is_map = *p->pos == '{';
	char close = is_map ? '}' : ']';
	struct mark m = here(p);
	size_t base = p->nstack;
	struct doc_node *n;

	if (!enter(p, m.line, m.col) ||
	    !(n = doc_new_node(p, is_map ? DOC_MAP : DOC_SEQ, m.line, m.col)))
		return NULL;
	p->pos++;
	for (;;) {
		if (!skip_flow_ws(p, n, close))
			return NULL;
		if (*p->pos == close)
			break;
		if (!parse_flow_entry(p, is_map, n, close))
			return NULL;
		if (*p->pos == ',') {
			p->pos++;
			continue;
		}
		if (*p->pos == close)
			break;
		return perr(p, "expected ',' or '%c', found %s", close,
			doc_show(p, *p->pos));
	}
	p->pos++;
	return doc_finish_collection(p, n, base);
}

/*
 * Parse a quoted or plain scalar in block context and tell whether a ':'
 * follows, which makes it a key (p->pos is then just after the ':').
 */
static struct doc_node *
parse_scalar_or_key(struct parser *p, long parent, bool *key)
{
	struct doc_node *n;

	*key = false;
	if (*p->pos == '"' || *p->pos == '\'') {
		if (!(n = parse_quoted(p)))
			return NULL;
		skip_spaces(p);
		*key = p->pos < p->end && *p->pos == ':';
		if (*key && n->line != p->line)
			return doc_perr_at(p, n->line, n->col,
				"a mapping key must be on one line");
	} else if (!plain_start_ok(p, false) ||
	    !(n = parse_plain(p, parent, false, key))) {
		return NULL;
	}
	if (*key)
		p->pos++;
	return n;
}

/* Parse "key:" at p->pos in a block mapping; leaves p->pos after the ':'. */
static struct doc_node *
parse_key(struct parser *p)
{
	struct doc_node *k;
	bool key;

	if (*p->pos == '[' || *p->pos == '{')
		return perr(p, FLOW_KEY);
	if (*p->pos == '-' && blank_at(p, p->pos + 1))
		return perr(p, "expected a mapping key, found a sequence entry");
	if (!(k = parse_scalar_or_key(p, LONG_MAX, &key)))
		return NULL;
	if (!key)
		return doc_perr_at(p, k->line, k->col,
			"could not find expected ':' after a mapping key");
	return k;
}

/*
 * Parse what follows "key:" or "-" (p->pos just after the indicator) in a
 * collection at indentation col. A value on later lines must be indented
 * more than col, except a sequence as the value of a key at the same column.
 */
static struct doc_node *
parse_value(struct parser *p, long col, bool seq_entry)
{
	struct mark m = here(p);
	long indent;
	bool tab;

	skip_spaces(p);
	if (p->pos < p->end && !is_break(*p->pos) && *p->pos != '#')
		return parse_node(p, col, seq_entry ? CTX_BLOCK : CTX_INLINE);
	skip_to_eol(p);
	if (p->pos < p->end)
		eat_break(p);
	indent = next_content_line(p, &tab);
	if (indent > col || (indent == col && !seq_entry && !tab &&
	    p->pos[indent] == '-' && blank_at(p, p->pos + indent + 1))) {
		if (tab)
			return perr(p, TAB_INDENT);
		p->pos += indent;
		return parse_node(p, col, CTX_BLOCK);
	}
	return doc_new_scalar(p, m.line, m.col, "", 0, false);
}

/* Parse a block mapping at column col whose first key was just read. */
static struct doc_node *
parse_block_map(struct parser *p, long col, struct doc_node *key)
{
	struct doc_node *map, *val;
	size_t base = p->nstack;
	long indent;
	bool tab;

	if (!enter(p, key->line, key->col) ||
	    !(map = doc_new_node(p, DOC_MAP, key->line, key->col)))
		return NULL;
	for (;;) {
		if (!(val = parse_value(p, col, false)) || !push(p, key) ||
		    !push(p, val))
			return NULL;
		if ((indent = next_content_line(p, &tab)) < col)
			break;
		if (tab)
			return perr(p, TAB_INDENT);
		if (indent > col)
			return doc_perr_at(p, p->line, doc_col(p, p->pos + indent),
				"bad indentation of a mapping entry");
		p->pos += indent;
		if (!(key = parse_key(p)))
			return NULL;
	}
	return doc_finish_collection(p, map, base);
}

/* Parse a block sequence whose first "-" is at p->pos, column col. */
static struct doc_node *
parse_block_seq(struct parser *p, long col)
{
	struct doc_node *seq, *item;
	size_t base = p->nstack;
	long indent;
	bool tab;

	struct mark m = here(p);

	if (!enter(p, m.line, m.col) || !(seq = doc_new_node(p, DOC_SEQ, m.line, m.col)))
		return NULL;
	for (;;) {
		p->pos++;
		if (!(item = parse_value(p, col, true)) || !push(p, item))
			return NULL;
		if ((indent = next_content_line(p, &tab)) < col)
			break;
		if (tab)
			return perr(p, TAB_INDENT);
		if (indent > col)
			return doc_perr_at(p, p->line, doc_col(p, p->pos + indent),
				"bad indentation of a sequence entry");
		if (p->pos[indent] != '-' || !blank_at(p, p->pos + indent + 1))
			break;
		p->pos += indent;
	}
	return doc_finish_collection(p, seq, base);
}

/*
 * Parse the node at p->pos (not blank) in block context; parent is the
 * indentation of the enclosing collection. Leaves p->pos at a line start.
 */
static struct doc_node *
parse_node(struct parser *p, long parent, enum ctx ctx)
{
	long col = (long)(p->pos - p->bol);
	struct doc_node *n;
	bool key;

	if (*p->pos == '-' && blank_at(p, p->pos + 1)) {
		if (ctx == CTX_BLOCK)
			return parse_block_seq(p, col);
		return perr(p, ctx == CTX_TABBED ? TAB_INDENT :
			"block sequence entries are not allowed here");
	}
	if (*p->pos == '|' || *p->pos == '>')
		return parse_block_scalar(p, parent);
	if (*p->pos == '[' || *p->pos == '{') {
		if (!(n = parse_flow(p)))
			return NULL;
		skip_spaces(p);
		if (p->pos < p->end && *p->pos == ':')
			return doc_perr_at(p, n->line, n->col, FLOW_KEY);
		return finish_line(p) ? n : NULL;
	}
	if (!(n = parse_scalar_or_key(p, parent, &key)))
		return NULL;
	if (!key)
		return finish_line(p) ? n : NULL;
	if (ctx != CTX_BLOCK)
		return doc_perr_at(p, n->line, n->col, ctx == CTX_TABBED ? TAB_INDENT :
			"mapping values are not allowed here");
	return parse_block_map(p, col, n);
}

/* Parse one document from a line start: NULL when empty or on error. */
static struct doc_node *
parse_document(struct parser *p)
{
	struct doc_node *root = NULL;
	long indent;
	bool tab;

	indent = next_content_line(p, &tab);
	if (p->pos >= p->end)
		return NULL;
	if (marker_at(p, p->pos) == '.') {
		p->pos += 3;
		finish_line(p);
		return NULL;
	}
	if (marker_at(p, p->pos) == '-') {
		p->pos += 3;
		skip_spaces(p);
		if (p->pos < p->end && !is_break(*p->pos) && *p->pos != '#')
			root = parse_node(p, -1, CTX_INLINE);
		else if (finish_line(p) && next_content_line(p, &tab) >= 0)
			indent = 0;
		else
			return NULL;
	} else if (*p->pos == '%') {
		return perr(p, "directives (%%) are not supported");
	}
	if (!root && indent >= 0) {
		skip_spaces(p);
		root = parse_node(p, -1, tab ? CTX_TABBED : CTX_BLOCK);
	}
	if (!root)
		return NULL;
	if (next_content_line(p, &tab) >= 0)
		return perr(p, tab ? TAB_INDENT :
			"unexpected content after the document's root node");
	if (marker_at(p, p->pos) == '.') {
		p->pos += 3;
		if (!finish_line(p))
			return NULL;
	}
	return root;
}

/* After an error, go on at the next "---" line. */
static void
resync(struct parser *p)
{
	p->failed = false;
	p->depth = 0;
	if (p->pos > p->end)
		p->pos = p->end;
	if (p->pos != p->bol) {
		skip_to_eol(p);
		if (p->pos < p->end)
			eat_break(p);
	}
	while (p->pos < p->end && marker_at(p, p->pos) != '-') {
		skip_to_eol(p);
		if (p->pos < p->end)
			eat_break(p);
	}
}

static bool
check_nul(struct parser *p)
{
	const char *s, *nul = memchr(p->pos, 0, (size_t)(p->end - p->pos));
	const char *bol = p->pos;
	unsigned line = 1;

	if (!nul)
		return true;
	for (s = p->pos; s < nul; s++) {
		if (*s == '\n' || (*s == '\r' && s[1] != '\n')) {
			line++;
			bol = s + 1;
		}
	}
	doc_perr_at(p, line, (unsigned)(nul - bol) + 1, "NUL byte in input");
	return false;
}

int
doc_parse(struct arena *a, const char *file, const char *buf, size_t len,
	struct doc_node ***docs, size_t *ndocs, struct diag *d)
{
	return doc_parse_as(a, file, buf, len, DOC_YAML, docs, ndocs, d);
}

enum doc_syntax
doc_syntax_of(const char *name)
{
	size_t n = strlen(name);
	return n >= 5 && strcmp(name + n - 5, ".json") == 0 ? DOC_JSON : DOC_YAML;
}

int
doc_parse_as(struct arena *a, const char *file, const char *buf, size_t len,
	enum doc_syntax syntax, struct doc_node ***docs, size_t *ndocs, struct diag *d)
{
	struct parser p;
	struct doc_node *root;
	size_t n = 0;
	int rc = 0;

	if (!buf) {
		buf = "";
		len = 0;
	}
	memset(&p, 0, sizeof(p));
	p.a = a;
	p.d = d;
	p.file = file;
	p.pos = p.bol = buf;
	p.end = buf + len;
	p.line = 1;
	*docs = NULL;
	*ndocs = 0;
	if (len >= 3 && memcmp(buf, "\xef\xbb\xbf", 3) == 0)
		p.pos = p.bol = buf + 3;
	p.buf_cap = p.stack_cap = p.hash_cap = 256;
	p.buf = malloc(p.buf_cap);
	p.stack = malloc(p.stack_cap * sizeof(*p.stack));
	p.hash = malloc(p.hash_cap * sizeof(*p.hash));
	if (!p.buf || !p.stack || !p.hash)
		doc_perr_at(&p, 0, 0, "out of memory");
	if (p.failed || !check_nul(&p)) {
		free(p.buf);
		free(p.stack);
		free(p.hash);
		return -1;
	}
	/* YAML files are tried as JSON first: the AWS CLI's output is
	 * JSON, and that reader is several times faster on it */
	int json = doc_json_document(&p, syntax == DOC_JSON, &root);
	if (json == 1 && push(&p, root))
		n = 1;
	else if (json < 0)
		rc = -1;
	while (json == 0 && syntax == DOC_YAML && p.pos < p.end) {
		root = parse_document(&p);
		if (root && !p.failed && push(&p, root))
			n++;
		if (p.failed) {
			rc = -1;
			p.nstack = n;
			resync(&p);
		}
	}
	if (n && !(*docs = arena_memdup(a, p.stack, n * sizeof(*p.stack)))) {
		diag_error(d, file, 0, "out of memory");
		rc = -1;
		n = 0;
	}
	*ndocs = n;
	free(p.stack);
	free(p.buf);
	free(p.hash);
	return rc;
}

struct doc_node *
doc_get(const struct doc_node *map, const char *key)
{
	size_t i, len;

	if (!map || map->kind != DOC_MAP)
		return NULL;
	len = strlen(key);
	for (i = 0; i < map->count; i++) {
		const struct doc_node *k = map->pairs[i].key;

		if (k->len == len && memcmp(k->str, key, len) == 0)
			return map->pairs[i].value;
	}
	return NULL;
}

bool
doc_is_null(const struct doc_node *n)
{
	if (!n || n->kind != DOC_SCALAR || n->quoted)
		return false;
	if (n->len == 0 || (n->len == 1 && n->str[0] == '~'))
		return true;
	return n->len == 4 && (strcmp(n->str, "null") == 0 ||
		strcmp(n->str, "Null") == 0 || strcmp(n->str, "NULL") == 0);
}

bool
doc_bool(const struct doc_node *n, bool *out)
{
	if (!n || n->kind != DOC_SCALAR)
		return false;
	if (n->len == 4 && strncasecmp(n->str, "true", 4) == 0)
		*out = true;
	else if (n->len == 5 && strncasecmp(n->str, "false", 5) == 0)
		*out = false;
	else
		return false;
	return true;
}

bool
doc_uint(const struct doc_node *n, uint64_t max, uint64_t *out)
{
	uint64_t v = 0;
	size_t i;

	if (!n || n->kind != DOC_SCALAR || n->len == 0)
		return false;
	for (i = 0; i < n->len; i++) {
		unsigned dig = (unsigned char)n->str[i] - '0';

		if (dig > 9 || v > (UINT64_MAX - dig) / 10)
			return false;
		v = v * 10 + dig;
	}
	if (v > max)
		return false;
	*out = v;
	return true;
}

const char *
doc_str(const struct doc_node *n)
{
	if (!n || n->kind != DOC_SCALAR || memchr(n->str, 0, n->len))
		return NULL;
	return n->str;
}

const char *
doc_kind_name(enum doc_kind k)
{
	switch (k) {
	case DOC_MAP:
		return "mapping";
	case DOC_SEQ:
		return "sequence";
	case DOC_SCALAR:
		break;
	}
	return "scalar";
}
