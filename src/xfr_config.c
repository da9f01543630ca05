/* SPDX-License-Identifier: BSD-3-Clause */
/* src/xfr_config.c - the Secondaries entries of the Dnsd document: TSIG keys, their views, whom to notify. */
#include "config.h"
#include "xfr_config.h"

#include "defs.h"
#include "diag.h"
#include "doc.h"

#include <string.h>

/** A Secondaries entry as written. */
struct secondary_in {
	const char *key, *algorithm, *secret, *view, *catalog;
	const char **notify, **allow;
	unsigned n_notify, n_allow;
};

static const struct defs_field secondary_fields[] = {
	DEFS_R(struct secondary_in, "Key", DEFS_STR, key),
	DEFS_F(struct secondary_in, "Algorithm", DEFS_STR, algorithm),
	DEFS_R(struct secondary_in, "Secret", DEFS_STR, secret),
	DEFS_R(struct secondary_in, "View", DEFS_STR, view),
	DEFS_L(struct secondary_in, "Notify", notify, n_notify, NULL),
	DEFS_L(struct secondary_in, "AllowTransfer", allow, n_allow, NULL),
	DEFS_F(struct secondary_in, "Catalog", DEFS_STR, catalog),
	DEFS_END
};
static const struct defs_object secondary_object = { "a Secondaries entry", secondary_fields };

static bool
read_key(struct reader *r, unsigned line, const struct secondary_in *in, struct xfr_secondary *s)
{
	const char *why = NULL;
	int n = dname_from_text(in->key, s->key.name, &why);
	if (n < 0) {
		diag_error(r->d, r->file, line, "Key %s is not a domain name: %s", in->key, why);
		return false;
	}
	dname_lower_copy(s->key.name, s->key.name, (size_t)n);
	s->key.name_len = (uint8_t)n;
	int alg = tsig_alg_from_text(in->algorithm ? in->algorithm : "hmac-sha256");
	if (alg < 0) {
		diag_error(r->d, r->file, line, "Algorithm %s is not one dnsd knows: hmac-sha256 "
			"(the default), hmac-sha224, hmac-sha384, hmac-sha512 or hmac-sha1",
			in->algorithm);
		return false;
	}
	s->key.alg = (enum tsig_alg)alg;
	n = tsig_base64_decode(in->secret, s->key.secret, sizeof(s->key.secret));
	if (n <= 0) {
		diag_error(r->d, r->file, line, "the Secret of key %s is not base64 of 1 to %u "
			"bytes (make one with `tsig-keygen %s` or `keymgr -t %s`)", in->key,
			TSIG_MAX_SECRET, in->key, in->key);
		return false;
	}
	s->key.secret_len = (uint16_t)n;
	s->key_text = in->key;
	return true;
}

static bool
read_lists(struct reader *r, const struct doc_node *n, const struct secondary_in *in,
	struct xfr_secondary *s)
{
	unsigned line = n->line;
	if (in->n_notify > XFR_MAX_LIST || in->n_allow > XFR_MAX_LIST) {
		diag_error(r->d, r->file, line, "at most %d Notify targets and %d AllowTransfer "
			"prefixes per Secondaries entry", XFR_MAX_LIST, XFR_MAX_LIST);
		return false;
	}
	for (unsigned i = 0; i < in->n_notify; i++) {
		socklen_t len;
		if (!netaddr_parse_sockaddr(in->notify[i], 53, &s->notify[i], &len)) {
			diag_error(r->d, r->file, line, "Notify %s is not ADDR, ADDR:PORT or "
				"[IPV6]:PORT", in->notify[i]);
			return false;
		}
	}
	s->n_notify = in->n_notify;
	for (unsigned i = 0; i < in->n_allow; i++)
		if (!defs_parse_prefix(r, n, in->allow[i], &s->allow[i], "AllowTransfer"))
			return false;
	s->n_allow = in->n_allow;
	return true;
}

static bool
read_catalog(struct reader *r, unsigned line, const char *text, struct xfr_secondary *s)
{
	const char *why = NULL;
	int n = dname_from_text(text ? text : XFR_CATALOG_DEFAULT, s->catalog, &why);
	if (n < 0) {
		diag_error(r->d, r->file, line, "Catalog %s is not a domain name: %s", text, why);
		return false;
	}
	dname_lower_copy(s->catalog, s->catalog, (size_t)n);
	s->catalog_len = (uint8_t)n;
	return true;
}

/* A key name says which view a transfer gets: it must be unique. */
static bool
key_unique(struct reader *r, unsigned line, const struct xfr_secondary *s)
{
	for (const struct xfr_secondary *o = r->t->secondaries; o; o = o->next) {
		if (dname_equal(o->key.name, o->key.name_len, s->key.name, s->key.name_len)) {
			diag_error(r->d, r->file, line, "key %s is given twice (first at %s:%u): "
				"a key chooses one view", s->key_text, o->file, o->line);
			return false;
		}
	}
	return true;
}

void
xfr_config_read(struct reader *r, const struct doc_node *n)
{
	struct secondary_in in;
	memset(&in, 0, sizeof(in));
	unsigned errors = r->d->errors;
	if (!defs_read_object(r, n, &secondary_object, &in) || r->d->errors > errors)
		return;
	struct xfr_secondary *s = defs_alloc(r, n, sizeof(*s));
	if (!s)
		return;
	s->view = in.view;
	s->file = r->file;
	s->line = n->line;
	if (!read_key(r, n->line, &in, s) || !read_lists(r, n, &in, s) ||
	    !read_catalog(r, n->line, in.catalog, s) || !key_unique(r, n->line, s))
		return;
	*r->t->secondaries_tail = s;
	r->t->secondaries_tail = &s->next;
}
