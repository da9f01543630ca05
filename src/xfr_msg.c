/* SPDX-License-Identifier: BSD-3-Clause */
/* src/xfr_msg.c - write the messages of a zone transfer, names compressed within each message. */
#include "config.h"
#include "xfr_msg.h"

#include "dname.h"
#include "pack.h"
#include "wire.h"
#include "xfr_rr.h"

#include <string.h>

#define PTR_MAX 0x3fff	/* a pointer reaches the first 16 KiB of a message */

void
xfr_msg_start(struct xfr_msg *m, uint8_t *buf, size_t limit, uint16_t id, uint16_t flags,
	const uint8_t *question, size_t question_len)
{
	m->buf = buf;
	m->limit = limit;
	m->ancount = 0;
	if (++m->gen == 0) {	/* wrapped: clear for real */
		memset(m->dict, 0, sizeof(m->dict));
		m->gen = 1;
	}
	wire_put16(buf, id);
	wire_put16(buf + 2, flags);
	memset(buf + 4, 0, 8);
	m->len = DNS_HEADER_SIZE;
	if (question) {
		wire_put16(buf + 4, 1);
		memcpy(buf + m->len, question, question_len);
		m->len += question_len;
	}
}

/* Hashes of every suffix of a name (lowercased), the name first. */
static unsigned
suffix_hashes(const uint8_t *name, size_t len, uint8_t *off, uint32_t *hash)
{
	uint8_t lower[DNAME_MAX];
	unsigned n = 0;
	dname_lower_copy(lower, name, len);
	for (size_t pos = 0; pos + 1 < len && n < DNAME_MAX_LABELS; pos += (size_t)lower[pos] + 1)
		off[n++] = (uint8_t)pos;
	off[n] = (uint8_t)(len - 1);
	dname_suffix_hashes(lower, off, n, hash);
	return n;
}

/* Whether the name at off in the message (maybe compressed) is exactly name. */
static bool
same_at(const struct xfr_msg *m, size_t off, const uint8_t *name, size_t len)
{
	uint8_t there[DNAME_MAX];
	size_t pos = off;
	size_t n = wire_read_name(m->buf, m->len, &pos, there, false);
	return n == len && memcmp(there, name, len) == 0;
}

static int
dict_find(const struct xfr_msg *m, uint32_t hash, const uint8_t *name, size_t len)
{
	for (unsigned i = hash & (XFR_MSG_DICT - 1), k = 0; k < 8; i = (i + 1) & (XFR_MSG_DICT - 1), k++) {
		if (m->dict[i].gen != m->gen)
			return -1;
		if (m->dict[i].hash == hash && same_at(m, m->dict[i].off, name, len))
			return m->dict[i].off;
	}
	return -1;
}

static void
dict_put(struct xfr_msg *m, uint32_t hash, size_t off)
{
	for (unsigned i = hash & (XFR_MSG_DICT - 1), k = 0; k < 8; i = (i + 1) & (XFR_MSG_DICT - 1), k++) {
		if (m->dict[i].gen != m->gen) {
			m->dict[i].gen = m->gen;
			m->dict[i].hash = hash;
			m->dict[i].off = (uint16_t)off;
			return;
		}
	}
	/* a full run of the table: the name is just not offered */
}

/* Write a name at m->len: its labels up to the longest suffix already in
 * the message, then a pointer. @return false when past limit. */
static bool
put_name(struct xfr_msg *m, const uint8_t *name, size_t len)
{
	uint8_t off[DNAME_MAX_LABELS + 1];
	uint32_t hash[DNAME_MAX_LABELS + 1];
	unsigned n = suffix_hashes(name, len, off, hash);
	unsigned i = 0;
	int at = -1;
	for (; i < n; i++)
		if ((at = dict_find(m, hash[i], name + off[i], len - off[i])) >= 0)
			break;
	size_t literal = i < n ? off[i] : len;
	if (m->len + literal + (i < n ? 2 : 0) > m->limit)
		return false;
	size_t start = m->len;
	memcpy(m->buf + m->len, name, literal);
	m->len += literal;
	if (i < n) {
		wire_put16(m->buf + m->len, (uint16_t)(0xc000 | at));
		m->len += 2;
	}
	for (unsigned k = 0; k < i && start + off[k] <= PTR_MAX; k++)
		dict_put(m, hash[k], start + off[k]);
	return true;
}

bool
xfr_msg_rr(struct xfr_msg *m, const struct xfr_rr *rr)
{
	size_t before = m->len;
	if (!put_name(m, rr->owner, rr->owner_len) || m->len + 10 > m->limit)
		goto full;
	uint8_t *fixed = m->buf + m->len;
	wire_put16(fixed, rr->type);
	wire_put16(fixed + 2, DNS_CLASS_IN);
	wire_put32(fixed + 4, rr->ttl);
	m->len += 10;
	size_t rdstart = m->len;
	if (pack_rdata_is_name(rr->type) && rr->rdlen && dname_len(rr->rdata) == rr->rdlen) {
		if (!put_name(m, rr->rdata, rr->rdlen))
			goto full;
	} else {
		if (m->len + rr->rdlen > m->limit)
			goto full;
		memcpy(m->buf + m->len, rr->rdata, rr->rdlen);
		m->len += rr->rdlen;
	}
	wire_put16(m->buf + rdstart - 2, (uint16_t)(m->len - rdstart));
	m->ancount++;
	return true;
full:
	m->len = before;	/* dictionary entries past len are never matched: same_at reads within len */
	return false;
}

void
xfr_msg_end(struct xfr_msg *m)
{
	wire_put16(m->buf + 6, m->ancount);
}
