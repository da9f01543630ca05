/* SPDX-License-Identifier: BSD-3-Clause */
/* src/tsig.c - TSIG (RFC 8945): keys, reading the TSIG of a message, verifying requests, signing responses. */
#include "config.h"
#include "tsig.h"

#include "wire.h"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <pthread.h>
#include <string.h>
#include <strings.h>

/* The HMACs come from libcrypto (OpenSSL 3), which ldns links already:
 * its SHA-2 code is vetted and fast (SHA-NI/AVX2), and it has every
 * algorithm TSIG names; a MAC is compared with CRYPTO_memcmp. */

struct alg_def {
	const char *text;		/* as configurations write it */
	const uint8_t *wire;		/* as TSIG records carry it */
	uint8_t wire_len;
	const char *digest;		/* OpenSSL's name */
	uint8_t mac_size;
};

#define W(s) (const uint8_t *)s, sizeof(s)
static const struct alg_def algs[TSIG_N_ALGS] = {
	[TSIG_HMAC_SHA1] = { "hmac-sha1", W("\011hmac-sha1"), "SHA1", 20 },
	[TSIG_HMAC_SHA224] = { "hmac-sha224", W("\013hmac-sha224"), "SHA224", 28 },
	[TSIG_HMAC_SHA256] = { "hmac-sha256", W("\013hmac-sha256"), "SHA256", 32 },
	[TSIG_HMAC_SHA384] = { "hmac-sha384", W("\013hmac-sha384"), "SHA384", 48 },
	[TSIG_HMAC_SHA512] = { "hmac-sha512", W("\013hmac-sha512"), "SHA512", 64 },
};
#undef W

int
tsig_alg_from_text(const char *text)
{
	size_t n = strlen(text);
	if (n && text[n - 1] == '.')
		n--;
	for (int i = 0; i < TSIG_N_ALGS; i++)
		if (strlen(algs[i].text) == n && strncasecmp(algs[i].text, text, n) == 0)
			return i;
	return -1;
}

const char *
tsig_alg_text(enum tsig_alg alg)
{
	return algs[alg].text;
}

size_t
tsig_mac_size(enum tsig_alg alg)
{
	return algs[alg].mac_size;
}

/* ---- base64 ---- */

static int
b64_value(char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

int
tsig_base64_decode(const char *text, uint8_t *out, size_t cap)
{
	uint32_t acc = 0;
	unsigned bits = 0, pad = 0, chars = 0;
	size_t n = 0;
	for (const char *p = text; *p; p++) {
		if (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
			continue;
		chars++;
		if (*p == '=') {
			pad++;
			continue;
		}
		int v = b64_value(*p);
		if (v < 0 || pad)
			return -1;	/* not base64, or data after padding */
		acc = acc << 6 | (uint32_t)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			if (n >= cap)
				return -1;
			out[n++] = (uint8_t)(acc >> bits);
		}
	}
	if (chars % 4 != 0 || pad > 2 || (acc & ((1u << bits) - 1)) != 0)
		return -1;
	return (int)n;
}

/* ---- HMAC ---- */

static EVP_MAC *hmac;
static pthread_once_t hmac_once = PTHREAD_ONCE_INIT;

static void
hmac_fetch(void)
{
	hmac = EVP_MAC_fetch(NULL, "HMAC", NULL);
}

/* One MAC computation over several pieces. */
struct mac {
	EVP_MAC_CTX *ctx;
	bool ok;
};

static void
mac_begin(struct mac *m, const struct tsig_key *k)
{
	pthread_once(&hmac_once, hmac_fetch);
	m->ctx = hmac ? EVP_MAC_CTX_new(hmac) : NULL;
	OSSL_PARAM params[2] = {
		OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST,
			(char *)algs[k->alg].digest, 0),
		OSSL_PARAM_construct_end()
	};
	m->ok = m->ctx && EVP_MAC_init(m->ctx, k->secret, k->secret_len, params) == 1;
}

static void
mac_update(struct mac *m, const void *p, size_t n)
{
	if (m->ok && n)
		m->ok = EVP_MAC_update(m->ctx, p, n) == 1;
}

static void
mac_update16(struct mac *m, uint16_t v)
{
	uint8_t b[2];
	wire_put16(b, v);
	mac_update(m, b, 2);
}

static void
mac_update48(struct mac *m, uint64_t v)
{
	uint8_t b[6];
	wire_put16(b, (uint16_t)(v >> 32));
	wire_put32(b + 2, (uint32_t)v);
	mac_update(m, b, 6);
}

static bool
mac_end(struct mac *m, uint8_t *out, size_t *len)
{
	size_t n = 0;
	bool ok = m->ok && EVP_MAC_final(m->ctx, out, &n, TSIG_MAX_MAC) == 1;
	EVP_MAC_CTX_free(m->ctx);
	m->ctx = NULL;
	*len = n;
	return ok;
}

/* The message without its TSIG, as signed: original ID, one record fewer. */
static void
mac_message(struct mac *m, const uint8_t *pkt, size_t start, uint16_t orig_id)
{
	uint8_t head[DNS_HEADER_SIZE];
	memcpy(head, pkt, DNS_HEADER_SIZE);
	wire_put16(head, orig_id);
	wire_put16(head + 10, (uint16_t)(wire_get16(pkt + 10) - 1));
	mac_update(m, head, DNS_HEADER_SIZE);
	mac_update(m, pkt + DNS_HEADER_SIZE, start - DNS_HEADER_SIZE);
}

/* The TSIG variables (RFC 8945 §4.3.3): names in canonical form. */
static void
mac_variables(struct mac *m, const uint8_t *key, size_t key_len, const uint8_t *alg,
	size_t alg_len, uint64_t time, uint16_t fudge, uint16_t error, const uint8_t *other,
	uint16_t other_len)
{
	mac_update(m, key, key_len);
	mac_update16(m, DNS_CLASS_ANY);
	mac_update(m, "\0\0\0\0", 4);	/* TTL */
	mac_update(m, alg, alg_len);
	mac_update48(m, time);
	mac_update16(m, fudge);
	mac_update16(m, error);
	mac_update16(m, other_len);
	mac_update(m, other, other_len);
}

/* ---- reading ---- */

bool
tsig_parse(const uint8_t *pkt, size_t len, size_t at, struct tsig_rr *t)
{
	size_t pos = at;
	struct wire_rr rr;
	memset(t, 0, sizeof(*t));
	t->start = at;
	size_t klen = wire_read_name(pkt, len, &pos, t->key, true);
	pos = at;
	if (!klen || !wire_parse_rr(pkt, len, &pos, &rr) || rr.type != DNS_TYPE_TSIG ||
	    rr.rclass != DNS_CLASS_ANY || rr.ttl != 0 || rr.end != len)
		return false;
	t->key_len = (uint8_t)klen;
	size_t p = rr.rdata;
	size_t alen = wire_read_name(pkt, rr.end, &p, t->alg, true);
	if (!alen || rr.end - p < 10)
		return false;
	t->alg_len = (uint8_t)alen;
	t->time = (uint64_t)wire_get16(pkt + p) << 32 | wire_get32(pkt + p + 2);
	t->fudge = wire_get16(pkt + p + 6);
	t->mac_len = wire_get16(pkt + p + 8);
	p += 10;
	if (rr.end - p < (size_t)t->mac_len + 6)
		return false;
	t->mac = pkt + p;
	p += t->mac_len;
	t->orig_id = wire_get16(pkt + p);
	t->error = wire_get16(pkt + p + 2);
	t->other_len = wire_get16(pkt + p + 4);
	p += 6;
	if (rr.end - p != t->other_len)
		return false;
	t->other = pkt + p;
	return true;
}

int
tsig_rr_alg(const struct tsig_rr *t)
{
	for (int i = 0; i < TSIG_N_ALGS; i++)
		if (dname_equal(t->alg, t->alg_len, algs[i].wire, algs[i].wire_len))
			return i;
	return -1;
}

int
tsig_verify(const struct tsig_key *k, const uint8_t *pkt, const struct tsig_rr *t, uint64_t now)
{
	size_t full = algs[k->alg].mac_size;
	/* RFC 8945 §5.2.2.1: longer than the hash, or shorter than half of
	 * it or 10 bytes, is malformed; a truncated MAC at least that long
	 * is checked over its length */
	if (t->mac_len > full || t->mac_len < 10 || t->mac_len < full / 2)
		return -1;
	struct mac m;
	uint8_t mac[TSIG_MAX_MAC];
	size_t n;
	mac_begin(&m, k);
	mac_message(&m, pkt, t->start, t->orig_id);
	mac_variables(&m, t->key, t->key_len, t->alg, t->alg_len, t->time, t->fudge, t->error,
		t->other, t->other_len);
	if (!mac_end(&m, mac, &n) || n != full || CRYPTO_memcmp(mac, t->mac, t->mac_len) != 0)
		return TSIG_BADSIG;
	uint64_t skew = now > t->time ? now - t->time : t->time - now;
	return skew > t->fudge ? TSIG_BADTIME : TSIG_NOERROR;
}

/* ---- writing ---- */

void
tsig_signer_init(struct tsig_signer *s, const struct tsig_key *k, const struct tsig_rr *t)
{
	s->key = k;
	s->prior_len = t->mac_len;
	memcpy(s->prior, t->mac, t->mac_len);
	s->orig_id = t->orig_id;
	s->first = true;
	s->time = 0;
}

/* Append the TSIG record itself after len bytes; ARCOUNT + 1. */
static size_t
put_tsig(const struct tsig_key *k, uint8_t *msg, size_t len, size_t cap, uint64_t time,
	const uint8_t *mac, size_t mac_len, uint16_t orig_id, uint16_t error,
	const uint8_t *other, uint16_t other_len)
{
	const struct alg_def *a = &algs[k->alg];
	size_t rdlen = a->wire_len + 16u + mac_len + other_len;
	if (len + k->name_len + 10 + rdlen > cap)
		return 0;
	uint8_t *p = msg + len;
	memcpy(p, k->name, k->name_len);
	p += k->name_len;
	wire_put16(p, DNS_TYPE_TSIG);
	wire_put16(p + 2, DNS_CLASS_ANY);
	wire_put32(p + 4, 0);
	wire_put16(p + 8, (uint16_t)rdlen);
	p += 10;
	memcpy(p, a->wire, a->wire_len);
	p += a->wire_len;
	wire_put16(p, (uint16_t)(time >> 32));
	wire_put32(p + 2, (uint32_t)time);
	wire_put16(p + 6, TSIG_FUDGE);
	wire_put16(p + 8, (uint16_t)mac_len);
	memcpy(p + 10, mac, mac_len);
	p += 10 + mac_len;
	wire_put16(p, orig_id);
	wire_put16(p + 2, error);
	wire_put16(p + 4, other_len);
	if (other_len)
		memcpy(p + 6, other, other_len);
	p += 6 + other_len;
	wire_put16(msg + 10, (uint16_t)(wire_get16(msg + 10) + 1));
	return (size_t)(p - msg);
}

size_t
tsig_sign(struct tsig_signer *s, uint8_t *msg, size_t len, size_t cap, uint64_t now,
	uint16_t error)
{
	const struct tsig_key *k = s->key;
	const struct alg_def *a = &algs[k->alg];
	uint64_t time = s->time ? s->time : now;
	uint8_t other[6];
	uint16_t other_len = 0;
	if (error == TSIG_BADTIME) {
		wire_put16(other, (uint16_t)(now >> 32));
		wire_put32(other + 2, (uint32_t)now);
		other_len = 6;
	}
	struct mac m;
	uint8_t mac[TSIG_MAX_MAC];
	size_t n;
	mac_begin(&m, k);
	mac_update16(&m, s->prior_len);
	mac_update(&m, s->prior, s->prior_len);
	uint8_t id[2];
	wire_put16(id, s->orig_id);	/* a message is signed with its original ID */
	mac_update(&m, id, 2);
	mac_update(&m, msg + 2, len - 2);
	if (s->first) {
		mac_variables(&m, k->name, k->name_len, a->wire, a->wire_len, time, TSIG_FUDGE,
			error, other, other_len);
	} else {
		mac_update48(&m, time);
		mac_update16(&m, TSIG_FUDGE);
	}
	if (!mac_end(&m, mac, &n))
		return 0;
	size_t out = put_tsig(k, msg, len, cap, time, mac, n, s->orig_id, error, other, other_len);
	if (out) {
		memcpy(s->prior, mac, n);
		s->prior_len = (uint16_t)n;
		s->first = false;
	}
	return out;
}

size_t
tsig_append_error(const struct tsig_rr *t, uint8_t *msg, size_t len, size_t cap, uint16_t error)
{
	size_t rdlen = t->alg_len + 16u;
	if (len + t->key_len + 10 + rdlen > cap)
		return 0;
	uint8_t *p = msg + len;
	memcpy(p, t->key, t->key_len);
	p += t->key_len;
	wire_put16(p, DNS_TYPE_TSIG);
	wire_put16(p + 2, DNS_CLASS_ANY);
	wire_put32(p + 4, 0);
	wire_put16(p + 8, (uint16_t)rdlen);
	p += 10;
	memcpy(p, t->alg, t->alg_len);
	p += t->alg_len;
	wire_put16(p, (uint16_t)(t->time >> 32));
	wire_put32(p + 2, (uint32_t)t->time);
	wire_put16(p + 6, t->fudge);
	wire_put16(p + 8, 0);		/* no MAC */
	wire_put16(p + 10, t->orig_id);
	wire_put16(p + 12, error);
	wire_put16(p + 14, 0);
	p += 16;
	wire_put16(msg + 10, (uint16_t)(wire_get16(msg + 10) + 1));
	return (size_t)(p - msg);
}

size_t
tsig_sign_request(const struct tsig_key *k, uint8_t *msg, size_t len, size_t cap, uint64_t now,
	uint8_t *mac, size_t *mac_len)
{
	const struct alg_def *a = &algs[k->alg];
	struct mac m;
	mac_begin(&m, k);
	mac_update(&m, msg, len);
	mac_variables(&m, k->name, k->name_len, a->wire, a->wire_len, now, TSIG_FUDGE, 0, NULL, 0);
	if (!mac_end(&m, mac, mac_len))
		return 0;
	return put_tsig(k, msg, len, cap, now, mac, *mac_len, wire_get16(msg), 0, NULL, 0);
}

/* Where the last record of a message starts (the TSIG's place). */
static bool
last_record(const uint8_t *pkt, size_t len, size_t *at)
{
	if (len < DNS_HEADER_SIZE)
		return false;
	size_t pos = DNS_HEADER_SIZE;
	unsigned qd = wire_get16(pkt + 4);
	unsigned rrs = (unsigned)wire_get16(pkt + 6) + wire_get16(pkt + 8) + wire_get16(pkt + 10);
	for (unsigned i = 0; i < qd; i++) {
		if (!wire_skip_name(pkt, len, &pos) || len - pos < 4)
			return false;
		pos += 4;
	}
	if (rrs == 0)
		return false;
	for (unsigned i = 0; i < rrs; i++) {
		struct wire_rr rr;
		*at = pos;
		if (!wire_parse_rr(pkt, len, &pos, &rr))
			return false;
	}
	return pos == len;
}

bool
tsig_verify_response(const struct tsig_key *k, const uint8_t *req_mac, size_t req_mac_len,
	const uint8_t *pkt, size_t len, uint64_t now)
{
	size_t at;
	struct tsig_rr t;
	if (!last_record(pkt, len, &at) || !tsig_parse(pkt, len, at, &t) ||
	    !dname_equal(t.key, t.key_len, k->name, k->name_len) || tsig_rr_alg(&t) != (int)k->alg ||
	    t.mac_len != algs[k->alg].mac_size)
		return false;
	struct mac m;
	uint8_t mac[TSIG_MAX_MAC];
	size_t n;
	mac_begin(&m, k);
	mac_update16(&m, (uint16_t)req_mac_len);
	mac_update(&m, req_mac, req_mac_len);
	mac_message(&m, pkt, t.start, t.orig_id);
	mac_variables(&m, t.key, t.key_len, t.alg, t.alg_len, t.time, t.fudge, t.error, t.other,
		t.other_len);
	if (!mac_end(&m, mac, &n) || CRYPTO_memcmp(mac, t.mac, n) != 0)
		return false;
	uint64_t skew = now > t.time ? now - t.time : t.time - now;
	return skew <= t.fudge;
}
