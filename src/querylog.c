/* SPDX-License-Identifier: BSD-3-Clause */
/* src/querylog.c - one line per answered query, in the spirit of Route 53 Resolver query logs. */
#include "config.h"
#include "querylog.h"

#include "dname.h"
#include "log.h"
#include "netaddr.h"
#include "query.h"
#include "snapshot.h"

#include <stdio.h>

static const char *
rcode_name(unsigned rcode)
{
	static const char *const names[] = { "NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN",
		"NOTIMP", "REFUSED" };
	if (rcode < sizeof(names) / sizeof(names[0]))
		return names[rcode];
	return rcode == 9 ? "NOTAUTH" : rcode == 16 ? "BADVERS" : "?";
}

static const char *
type_name(unsigned t, char *buf, size_t size)
{
	switch (t) {
	case 1: return "A";
	case 2: return "NS";
	case 5: return "CNAME";
	case 6: return "SOA";
	case 12: return "PTR";
	case 15: return "MX";
	case 16: return "TXT";
	case 28: return "AAAA";
	case 33: return "SRV";
	case 255: return "ANY";
	default:
		snprintf(buf, size, "TYPE%u", t);
		return buf;
	}
}

void
querylog_line(const struct snapshot *s, const struct sockaddr *client, bool tcp,
	const struct query_info *qi, enum querylog_source src, size_t size)
{
	static const char *const sources[] = { "local", "forward", "cache", "error", "drop" };
	char addr[80], name[DNAME_MAX * 4] = "-", tbuf[16];
	netaddr_sockaddr_str(client, addr, sizeof(addr));
	if (qi->qname_len)
		dname_to_text(qi->lname, name, sizeof(name));
	const char *view = s && qi->view < s->db.n_views ? s->db.views[qi->view].name : "-";
	log_info("query: client=%s transport=%s vpc=%s name=%s type=%s rcode=%s source=%s "
		"size=%zu%s%s", addr, tcp ? "TCP" : "UDP", view, name,
		type_name(qi->qtype, tbuf, sizeof(tbuf)), rcode_name(qi->rcode), sources[src], size,
		qi->why ? " why=" : "", qi->why ? qi->why : "");
}
