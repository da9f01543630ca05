/* SPDX-License-Identifier: BSD-3-Clause */
/* src/options.h - the table of command-line options: names, bounds, defaults, help. */
#ifndef DNSD_OPTIONS_H
#define DNSD_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define DNSD_DEFAULT_PORT 5300
#define DNSD_MAX_LIST 64	/**< room for a repeatable option; each row has its own limit */

/** The file next to a binary in its build tree that names the source tree's zones/. */
#define DNSD_BUILD_TREE_MARKER ".dnsd-build-tree"

/** The control socket of a dnsd in its build tree: beside the binary. */
#define DNSD_BUILD_TREE_CONTROL "dnsd.control"

/** --control none: no control socket. */
#define DNSD_CONTROL_NONE "none"

/** The daemon's settings after parsing. */
struct options {
	const char *zones;
	const char *listen[DNSD_MAX_LIST];
	unsigned n_listen;
	const char *upstream[DNSD_MAX_LIST];
	unsigned n_upstream;
	const char *allow[DNSD_MAX_LIST];
	unsigned n_allow;
	bool check;
	bool help;
	bool version;
	unsigned verbose;
	bool quiet;
	const char *query_log;		/**< file, "-" (standard output), or NULL: off */
	unsigned query_log_format;	/**< enum querylog_format */
	const char *control;		/**< unix socket path, or DNSD_CONTROL_NONE */
	const char *metrics;		/**< ADDR:PORT of the Prometheus endpoint, or NULL */
	bool syslog;			/**< log through syslog(3) */
	unsigned edns_size;
	unsigned forward_timeout;	/**< milliseconds per upstream try */
	unsigned tcp_idle_timeout;	/**< seconds */
	unsigned tcp_max_conns;
	unsigned error_rate;		/**< error replies per second per client prefix */
	unsigned workers;
	const char *resolv_conf;
	unsigned inbound_port;		/**< port of inbound endpoint listeners */
	unsigned cache_size;		/**< MiB of forwarded answers per worker */
	uint64_t given;			/**< a bit per table row given on the command line */
	bool strict;			/**< unknown fields and document keys are errors */
	bool summary;			/**< --check prints the names per VPC, not the zones */
	bool json;			/**< ... as JSON */
};

/**
 * Fill in every default from the table. The definitions directory is
 * $(sysconfdir)/dnsd/zones, or the source tree's zones/ for a binary that
 * has DNSD_BUILD_TREE_MARKER beside it (a build tree, never an install).
 */
void options_defaults(struct options *o);

/**
 * Parse argv as getopt_long does: -vvv, -zDIR, --zones=DIR, unambiguous
 * abbreviations of long names, `--`. Arguments are borrowed, not copied.
 * A repeatable option given on the command line replaces its default list.
 * @param err: receives a message when parsing fails.
 * @return 0, or -1 with err set.
 */
int options_parse(struct options *o, int argc, char **argv, char *err, size_t errsz);

/** Whether the option (its long name) was given on the command line. */
bool options_given(const struct options *o, const char *name);

/**
 * The default control socket: DNSD_BUILD_TREE_CONTROL beside a binary in
 * its build tree (found by DNSD_BUILD_TREE_MARKER: works without root),
 * else $(runstatedir)/dnsd/control. dnsd and dnsd-control agree on it.
 */
const char *options_default_control(void);

/** Print the --help text, generated from the option table. */
void options_usage(FILE *out);

#endif /* DNSD_OPTIONS_H */
