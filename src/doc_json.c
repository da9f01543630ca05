/* SPDX-License-Identifier: BSD-3-Clause */
/* src/doc_json.c - read JSON into document nodes: strictly for .json files, as a fast path for YAML ones. */
/*
 * The AWS CLI's output is plain JSON, often hundreds of megabytes of it.
 * One reader serves two purposes:
 *
 * - strict (a .json file): RFC 8259 and nothing else. A trailing comma, a
 *   comment, a single-quoted string, an unquoted key, a bare word, a
 *   second value: each is an error at its line and column, with what to
 *   write instead. YAML is for files named .yaml or .yml.
 * - fast (a .yaml or .yml file that holds JSON): YAML's flow rules make the
 *   general parser several times slower on such input. On anything this
 *   reader does not take it gives up and the YAML parser reads the file
 *   from the start, so results and messages stay the YAML parser's. Real
 *   errors found here (duplicate keys, out of memory) are reported as the
 *   YAML parser would.
 *
 * Both build the same nodes as the YAML parser: strings are quoted
 * scalars, numbers and literals plain ones, as written.
 */
#include "config.h"
#include "doc_parser.h"

#include "diag.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>

/* One JSON read. */
struct json {
	struct parser *p;
	bool strict;
	bool bail;		/* fast: give the file to the YAML parser */
};

static struct doc_node *json_value(struct json *j);

/* An error at s (on the current line) when strict; giving up otherwise.
 * Always NULL. */
static struct doc_node * __attribute__((format(printf, 3, 4)))
jerr(struct json *j, const char *s, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	if (!j->strict) {
		j->bail = true;
		return NULL;
	}
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return doc_perr_at(j->p, j->p->line, doc_col(j->p, s), "%s", msg);
}

/* Skip white space, counting lines. False (fast only) at a lone \r,
 * which YAML counts as a line break and JSON does not. */
static bool
json_ws(struct json *j)
{
	struct parser *p = j->p;
	const char *s = p->pos, *end = p->end, *bol = p->bol;
	unsigned line = p->line;

	for (; s < end; s++) {
		/* indentation comes in long runs of spaces: eight at a time */
		while (end - s >= 8 && memcmp(s, "        ", 8) == 0)
			s += 8;
		if (s >= end)
			break;
		if (*s == '\n') {
			line++;
			bol = s + 1;
		} else if (*s == '\r' && (s + 1 >= end || s[1] != '\n') && !j->strict) {
			j->bail = true;
			return false;
		} else if (*s != ' ' && *s != '\t' && *s != '\r') {
			break;
		}
	}
	p->pos = s;
	p->line = line;
	p->bol = bol;
	return true;
}

/* Whether 8 bytes at s hold none of '"', '\\' or a control character:
 * strings are most of a CLI capture, so they are scanned a word at a time. */
static inline bool
json_plain8(const char *s)
{
	const uint64_t ones = 0x0101010101010101ull, highs = 0x8080808080808080ull;
	uint64_t x, q, b;

	memcpy(&x, s, 8);
	q = x ^ (ones * '"');
	b = x ^ (ones * '\\');
	return !((((q - ones) & ~q) | ((b - ones) & ~b) | ((x - ones * 0x20) & ~x)) & highs);
}

/* The end of a run of plain string bytes from q. */
static inline const char *
json_run(const char *q, const char *end)
{
	while (end - q >= 8 && json_plain8(q))
		q += 8;
	while (q < end && *q != '"' && *q != '\\' && (unsigned char)*q >= 0x20)
		q++;
	return q;
}

/* \uXXXX at s (the backslash), joined with a low surrogate that follows. */
static bool
json_unicode(struct json *j, const char **at)
{
	struct parser *p = j->p;
	const char *s = *at;
	int64_t v = doc_hex_value(p, s + 2, 4), lo;

	if (v < 0) {
		jerr(j, s, "invalid escape '\\u': expected 4 hex digits");
		return false;
	}
	s += 6;
	if (v >= 0xd800 && v <= 0xdbff && p->end - s >= 6 && s[0] == '\\' && s[1] == 'u' &&
	    (lo = doc_hex_value(p, s + 2, 4)) >= 0xdc00 && lo <= 0xdfff) {
		v = 0x10000 + ((v - 0xd800) << 10) + (lo - 0xdc00);
		s += 6;
	}
	*at = s;
	return doc_put_utf8(p, (uint32_t)v);
}

/* The escape at *at (the backslash): the ones RFC 8259 §7 lists. */
static bool
json_escape(struct json *j, const char **at)
{
	static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
	const char *s = *at, *f;

	if (s + 1 >= j->p->end) {
		jerr(j, s, "unterminated string");
		return false;
	}
	if (s[1] == 'u')
		return json_unicode(j, at);
	if (!s[1] || !(f = strchr(from, s[1]))) {
		jerr(j, s, "invalid escape '\\%c' (JSON has \\\" \\\\ \\/ \\b \\f \\n \\r \\t "
			"and \\uXXXX)", isprint((unsigned char)s[1]) ? s[1] : '?');
		return false;
	}
	*at = s + 2;
	return doc_buf_add(j->p, &to[f - from], 0, 1);
}

/* What stopped a string at q: the end, or a raw control character. */
static struct doc_node *
json_string_stop(struct json *j, const char *q, unsigned col0)
{
	struct parser *p = j->p;

	if (!j->strict || (q < p->end && *q != '\n' && *q != '\r'))
		return jerr(j, q, "control character 0x%02x in a string: JSON wants it "
			"escaped (\\t, \\u00XX)", q < p->end ? (unsigned char)*q : 0);
	return doc_perr_at(p, p->line, col0, "unterminated string (a string ends on its own "
		"line; a line break in it is written \\n)");
}

/* A string at p->pos (the opening quote). Strings never span lines. */
static struct doc_node *
json_string(struct json *j)
{
	struct parser *p = j->p;
	const char *s = ++p->pos, *q = json_run(s, p->end), *end = p->end;
	unsigned col = doc_col(p, s - 1);

	if (q < end && *q == '"') {
		p->pos = q + 1;
		return doc_new_scalar(p, p->line, col, s, (size_t)(q - s), true);
	}
	p->nbuf = 0;
	while (q < end && *q == '\\') {
		if (!doc_buf_add(p, s, 0, (size_t)(q - s)) || !json_escape(j, &q))
			return NULL;
		s = q;
		q = json_run(s, end);
		if (q < end && *q == '"') {
			if (!doc_buf_add(p, s, 0, (size_t)(q - s)))
				return NULL;
			p->pos = q + 1;
			return doc_new_scalar(p, p->line, col, p->buf, p->nbuf, true);
		}
	}
	return json_string_stop(j, q, col);
}

/* The end of a number that follows RFC 8259 §6, or NULL. */
static const char *
json_number_end(const char *s, const char *end)
{
	const char *d;

	if (s < end && *s == '-')
		s++;
	if (s < end && *s == '0')
		s++;
	else if (s < end && *s >= '1' && *s <= '9')
		while (s < end && isdigit((unsigned char)*s))
			s++;
	else
		return NULL;
	if (s < end && *s == '.') {
		for (d = ++s; s < end && isdigit((unsigned char)*s); s++)
			;
		if (s == d)
			return NULL;
	}
	if (s < end && (*s == 'e' || *s == 'E')) {
		if (++s < end && (*s == '+' || *s == '-'))
			s++;
		for (d = s; s < end && isdigit((unsigned char)*s); s++)
			;
		if (s == d)
			return NULL;
	}
	return s;
}

/* A word where a value belongs, said in a message. */
static struct doc_node *
json_bad_word(struct json *j, const char *s, const char *q)
{
	if (*s == '\'')
		return jerr(j, s, "strings in JSON take double quotes, not single ones");
	if (*s == '#' || (*s == '/' && s + 1 < j->p->end && (s[1] == '/' || s[1] == '*')))
		return jerr(j, s, "comments are not allowed in JSON (a .yaml file may have them)");
	if (q == s)
		return jerr(j, s, "expected a value, found %s", doc_show(j->p, *s));
	return jerr(j, s, "'%.*s' is not a JSON value (strings take double quotes; the "
		"literals are true, false and null)", (int)(q - s > 40 ? 40 : q - s), s);
}

static bool
json_literal(const char *s, const char *q)
{
	return (q - s == 4 && (!memcmp(s, "true", 4) || !memcmp(s, "null", 4))) ||
		(q - s == 5 && !memcmp(s, "false", 5));
}

/* A bare word [s, q) that is neither a literal nor a number. */
static struct doc_node *
json_bad_bare(struct json *j, const char *s, const char *q)
{
	if (q > s && (isdigit((unsigned char)*s) || *s == '-'))
		return jerr(j, s, "'%.*s' is not a JSON number", (int)(q - s > 40 ? 40 : q - s), s);
	return json_bad_word(j, s, q);
}

/* true, false, null and numbers: plain scalars, as written. Fast: any
 * run of letters and digits, as YAML reads it. */
static struct doc_node *
json_bare(struct json *j)
{
	struct parser *p = j->p;
	const char *s = p->pos, *q = s, *end = p->end;

	while (q < end && (isalnum((unsigned char)*q) || *q == '.' || *q == '-' || *q == '+'))
		q++;
	if (j->strict) {
		if (!json_literal(s, q) && json_number_end(s, end) != q)
			return json_bad_bare(j, s, q);
	} else if (q == s || (q < end && *q != ',' && *q != '}' && *q != ']' && *q != ' ' &&
	    *q != '\n' && *q != '\r' && *q != '\t')) {
		j->bail = true;
		return NULL;
	}
	p->pos = q;
	return doc_new_scalar(p, p->line, doc_col(p, s), s, (size_t)(q - s), false);
}

/* Where a collection started, for a message at the end of the file. */
static struct doc_node *
json_eof(struct json *j, const struct doc_node *n, const char *expected)
{
	return jerr(j, j->p->pos, "the file ends inside the %s opened at line %u, column %u: "
		"expected %s", n->kind == DOC_MAP ? "object" : "array", n->line, n->col, expected);
}

/* A key and its ':' in an object; the key is pushed. */
static bool
json_key(struct json *j, const struct doc_node *n)
{
	struct parser *p = j->p;
	struct doc_node *k;

	if (p->pos >= p->end) {
		json_eof(j, n, "a key in double quotes");
	} else if (*p->pos == '\'' || *p->pos == '#' || *p->pos == '/') {
		json_bad_word(j, p->pos, p->pos);
	} else if (*p->pos != '"') {
		jerr(j, p->pos, "object keys in JSON are strings in double quotes, found %s",
			doc_show(p, *p->pos));
	} else if ((k = json_string(j)) && doc_push(p, k) && json_ws(j)) {
		if (p->pos < p->end && *p->pos == ':') {
			p->pos++;
			return json_ws(j);
		}
		if (p->pos >= p->end)
			json_eof(j, n, "':'");
		else
			jerr(j, p->pos, "expected ':' after the key \"%.*s\", found %s",
				(int)(k->len > 40 ? 40 : k->len), k->str, doc_show(p, *p->pos));
	}
	return false;
}

/* After an entry: ',' (then not the closing bracket) or the closing bracket.
 * Returns 1 at a ',', 0 at the end, -1 on an error. */
static int
json_next(struct json *j, const struct doc_node *n, char close)
{
	struct parser *p = j->p;
	unsigned line = p->line, col = doc_col(p, p->pos);

	if (p->pos < p->end && *p->pos == close)
		return 0;
	if (p->pos < p->end && *p->pos == ',') {
		p->pos++;
		if (!json_ws(j))
			return -1;
		if (p->pos >= p->end || (*p->pos != '}' && *p->pos != ']'))
			return 1;
		if (j->strict)
			doc_perr_at(p, line, col, "trailing comma: JSON allows no ',' before '%c'",
				*p->pos);
		j->bail = true;
	} else if (p->pos >= p->end) {
		json_eof(j, n, close == '}' ? "',' or '}'" : "',' or ']'");
	} else if (*p->pos && strchr("\"{[-0123456789tfn", *p->pos)) {
		jerr(j, p->pos, "missing ',' before this %s", close == '}' ? "member" : "value");
	} else if (*p->pos == '#' || *p->pos == '/') {
		json_bad_word(j, p->pos, p->pos);
	} else {
		jerr(j, p->pos, "expected ',' or '%c', found %s", close, doc_show(p, *p->pos));
	}
	return -1;
}

static struct doc_node *
json_collection(struct json *j)
{
	struct parser *p = j->p;
	bool is_map = *p->pos == '{';
	char close = is_map ? '}' : ']';
	size_t base = p->nstack;
	struct doc_node *n, *v;
	int more;

	if (p->depth >= DOC_MAX_DEPTH)
		return jerr(j, p->pos, "nesting deeper than %d levels", DOC_MAX_DEPTH);
	if (!(n = doc_new_node(p, is_map ? DOC_MAP : DOC_SEQ, p->line, doc_col(p, p->pos))))
		return NULL;
	p->depth++;
	p->pos++;
	if (!json_ws(j))
		return NULL;
	more = p->pos < p->end && *p->pos == close ? 0 : 1;
	while (more > 0) {
		if (is_map && !json_key(j, n))
			return NULL;
		if (p->pos >= p->end)
			return json_eof(j, n, "a value");
		if (!(v = json_value(j)) || !doc_push(p, v) || !json_ws(j))
			return NULL;
		more = json_next(j, n, close);
	}
	if (more < 0)
		return NULL;
	p->pos++;
	return doc_finish_collection(p, n, base);
}

static struct doc_node *
json_value(struct json *j)
{
	struct parser *p = j->p;

	switch (*p->pos) {
	case '{':
	case '[':
		return json_collection(j);
	case '"':
		return json_string(j);
	default:
		return json_bare(j);
	}
}

/* Fast: comment lines before the value, a note on where the file came from. */
static void
skip_comment_lines(struct json *j)
{
	struct parser *p = j->p;

	while (json_ws(j) && p->pos < p->end && *p->pos == '#')
		while (p->pos < p->end && *p->pos != '\n' && *p->pos != '\r')
			p->pos++;
}

/* The one value of the file; NULL when reported or given up. */
static struct doc_node *
json_root(struct json *j)
{
	struct parser *p = j->p;
	struct doc_node *root;

	if (!j->strict)
		skip_comment_lines(j);
	if (!json_ws(j))
		return NULL;
	if (p->pos >= p->end)
		return jerr(j, p->pos, "the file holds no JSON value (the AWS CLI prints an "
			"object: {…})");
	if (!j->strict && *p->pos != '{' && *p->pos != '[')
		return jerr(j, p->pos, "not JSON");
	if (!(root = json_value(j)) || !json_ws(j))
		return NULL;
	if (p->pos < p->end) {
		if (*p->pos == '#' || *p->pos == '/')
			return json_bad_word(j, p->pos, p->pos);
		return jerr(j, p->pos, "unexpected %s after the JSON value (a .json file holds "
			"one value; several documents need a .yaml file and '---')",
			doc_show(p, *p->pos));
	}
	return root;
}

int
doc_json_document(struct parser *p, bool strict, struct doc_node **root)
{
	const char *pos0 = p->pos;
	struct json j = { p, strict, false };

	*root = json_root(&j);
	if (p->failed)
		return -1;
	if (*root)
		return 1;
	if (strict)	/* only an error stops a strict read */
		return -1;
	p->pos = p->bol = pos0;
	p->line = 1;
	p->depth = 0;
	p->nstack = 0;
	return 0;
}
