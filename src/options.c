/* SPDX-License-Identifier: BSD-3-Clause */
/* src/options.c - the table of command-line options: names, bounds, defaults, help. */
#include "config.h"
#include "options.h"

#include "forward.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef DNSD_ZONES_DIR
#error "DNSD_ZONES_DIR is set by the Makefile: $(sysconfdir)/dnsd/zones"
#endif
#ifndef DNSD_CONTROL_PATH
#error "DNSD_CONTROL_PATH is set by the Makefile: $(runstatedir)/dnsd/control"
#endif

#define STR_(x) #x
#define STR(x) STR_(x)

enum opt_type {
	OPT_FLAG,	/* bool */
	OPT_COUNT,	/* unsigned, +1 per use */
	OPT_STRING,	/* const char * */
	OPT_UINT,	/* unsigned within [min, max] */
	OPT_LIST,	/* const char *[DNSD_MAX_LIST], at most max, with a count after it */
	OPT_CHOICE	/* unsigned: the index of the value in def_list (the choices) */
};

/* One row per option: the parser, the defaults, --help and (through
 * --help) the man page test read it. */
struct option_def {
	const char *name;
	char short_name;
	enum opt_type type;
	const char *arg;
	unsigned long min, max;		/* UINT: bounds; LIST: most entries */
	unsigned long def;		/* UINT: the default */
	const char *def_str;		/* STRING: the default */
	const char *const *def_list;	/* LIST: the default entries; CHOICE: the choices,
					   the default first (NULL-terminated) */
	const char *def_text;		/* the default, in words, when it is not a value */
	size_t offset;
	size_t count_offset;
	const char *help;
};

#define OFF(f) offsetof(struct options, f)

static const char *const listen_default[] = {
	"127.0.0.1:" STR(DNSD_DEFAULT_PORT), "[::1]:" STR(DNSD_DEFAULT_PORT), NULL
};

/* Who may use dnsd besides VPC clients: the loopback and private ranges a
 * local setup uses (containers, VMs, the LAN). */
static const char *const allow_default[] = {
	"127.0.0.0/8", "::1/128", "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16",
	"100.64.0.0/10", "169.254.0.0/16", "fc00::/7", "fe80::/10", "::ffff:127.0.0.0/104", NULL
};

/* The formats of --query-log-format, in enum querylog_format order. */
static const char *const query_log_formats[] = { "json", "text", NULL };

static const struct option_def option_table[] = {
	{ "zones", 'z', OPT_STRING, "DIR", 0, 0, 0, DNSD_ZONES_DIR, NULL, NULL, OFF(zones), 0,
	  "read definitions (*.json, *.yaml, *.yml) from DIR" },
	{ "listen", 'l', OPT_LIST, "ADDR[:PORT][=VPC-ID]", 0, DNSD_MAX_LIST, 0, NULL,
	  listen_default, NULL, OFF(listen), OFF(n_listen),
	  "answer on ADDR (UDP and TCP; port " STR(DNSD_DEFAULT_PORT) " unless given; :0 "
	  "picks a free port); =VPC-ID places every query on it in that VPC" },
	{ "upstream", 'u', OPT_LIST, "ADDR[:PORT]", 0, FWD_MAX_TARGETS, 0, NULL, NULL,
	  "the nameservers in the --resolv-conf file", OFF(upstream), OFF(n_upstream),
	  "resolve names dnsd does not hold through ADDR (port 53 unless given), "
	  "tried in order" },
	{ "allow", 'a', OPT_LIST, "PREFIX", 0, DNSD_MAX_LIST, 0, NULL, allow_default, NULL,
	  OFF(allow), OFF(n_allow),
	  "answer clients in PREFIX (and in the VPCs' CIDRs, and on VPC-bound listeners); "
	  "others get REFUSED, as dnsd is not an open resolver; 0.0.0.0/0 and ::/0 allow all" },
	{ "check", 'c', OPT_FLAG, NULL, 0, 0, 0, NULL, NULL, NULL, OFF(check), 0,
	  "check the definitions, print the generated zones and exit" },
	{ "summary", 0, OPT_FLAG, NULL, 0, 0, 0, NULL, NULL, NULL, OFF(summary), 0,
	  "with --check: print instead, per VPC, every name dnsd answers from its data "
	  "and the addresses a client there gets" },
	{ "json", 0, OPT_FLAG, NULL, 0, 0, 0, NULL, NULL, NULL, OFF(json), 0,
	  "with --check --summary: print the summary as JSON" },
	{ "strict", 0, OPT_FLAG, NULL, 0, 0, 0, NULL, NULL, NULL, OFF(strict), 0,
	  "make errors of the definitions' warnings about what dnsd skips or guesses: unknown "
	  "fields and document keys, services and regions its catalog lacks, moto's DnsEntries" },
	{ "verbose", 'v', OPT_COUNT, NULL, 0, 0, 0, NULL, NULL, NULL, OFF(verbose), 0,
	  "log more: -v closed connections and forwarding trouble, -vv also why each packet was dropped or refused" },
	{ "quiet", 'q', OPT_FLAG, NULL, 0, 0, 0, NULL, NULL, NULL, OFF(quiet), 0,
	  "log errors and warnings only" },
	{ "query-log", 0, OPT_STRING, "FILE", 0, 0, 0, NULL, NULL, "off", OFF(query_log), 0,
	  "log every answer to FILE (- is standard output), apart from the operations "
	  "log; dnsd-control logrotate reopens it" },
	{ "query-log-format", 0, OPT_CHOICE, "json|text", 0, 0, 0, NULL, query_log_formats,
	  NULL, OFF(query_log_format), 0,
	  "json: the fields of Route 53 Resolver query logs, one object per line; text: "
	  "key=value fields, dropped queries too" },
	{ "control", 0, OPT_STRING, "PATH", 0, 0, 0, DNSD_CONTROL_PATH, NULL, NULL,
	  OFF(control), 0, "take dnsd-control commands on the unix socket PATH (mode 0660; "
	  "none: no control socket)" },
	{ "metrics", 0, OPT_STRING, "ADDR:PORT", 0, 0, 0, NULL, NULL, "off", OFF(metrics), 0,
	  "serve Prometheus metrics at http://ADDR:PORT/metrics" },
	{ "syslog", 0, OPT_FLAG, NULL, 0, 0, 0, NULL, NULL, NULL, OFF(syslog), 0,
	  "log to syslog (facility daemon) instead of standard error" },
	{ "edns-size", 0, OPT_UINT, "BYTES", 512, 4096, 1232, NULL, NULL, NULL, OFF(edns_size), 0,
	  "largest UDP answer sent to EDNS clients" },
	{ "forward-timeout", 0, OPT_UINT, "MS", 10, 30000, 1500, NULL, NULL, NULL,
	  OFF(forward_timeout), 0, "wait this long for each upstream before trying the next" },
	{ "cache-size", 0, OPT_UINT, "MIB", 0, 4096, 16, NULL, NULL, NULL, OFF(cache_size), 0,
	  "keep forwarded answers, up to this much per worker (0: no cache)" },
	{ "tcp-idle-timeout", 0, OPT_UINT, "SECONDS", 1, 3600, 10, NULL, NULL, NULL,
	  OFF(tcp_idle_timeout), 0, "close TCP connections idle this long" },
	{ "tcp-max-connections", 0, OPT_UINT, "N", 1, 100000, 1000, NULL, NULL, NULL,
	  OFF(tcp_max_conns), 0,
	  "most TCP connections at once per worker; the longest idle is closed for a new one" },
	{ "error-rate", 0, OPT_UINT, "N", 0, 1000000, 1000, NULL, NULL, NULL, OFF(error_rate), 0,
	  "most FORMERR/NOTIMP/REFUSED replies per second to one client prefix (/24, "
	  "/56) per worker (0: no limit)" },
	{ "workers", 'w', OPT_UINT, "N", 1, 64, 1, NULL, NULL, NULL, OFF(workers), 0,
	  "threads answering queries, each with its own sockets" },
	{ "inbound-port", 0, OPT_UINT, "PORT", 0, 65535, 53, NULL, NULL, NULL, OFF(inbound_port),
	  0, "listen on the addresses of inbound resolver endpoints that exist on this "
	  "host, at PORT (0: not at all)" },
	{ "resolv-conf", 0, OPT_STRING, "FILE", 0, 0, 0, "/etc/resolv.conf", NULL, NULL,
	  OFF(resolv_conf), 0, "where the default upstreams come from" },
	{ "help", 'h', OPT_FLAG, NULL, 0, 0, 0, NULL, NULL, NULL, OFF(help), 0,
	  "print this help and exit" },
	{ "version", 'V', OPT_FLAG, NULL, 0, 0, 0, NULL, NULL, NULL, OFF(version), 0,
	  "print the version and exit" },
};

#define N_OPTIONS (sizeof(option_table) / sizeof(option_table[0]))
#define LONG_ONLY 256	/* getopt_long value of row i without a short name: LONG_ONLY + i */

_Static_assert(N_OPTIONS <= 64, "struct options.given has a bit per row");

/* The path of a file named `name` beside this binary, in exe (PATH_MAX). */
static bool
beside_binary(char *exe, const char *name)
{
	ssize_t n = readlink("/proc/self/exe", exe, PATH_MAX - 1);
	if (n <= 0)
		return false;
	exe[n] = 0;
	char *slash = strrchr(exe, '/');
	if (!slash || (size_t)(slash - exe) + 2 + strlen(name) > PATH_MAX)
		return false;
	strcpy(slash + 1, name);
	return true;
}

/* The source tree's zones/ when this binary sits in its build tree. */
static const char *
build_tree_zones(void)
{
	static char path[PATH_MAX];
	char exe[PATH_MAX];
	if (!beside_binary(exe, DNSD_BUILD_TREE_MARKER))
		return NULL;
	FILE *f = fopen(exe, "r");
	if (!f)
		return NULL;
	bool ok = fgets(path, sizeof(path), f) != NULL;
	fclose(f);
	path[strcspn(path, "\n")] = 0;
	return ok && path[0] ? path : NULL;
}

/* The default of a row, for the struct and for --help. */
static const char *
default_zones(void)
{
	static const char *zones;
	if (!zones) {
		zones = build_tree_zones();
		if (!zones)
			zones = DNSD_ZONES_DIR;
	}
	return zones;
}

const char *
options_default_control(void)
{
	static char path[PATH_MAX];
	static const char *control;
	if (!control) {
		char marker[PATH_MAX];
		control = DNSD_CONTROL_PATH;
		if (beside_binary(marker, DNSD_BUILD_TREE_MARKER) && access(marker, F_OK) == 0 &&
		    beside_binary(path, DNSD_BUILD_TREE_CONTROL))
			control = path;
	}
	return control;
}

/* A string row's default: computed for --zones and --control. */
static const char *
string_default(const struct option_def *d)
{
	if (d->offset == OFF(zones))
		return default_zones();
	if (d->offset == OFF(control))
		return options_default_control();
	return d->def_str;
}

static void
set_default(struct options *o, const struct option_def *d)
{
	char *base = (char *)o;
	switch (d->type) {
	case OPT_STRING:
		*(const char **)(base + d->offset) = string_default(d);
		break;
	case OPT_CHOICE:
		*(unsigned *)(base + d->offset) = 0;
		break;
	case OPT_UINT:
		*(unsigned *)(base + d->offset) = (unsigned)d->def;
		break;
	case OPT_LIST: {
		unsigned *n = (unsigned *)(base + d->count_offset);
		for (*n = 0; d->def_list && d->def_list[*n]; (*n)++)
			((const char **)(base + d->offset))[*n] = d->def_list[*n];
		break;
	}
	case OPT_FLAG:
	case OPT_COUNT:
		break;
	}
}

void
options_defaults(struct options *o)
{
	memset(o, 0, sizeof(*o));
	for (size_t i = 0; i < N_OPTIONS; i++)
		set_default(o, &option_table[i]);
}

static const struct option_def *
find_long(const char *name)
{
	for (size_t i = 0; i < N_OPTIONS; i++)
		if (strcmp(option_table[i].name, name) == 0)
			return &option_table[i];
	return NULL;
}

bool
options_given(const struct options *o, const char *name)
{
	const struct option_def *d = find_long(name);
	return d && (o->given >> (d - option_table) & 1);
}

static int
set_list(struct options *o, const struct option_def *d, const char *value, char *err,
	size_t errsz)
{
	char *base = (char *)o;
	unsigned *n = (unsigned *)(base + d->count_offset);
	if (!(o->given >> (d - option_table) & 1))
		*n = 0;	/* the first one given replaces the default list */
	if (*n >= d->max) {
		snprintf(err, errsz, "--%s %s: at most %lu may be given", d->name, value, d->max);
		return -1;
	}
	((const char **)(base + d->offset))[(*n)++] = value;
	return 0;
}

static int
set_uint(struct options *o, const struct option_def *d, const char *value, char *err,
	size_t errsz)
{
	char *end;
	errno = 0;
	unsigned long v = strtoul(value, &end, 10);
	if (!*value || *end || errno || value[0] == '-' || v < d->min || v > d->max) {
		snprintf(err, errsz, "--%s: '%s' is not a number from %lu to %lu", d->name, value,
			d->min, d->max);
		return -1;
	}
	*(unsigned *)((char *)o + d->offset) = (unsigned)v;
	return 0;
}

static int
set_choice(struct options *o, const struct option_def *d, const char *value, char *err,
	size_t errsz)
{
	for (unsigned i = 0; d->def_list[i]; i++) {
		if (!strcmp(d->def_list[i], value)) {
			*(unsigned *)((char *)o + d->offset) = i;
			return 0;
		}
	}
	snprintf(err, errsz, "--%s: '%s' is not one of %s", d->name, value, d->arg);
	return -1;
}

static int
set_value(struct options *o, const struct option_def *d, const char *value, char *err,
	size_t errsz)
{
	char *base = (char *)o;
	int rc = 0;
	switch (d->type) {
	case OPT_FLAG:
		*(bool *)(base + d->offset) = true;
		break;
	case OPT_COUNT:
		(*(unsigned *)(base + d->offset))++;
		break;
	case OPT_STRING:
		*(const char **)(base + d->offset) = value;
		break;
	case OPT_UINT:
		rc = set_uint(o, d, value, err, errsz);
		break;
	case OPT_LIST:
		rc = set_list(o, d, value, err, errsz);
		break;
	case OPT_CHOICE:
		rc = set_choice(o, d, value, err, errsz);
		break;
	}
	o->given |= (uint64_t)1 << (d - option_table);
	return rc;
}

static bool
takes_value(const struct option_def *d)
{
	return d->type != OPT_FLAG && d->type != OPT_COUNT;
}

/* getopt_long's tables, built from ours: ":" first so that a missing
 * value is told apart from an unknown option. */
static void
build_getopt(char *shortopts, struct option *longopts)
{
	size_t k = 0;
	shortopts[k++] = ':';
	for (size_t i = 0; i < N_OPTIONS; i++) {
		const struct option_def *d = &option_table[i];
		int val = d->short_name ? d->short_name : LONG_ONLY + (int)i;
		longopts[i] = (struct option){ d->name, takes_value(d) ? required_argument :
			no_argument, NULL, val };
		if (d->short_name) {
			shortopts[k++] = d->short_name;
			if (takes_value(d))
				shortopts[k++] = ':';
		}
	}
	shortopts[k] = 0;
	longopts[N_OPTIONS] = (struct option){ NULL, 0, NULL, 0 };
}

static const struct option_def *
row_of(int val)
{
	if (val >= LONG_ONLY && val < LONG_ONLY + (int)N_OPTIONS)
		return &option_table[val - LONG_ONLY];
	for (size_t i = 0; i < N_OPTIONS; i++)
		if (option_table[i].short_name && option_table[i].short_name == val)
			return &option_table[i];
	return NULL;
}

/* A long option getopt_long did not know: unknown, or an abbreviation of
 * several (an exact name would have matched). */
static void
explain_long(const char *arg, char *err, size_t errsz)
{
	size_t len = strcspn(arg + 2, "=");
	char matches[512] = "";
	unsigned n = 0;
	for (size_t i = 0; i < N_OPTIONS; i++) {
		if (strncmp(option_table[i].name, arg + 2, len) != 0)
			continue;
		snprintf(matches + strlen(matches), sizeof(matches) - strlen(matches), "%s--%s",
			n++ ? ", " : "", option_table[i].name);
	}
	if (n > 1)
		snprintf(err, errsz, "option '%.*s' is ambiguous: %s (see --help)", (int)len + 2,
			arg, matches);
	else
		snprintf(err, errsz, "unknown option '%.*s' (see --help)", (int)len + 2, arg);
}

/* What getopt_long refused: ':' a value missing; '?' with optopt 0 a long
 * option it did not know; '?' with a known option a value it does not
 * take (--check=x); else an unknown short option. */
static void
explain_error(int c, int argc, char **argv, char *err, size_t errsz)
{
	const struct option_def *d = row_of(optopt);
	if (c == ':' && d)
		snprintf(err, errsz, "--%s needs %s", d->name, d->arg);
	else if (optopt == 0 && optind > 0 && optind <= argc)
		explain_long(argv[optind - 1], err, errsz);
	else if (d)
		snprintf(err, errsz, "--%s takes no value", d->name);
	else
		snprintf(err, errsz, "unknown option '-%c' (see --help)", optopt);
}

/* Options that only mean something with another one. */
static int
options_check_together(const struct options *o, char *err, size_t errsz)
{
	if (o->summary && !o->check)
		snprintf(err, errsz, "--summary goes with --check");
	else if (o->json && !o->summary)
		snprintf(err, errsz, "--json goes with --check --summary");
	else
		return 0;
	return -1;
}

int
options_parse(struct options *o, int argc, char **argv, char *err, size_t errsz)
{
	char shortopts[2 * N_OPTIONS + 2];
	struct option longopts[N_OPTIONS + 1];
	build_getopt(shortopts, longopts);
	opterr = 0;
	optind = 0;	/* glibc: start afresh */
	int c;
	while ((c = getopt_long(argc, argv, shortopts, longopts, NULL)) != -1) {
		const struct option_def *d = c == '?' || c == ':' ? NULL : row_of(c);
		if (!d) {
			explain_error(c, argc, argv, err, errsz);
			return -1;
		}
		if (set_value(o, d, optarg, err, errsz) < 0)
			return -1;
	}
	if (optind < argc) {
		snprintf(err, errsz, "unexpected argument '%s' (see --help)", argv[optind]);
		return -1;
	}
	return options_check_together(o, err, errsz);
}

static void
print_default(char *b, size_t size, const struct option_def *d)
{
	size_t n = strlen(b);
	if (d->type == OPT_UINT) {
		snprintf(b + n, size - n, " (default: %lu)", d->def);
	} else if (d->type == OPT_STRING && string_default(d)) {
		snprintf(b + n, size - n, " (default: %s)", string_default(d));
	} else if (d->type == OPT_CHOICE) {
		snprintf(b + n, size - n, " (default: %s)", d->def_list[0]);
	} else if (d->def_list) {
		snprintf(b + n, size - n, " (default: ");
		for (size_t i = 0; d->def_list[i]; i++) {
			n = strlen(b);
			snprintf(b + n, size - n, "%s%s",
				i ? (d->def_list[i + 1] ? ", " : " and ") : "", d->def_list[i]);
		}
		n = strlen(b);
		snprintf(b + n, size - n, ")");
	} else if (d->def_text) {
		snprintf(b + n, size - n, " (default: %s)", d->def_text);
	}
}

/* Print text in lines of at most 78 columns, each indented by 10. */
static void
print_wrapped(FILE *out, const char *text)
{
	const size_t width = 78 - 10;
	while (*text) {
		size_t len = strlen(text), cut = len;
		if (len > width) {
			cut = width;
			while (cut > 0 && text[cut] != ' ')
				cut--;
			if (cut == 0)
				cut = strcspn(text, " ");
		}
		fprintf(out, "          %.*s\n", (int)cut, text);
		text += cut;
		while (*text == ' ')
			text++;
	}
}

static void
print_row(FILE *out, const struct option_def *d)
{
	char text[1024];
	if (d->short_name)
		fprintf(out, "  -%c, --%s", d->short_name, d->name);
	else
		fprintf(out, "      --%s", d->name);
	fprintf(out, "%s%s\n", d->arg ? " " : "", d->arg ? d->arg : "");
	snprintf(text, sizeof(text), "%s", d->help);
	size_t n = strlen(text);
	if (d->type == OPT_UINT)
		snprintf(text + n, sizeof(text) - n, "; %lu to %lu", d->min, d->max);
	if (d->type == OPT_LIST)
		snprintf(text + n, sizeof(text) - n, "; repeatable, at most %lu times", d->max);
	print_default(text, sizeof(text), d);
	print_wrapped(out, text);
}

void
options_usage(FILE *out)
{
	fprintf(out,
		"Usage: dnsd [OPTION]...\n"
		"A Route 53 Resolver-style DNS server: answers VPC endpoint names, private\n"
		"DNS and forwarding as the resolver inside an AWS VPC does, from the AWS\n"
		"CLI output (or hand-written YAML/JSON) in a directory.\n\n"
		"Long options may be abbreviated while unambiguous; values follow as\n"
		"--zones DIR, --zones=DIR, -z DIR or -zDIR; -vvv is -v -v -v.\n\n"
		"Options:\n");
	for (size_t i = 0; i < N_OPTIONS; i++)
		print_row(out, &option_table[i]);
	fprintf(out,
		"\nSignals: HUP reloads the definitions (errors keep the old data serving);\n"
		"USR1 logs the statistics; TERM and INT stop. dnsd-control(8) does more.\n"
		"Exit status: 0 on success, 1 when the definitions have errors, 2 on a\n"
		"usage error, 3 when dnsd cannot start (for example, a port is taken).\n");
}
