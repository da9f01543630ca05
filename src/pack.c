/* SPDX-License-Identifier: BSD-3-Clause */
/* src/pack.c - compile resource records into prepared wire answers with name compression. */
#include "config.h"
#include "pack.h"

#include "wire.h"

#include <string.h>

/* A pointer can reach 0x3fff; the block starts after a header and a
 * question of at most 12 + 255 + 4 bytes, so names beyond this offset
 * are not offered for compression. */
#define PACK_COMPRESS_LIMIT (0x3fff - DNS_HEADER_SIZE - DNAME_MAX - 4)

/*
 * Offer the suffixes of name that start in its first `literal` bytes as
 * compression targets. The name is copied so the caller's memory need
 * not outlive the block.
 */
static void
remember_name(struct pack *p, const uint8_t *name, size_t len, size_t literal,
	bool in_block, size_t where)
{
	if (p->namebuf_len + len > sizeof(p->namebuf))
		return;
	uint8_t *copy = p->namebuf + p->namebuf_len;
	memcpy(copy, name, len);
	p->namebuf_len += len;
	size_t off = 0;
	/* the root alone is never worth a pointer */
	while (off < literal && len - off > 1 && p->n_names < PACK_MAX_NAMES) {
		p->names[p->n_names].name = copy + off;
		p->names[p->n_names].len = (uint8_t)(len - off);
		p->names[p->n_names].in_block = in_block;
		p->names[p->n_names].where = (uint16_t)(in_block ? where + off : len - off);
		p->n_names++;
		off += (size_t)copy[off] + 1;
	}
}

void
pack_init(struct pack *p, enum pack_mode mode, const uint8_t *known, size_t known_len)
{
	p->len = 0;
	p->count[0] = p->count[1] = p->count[2] = 0;
	p->mode = mode;
	p->overflow = false;
	p->n_names = 0;
	p->n_relocs = 0;
	p->namebuf_len = 0;
	p->known_len = known_len;
	/* The query name's suffixes: for PACK_EXACT the whole name, else
	 * the part that every matching query name ends with. */
	remember_name(p, known, known_len, known_len, false, 0);
}

static bool
room(struct pack *p, size_t n)
{
	if (p->len + n > PACK_MAX) {
		p->overflow = true;
		return false;
	}
	return true;
}

static bool
add_reloc(struct pack *p, size_t at, uint16_t value)
{
	if (p->n_relocs >= PACK_MAX_RELOCS) {
		p->overflow = true;
		return false;
	}
	p->relocs[p->n_relocs].at = (uint16_t)at;
	p->relocs[p->n_relocs].value = value;
	p->n_relocs++;
	return true;
}

/* Write a pointer to a remembered name; fixed when the offset is known now. */
static bool
put_pointer(struct pack *p, unsigned idx)
{
	if (!room(p, 2))
		return false;
	size_t at = p->len;
	p->len += 2;
	if (p->names[idx].in_block) {
		size_t off = p->names[idx].where;
		if (p->mode == PACK_EXACT) {
			size_t abs = DNS_HEADER_SIZE + p->known_len + 4 + off;
			wire_put16(p->buf + at, (uint16_t)(0xc000 | abs));
			return true;
		}
		wire_put16(p->buf + at, 0xc000);
		return add_reloc(p, at, (uint16_t)off);
	}
	size_t suffix = p->names[idx].where;
	if (p->mode == PACK_EXACT) {
		size_t abs = DNS_HEADER_SIZE + p->known_len - suffix;
		wire_put16(p->buf + at, (uint16_t)(0xc000 | abs));
		return true;
	}
	wire_put16(p->buf + at, 0xc000);
	return add_reloc(p, at, (uint16_t)(RELOC_QNAME_SUFFIX | suffix));
}

static int
find_name(const struct pack *p, const uint8_t *name, size_t len)
{
	for (unsigned i = 0; i < p->n_names; i++)
		if (dname_equal(p->names[i].name, p->names[i].len, name, len))
			return (int)i;
	return -1;
}

/* Write name, compressing its longest known suffix. */
static bool
put_name(struct pack *p, const uint8_t *name, size_t len)
{
	size_t start = p->len;
	size_t literal = 0;
	int idx = -1;
	while (len - literal > 1) {
		idx = find_name(p, name + literal, len - literal);
		if (idx >= 0)
			break;
		size_t step = (size_t)name[literal] + 1;
		if (!room(p, step))
			return false;
		memcpy(p->buf + p->len, name + literal, step);
		p->len += step;
		literal += step;
	}
	if (idx >= 0) {
		if (!put_pointer(p, (unsigned)idx))
			return false;
	} else {
		if (!room(p, 1))
			return false;
		p->buf[p->len++] = 0;
	}
	if (start < PACK_COMPRESS_LIMIT && literal > 0)
		remember_name(p, name, len, literal, true, start);
	return true;
}

/* The query name: offset 12 in every response, whatever its case. */
static bool
put_qname(struct pack *p)
{
	if (!room(p, 2))
		return false;
	wire_put16(p->buf + p->len, 0xc000 | DNS_HEADER_SIZE);
	p->len += 2;
	return true;
}

bool
pack_rdata_is_name(uint16_t type)
{
	return type == DNS_TYPE_NS || type == DNS_TYPE_CNAME || type == DNS_TYPE_PTR;
}

bool
pack_rr(struct pack *p, enum pack_section section, const uint8_t *owner,
	size_t owner_len, uint16_t type, uint32_t ttl, const uint8_t *rdata,
	uint16_t rdlen)
{
	if (p->overflow)
		return false;
	bool ok = owner ? put_name(p, owner, owner_len) : put_qname(p);
	if (!ok || !room(p, 10))
		return false;
	uint8_t *fixed = p->buf + p->len;
	wire_put16(fixed, type);
	wire_put16(fixed + 2, DNS_CLASS_IN);
	wire_put32(fixed + 4, ttl);
	p->len += 10;
	size_t rdstart = p->len;
	if (pack_rdata_is_name(type)) {
		if (!put_name(p, rdata, rdlen))
			return false;
	} else {
		if (!room(p, rdlen))
			return false;
		memcpy(p->buf + p->len, rdata, rdlen);
		p->len += rdlen;
	}
	wire_put16(p->buf + rdstart - 2, (uint16_t)(p->len - rdstart));
	p->count[section]++;
	return true;
}

void
pack_answer(const struct pack *p, uint8_t rcode, uint16_t qtype, struct answer *out)
{
	memset(out, 0, sizeof(*out));
	out->block = p->buf;	/* caller copies or interns */
	out->len = (uint16_t)p->len;
	out->ancount = p->count[PACK_ANSWER];
	out->nscount = p->count[PACK_AUTHORITY];
	out->arcount = p->count[PACK_ADDITIONAL];
	out->rcode = rcode;
	out->qtype = qtype;
	out->n_reloc = (uint8_t)p->n_relocs;
	out->relocs = p->relocs;
}
