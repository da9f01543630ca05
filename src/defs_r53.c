/* SPDX-License-Identifier: BSD-3-Clause */
/* src/defs_r53.c - read Route 53 hosted zones, record sets and zone files into the topology. */
#include "config.h"
#include "defs.h"

#include "arena.h"
#include "diag.h"
#include "dname.h"
#include "doc.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <ldns/ldns.h>

#define R53_MAX_ZONE_FILE (1024u * 1024u * 1024u)	/* as for definition files */
#define R53_TTL_MAX 2147483647u				/* Route 53's TTL bound */

/* Fields of the AWS CLI output (botocore route53 2013-04-01 and
 * route53resolver 2018-04-01 shapes) and of the hand-written additions;
 * anything else gets a warning. */
static const char *const zone_fields[] = {
	"Id", "Name", "CallerReference", "Config", "ResourceRecordSetCount",
	"LinkedService", "Features", "VPCs", "VPCIds", "ResourceRecordSets", "ZoneFile", NULL
};
static const char *const zone_config_fields[] = { "Comment", "PrivateZone", NULL };
static const char *const zone_vpc_fields[] = { "VPCId", "VPCRegion", NULL };
static const char *const get_zone_fields[] = {
	"HostedZone", "DelegationSet", "VPCs", "VPC", "ChangeInfo", "Location",
	"ResourceRecordSets", NULL
};
static const char *const rrset_fields[] = {
	"Name", "Type", "SetIdentifier", "Weight", "Region", "GeoLocation", "Failover",
	"MultiValueAnswer", "TTL", "ResourceRecords", "AliasTarget", "HealthCheckId",
	"TrafficPolicyInstanceId", "CidrRoutingConfig", "GeoProximityLocation", NULL
};
static const char *const routing_fields[] = {
	"SetIdentifier", "Weight", "Region", "GeoLocation", "Failover", "MultiValueAnswer",
	"HealthCheckId", "TrafficPolicyInstanceId", "CidrRoutingConfig",
	"GeoProximityLocation", NULL
};
static const char *const alias_fields[] = {
	"HostedZoneId", "DNSName", "EvaluateTargetHealth", NULL
};
static const char *const rr_value_fields[] = { "Value", NULL };
/* Paging and echo keys of the list commands. */
static const char *const ignored_keys[] = {
	"NextToken", "IsTruncated", "MaxItems", "Marker", "NextMarker", "MaxResults",
	"NextRecordName", "NextRecordType", "NextRecordIdentifier", "DNSName",
	"NextDNSName", "NextHostedZoneId", NULL
};

/** A record set of list-resource-record-sets, for the checks across sets. */
struct r53_set {
	const char *name;
	uint16_t type;
	bool routing;		/**< has SetIdentifier & co: one of several sets */
	struct src src;
};

/** A record with what the checks need; the topology sees its first member. */
struct r53_rr {
	struct topo_rr rr;
	const struct r53_set *set;	/**< NULL: from a zone file */
	const uint8_t *wire;		/**< owner, lowercase */
	size_t wlen;
	unsigned index;
	bool dropped;
};

/** Records read but not yet in a zone. */
struct rr_sink {
	struct topo_rr *head, **tail;
	unsigned n;
	const char *soa_name;		/**< owner of the SOA, when one */
	struct src soa_src;
	bool soa_ambiguous;		/**< SOAs with several owners */
};

/** One VPC association of a hosted zone. */
struct zone_vpc {
	const char *region;
	struct src src;
};

/** A hosted zone; the topology sees its first member. */
struct r53_zone {
	struct topo_hosted_zone z;
	struct zone_vpc *vpcs;		/**< parallel to z.vpc_ids */
	unsigned cap_vpcs;
	bool from_list, from_get;
	uint8_t wire[DNAME_MAX];
	size_t wlen;
};

/** list-resource-record-sets output waiting for its zone. */
struct pending_rrs {
	struct pending_rrs *next;
	struct rr_sink rrs;
	const char *zone_id;		/**< HostedZoneId of the document */
	struct src zone_id_src;
	struct src src;
};

/** A zone file read already, known by its inode: a ZoneFile may name
 * one the directory holds too. */
struct loaded_file {
	struct loaded_file *next;
	dev_t dev;
	ino_t ino;
};

/** Reading state that outlives one file (in the topology's arena). */
struct r53_state {
	struct pending_rrs *rrsets, **rrsets_tail;
	struct loaded_file *zone_files;
};

static struct r53_state *
r53_state(struct topology *t)
{
	struct r53_state *s = t->r53_state;
	if (s)
		return s;
	s = arena_zalloc(t->arena, sizeof(*s));
	if (!s)
		return NULL;
	s->rrsets_tail = &s->rrsets;
	t->r53_state = s;
	return s;
}

static bool
str_in(const char *s, const char *const *list)
{
	for (; *list; list++)
		if (strcmp(s, *list) == 0)
			return true;
	return false;
}

static bool
is_alnum(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* "Z" and 21 of [0-9A-Z], as Route 53 zone ids are. */
static const char *
zone_id_generate(struct topology *t, const char *name, const char *vpc)
{
	static const char digits[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";
	for (unsigned n = 0;; n++) {
		uint64_t h[2] = { topology_stable_hash(name, vpc, n), topology_stable_hash(vpc, name, n + 1) };
		char id[23];
		id[0] = 'Z';
		for (int i = 0; i < 21; i++) {
			uint64_t *p = &h[i < 12 ? 0 : 1];
			id[1 + i] = digits[*p % 36];
			*p /= 36;
		}
		id[22] = 0;
		if (!strmap_get(&t->zone_by_id, id))
			return arena_strdup(t->arena, id);
	}
}

/* Route 53 prints bytes outside [a-z0-9-_] as \ooo in octal (\052 is '*'),
 * while presentation format reads \DDD as decimal: rewrite them.
 * @return a string to free(), or NULL when out of memory. */
static char *
octal_to_decimal(const char *s)
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
	char *s = octal_to_decimal(given);
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

static const char *
strip_prefix(const char *s, const char *prefix)
{
	size_t n = strlen(prefix);
	return s && strncmp(s, prefix, n) == 0 ? s + n : s;
}

/* Type name for messages, without allocating. */
static const char *
type_name(uint16_t type, char *buf, size_t size)
{
	const ldns_rr_descriptor *desc = ldns_rr_descript(type);
	if (desc && desc->_name)
		return desc->_name;
	snprintf(buf, size, "TYPE%u", (unsigned)type);
	return buf;
}

/* Meta types (OPT, TSIG, AXFR, ANY, ...) are not data. */
static bool
type_is_data(uint16_t type)
{
	return type != 0 && type != LDNS_RR_TYPE_OPT &&
		!(type >= LDNS_RR_TYPE_TKEY && type <= LDNS_RR_TYPE_ANY);
}

/* Types whose RDATA names dnsd compares as lowercase wire names. */
static bool
type_lowercases_names(uint16_t type)
{
	switch (type) {
	case LDNS_RR_TYPE_NS:
	case LDNS_RR_TYPE_CNAME:
	case LDNS_RR_TYPE_PTR:
	case LDNS_RR_TYPE_MX:
	case LDNS_RR_TYPE_SRV:
	case LDNS_RR_TYPE_SOA:
	case LDNS_RR_TYPE_DNAME:
		return true;
	default:
		return false;
	}
}

/* The RDATA of an ldns record in uncompressed wire form, in the arena. */
static uint8_t *
rdata_wire(struct arena *a, const ldns_rr *rr, uint16_t *rdlen)
{
	size_t n = 0, off = 0;
	bool lower = type_lowercases_names((uint16_t)ldns_rr_get_type(rr));
	for (size_t i = 0; i < ldns_rr_rd_count(rr); i++)
		n += ldns_rdf_size(ldns_rr_rdf(rr, i));
	if (n > 65535)
		return NULL;
	uint8_t *out = arena_alloc(a, n ? n : 1);
	if (!out)
		return NULL;
	for (size_t i = 0; i < ldns_rr_rd_count(rr); i++) {
		const ldns_rdf *f = ldns_rr_rdf(rr, i);
		size_t len = ldns_rdf_size(f);
		memcpy(out + off, ldns_rdf_data(f), len);
		/* label length bytes are below 64, so bytewise is safe */
		if (lower && ldns_rdf_get_type(f) == LDNS_RDF_TYPE_DNAME)
			for (size_t j = 0; j < len; j++)
				out[off + j] = dname_lower_byte(out[off + j]);
		off += len;
	}
	*rdlen = (uint16_t)n;
	return out;
}

static void
sink_init(struct rr_sink *s)
{
	memset(s, 0, sizeof(*s));
	s->tail = &s->head;
}

static struct r53_rr *
sink_add(struct topology *t, struct rr_sink *s, const uint8_t *wire, size_t wlen,
	const char *text, uint16_t type, uint32_t ttl, struct src src)
{
	struct r53_rr *rr = arena_zalloc(t->arena, sizeof(*rr));
	if (!rr || !(rr->wire = arena_memdup(t->arena, wire, wlen)) ||
	    !(rr->rr.name = arena_strdup(t->arena, text)))
		return NULL;
	rr->wlen = wlen;
	rr->rr.type = type;
	rr->rr.ttl = ttl;
	rr->rr.src = src;
	*s->tail = &rr->rr;
	s->tail = &rr->rr.next;
	s->n++;
	if (type == LDNS_RR_TYPE_SOA) {
		if (!s->soa_name) {
			s->soa_name = rr->rr.name;
			s->soa_src = src;
		} else if (strcmp(s->soa_name, rr->rr.name) != 0)
			s->soa_ambiguous = true;
	}
	return rr;
}

/* Move records into a zone, keeping their order. */
static void
sink_splice(struct r53_zone *z, struct rr_sink *s)
{
	if (!s->head)
		return;
	*z->z.rrs_tail = s->head;
	z->z.rrs_tail = s->tail;
	z->z.n_rrs += s->n;
	sink_init(s);
}

static struct r53_zone *
zone_by_name(struct topology *t, const char *name, unsigned *count)
{
	struct r53_zone *found = NULL;
	*count = 0;
	for (struct topo_hosted_zone *z = t->zones; z; z = z->next) {
		if (strcmp(z->name, name) == 0) {
			if (!found)
				found = (struct r53_zone *)z;
			(*count)++;
		}
	}
	return found;
}

/* Hosted zone ids ("Z" and 8 to 32 of [0-9A-Z]) written in a path, one
 * after the other: *pos carries on the search. */
static bool
next_zone_id_in(const char *path, size_t *pos, char *out, size_t size)
{
	for (size_t i = *pos; path[i]; i++) {
		if (path[i] != 'Z' || (i > 0 && is_alnum(path[i - 1])))
			continue;
		size_t n = 1;
		while ((path[i + n] >= '0' && path[i + n] <= '9') ||
		       (path[i + n] >= 'A' && path[i + n] <= 'Z'))
			n++;
		if (n < 9 || n > 33 || is_alnum(path[i + n]) || n >= size)
			continue;
		memcpy(out, path + i, n);
		out[n] = 0;
		*pos = i + n;
		return true;
	}
	return false;
}

/* The declared zone whose id the path names, among those named name (NULL: any). */
static struct r53_zone *
zone_from_path(struct topology *t, const char *path, const char *name, char *seen,
	size_t seen_size)
{
	char id[40];
	size_t pos = 0;
	while (next_zone_id_in(path, &pos, id, sizeof(id))) {
		struct r53_zone *z = strmap_get(&t->zone_by_id, id);
		if (seen && !*seen)
			snprintf(seen, seen_size, "%s", id);
		if (z && (!name || strcmp(z->z.name, name) == 0))
			return z;
	}
	return NULL;
}

/* ---- zone files ---- */

/** Line numbers of a zone file read by ldns, counted as it goes. */
struct line_counter {
	const char *buf;
	size_t len, pos;
	unsigned line;
};

/* The line where the record starting at or after off begins: ldns eats
 * blank and comment lines on either side of a record. */
static unsigned
record_line(struct line_counter *lc, size_t off)
{
	while (off < lc->len) {
		char c = lc->buf[off];
		if (c == ' ' || c == '\t' || c == '\r' || c == '\n')
			off++;
		else if (c == ';')
			while (off < lc->len && lc->buf[off] != '\n')
				off++;
		else
			break;
	}
	for (; lc->pos < off && lc->pos < lc->len; lc->pos++)
		if (lc->buf[lc->pos] == '\n')
			lc->line++;
	return lc->line;
}

/* A zone file named after its zone ("corp.example.com.zone") gives the
 * origin for relative names before any $ORIGIN. */
static ldns_rdf *
origin_for(struct topology *t, const char *path, const struct r53_zone *into)
{
	char text[NAME_TEXT_MAX];
	if (into)
		return ldns_dname_new_frm_str(into->z.name);
	const char *base = strrchr(path, '/');
	base = base ? base + 1 : path;
	size_t n = strlen(base);
	if (n > 5 && n - 5 < sizeof(text) && strcmp(base + n - 5, ".zone") == 0) {
		char name[NAME_TEXT_MAX];
		unsigned count;
		memcpy(name, base, n - 5);
		name[n - 5] = 0;
		if (dname_canonical_text(name, text, sizeof(text)) && zone_by_name(t, text, &count))
			return ldns_dname_new_frm_str(text);
	}
	return ldns_dname_new_frm_str(".");
}

/* Read the records of a zone file into s; false when errors were reported. */
static bool
zone_file_records(struct topology *t, const char *path, const char *buf, size_t len,
	const struct r53_zone *into, struct rr_sink *s, struct diag *d)
{
	struct line_counter lc = { buf, len, 0, 1 };
	unsigned errors = d->errors;
	uint32_t ttl = 3600;
	ldns_rdf *origin = origin_for(t, path, into), *prev = NULL;
	FILE *fp = len ? fmemopen((void *)buf, len, "r") : NULL;
	if (len && !fp)
		diag_error(d, path, 0, "cannot read: %s", strerror(errno));
	while (fp && !feof(fp)) {
		long before = ftell(fp);
		int ldns_line = 0;
		ldns_rr *rr = NULL;
		ldns_status st = ldns_rr_new_frm_fp_l(&rr, fp, &ttl, &origin, &prev, &ldns_line);
		unsigned line = record_line(&lc, before < 0 ? 0 : (size_t)before);
		struct src src = { path, line };
		if (st == LDNS_STATUS_SYNTAX_EMPTY || st == LDNS_STATUS_SYNTAX_TTL ||
		    st == LDNS_STATUS_SYNTAX_ORIGIN)
			continue;
		if (st == LDNS_STATUS_SYNTAX_INCLUDE) {
			diag_error(d, path, line, "$INCLUDE is not supported");
		} else if (st != LDNS_STATUS_OK) {
			diag_error(d, path, line, "%s", ldns_get_errorstr_by_id(st));
			if (ftell(fp) <= before)
				break;	/* ldns made no progress: stop */
		} else if (ldns_rr_get_class(rr) != LDNS_RR_CLASS_IN) {
			diag_error(d, path, line, "only class IN records can be served");
		} else if (!type_is_data((uint16_t)ldns_rr_get_type(rr))) {
			diag_error(d, path, line, "a meta type cannot be a record of a zone");
		} else {
			const ldns_rdf *owner = ldns_rr_owner(rr);
			uint8_t wire[DNAME_MAX];
			char text[NAME_TEXT_MAX];
			uint16_t rdlen;
			size_t wlen = ldns_rdf_size(owner);
			uint8_t *rdata = rdata_wire(t->arena, rr, &rdlen);
			if (wlen > DNAME_MAX || !rdata) {
				diag_error(d, path, line, "record too long");
			} else {
				for (size_t i = 0; i < wlen; i++)
					wire[i] = dname_lower_byte(ldns_rdf_data(owner)[i]);
				dname_to_text(wire, text, sizeof(text));
				struct r53_rr *r = sink_add(t, s, wire, wlen, text,
					(uint16_t)ldns_rr_get_type(rr), ldns_rr_ttl(rr), src);
				if (r) {
					r->rr.rdata = rdata;
					r->rr.rdlen = rdlen;
				}
			}
		}
		ldns_rr_free(rr);
	}
	if (fp)
		fclose(fp);
	ldns_rdf_deep_free(origin);
	ldns_rdf_deep_free(prev);
	return d->errors == errors;
}

/* The hosted zone of a zone file: the one named by its SOA. */
static struct r53_zone *
zone_file_zone(struct topology *t, const char *path, const struct rr_sink *s,
	struct diag *d)
{
	unsigned count;
	if (!s->soa_name) {
		diag_error(d, path, 0, "the zone file has no SOA record, so its zone is unknown");
		return NULL;
	}
	struct r53_zone *z = zone_by_name(t, s->soa_name, &count);
	if (!z) {
		diag_error(d, path, s->soa_src.line, "zone file for %s but no HostedZones entry "
			"declares that zone (and its VPCs)", s->soa_name);
		return NULL;
	}
	if (count == 1)
		return z;
	z = zone_from_path(t, path, s->soa_name, NULL, 0);
	if (!z)
		diag_error(d, path, s->soa_src.line, "%u hosted zones are named %s: put the "
			"zone id in the zone file's name to say which one this is", count,
			s->soa_name);
	return z;
}

/* The text of a zone file, or NULL (reported); *seen when read before. */
static char *
zone_file_text(struct topology *t, struct r53_state *st, const char *path, size_t *len, bool *seen,
	struct diag *d, const struct src *from)
{
	struct stat sb;
	const char *why = NULL;
	char *buf = NULL;
	int fd = defs_open(AT_FDCWD, path, O_RDONLY);
	*seen = false;
	if (fd < 0)
		why = strerror(errno);
	else
		buf = defs_read_fd(fd, R53_MAX_ZONE_FILE, len, &sb, &why);
	if (fd >= 0)
		close(fd);
	for (struct loaded_file *f = st->zone_files; buf && f; f = f->next)
		*seen |= f->dev == sb.st_dev && f->ino == sb.st_ino;
	if (*seen || !buf) {
		if (!buf && from)
			diag_error(d, from->file, from->line, "cannot read zone file %s: %s", path, why);
		else if (!buf)
			diag_error(d, path, 0, "cannot read: %s", why);
		free(buf);
		return NULL;
	}
	struct loaded_file *lf = arena_zalloc(t->arena, sizeof(*lf));
	if (!lf) {
		diag_error(d, path, 0, "out of memory");
		free(buf);
		return NULL;
	}
	lf->dev = sb.st_dev;
	lf->ino = sb.st_ino;
	lf->next = st->zone_files;
	st->zone_files = lf;
	return buf;
}

/* Read a zone file once (the same inode twice is read once) into its
 * zone, or into `into`. */
static int
zone_file_load(struct topology *t, const char *path, struct diag *d, struct r53_zone *into,
	const struct src *from)
{
	struct r53_state *st = r53_state(t);
	size_t len = 0;
	bool seen;
	struct rr_sink s;
	if (!st) {
		diag_error(d, path, 0, "out of memory");
		return -1;
	}
	char *buf = zone_file_text(t, st, path, &len, &seen, d, from);
	if (!buf)
		return seen ? 0 : -1;	/* found in the directory and named by ZoneFile */
	const char *apath = arena_strdup(t->arena, path);
	if (!apath) {
		free(buf);
		diag_error(d, path, 0, "out of memory");
		return -1;
	}
	sink_init(&s);
	bool ok = zone_file_records(t, apath, buf, len, into, &s, d);
	free(buf);
	if (!ok)
		return -1;
	if (into && s.soa_name && strcmp(s.soa_name, into->z.name) != 0) {
		diag_error(d, apath, s.soa_src.line, "the zone file is for %s, but its "
			"HostedZones entry (%s:%u) is %s", s.soa_name, into->z.src.file,
			into->z.src.line, into->z.name);
		return -1;
	}
	struct r53_zone *z = into ? into : zone_file_zone(t, apath, &s, d);
	if (!z)
		return -1;
	sink_splice(z, &s);
	return 0;
}

int
defs_load_zone_file(struct topology *t, const char *path, struct diag *d)
{
	return zone_file_load(t, path, d, NULL, NULL);
}

/* ---- record sets ---- */

static bool
has_routing_fields(const struct doc_node *n)
{
	for (const char *const *f = routing_fields; *f; f++) {
		const struct doc_node *v = doc_get(n, *f);
		if (v && !doc_is_null(v))
			return true;
	}
	return false;
}

/* Parse one Value of a record set with ldns into RDATA. */
static bool
read_rr_value(struct reader *r, const struct doc_node *at, const char *value,
	const char *set_name, const char *type_s, uint16_t type, uint8_t **rdata,
	uint16_t *rdlen)
{
	char tbuf[16];
	const char *tname = type_name(type, tbuf, sizeof(tbuf));
	char *conv = octal_to_decimal(value);
	size_t size = conv ? strlen(conv) + strlen(tname) + 16 : 0;
	char *text = conv ? malloc(size) : NULL;
	if (text)
		snprintf(text, size, ". 0 IN %s %s", tname, conv);
	free(conv);
	ldns_rdf *root = ldns_dname_new_frm_str(".");
	ldns_rr *lrr = NULL;
	ldns_status st = LDNS_STATUS_MEM_ERR;
	bool ok = false;
	if (text && root)
		st = ldns_rr_new_frm_str(&lrr, text, 0, root, NULL);
	if (st == LDNS_STATUS_OK && ldns_rr_get_type(lrr) != type)
		st = LDNS_STATUS_SYNTAX_TYPE_ERR;
	if (st != LDNS_STATUS_OK)
		diag_error(r->d, r->file, at->line, "record %s %s: '%s' is not valid %s data "
			"(ldns: %s)", set_name, type_s, value, type_s, ldns_get_errorstr_by_id(st));
	else if (!(*rdata = rdata_wire(r->t->arena, lrr, rdlen)))
		diag_error(r->d, r->file, at->line, "record %s %s: data longer than 65535 octets",
			set_name, type_s);
	else
		ok = true;
	ldns_rr_free(lrr);
	ldns_rdf_deep_free(root);
	free(text);
	return ok;
}

static void
read_alias(struct reader *r, const struct doc_node *alias, struct r53_set *set,
	const uint8_t *wire, size_t wlen, const char *given, const char *type_s,
	struct rr_sink *sink)
{
	uint8_t twire[DNAME_MAX];
	char ttext[NAME_TEXT_MAX];
	size_t twlen;
	const char *why = NULL;
	defs_check_fields(r, alias, alias_fields, "an AliasTarget");
	const char *target = defs_str_field(r, alias, "DNSName", true, "an AliasTarget");
	const char *zone = defs_str_field(r, alias, "HostedZoneId", true, "an AliasTarget");
	if (!target || !zone)
		return;
	if (!defs_r53_name(target, twire, &twlen, ttext, &why)) {
		diag_error(r->d, r->file, doc_get(alias, "DNSName")->line,
			"record %s %s: AliasTarget DNSName '%s' is not a domain name (%s)",
			given, type_s, target, why);
		return;
	}
	struct r53_rr *rr = sink_add(r->t, sink, wire, wlen, set->name, set->type, 0,
		defs_src_at(r, alias));
	if (!rr)
		return;
	rr->set = set;
	char *conv = octal_to_decimal(target);
	rr->rr.alias_target = conv ? arena_strdup(r->t->arena, conv) : NULL;
	free(conv);
	rr->rr.alias_zone_id = strip_prefix(zone, "/hostedzone/");
}

static const char *
value_of(struct reader *r, const struct doc_node *it)
{
	if (it->kind == DOC_MAP) {
		defs_check_fields(r, it, rr_value_fields, "a resource record");
		return defs_str_field(r, it, "Value", true, "a resource record");
	}
	if (doc_str(it) && *doc_str(it))
		return doc_str(it);
	diag_error(r->d, r->file, it->line, "ResourceRecords holds a %s where {Value: …} belongs",
		doc_kind_name(it->kind));
	return NULL;
}

/* The ResourceRecords of a set that is not an alias. */
static void
read_rr_values(struct reader *r, const struct doc_node *n, const struct r53_set *set,
	const struct doc_node *ttl_node, const struct doc_node *records, const uint8_t *wire,
	size_t wlen, const char *name, const char *type_s, struct rr_sink *sink)
{
	uint16_t type = set->type;
	uint64_t ttl = 0;
	if (!ttl_node) {
		diag_error(r->d, r->file, n->line, "record set %s %s has no TTL", name, type_s);
		return;
	}
	if (!doc_uint(ttl_node, R53_TTL_MAX, &ttl)) {
		diag_error(r->d, r->file, ttl_node->line, "record set %s %s: TTL must be a number "
			"from 0 to %u", name, type_s, R53_TTL_MAX);
		return;
	}
	if (!records || records->count == 0) {
		diag_error(r->d, r->file, n->line, "record set %s %s has no ResourceRecords or "
			"AliasTarget", name, type_s);
		return;
	}
	if ((type == LDNS_RR_TYPE_CNAME || type == LDNS_RR_TYPE_SOA) && records->count > 1) {
		diag_error(r->d, r->file, records->line, "record set %s %s holds %zu values; "
			"a %s record set holds one", name, type_s, records->count, type_s);
		return;
	}
	for (size_t i = 0; i < records->count; i++) {
		const struct doc_node *it = records->items[i];
		const char *value = value_of(r, it);
		const struct doc_node *at = it->kind == DOC_MAP && doc_get(it, "Value") ?
			doc_get(it, "Value") : it;
		uint8_t *rdata;
		uint16_t rdlen;
		if (!value || !read_rr_value(r, at, value, name, type_s, type, &rdata, &rdlen))
			continue;
		struct r53_rr *rr = sink_add(r->t, sink, wire, wlen, set->name, type, (uint32_t)ttl,
			defs_src_at(r, at));
		if (rr) {
			rr->set = set;
			rr->rr.rdata = rdata;
			rr->rr.rdlen = rdlen;
		}
	}
}

static void
read_rrset(struct reader *r, const struct doc_node *n, struct rr_sink *sink)
{
	struct topology *t = r->t;
	uint8_t wire[DNAME_MAX];
	char text[NAME_TEXT_MAX];
	size_t wlen;
	const char *why = NULL;
	if (!defs_expect_map(r, n, "a record set"))
		return;
	defs_check_fields(r, n, rrset_fields, "a record set");
	const char *name = defs_str_field(r, n, "Name", true, "a record set");
	const char *type_s = defs_str_field(r, n, "Type", true, "a record set");
	if (!name || !type_s)
		return;
	if (!defs_r53_name(name, wire, &wlen, text, &why)) {
		diag_error(r->d, r->file, doc_get(n, "Name")->line,
			"record set: '%s' is not a domain name (%s)", name, why);
		return;
	}
	uint16_t type = (uint16_t)ldns_get_rr_type_by_name(type_s);
	if (!type_is_data(type)) {
		diag_error(r->d, r->file, doc_get(n, "Type")->line,
			"record set %s: '%s' is not a record type dnsd knows", name, type_s);
		return;
	}
	struct r53_set *set = arena_zalloc(t->arena, sizeof(*set));
	if (!set || !(set->name = arena_strdup(t->arena, text)))
		return;
	set->type = type;
	set->src = defs_src_at(r, n);
	set->routing = has_routing_fields(n);
	if (set->routing)
		diag_warn(r->d, r->file, n->line, "record set %s %s: routing policy fields are "
			"ignored: every record of the set is served", name, type_s);
	const struct doc_node *alias = defs_map_field(r, n, "AliasTarget", "a record set");
	const struct doc_node *records = defs_seq_field(r, n, "ResourceRecords", "a record set");
	const struct doc_node *ttl_node = doc_get(n, "TTL");
	if (ttl_node && doc_is_null(ttl_node))
		ttl_node = NULL;
	if (alias) {
		if (records && records->count) {
			diag_error(r->d, r->file, n->line, "record set %s %s has both AliasTarget "
				"and ResourceRecords", name, type_s);
			return;
		}
		if (ttl_node)
			diag_warn(r->d, r->file, ttl_node->line, "record set %s %s: the TTL of an "
				"alias is ignored (Route 53 uses the target's)", name, type_s);
		read_alias(r, alias, set, wire, wlen, name, type_s, sink);
		return;
	}
	read_rr_values(r, n, set, ttl_node, records, wire, wlen, name, type_s, sink);
}

static void
read_rrsets(struct reader *r, const struct doc_node *v, struct rr_sink *sink)
{
	if (v->kind == DOC_MAP) {
		read_rrset(r, v, sink);
		return;
	}
	if (v->kind != DOC_SEQ) {
		if (!doc_is_null(v))
			diag_error(r->d, r->file, v->line, "ResourceRecordSets must be a list");
		return;
	}
	for (size_t i = 0; i < v->count; i++)
		read_rrset(r, v->items[i], sink);
}

/* list-resource-record-sets: the zone may be declared in a later file. */
static void
read_pending_rrsets(struct reader *r, const struct doc_node *doc, const struct doc_node *v)
{
	struct r53_state *st = r53_state(r->t);
	struct pending_rrs *p = st ? arena_zalloc(r->t->arena, sizeof(*p)) : NULL;
	if (!p) {
		diag_error(r->d, r->file, v->line, "out of memory");
		return;
	}
	sink_init(&p->rrs);
	p->src = defs_src_at(r, v);
	p->zone_id = strip_prefix(defs_str_field(r, doc, "HostedZoneId", false, "the document"),
		"/hostedzone/");
	if (p->zone_id)
		p->zone_id_src = defs_src_at(r, doc_get(doc, "HostedZoneId"));
	read_rrsets(r, v, &p->rrs);
	*st->rrsets_tail = p;
	st->rrsets_tail = &p->next;
}

/* ---- hosted zones ---- */

static const struct src *
zone_src(void *p)
{
	return &((struct topo_hosted_zone *)p)->src;
}

static void
zone_add_vpc(struct topology *t, struct r53_zone *z, const char *vpc_id, const char *region,
	struct src src)
{
	for (unsigned i = 0; i < z->z.n_vpcs; i++) {
		if (strcmp(z->z.vpc_ids[i], vpc_id) == 0) {
			if (!z->vpcs[i].region)
				z->vpcs[i].region = region;
			return;
		}
	}
	if (z->z.n_vpcs == z->cap_vpcs) {
		unsigned cap = z->cap_vpcs ? z->cap_vpcs * 2 : 4;
		const char **ids = arena_alloc(t->arena, cap * sizeof(*ids));
		struct zone_vpc *vpcs = arena_alloc(t->arena, cap * sizeof(*vpcs));
		if (!ids || !vpcs)
			return;
		if (z->z.n_vpcs) {
			memcpy(ids, z->z.vpc_ids, z->z.n_vpcs * sizeof(*ids));
			memcpy(vpcs, z->vpcs, z->z.n_vpcs * sizeof(*vpcs));
		}
		z->z.vpc_ids = ids;
		z->vpcs = vpcs;
		z->cap_vpcs = cap;
	}
	z->z.vpc_ids[z->z.n_vpcs] = vpc_id;
	z->vpcs[z->z.n_vpcs].region = region;
	z->vpcs[z->z.n_vpcs].src = src;
	z->z.n_vpcs++;
}

/* VPCs: [{VPCId, VPCRegion}], VPCIds: [vpc-…] or VPC: {VPCId, VPCRegion}. */
static void
read_zone_vpcs(struct reader *r, const struct doc_node *obj, const char *key,
	struct r53_zone *z)
{
	const struct doc_node *v = doc_get(obj, key);
	if (!v || doc_is_null(v))
		return;
	size_t n = v->kind == DOC_SEQ ? v->count : 1;
	if (v->kind == DOC_SCALAR) {
		diag_error(r->d, r->file, v->line, "%s must be a list of VPCs", key);
		return;
	}
	for (size_t i = 0; i < n; i++) {
		const struct doc_node *it = v->kind == DOC_SEQ ? v->items[i] : v;
		const char *id = NULL, *region = NULL;
		if (it->kind == DOC_MAP) {
			defs_check_fields(r, it, zone_vpc_fields, "a VPC association");
			id = defs_str_field(r, it, "VPCId", true, "a VPC association");
			region = defs_str_field(r, it, "VPCRegion", false, "a VPC association");
		} else if (doc_str(it) && *doc_str(it)) {
			id = defs_copy_str(r, doc_str(it));
		} else {
			diag_error(r->d, r->file, it->line, "%s holds a %s where a VPC belongs", key,
				doc_kind_name(it->kind));
		}
		if (id)
			zone_add_vpc(r->t, z, id, region, defs_src_at(r, it));
	}
}

/* A path in a definitions file is relative to that file's directory. */
static const char *
relative_to(struct reader *r, const char *path)
{
	const char *slash = strrchr(r->file, '/');
	if (path[0] == '/' || !slash)
		return path;
	return arena_printf(r->t->arena, "%.*s/%s", (int)(slash - r->file), r->file, path);
}

/* Merge a zone read again (get-hosted-zone after list-hosted-zones, or
 * the other way round) into the first one. */
static struct r53_zone *
zone_merge(struct reader *r, struct r53_zone *old, struct r53_zone *nz, bool from_get)
{
	if ((from_get && old->from_get) || (!from_get && old->from_list)) {
		diag_error(r->d, r->file, nz->z.src.line, "hosted zone %s is defined twice "
			"(first at %s:%u)", old->z.id, old->z.src.file, old->z.src.line);
		return NULL;
	}
	if (strcmp(old->z.name, nz->z.name) != 0 || old->z.private_zone != nz->z.private_zone) {
		diag_error(r->d, r->file, nz->z.src.line, "hosted zone %s is %s %s here, but %s %s "
			"at %s:%u", old->z.id, nz->z.private_zone ? "private" : "public",
			nz->z.name, old->z.private_zone ? "private" : "public", old->z.name,
			old->z.src.file, old->z.src.line);
		return NULL;
	}
	for (unsigned i = 0; i < nz->z.n_vpcs; i++)
		zone_add_vpc(r->t, old, nz->z.vpc_ids[i], nz->vpcs[i].region, nz->vpcs[i].src);
	old->from_get |= from_get;
	old->from_list |= !from_get;
	return old;
}

/* A HostedZones entry, or the HostedZone of get-hosted-zone (then doc
 * holds its VPCs and maybe records). */
static void
read_zone(struct reader *r, const struct doc_node *n, const struct doc_node *doc)
{
	struct topology *t = r->t;
	const char *why = NULL;
	char text[NAME_TEXT_MAX];
	bool from_get = doc != NULL;
	if (!defs_expect_map(r, n, "a hosted zone"))
		return;
	defs_check_fields(r, n, zone_fields, "a hosted zone");
	struct r53_zone *nz = arena_zalloc(t->arena, sizeof(*nz));
	if (!nz)
		return;
	nz->z.src = defs_src_at(r, n);
	nz->z.rrs_tail = &nz->z.rrs;
	nz->from_get = from_get;
	nz->from_list = !from_get;
	const char *id = strip_prefix(defs_str_field(r, n, "Id", false, "a hosted zone"),
		"/hostedzone/");
	const char *name = defs_str_field(r, n, "Name", true, "a hosted zone");
	if (id && !*id) {
		diag_error(r->d, r->file, doc_get(n, "Id")->line, "a hosted zone: Id is empty");
		return;
	}
	if (!name)
		return;
	if (!defs_r53_name(name, nz->wire, &nz->wlen, text, &why)) {
		diag_error(r->d, r->file, doc_get(n, "Name")->line,
			"hosted zone: '%s' is not a domain name (%s)", name, why);
		return;
	}
	nz->z.name = arena_strdup(t->arena, text);
	nz->z.private_zone = true;	/* dnsd serves private zones: the default by hand */
	const struct doc_node *config = defs_map_field(r, n, "Config", "a hosted zone");
	if (config) {
		defs_check_fields(r, config, zone_config_fields, "a hosted zone Config");
		nz->z.private_zone = defs_bool_field(r, config, "PrivateZone",
			"a hosted zone Config") != TRI_NO;
	}
	read_zone_vpcs(r, n, "VPCs", nz);
	read_zone_vpcs(r, n, "VPCIds", nz);
	if (doc) {
		read_zone_vpcs(r, doc, "VPCs", nz);
		read_zone_vpcs(r, doc, "VPC", nz);
	}
	if (!nz->z.private_zone && nz->z.n_vpcs) {
		diag_error(r->d, r->file, nz->vpcs[0].src.line, "hosted zone %s is public: a "
			"public hosted zone cannot be associated with a VPC", nz->z.name);
		nz->z.n_vpcs = 0;
	}
	nz->z.id = id ? id : zone_id_generate(t, nz->z.name,
		nz->z.n_vpcs ? nz->z.vpc_ids[0] : NULL);
	if (!nz->z.id)
		return;
	struct r53_zone *z = strmap_get(&t->zone_by_id, nz->z.id);
	if (z) {
		z = zone_merge(r, z, nz, from_get);
	} else if (defs_register_id(r, &t->zone_by_id, nz->z.id, &nz->z, &nz->z.src, zone_src,
		       "hosted zone")) {
		z = nz;
		*t->zones_tail = &z->z;
		t->zones_tail = &z->z.next;
		t->n_zones++;
	}
	if (!z)
		return;
	struct rr_sink sink;
	sink_init(&sink);
	const struct doc_node *v = doc_get(n, "ResourceRecordSets");
	if (v)
		read_rrsets(r, v, &sink);
	if (doc && (v = doc_get(doc, "ResourceRecordSets")))
		read_rrsets(r, v, &sink);
	sink_splice(z, &sink);
	const char *file = defs_str_field(r, n, "ZoneFile", false, "a hosted zone");
	if (file) {
		struct src at = defs_src_at(r, doc_get(n, "ZoneFile"));
		const char *path = relative_to(r, file);
		if (path)
			zone_file_load(t, path, r->d, z, &at);
	}
}

/* ---- documents ---- */

bool
defs_r53_member(struct reader *r, const struct doc_node *doc, const char *key,
	const struct doc_node *value)
{
	if (!strcmp(key, "HostedZones"))
		defs_read_each(r, value, key, read_zone);
	else if (!strcmp(key, "ResourceRecordSets"))
		read_pending_rrsets(r, doc, value);
	else if (!strcmp(key, "HostedZoneId")) {
		if (!doc_get(doc, "ResourceRecordSets") && !doc_get(doc, "HostedZones"))
			diag_warn(r->d, r->file, value->line, "HostedZoneId says which zone "
				"ResourceRecordSets belong to; there are none here, ignored");
	} else if (!str_in(key, ignored_keys))
		return false;
	return true;
}

bool
defs_r53_document(struct reader *r, const struct doc_node *doc)
{
	const struct doc_node *zone = doc_get(doc, "HostedZone");
	if (!zone)
		return false;
	defs_check_fields(r, doc, get_zone_fields, "get-hosted-zone output");
	read_zone(r, zone, doc);
	return true;
}

/* ---- linking and checks ---- */

static void
attach_rrsets(struct topology *t, struct r53_state *st, struct diag *d)
{
	for (struct pending_rrs *p = st->rrsets; p; p = p->next) {
		struct r53_zone *z = NULL;
		char seen[40] = "";
		unsigned count = 0;
		if (p->zone_id) {
			z = strmap_get(&t->zone_by_id, p->zone_id);
			if (!z)
				diag_error(d, p->zone_id_src.file, p->zone_id_src.line, "HostedZoneId "
					"%s: no HostedZones entry or get-hosted-zone output declares "
					"that zone", p->zone_id);
		} else if (p->rrs.n) {
			z = zone_from_path(t, p->src.file, NULL, seen, sizeof(seen));
			if (!z && p->rrs.soa_name && !p->rrs.soa_ambiguous) {
				z = zone_by_name(t, p->rrs.soa_name, &count);
				if (count != 1)
					z = NULL;
			}
			if (!z)
				diag_error(d, p->src.file, p->src.line, "cannot tell which hosted zone "
					"these records belong to: add HostedZoneId: … to the document "
					"or put the zone id in the file name%s%s%s",
					*seen ? " (it names " : "", seen,
					*seen ? ", which is not declared)" : "");
		}
		if (z)
			sink_splice(z, &p->rrs);
	}
}


static bool
is_apex(const struct r53_zone *z, const struct r53_rr *rr)
{
	return rr->wlen == z->wlen && memcmp(rr->wire, z->wire, z->wlen) == 0;
}

static int
name_cmp(const struct r53_rr *a, const struct r53_rr *b)
{
	if (a->wlen != b->wlen)
		return a->wlen < b->wlen ? -1 : 1;
	return memcmp(a->wire, b->wire, a->wlen);
}

/* Type, then data: 0 means the same record. */
static int
data_cmp(const struct r53_rr *a, const struct r53_rr *b)
{
	int c;
	if (a->rr.type != b->rr.type)
		return a->rr.type < b->rr.type ? -1 : 1;
	if (!a->rr.rdata != !b->rr.rdata)
		return a->rr.rdata ? -1 : 1;
	if (!a->rr.rdata) {
		if ((c = strcasecmp(a->rr.alias_target, b->rr.alias_target)) != 0)
			return c;
		return strcmp(a->rr.alias_zone_id, b->rr.alias_zone_id);
	}
	if (a->rr.rdlen != b->rr.rdlen)
		return a->rr.rdlen < b->rr.rdlen ? -1 : 1;
	return memcmp(a->rr.rdata, b->rr.rdata, a->rr.rdlen);
}

/* Owner, type, data, then file order: duplicates end up side by side. */
static int
rr_cmp(const void *pa, const void *pb)
{
	const struct r53_rr *a = *(struct r53_rr *const *)pa, *b = *(struct r53_rr *const *)pb;
	int c = name_cmp(a, b);
	if (c == 0)
		c = data_cmp(a, b);
	if (c == 0)
		c = a->index < b->index ? -1 : a->index > b->index;
	return c;
}

static struct r53_rr *
earliest(struct r53_rr **arr, size_t n, bool (*want)(const struct r53_rr *, const void *),
	const void *arg)
{
	struct r53_rr *best = NULL;
	for (size_t i = 0; i < n; i++)
		if (!arr[i]->dropped && want(arr[i], arg) && (!best || arr[i]->index < best->index))
			best = arr[i];
	return best;
}

static bool
is_any(const struct r53_rr *rr, const void *arg)
{
	(void)rr;
	(void)arg;
	return true;
}

static bool
is_plain_set(const struct r53_rr *rr, const void *other_than)
{
	return rr->set && !rr->set->routing && rr->set != other_than;
}

static bool
is_type(const struct r53_rr *rr, const void *type)
{
	return rr->rr.type == *(const uint16_t *)type;
}

static bool
is_not_type(const struct r53_rr *rr, const void *type)
{
	return rr->rr.type != *(const uint16_t *)type;
}

static bool
is_not(const struct r53_rr *rr, const void *other)
{
	return rr != other;
}

/* The records of one owner and type (sorted by data): a value twice is one
 * record, a set written twice is an error, and a name holds one CNAME. */
static void
check_rrset(struct r53_rr **arr, size_t n, struct diag *d)
{
	char tbuf[16];
	const char *tname = type_name(arr[0]->rr.type, tbuf, sizeof(tbuf));
	struct r53_rr *first = earliest(arr, n, is_plain_set, NULL);
	struct r53_rr *again = first ? earliest(arr, n, is_plain_set, first->set) : NULL;
	if (again)
		diag_error(d, again->set->src.file, again->set->src.line, "record set %s %s is "
			"defined twice (first at %s:%u)", again->rr.name, tname,
			first->set->src.file, first->set->src.line);
	for (size_t i = 1; i < n; i++) {
		if (data_cmp(arr[i - 1], arr[i]) != 0)
			continue;
		arr[i]->dropped = true;
		if (arr[i]->set && arr[i]->set == arr[i - 1]->set)
			diag_error(d, arr[i]->rr.src.file, arr[i]->rr.src.line, "record set %s %s "
				"holds the same value twice (Duplicate Resource Record)",
				arr[i]->rr.name, tname);
	}
	if (arr[0]->rr.type != LDNS_RR_TYPE_CNAME)
		return;
	struct r53_rr *keep = earliest(arr, n, is_any, NULL), *extra;
	while ((extra = earliest(arr, n, is_not, keep)) != NULL) {
		if (keep->set && keep->set->routing && extra->set && extra->set->routing) {
			diag_warn(d, extra->rr.src.file, extra->rr.src.line, "%s has several CNAME "
				"records (routing policy sets): only the one at %s:%u is served",
				extra->rr.name, keep->rr.src.file, keep->rr.src.line);
		} else {
			diag_error(d, extra->rr.src.file, extra->rr.src.line, "%s has a second CNAME "
				"record (first at %s:%u)", extra->rr.name, keep->rr.src.file,
				keep->rr.src.line);
		}
		extra->dropped = true;
	}
}

/* The records of one owner (sorted): CNAME and other data do not mix,
 * and the apex has one SOA and no CNAME (AWS's messages). */
static void
check_owner(struct r53_zone *z, struct r53_rr **arr, size_t n, struct diag *d)
{
	static const uint16_t cname_type = LDNS_RR_TYPE_CNAME, soa_type = LDNS_RR_TYPE_SOA;
	char b1[16], b2[16];
	for (size_t i = 0, j; i < n; i = j) {
		for (j = i + 1; j < n && arr[j]->rr.type == arr[i]->rr.type; j++)
			;
		check_rrset(arr + i, j - i, d);
	}
	bool apex = is_apex(z, arr[0]);
	struct r53_rr *cname = earliest(arr, n, is_type, &cname_type);
	struct r53_rr *other = earliest(arr, n, is_not_type, &cname_type);
	struct r53_rr *soa = earliest(arr, n, is_type, &soa_type);
	if (cname && apex) {
		diag_error(d, cname->rr.src.file, cname->rr.src.line, "RRSet of type CNAME with "
			"DNS name %s is not permitted at apex in zone %s", cname->rr.name, z->z.name);
	} else if (cname && other) {
		struct r53_rr *late = cname->index > other->index ? cname : other;
		struct r53_rr *early = late == cname ? other : cname;
		diag_error(d, late->rr.src.file, late->rr.src.line, "RRSet of type %s with DNS "
			"name %s is not permitted because a conflicting RRSet of type %s with the "
			"same DNS name already exists in zone %s (%s:%u)",
			type_name(late->rr.type, b1, sizeof(b1)), late->rr.name,
			type_name(early->rr.type, b2, sizeof(b2)), z->z.name, early->rr.src.file,
			early->rr.src.line);
	}
	for (size_t i = 0; soa && i < n; i++) {
		if (arr[i] == soa || arr[i]->dropped || arr[i]->rr.type != LDNS_RR_TYPE_SOA)
			continue;
		diag_error(d, arr[i]->rr.src.file, arr[i]->rr.src.line, "zone %s has a second SOA "
			"record (first at %s:%u)", z->z.name, soa->rr.src.file, soa->rr.src.line);
		arr[i]->dropped = true;
	}
}

/* Relink a zone's records without the dropped ones, in file order. */
static void
zone_relink(struct r53_zone *z)
{
	struct topo_rr *p = z->z.rrs;
	z->z.rrs = NULL;
	z->z.rrs_tail = &z->z.rrs;
	z->z.n_rrs = 0;
	while (p) {
		struct topo_rr *next = p->next;
		if (!((struct r53_rr *)p)->dropped) {
			p->next = NULL;
			*z->z.rrs_tail = p;
			z->z.rrs_tail = &p->next;
			z->z.n_rrs++;
		}
		p = next;
	}
}

static void
check_zone_records(struct r53_zone *z, struct diag *d)
{
	struct r53_rr **arr;
	size_t n = 0;
	unsigned index = 0;
	if (!z->z.n_rrs)
		return;
	if (!(arr = malloc(z->z.n_rrs * sizeof(*arr)))) {
		diag_error(d, z->z.src.file, z->z.src.line, "out of memory");
		return;
	}
	for (struct topo_rr *p = z->z.rrs; p; p = p->next) {
		struct r53_rr *rr = (struct r53_rr *)p;
		rr->index = index++;
		if (!dname_is_subdomain(rr->wire, rr->wlen, z->wire, z->wlen)) {
			diag_error(d, p->src.file, p->src.line, "RRSet with DNS name %s is not "
				"permitted in zone %s", p->name, z->z.name);
			rr->dropped = true;
		} else if (p->type == LDNS_RR_TYPE_SOA && !is_apex(z, rr)) {
			diag_error(d, p->src.file, p->src.line, "an SOA record belongs at the apex "
				"of zone %s, not at %s", z->z.name, p->name);
			rr->dropped = true;
		} else {
			arr[n++] = rr;
		}
	}
	qsort(arr, n, sizeof(*arr), rr_cmp);
	for (size_t i = 0, j; i < n; i = j) {
		for (j = i + 1; j < n && name_cmp(arr[i], arr[j]) == 0; j++)
			;
		check_owner(z, arr + i, j - i, d);
	}
	free(arr);
	zone_relink(z);
}

static void
check_zone_vpcs(struct topology *t, struct r53_zone *z, struct strmap *seen, struct diag *d)
{
	for (unsigned i = 0; i < z->z.n_vpcs; i++) {
		const char *vpc_id = z->z.vpc_ids[i];
		const struct src *at = &z->vpcs[i].src;
		const struct topo_vpc *v = strmap_get(&t->vpc_by_id, vpc_id);
		if (!v) {
			diag_error(d, at->file, at->line, "hosted zone %s (%s) is associated with %s, "
				"which no definition describes", z->z.name, z->z.id, vpc_id);
			continue;
		}
		if (v->region && z->vpcs[i].region && strcmp(v->region, z->vpcs[i].region) != 0)
			diag_warn(d, at->file, at->line, "VPCRegion %s, but %s is in %s",
				z->vpcs[i].region, vpc_id, v->region);
		char *key = arena_printf(t->arena, "%s %s", vpc_id, z->z.name);
		struct r53_zone *first = key ? strmap_put(seen, key, z) : NULL;
		if (first && first != z)
			diag_error(d, at->file, at->line, "hosted zone %s (%s) with %s: A conflicting "
				"domain is already associated with the given VPC or Delegation Set. "
				"(%s, at %s:%u)", z->z.id, z->z.name, vpc_id, first->z.id,
				first->z.src.file, first->z.src.line);
	}
}

static void
check_zones(struct topology *t, struct diag *d)
{
	struct strmap seen = STRMAP_INIT;
	for (struct topo_hosted_zone *hz = t->zones; hz; hz = hz->next) {
		struct r53_zone *z = (struct r53_zone *)hz;
		check_zone_records(z, d);
		if (!hz->private_zone)
			diag_warn(d, hz->src.file, hz->src.line, "hosted zone %s (%s) is public: "
				"dnsd serves private hosted zones only, so it is not served",
				hz->name, hz->id);
		else if (!hz->n_vpcs)
			diag_warn(d, hz->src.file, hz->src.line, "private hosted zone %s (%s) is "
				"associated with no VPC (add VPCs: [{VPCId: …}] or get-hosted-zone "
				"output), so no one is answered from it", hz->name, hz->id);
		else
			check_zone_vpcs(t, z, &seen, d);
	}
	strmap_clear(&seen);
}

void
defs_r53_resolve(struct topology *t, struct diag *d)
{
	struct r53_state *st = t->r53_state;
	if (st) {
		attach_rrsets(t, st, d);
		st->rrsets = NULL;
		st->rrsets_tail = &st->rrsets;
	}
	check_zones(t, d);
}
