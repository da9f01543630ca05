/* SPDX-License-Identifier: BSD-3-Clause */
/* src/options.c - the table of command-line options: names, bounds, defaults, help. */
#include "config.h"
#include "options.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

enum opt_type {
	OPT_FLAG,	/* bool */
	OPT_COUNT,	/* unsigned, +1 per use */
	OPT_STRING,	/* const char * */
	OPT_UINT,	/* unsigned within [min, max] */
	OPT_LIST	/* const char *[DNSD_MAX_LIST] with a count after it */
};

/* One row per option: the parser, --help and the man page test read it. */
struct option_def {
	const char *name;
	char short_name;
	enum opt_type type;
	const char *arg;
	unsigned long min, max;
	const char *default_text;
	size_t offset;
	size_t count_offset;
	const char *help;
};

#define OFF(f) offsetof(struct options, f)

static const struct option_def option_table[] = {
	{ "zones", 'z', OPT_STRING, "DIR", 0, 0, "zones", OFF(zones), 0,
	  "read definitions (*.json, *.yaml, *.yml) from DIR" },
	{ "listen", 'l', OPT_LIST, "ADDR[:PORT][=VPC-ID]", 0, 0,
	  "127.0.0.1:5300 and [::1]:5300", OFF(listen), OFF(n_listen),
	  "answer on ADDR (UDP and TCP; port 5300 unless given; :0 picks a free "
	  "port); =VPC-ID places every query on it in that VPC; repeatable" },
	{ "upstream", 'u', OPT_LIST, "ADDR[:PORT]", 0, 0, "the nameservers of /etc/resolv.conf",
	  OFF(upstream), OFF(n_upstream),
	  "resolve names dnsd does not hold through ADDR (port 53 unless given); "
	  "repeatable, tried in order" },
	{ "allow", 'a', OPT_LIST, "PREFIX", 0, 0,
	  "loopback, 10/8, 172.16/12, 192.168/16, 100.64/10, 169.254/16, fc00::/7, fe80::/10",
	  OFF(allow), OFF(n_allow),
	  "answer clients in PREFIX (and in the VPCs' CIDRs, and on VPC-bound listeners); "
	  "others get REFUSED, as dnsd is not an open resolver; repeatable, replaces the "
	  "default; 0.0.0.0/0 and ::/0 allow all" },
	{ "check", 'c', OPT_FLAG, NULL, 0, 0, NULL, OFF(check), 0,
	  "check the definitions, print the generated zones and exit" },
	{ "verbose", 'v', OPT_COUNT, NULL, 0, 0, NULL, OFF(verbose), 0,
	  "log more (repeat for every query's fate)" },
	{ "quiet", 'q', OPT_FLAG, NULL, 0, 0, NULL, OFF(quiet), 0,
	  "log errors and warnings only" },
	{ "query-log", 0, OPT_FLAG, NULL, 0, 0, NULL, OFF(query_log), 0,
	  "log one line per answered query to stderr" },
	{ "edns-size", 0, OPT_UINT, "BYTES", 512, 4096, "1232", OFF(edns_size), 0,
	  "largest UDP answer sent to EDNS clients" },
	{ "forward-timeout", 0, OPT_UINT, "MS", 10, 30000, "1500", OFF(forward_timeout), 0,
	  "wait this long for each upstream before trying the next" },
	{ "cache-size", 0, OPT_UINT, "MIB", 0, 4096, "16", OFF(cache_size), 0,
	  "keep forwarded answers, up to this much per worker (0: no cache)" },
	{ "tcp-idle-timeout", 0, OPT_UINT, "SECONDS", 1, 3600, "10", OFF(tcp_idle_timeout), 0,
	  "close TCP connections idle this long" },
	{ "tcp-max-connections", 0, OPT_UINT, "N", 1, 100000, "1000", OFF(tcp_max_conns), 0,
	  "most TCP connections at once; the longest idle is closed for a new one" },
	{ "error-rate", 0, OPT_UINT, "N", 0, 1000000, "1000", OFF(error_rate), 0,
	  "most FORMERR/NOTIMP/REFUSED replies per second to one client prefix (/24, "
	  "/56) per worker (0: no limit)" },
	{ "workers", 'w', OPT_UINT, "N", 1, 64, "1", OFF(workers), 0,
	  "threads answering queries, each with its own sockets" },
	{ "inbound-port", 0, OPT_UINT, "PORT", 0, 65535, "53", OFF(inbound_port), 0,
	  "listen on the addresses of inbound resolver endpoints that exist on this "
	  "host, at PORT (0: not at all)" },
	{ "resolv-conf", 0, OPT_STRING, "FILE", 0, 0, "/etc/resolv.conf", OFF(resolv_conf), 0,
	  "where the default upstreams come from" },
	{ "help", 'h', OPT_FLAG, NULL, 0, 0, NULL, OFF(help), 0,
	  "print this help and exit" },
	{ "version", 'V', OPT_FLAG, NULL, 0, 0, NULL, OFF(version), 0,
	  "print the version and exit" },
};

#define N_OPTIONS (sizeof(option_table) / sizeof(option_table[0]))

void
options_defaults(struct options *o)
{
	memset(o, 0, sizeof(*o));
	o->zones = "zones";
	o->edns_size = 1232;
	o->forward_timeout = 1500;
	o->tcp_idle_timeout = 10;
	o->tcp_max_conns = 1000;
	o->error_rate = 1000;
	o->workers = 1;
	o->resolv_conf = "/etc/resolv.conf";
	o->inbound_port = 53;
	o->cache_size = 16;
}

static const struct option_def *
find_long(const char *name, size_t len)
{
	for (size_t i = 0; i < N_OPTIONS; i++)
		if (strlen(option_table[i].name) == len &&
		    strncmp(option_table[i].name, name, len) == 0)
			return &option_table[i];
	return NULL;
}

static const struct option_def *
find_short(char c)
{
	for (size_t i = 0; i < N_OPTIONS; i++)
		if (option_table[i].short_name == c)
			return &option_table[i];
	return NULL;
}

static int
set_value(struct options *o, const struct option_def *d, const char *value, char *err,
	size_t errsz)
{
	char *base = (char *)o;
	switch (d->type) {
	case OPT_FLAG:
		*(bool *)(base + d->offset) = true;
		return 0;
	case OPT_COUNT:
		(*(unsigned *)(base + d->offset))++;
		return 0;
	case OPT_STRING:
		*(const char **)(base + d->offset) = value;
		return 0;
	case OPT_UINT: {
		char *end;
		errno = 0;
		unsigned long v = strtoul(value, &end, 10);
		if (!*value || *end || errno || value[0] == '-' || v < d->min || v > d->max) {
			snprintf(err, errsz, "--%s: '%s' is not a number from %lu to %lu",
				d->name, value, d->min, d->max);
			return -1;
		}
		*(unsigned *)(base + d->offset) = (unsigned)v;
		return 0;
	}
	case OPT_LIST: {
		unsigned *n = (unsigned *)(base + d->count_offset);
		if (*n >= DNSD_MAX_LIST) {
			snprintf(err, errsz, "--%s: at most %d", d->name, DNSD_MAX_LIST);
			return -1;
		}
		((const char **)(base + d->offset))[(*n)++] = value;
		return 0;
	}
	}
	return -1;
}

static bool
takes_value(const struct option_def *d)
{
	return d->type == OPT_STRING || d->type == OPT_UINT || d->type == OPT_LIST;
}

int
options_parse(struct options *o, int argc, char **argv, char *err, size_t errsz)
{
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		const struct option_def *d = NULL;
		const char *value = NULL;
		if (a[0] == '-' && a[1] == '-' && a[2]) {
			const char *eq = strchr(a + 2, '=');
			size_t len = eq ? (size_t)(eq - a - 2) : strlen(a + 2);
			d = find_long(a + 2, len);
			if (eq)
				value = eq + 1;
		} else if (a[0] == '-' && a[1] && !a[2]) {
			d = find_short(a[1]);
		} else {
			snprintf(err, errsz, "unexpected argument '%s' (see --help)", a);
			return -1;
		}
		if (!d) {
			snprintf(err, errsz, "unknown option '%s' (see --help)", a);
			return -1;
		}
		if (takes_value(d) && !value) {
			if (i + 1 >= argc) {
				snprintf(err, errsz, "--%s needs %s", d->name, d->arg);
				return -1;
			}
			value = argv[++i];
		} else if (!takes_value(d) && value) {
			snprintf(err, errsz, "--%s takes no value", d->name);
			return -1;
		}
		if (set_value(o, d, value, err, errsz) < 0)
			return -1;
	}
	return 0;
}

void
options_usage(FILE *out)
{
	fprintf(out,
		"Usage: dnsd [OPTION]...\n"
		"A Route 53 Resolver-style DNS server: answers VPC endpoint names, private\n"
		"DNS and forwarding as the resolver inside an AWS VPC does, from the AWS\n"
		"CLI output (or hand-written YAML/JSON) in a directory.\n\n"
		"Options:\n");
	for (size_t i = 0; i < N_OPTIONS; i++) {
		const struct option_def *d = &option_table[i];
		char head[96];
		int n = 0;
		if (d->short_name)
			n = snprintf(head, sizeof(head), "  -%c, --%s", d->short_name, d->name);
		else
			n = snprintf(head, sizeof(head), "      --%s", d->name);
		if (d->arg)
			snprintf(head + n, sizeof(head) - (size_t)n, " %s", d->arg);
		fprintf(out, "%s\n          %s", head, d->help);
		if (d->default_text)
			fprintf(out, " (default: %s)", d->default_text);
		fputc('\n', out);
	}
	fprintf(out,
		"\nSignals: HUP reloads the definitions (errors keep the old data serving);\n"
		"TERM and INT stop.\n"
		"Exit status: 0 on success, 1 when the definitions have errors, 2 on a\n"
		"usage error, 3 when dnsd cannot start (for example, a port is taken).\n");
}
