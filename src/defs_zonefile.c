/* SPDX-License-Identifier: BSD-3-Clause */
/* src/defs_zonefile.c - the route53 family's zone files (RFC 1035, read by ldns) into their hosted zones. */
#include "config.h"
#include "defs_route53.h"

#include "arena.h"
#include "diag.h"
#include "dname.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <ldns/ldns.h>

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
origin_for(struct topology *t, const char *path, const struct topo_hosted_zone *into)
{
	char text[NAME_TEXT_MAX];
	if (into)
		return ldns_dname_new_frm_str(into->name);
	const char *base = strrchr(path, '/');
	base = base ? base + 1 : path;
	size_t n = strlen(base);
	if (n > 5 && n - 5 < sizeof(text) && strcmp(base + n - 5, ".zone") == 0) {
		char name[NAME_TEXT_MAX];
		unsigned count;
		memcpy(name, base, n - 5);
		name[n - 5] = 0;
		if (dname_canonical_text(name, text, sizeof(text)) && defs_route53_zone_by_name(t, text, &count))
			return ldns_dname_new_frm_str(text);
	}
	return ldns_dname_new_frm_str(".");
}

/* A record ldns read, into s when it is data dnsd can serve. */
static void
zone_file_record(struct topology *t, const ldns_rr *rr, struct src src,
	struct topo_rr_list *s, struct diag *d)
{
	const ldns_rdf *owner = ldns_rr_owner(rr);
	uint8_t wire[DNAME_MAX];
	char text[NAME_TEXT_MAX];
	uint16_t rdlen;
	size_t wlen = ldns_rdf_size(owner);
	if (ldns_rr_get_class(rr) != LDNS_RR_CLASS_IN) {
		diag_error(d, src.file, src.line, "only class IN records can be served");
		return;
	}
	if (!defs_rr_type_is_data((uint16_t)ldns_rr_get_type(rr))) {
		diag_error(d, src.file, src.line, "a meta type cannot be a record of a zone");
		return;
	}
	uint8_t *rdata = defs_rr_rdata(t->arena, rr, &rdlen);
	if (wlen > DNAME_MAX || !rdata) {
		diag_error(d, src.file, src.line, "record too long");
		return;
	}
	for (size_t i = 0; i < wlen; i++)
		wire[i] = dname_lower_byte(ldns_rdf_data(owner)[i]);
	dname_to_text(wire, text, sizeof(text));
	struct topo_rr *r = defs_rr_add(t, s, wire, wlen, text, (uint16_t)ldns_rr_get_type(rr),
		ldns_rr_ttl(rr), src);
	if (r) {
		r->rdata = rdata;
		r->rdlen = rdlen;
	}
}

/* Read the records of a zone file into s; false when errors were reported. */
static bool
zone_file_records(struct topology *t, const char *path, const char *buf, size_t len,
	const struct topo_hosted_zone *into, struct topo_rr_list *s, struct diag *d)
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
		struct src src = { path, record_line(&lc, before < 0 ? 0 : (size_t)before) };
		bool stuck = false;
		if (st == LDNS_STATUS_OK) {
			zone_file_record(t, rr, src, s, d);
		} else if (st == LDNS_STATUS_SYNTAX_INCLUDE) {
			diag_error(d, path, src.line, "$INCLUDE is not supported");
		} else if (st != LDNS_STATUS_SYNTAX_EMPTY && st != LDNS_STATUS_SYNTAX_TTL &&
			   st != LDNS_STATUS_SYNTAX_ORIGIN) {
			diag_error(d, path, src.line, "%s", ldns_get_errorstr_by_id(st));
			stuck = ftell(fp) <= before;	/* ldns made no progress: stop */
		}
		ldns_rr_free(rr);
		if (stuck)
			break;
	}
	if (fp)
		fclose(fp);
	ldns_rdf_deep_free(origin);
	ldns_rdf_deep_free(prev);
	return d->errors == errors;
}

/* The hosted zone of a zone file: the one named by its SOA. */
static struct topo_hosted_zone *
zone_file_zone(struct topology *t, const char *path, const struct topo_rr_list *s,
	struct diag *d)
{
	unsigned count;
	if (!s->soa_name) {
		diag_error(d, path, 0, "the zone file has no SOA record, so its zone is unknown");
		return NULL;
	}
	struct topo_hosted_zone *z = defs_route53_zone_by_name(t, s->soa_name, &count);
	if (!z) {
		diag_error(d, path, s->soa_src.line, "zone file for %s but no HostedZones entry "
			"declares that zone (and its VPCs)", s->soa_name);
		return NULL;
	}
	if (count == 1)
		return z;
	z = defs_route53_zone_from_path(t, path, s->soa_name, NULL, 0);
	if (!z)
		diag_error(d, path, s->soa_src.line, "%u hosted zones are named %s: put the "
			"zone id in the zone file's name to say which one this is", count,
			s->soa_name);
	return z;
}

/* Note a zone file as read; false when it was read before. */
static bool
first_read(struct topology *t, const struct stat *sb, struct diag *d, const char *path)
{
	for (struct topo_zone_file *f = t->zone_files; f; f = f->next)
		if (f->dev == sb->st_dev && f->ino == sb->st_ino)
			return false;
	struct topo_zone_file *f = arena_zalloc(t->arena, sizeof(*f));
	if (!f) {
		diag_error(d, path, 0, "out of memory");
		return false;
	}
	f->dev = sb->st_dev;
	f->ino = sb->st_ino;
	f->next = t->zone_files;
	t->zone_files = f;
	return true;
}

/* The text of a zone file, or NULL (reported); *seen when read before. */
static char *
zone_file_text(struct topology *t, const char *path, size_t *len, bool *seen,
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
		buf = defs_read_fd(fd, DEFS_MAX_FILE, len, &sb, &why);
	if (fd >= 0)
		close(fd);
	if (!buf && from)
		diag_error(d, from->file, from->line, "cannot read zone file %s: %s", path, why);
	else if (!buf)
		diag_error(d, path, 0, "cannot read: %s", why);
	else if (!first_read(t, &sb, d, path))
		*seen = true;
	if (*seen) {
		free(buf);
		return NULL;
	}
	return buf;
}

int
defs_zonefile_load(struct topology *t, const char *path, struct diag *d,
	struct topo_hosted_zone *into, const struct src *from)
{
	size_t len = 0;
	bool seen;
	struct topo_rr_list s;
	char *buf = zone_file_text(t, path, &len, &seen, d, from);
	if (!buf)
		return seen ? 0 : -1;	/* found in the directory and named by ZoneFile */
	const char *apath = arena_strdup(t->arena, path);
	if (!apath) {
		free(buf);
		diag_error(d, path, 0, "out of memory");
		return -1;
	}
	defs_rr_list_init(&s);
	bool ok = zone_file_records(t, apath, buf, len, into, &s, d);
	free(buf);
	if (!ok)
		return -1;
	if (into && s.soa_name && strcmp(s.soa_name, into->name) != 0) {
		diag_error(d, apath, s.soa_src.line, "the zone file is for %s, but its "
			"HostedZones entry (%s:%u) is %s", s.soa_name, into->src.file,
			into->src.line, into->name);
		return -1;
	}
	struct topo_hosted_zone *z = into ? into : zone_file_zone(t, apath, &s, d);
	if (!z)
		return -1;
	defs_rr_splice(z, &s);
	return 0;
}
