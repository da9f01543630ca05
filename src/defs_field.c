/* SPDX-License-Identifier: BSD-3-Clause */
/* src/defs_field.c - read AWS objects by their field tables, and the typed values every reader uses. */
#include "config.h"
#include "defs.h"

#include "arena.h"
#include "diag.h"
#include "dname.h"
#include "doc.h"
#include "log.h"
#include "suggest.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- field tables ---- */

/* The row of key in o's table, or -1. */
static int
field_row(const struct defs_object *o, const char *k)
{
	const struct defs_field *f = o->fields;
	/* the first letter rules out most: a load checks millions of keys */
	while (f->name && (f->name[0] != k[0] || strcmp(f->name, k) != 0))
		f++;
	return f->name ? (int)(f - o->fields) : -1;
}

/* The closest rows to an unknown key, remembered: a capture repeats the
 * same misspelling in each of its objects. */
static const struct defs_hint *
field_hint(struct reader *r, const struct defs_object *o, const char *k)
{
	for (unsigned i = 0; i < DEFS_HINTS; i++)
		if (r->hints[i].key && r->hints[i].object == o && !strcmp(r->hints[i].key, k))
			return &r->hints[i];
	struct defs_hint *h = &r->hints[r->next_hint++ % DEFS_HINTS];
	struct suggest s;
	suggest_init(&s, k);
	for (const struct defs_field *f = o->fields; f->name; f++)
		suggest_add(&s, f->name);
	h->object = o;
	h->key = k;
	h->best = s.first ? field_row(o, s.first) : -1;
	h->second = s.second ? field_row(o, s.second) : -1;
	h->distance = s.best;
	return h;
}

/* A field in no row. A typo in a hand-written file must not pass
 * silently: when the closest row is one dnsd uses and the object lacks
 * it, dnsd would derive or default that value, so it is an error. */
static void
unknown_field(struct reader *r, const struct doc_node *key, const struct defs_object *o,
	const struct doc_node **vals)
{
	char text[DEFS_KEY_TEXT], near[2 * DEFS_KEY_TEXT] = "";
	const struct defs_hint *h = field_hint(r, o, key->str);
	const struct defs_field *best = h->best >= 0 ? &o->fields[h->best] : NULL;
	defs_key_text(key, text, sizeof(text));
	if (best)
		snprintf(near, sizeof(near), "%s%s%s", best->name, h->second >= 0 ? " or " : "",
			h->second >= 0 ? o->fields[h->second].name : "");
	if (best && best->kind != DEFS_KNOWN && h->distance <= 2 &&
	    (!vals[h->best] || doc_is_null(vals[h->best])))
		diag_error_at(r->d, r->file, key->line, key->col, "unknown field '%s' in %s: "
			"did you mean %s? (otherwise dnsd reads %s as having no %s)", text,
			o->what, near, o->what, best->name);
	else if (best)
		diag_strict(r->d, r->file, key->line, key->col, "unknown field '%s' in %s, "
			"ignored (did you mean %s?)", text, o->what, near);
	else
		diag_strict(r->d, r->file, key->line, key->col, "unknown field '%s' in %s, "
			"ignored", text, o->what);
}

/* Each field of n to its row (vals[row]), then the fields in no row. */
static void
match_fields(struct reader *r, const struct doc_node *n, const struct defs_object *o,
	const struct doc_node **vals)
{
	bool unknown = false;
	for (size_t i = 0; i < n->count; i++) {
		int row = field_row(o, n->pairs[i].key->str);
		if (row >= 0)
			vals[row] = n->pairs[i].value;
		else
			unknown = true;
	}
	for (size_t i = 0; unknown && i < n->count; i++)
		if (field_row(o, n->pairs[i].key->str) < 0)
			unknown_field(r, n->pairs[i].key, o, vals);
}

void
defs_key_text(const struct doc_node *key, char *buf, size_t size)
{
	size_t o = 0, max = size > 4 ? size - 4 : 0;
	for (size_t i = 0; i < key->len && o < max; i++) {
		unsigned char c = (unsigned char)key->str[i];
		buf[o++] = c < 0x20 || c == 0x7f ? '?' : (char)c;
	}
	if (o < key->len && size >= 4 && o == max) {
		memcpy(buf + o, "\xe2\x80\xa6", 3);	/* … */
		o += 3;
	}
	if (size)
		buf[o < size ? o : size - 1] = 0;
}

static bool
read_bool(struct reader *r, const struct doc_node *v, const char *key, const char *what,
	int *out)
{
	bool b;
	if (v->kind == DOC_MAP && doc_get(v, "Value"))
		v = doc_get(v, "Value");
	if (!doc_bool(v, &b)) {
		diag_error(r->d, r->file, v->line, "%s: %s must be true or false", what, key);
		*out = TRI_UNSET;
		return false;
	}
	*out = b ? TRI_YES : TRI_NO;
	return true;
}

static const char *
read_str(struct reader *r, const struct doc_node *v, const char *key, const char *what)
{
	const char *s = doc_str(v);
	if (!s || !*s) {
		diag_error(r->d, r->file, v->line, "%s: %s must be a non-empty string", what, key);
		return NULL;
	}
	return defs_copy_str(r, s);
}

static bool
kind_is(struct reader *r, const struct doc_node *v, enum doc_kind kind, const char *key,
	const char *what)
{
	if (v->kind == kind)
		return true;
	diag_error(r->d, r->file, v->line, "%s: %s must be a %s", what, key,
		kind == DOC_SEQ ? "list" : "mapping");
	return false;
}

/* The strings of a list: plain, or the member of each mapping. */
static const char **
read_strs(struct reader *r, const struct doc_node *seq, const char *key, const char *member,
	unsigned *n, const char *what)
{
	*n = 0;
	if (seq->count == 0)
		return NULL;
	const char **out = arena_alloc(r->t->arena, seq->count * sizeof(*out));
	if (!out) {
		diag_error(r->d, r->file, seq->line, "out of memory");
		return NULL;
	}
	for (size_t i = 0; i < seq->count; i++) {
		const struct doc_node *it = seq->items[i];
		const char *s = NULL;
		if (member && it->kind == DOC_MAP)
			s = defs_str_field(r, it, member, true, key);
		else if (doc_str(it) && *doc_str(it))
			s = defs_copy_str(r, doc_str(it));
		else
			diag_error(r->d, r->file, it->line, "%s: %s holds a %s where a string belongs",
				what, key, doc_kind_name(it->kind));
		if (s)
			out[(*n)++] = s;
	}
	return out;
}

static bool
field_needed(const struct reader *r, const struct defs_field *f)
{
	return f->need == DEFS_REQUIRED || (f->need == DEFS_REQUIRED_ALONE && !r->nested);
}

/* A field that is absent or null: TRI_UNSET for booleans, an error when needed. */
static void
read_absent(struct reader *r, const struct doc_node *n, const char *what,
	const struct defs_field *f, void *at)
{
	if (f->kind == DEFS_BOOL)
		*(int *)at = TRI_UNSET;
	if (field_needed(r, f))
		diag_error(r->d, r->file, n->line, "%s has no %s", what, f->name);
}

static void
read_value(struct reader *r, const struct doc_node *v, const char *what,
	const struct defs_field *f, void *obj, void *at)
{
	switch (f->kind) {
	case DEFS_KNOWN:
		break;
	case DEFS_STR:
		*(const char **)at = read_str(r, v, f->name, what);
		break;
	case DEFS_BOOL:
		read_bool(r, v, f->name, what, (int *)at);
		break;
	case DEFS_STRS:
		if (kind_is(r, v, DOC_SEQ, f->name, what))
			*(const char ***)at = read_strs(r, v, f->name, f->member,
				(unsigned *)((char *)obj + f->off_n), what);
		break;
	case DEFS_SEQ:
	case DEFS_MAP:
		if (kind_is(r, v, f->kind == DEFS_SEQ ? DOC_SEQ : DOC_MAP, f->name, what))
			*(const struct doc_node **)at = v;
		break;
	case DEFS_NODE:
		*(const struct doc_node **)at = v;
		break;
	case DEFS_SET:
		*(bool *)at = true;
		break;
	case DEFS_FN:
		f->read(r, v, obj);
		break;
	}
}

bool
defs_read_object(struct reader *r, const struct doc_node *n, const struct defs_object *o,
	void *obj)
{
	const struct doc_node *vals[DEFS_MAX_FIELDS] = { NULL };
	size_t nf = 0;
	if (!defs_expect_map(r, n, o->what))
		return false;
	while (o->fields[nf].name)
		nf++;
	log_assert(nf <= DEFS_MAX_FIELDS);
	match_fields(r, n, o, vals);
	for (size_t i = 0; i < nf; i++) {
		const struct defs_field *f = &o->fields[i];
		void *at = (char *)obj + f->off;
		if (f->kind == DEFS_STR && *(const char **)at)
			continue;	/* given by the enclosing object */
		if (!vals[i] || doc_is_null(vals[i]))
			read_absent(r, n, o->what, f, at);
		else
			read_value(r, vals[i], o->what, f, obj, at);
	}
	return true;
}

/* ---- values ---- */

const char *
defs_str_value(struct reader *r, const struct doc_node *v, const char *key, const char *what)
{
	return read_str(r, v, key, what);
}

const struct doc_node *
defs_seq_value(struct reader *r, const struct doc_node *v, const char *key, const char *what)
{
	return kind_is(r, v, DOC_SEQ, key, what) ? v : NULL;
}

const char **
defs_strs_value(struct reader *r, const struct doc_node *seq, const char *key,
	const char *member, unsigned *n, const char *what)
{
	return read_strs(r, seq, key, member, n, what);
}

int
defs_bool_value(struct reader *r, const struct doc_node *v, const char *key, const char *what)
{
	int out;
	read_bool(r, v, key, what, &out);
	return out;
}

const char *
defs_copy_str(struct reader *r, const char *s)
{
	return arena_strdup(r->t->arena, s);
}

const char *
defs_str_field(struct reader *r, const struct doc_node *obj, const char *key,
	bool required, const char *what)
{
	const struct doc_node *v = doc_get(obj, key);
	if (!v || doc_is_null(v)) {
		if (required)
			diag_error(r->d, r->file, obj->line, "%s has no %s", what, key);
		return NULL;
	}
	return read_str(r, v, key, what);
}

int
defs_bool_field(struct reader *r, const struct doc_node *obj, const char *key, const char *what)
{
	const struct doc_node *v = doc_get(obj, key);
	int out = TRI_UNSET;
	if (v && !doc_is_null(v))
		read_bool(r, v, key, what, &out);
	return out;
}

const struct doc_node *
defs_seq_field(struct reader *r, const struct doc_node *obj, const char *key, const char *what)
{
	const struct doc_node *v = doc_get(obj, key);
	if (!v || doc_is_null(v) || !kind_is(r, v, DOC_SEQ, key, what))
		return NULL;
	return v;
}

const char **
defs_str_list(struct reader *r, const struct doc_node *obj, const char *key,
	const char *member, unsigned *n, const char *what)
{
	const struct doc_node *seq = defs_seq_field(r, obj, key, what);
	*n = 0;
	return seq ? read_strs(r, seq, key, member, n, what) : NULL;
}

bool
defs_parse_prefix(struct reader *r, const struct doc_node *at, const char *text,
	struct netprefix *out, const char *what)
{
	if (!netprefix_parse(text, false, out)) {
		diag_error(r->d, r->file, at->line, "%s: '%s' is not an address block (like %s)",
			what, text, strchr(text, ':') ? "2600:1f16:1234:5600::/56" : "10.0.0.0/16");
		return false;
	}
	return true;
}

bool
defs_parse_addr(struct reader *r, unsigned line, const char *text, int family,
	struct netaddr *out, const char *what)
{
	if (!netaddr_parse(text, out) || (family && out->family != family)) {
		diag_error(r->d, r->file, line, "%s: '%s' is not an %s address", what, text,
			family == AF_INET6 ? "IPv6" : family == AF_INET ? "IPv4" : "IP");
		return false;
	}
	return true;
}

struct src
defs_src_at(struct reader *r, const struct doc_node *n)
{
	struct src s = { r->file, n->line };
	return s;
}

const struct doc_node *
defs_expect_map(struct reader *r, const struct doc_node *n, const char *what)
{
	if (n->kind != DOC_MAP) {
		diag_error(r->d, r->file, n->line, "%s must be a mapping, not a %s", what,
			doc_kind_name(n->kind));
		return NULL;
	}
	return n;
}

void *
defs_alloc(struct reader *r, const struct doc_node *n, size_t size)
{
	void *p = arena_zalloc(r->t->arena, size);
	if (!p)
		diag_error(r->d, r->file, n->line, "out of memory");
	return p;
}

bool
defs_register_id(struct reader *r, struct strmap *map, const char *id, void *obj,
	const struct src *src_of_new, const struct src *(*src_of)(void *), const char *what)
{
	void *old = strmap_put(map, id, obj);
	if (old == obj)
		return true;
	if (!old) {
		diag_error(r->d, r->file, src_of_new->line, "out of memory");
		return false;
	}
	const struct src *prev = src_of(old);
	diag_error(r->d, r->file, src_of_new->line, "%s %s is defined twice (first at %s:%u)",
		what, id, prev->file, prev->line);
	return false;
}

void
defs_read_each(struct reader *r, const struct doc_node *v, const char *what,
	void (*fn)(struct reader *, const struct doc_node *, const struct doc_node *))
{
	if (v->kind == DOC_MAP) {	/* get-* and create-* print one object */
		fn(r, v, NULL);
		return;
	}
	if (v->kind != DOC_SEQ) {
		if (!doc_is_null(v))
			diag_error(r->d, r->file, v->line, "%s must be a list", what);
		return;
	}
	for (size_t i = 0; i < v->count; i++)
		fn(r, v->items[i], NULL);
}

/* ---- Route 53 names (hosted zones, records, Resolver rules) ---- */

char *
defs_r53_unescape(const char *s)
{
	char *out = malloc(strlen(s) + 1);
	size_t o = 0;
	if (!out)
		return NULL;
	for (size_t i = 0; s[i];) {
		if (s[i] == '\\' && s[i + 1] >= '0' && s[i + 1] <= '3' &&
		    s[i + 2] >= '0' && s[i + 2] <= '7' && s[i + 3] >= '0' && s[i + 3] <= '7') {
			unsigned v = (unsigned)(s[i + 1] - '0') * 64 +
				(unsigned)(s[i + 2] - '0') * 8 + (unsigned)(s[i + 3] - '0');
			o += (size_t)snprintf(out + o, 5, "\\%03u", v);
			i += 4;
			continue;
		}
		if (s[i] == '\\' && s[i + 1])
			out[o++] = s[i++];
		out[o++] = s[i++];
	}
	out[o] = 0;
	return out;
}

bool
defs_r53_name(const char *given, uint8_t *wire, size_t *wlen, char *text, const char **why)
{
	char *s = defs_r53_unescape(given);
	int n;
	if (!s) {
		*why = "out of memory";
		return false;
	}
	n = dname_from_text(s, wire, why);
	free(s);
	if (n < 0)
		return false;
	*wlen = (size_t)n;
	dname_to_text(wire, text, NAME_TEXT_MAX);
	return true;
}

const char *
defs_strip_prefix(const char *s, const char *prefix)
{
	size_t n = strlen(prefix);
	return s && strncmp(s, prefix, n) == 0 ? s + n : s;
}
