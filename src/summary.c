/* SPDX-License-Identifier: BSD-3-Clause */
/* src/summary.c - dnsd --check --summary: per VPC, every name answered privately and its addresses, as text or JSON. */
#include "config.h"
#include "summary.h"

#include "netaddr.h"
#include "topology.h"
#include "verify.h"
#include "wire.h"

#include <string.h>

static const char *
source_name(enum verify_source s)
{
	switch (s) {
	case VERIFY_ENDPOINT:
		return "endpoint";
	case VERIFY_PRIVATE_DNS:
		return "private-dns";
	case VERIFY_HOSTED_ZONE:
		break;
	}
	return "hosted-zone";
}

static const char *
rcode_name(unsigned rcode)
{
	static const char *const names[] = { "NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN",
		"NOTIMP", "REFUSED" };
	return rcode < sizeof(names) / sizeof(names[0]) ? names[rcode] : "other";
}

/* The run of names of the VPC at place index, from *at on. */
static size_t
vpc_run(const struct verify_names *names, size_t at, unsigned index)
{
	size_t end = at;
	while (end < names->n && names->v[end].vpc_index == index)
		end++;
	return end;
}

/* ---- text ---- */

static void
text_addrs(FILE *out, const char *type, const struct netaddr *a, unsigned n)
{
	char buf[64];
	if (!n)
		return;
	fprintf(out, "  %s", type);
	for (unsigned i = 0; i < n; i++)
		fprintf(out, " %s", netaddr_str(&a[i], buf, sizeof(buf)));
}

static void
text_name(FILE *out, const struct verify_name *v)
{
	fprintf(out, "%s  %s %s%s", v->name, source_name(v->source), v->origin,
		v->inbound ? " (through an inbound endpoint)" : "");
	for (unsigned i = 0; i < v->n_cnames; i++)
		fprintf(out, "  CNAME %s", v->cnames[i]);
	text_addrs(out, "A", v->addrs, v->n_v4);
	text_addrs(out, "AAAA", v->addrs + v->n_v4, v->n_v6);
	if (!v->local)
		fputs("  ; forwarded", out);
	else if (v->rcode != DNS_RCODE_NOERROR)
		fprintf(out, "  ; %s", rcode_name(v->rcode));
	else if (!v->n_v4 && !v->n_v6)
		fputs("  ; no address", out);
	else if (!v->in_vpc)
		fputs("  ; outside the VPC's CIDR blocks", out);
	fputc('\n', out);
}

static void
text_vpc(FILE *out, const struct topo_vpc *vpc, const struct verify_name *v, size_t n)
{
	char buf[64];
	fprintf(out, "; VPC %s (%s;", vpc->id, vpc->region ? vpc->region : "region unknown");
	for (unsigned i = 0; i < vpc->n_cidrs; i++)
		fprintf(out, " %s", netprefix_str(&vpc->cidrs[i], buf, sizeof(buf)));
	fprintf(out, "): %zu name%s\n", n, n == 1 ? "" : "s");
	for (size_t i = 0; i < n; i++)
		text_name(out, &v[i]);
}

/* ---- JSON ---- */

static void
json_str(FILE *out, const char *s)
{
	fputc('"', out);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\')
			fprintf(out, "\\%c", c);
		else if (c < 0x20)
			fprintf(out, "\\u%04x", c);
		else
			fputc(c, out);
	}
	fputc('"', out);
}

static void
json_addrs(FILE *out, const char *key, const struct netaddr *a, unsigned n)
{
	char buf[64];
	fprintf(out, ", \"%s\": [", key);
	for (unsigned i = 0; i < n; i++) {
		fputs(i ? ", " : "", out);
		json_str(out, netaddr_str(&a[i], buf, sizeof(buf)));
	}
	fputc(']', out);
}

static void
json_name(FILE *out, const struct verify_name *v, bool first)
{
	fputs(first ? "\n      {\"name\": " : ",\n      {\"name\": ", out);
	json_str(out, v->name);
	fprintf(out, ", \"source\": \"%s\", \"origin\": ", source_name(v->source));
	json_str(out, v->origin);
	fprintf(out, ", \"inbound_only\": %s, \"answered\": \"%s\", \"rcode\": \"%s\", "
		"\"cname\": [", v->inbound ? "true" : "false", v->local ? "local" : "forwarded",
		rcode_name(v->rcode));
	for (unsigned i = 0; i < v->n_cnames; i++) {
		fputs(i ? ", " : "", out);
		json_str(out, v->cnames[i]);
	}
	fputc(']', out);
	json_addrs(out, "a", v->addrs, v->n_v4);
	json_addrs(out, "aaaa", v->addrs + v->n_v4, v->n_v6);
	fprintf(out, ", \"in_vpc\": %s}", v->in_vpc ? "true" : "false");
}

static void
json_vpc(FILE *out, const struct topo_vpc *vpc, const struct verify_name *v, size_t n,
	bool first)
{
	char buf[64];
	fputs(first ? "\n  {\"vpc_id\": " : ",\n  {\"vpc_id\": ", out);
	json_str(out, vpc->id);
	fputs(", \"region\": ", out);
	if (vpc->region)
		json_str(out, vpc->region);
	else
		fputs("null", out);
	fputs(", \"cidrs\": [", out);
	for (unsigned i = 0; i < vpc->n_cidrs; i++) {
		fputs(i ? ", " : "", out);
		json_str(out, netprefix_str(&vpc->cidrs[i], buf, sizeof(buf)));
	}
	fputs("], \"names\": [", out);
	for (size_t i = 0; i < n; i++)
		json_name(out, &v[i], i == 0);
	fputs(n ? "\n  ]}" : "]}", out);
}

int
summary_print(const struct topology *t, const struct zonedb *db, FILE *out, bool json)
{
	struct verify_names names;
	if (verify_names_collect(t, db, &names) < 0)
		return -1;
	size_t at = 0, outside = 0;
	unsigned index = 0;
	if (json)
		fprintf(out, "{\"summary_version\": %d, \"vpcs\": [", SUMMARY_JSON_VERSION);
	for (const struct topo_vpc *vpc = t->vpcs; vpc; vpc = vpc->next, index++) {
		size_t end = vpc_run(&names, at, index);
		for (size_t i = at; i < end; i++)
			outside += names.v[i].local && !names.v[i].in_vpc &&
				(names.v[i].n_v4 || names.v[i].n_v6);
		if (json)
			json_vpc(out, vpc, names.v + at, end - at, index == 0);
		else
			text_vpc(out, vpc, names.v + at, end - at);
		at = end;
	}
	if (json)
		fprintf(out, "%s], \"names\": %zu, \"outside_vpc\": %zu}\n", index ? "\n" : "",
			names.n, outside);
	else
		fprintf(out, "; %zu name%s in %u VPC%s, %zu with addresses outside their VPC's "
			"CIDR blocks\n", names.n, names.n == 1 ? "" : "s", index,
			index == 1 ? "" : "s", outside);
	verify_names_free(&names);
	return 0;
}
