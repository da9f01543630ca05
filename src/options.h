/* SPDX-License-Identifier: BSD-3-Clause */
/* src/options.h - the table of command-line options: names, bounds, defaults, help. */
#ifndef DNSD_OPTIONS_H
#define DNSD_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#define DNSD_DEFAULT_PORT 5300
#define DNSD_MAX_LIST 64	/**< most --listen or --upstream given */

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
	bool query_log;
	unsigned edns_size;
	unsigned forward_timeout;	/**< milliseconds per upstream try */
	unsigned tcp_idle_timeout;	/**< seconds */
	unsigned tcp_max_conns;
	unsigned error_rate;		/**< error replies per second per client prefix */
	unsigned workers;
	const char *resolv_conf;
	unsigned inbound_port;		/**< port of inbound endpoint listeners */
	unsigned cache_size;		/**< MiB of forwarded answers per worker */
};

/** Fill in every default. */
void options_defaults(struct options *o);

/**
 * Parse argv. Arguments are borrowed, not copied.
 * @param err: receives a message when parsing fails.
 * @return 0, or -1 with err set.
 */
int options_parse(struct options *o, int argc, char **argv, char *err, size_t errsz);

/** Print the --help text, generated from the option table. */
void options_usage(FILE *out);

#endif /* DNSD_OPTIONS_H */
