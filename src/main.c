/* SPDX-License-Identifier: BSD-3-Clause */
/* src/main.c - command line, start-up order and exit codes of dnsd. */
#include "config.h"

#include "diag.h"
#include "forward.h"
#include "listen.h"
#include "log.h"
#include "netaddr.h"
#include "notify.h"
#include "options.h"
#include "server.h"
#include "snapshot.h"

#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

enum exit_code {
	EXIT_OK = 0,
	EXIT_DEFINITIONS = 1,	/* the definitions have errors */
	EXIT_USAGE = 2,
	EXIT_START = 3		/* a socket cannot be opened */
};

/* Whether the host has an address, so that a default listener on a
 * missing ::1 is skipped instead of failing the start. */
static bool
address_usable(const struct sockaddr_storage *ss, socklen_t len)
{
	struct sockaddr_storage probe;
	memcpy(&probe, ss, len);
	if (probe.ss_family == AF_INET6)
		((struct sockaddr_in6 *)&probe)->sin6_port = 0;
	else
		((struct sockaddr_in *)&probe)->sin_port = 0;
	int fd = socket(probe.ss_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return false;
	bool ok = bind(fd, (struct sockaddr *)&probe, len) == 0;
	close(fd);
	return ok;
}

/* The --listen addresses; a default one the host lacks (::1) is skipped. */
static int
setup_listeners(const struct options *o, struct listener_set *set, char **specs)
{
	char err[256];
	bool defaults = !options_given(o, "listen");
	for (unsigned i = 0; i < o->n_listen; i++) {
		struct listener *l = listener_set_add(set);
		specs[i] = strdup(o->listen[i]);
		if (!l || !specs[i] || listener_parse(l, specs[i], err, sizeof(err)) < 0) {
			log_err("%s", l && specs[i] ? err : "out of memory");
			return -1;
		}
		if (defaults && !address_usable(&l->addr, l->addr_len)) {
			log_warn("%s is not an address of this host; not listening there", o->listen[i]);
			set->n--;
		}
	}
	return 0;
}

static bool
add_upstream(struct fwd_targets *t, const char *text, const char *from)
{
	if (t->n >= FWD_MAX_TARGETS) {
		log_warn("%s: nameserver %s is left out: dnsd forwards to at most %d", from, text,
			FWD_MAX_TARGETS);
		return true;
	}
	if (!netaddr_parse_sockaddr(text, 53, &t->addr[t->n], &t->len[t->n]))
		return false;
	t->n++;
	return true;
}

/* The nameservers of resolv.conf, as a stub resolver would use them. */
static void
upstreams_from_resolv_conf(const char *path, struct fwd_targets *t)
{
	FILE *f = fopen(path, "r");
	char line[512];
	if (!f) {
		log_warn("cannot read %s: %s; names dnsd does not hold will get SERVFAIL",
			path, strerror(errno));
		return;
	}
	while (fgets(line, sizeof(line), f)) {
		char addr[256];
		if (sscanf(line, " nameserver %255s", addr) != 1)
			continue;
		char *pct = strchr(addr, '%');	/* fe80::1%eth0: the zone is not kept */
		if (pct)
			*pct = 0;
		if (strchr(addr, ':')) {
			char br[300];
			snprintf(br, sizeof(br), "[%s]", addr);
			if (!add_upstream(t, br, path))
				log_warn("%s: ignoring nameserver '%s'", path, addr);
		} else if (!add_upstream(t, addr, path)) {
			log_warn("%s: ignoring nameserver '%s'", path, addr);
		}
	}
	fclose(f);
}

/* An upstream that is one of dnsd's own listeners would loop queries. */
static void
drop_self_upstreams(struct fwd_targets *t, const struct listener *ls, unsigned n)
{
	unsigned k = 0;
	for (unsigned i = 0; i < t->n; i++) {
		bool self = false;
		for (unsigned j = 0; j < n && !self; j++)
			self = netaddr_sockaddr_equal((struct sockaddr *)&t->addr[i],
				(const struct sockaddr *)&ls[j].addr);
		if (self) {
			char buf[80];
			log_warn("upstream %s is dnsd itself; left out",
				netaddr_sockaddr_str((struct sockaddr *)&t->addr[i], buf, sizeof(buf)));
			continue;
		}
		t->addr[k] = t->addr[i];
		t->len[k] = t->len[i];
		k++;
	}
	t->n = k;
}

/* Who may use dnsd besides VPC clients: --allow or its default. */
static int
setup_allow(const struct options *o, struct netprefix *allow, unsigned *n)
{
	for (*n = 0; *n < o->n_allow; (*n)++) {
		if (!netprefix_parse(o->allow[*n], true, &allow[*n])) {
			log_err("--allow: '%s' is not ADDR/LEN", o->allow[*n]);
			return -1;
		}
	}
	return 0;
}

static int
setup_upstreams(const struct options *o, struct fwd_targets *t)
{
	static struct sockaddr_storage addr[FWD_MAX_TARGETS];
	static socklen_t len[FWD_MAX_TARGETS];
	memset(t, 0, sizeof(*t));
	t->addr = addr;
	t->len = len;
	for (unsigned i = 0; i < o->n_upstream; i++) {
		if (!add_upstream(t, o->upstream[i], "--upstream")) {
			log_err("--upstream: '%s' is not ADDR[:PORT]", o->upstream[i]);
			return -1;
		}
	}
	if (o->n_upstream == 0)
		upstreams_from_resolv_conf(o->resolv_conf, t);
	return 0;
}

/* What the snapshot needs of the listeners: their VPCs (NULL when out of memory). */
static struct snapshot_listener *
bindings_of(const struct listener_set *set)
{
	struct snapshot_listener *b = calloc(set->n + 1, sizeof(*b));
	for (unsigned i = 0; b && i < set->n; i++) {
		b[i].vpc = set->v[i].vpc;
		b[i].inbound = set->v[i].inbound;
	}
	return b;
}

/* Inbound resolver endpoints whose addresses this host has become
 * listeners in their VPC (R53: how on-premises resolvers reach it). */
static int
add_inbound_listeners(const struct options *o, const struct snapshot *s,
	struct listener_set *set)
{
	for (unsigned i = 0; i < s->n_inbound && o->inbound_port; i++) {
		const struct snapshot_inbound *in = &s->inbound[i];
		struct listener *l = listener_set_add(set);
		if (!l || listener_inbound(l, &in->addr, (uint16_t)o->inbound_port, in->vpc_id,
		    in->endpoint_id) < 0) {
			log_err("out of memory");
			return -1;
		}
		if (!address_usable(&l->addr, l->addr_len)) {
			char addr[64];
			log_info("inbound endpoint %s: %s is not an address of this host; not "
				"listening there", in->endpoint_id,
				netaddr_str(&in->addr, addr, sizeof(addr)));
			listener_set_remove(set, set->n - 1);
		}
	}
	return 0;
}

/* An inbound listener that cannot be bound for lack of privilege is left
 * out with a warning, unless --inbound-port asked for it; any other
 * failure stops the start. */
static int
probe_inbound_listeners(const struct options *o, struct listener_set *set)
{
	char err[768];
	for (unsigned i = 0; i < set->n;) {
		if (!set->v[i].inbound || listener_probe(&set->v[i], err, sizeof(err)) == 0) {
			i++;
			continue;
		}
		if ((errno != EACCES && errno != EPERM) || options_given(o, "inbound-port")) {
			log_err("%s", err);
			return -1;
		}
		log_warn("inbound endpoint address left out: %s", err);
		listener_set_remove(set, i);
	}
	return 0;
}

static int
run_check(const struct options *o, const struct listener_set *set)
{
	struct snapshot_listener *bindings = bindings_of(set);
	struct snapshot_config cfg = { .zones_dir = o->zones, .listeners = bindings,
		.n_listeners = set->n };
	struct diag d;
	diag_init(&d, stderr);
	d.strict = o->strict;
	cfg.summary_to = o->summary ? stdout : NULL;
	cfg.summary_json = o->json;
	struct snapshot *s = bindings ? snapshot_load(&cfg, &d, o->summary ? NULL : stdout) : NULL;
	free(bindings);
	if (!s) {
		fprintf(stderr, "dnsd: %s: %u error%s, %u warning%s\n", o->zones, d.errors,
			log_s(d.errors), d.warnings, log_s(d.warnings));
		return EXIT_DEFINITIONS;
	}
	char what[256];
	snapshot_describe(s, what, sizeof(what));
	fprintf(stderr, "dnsd: %s: ok: %s, %u warning%s\n", o->zones, what, d.warnings,
		log_s(d.warnings));
	snapshot_free(s);
	return EXIT_OK;
}

/* "ADDR ADDR=VPC ADDR=VPC(inbound)", as long as it takes. */
static char *
listeners_text(const struct listener_set *set)
{
	size_t cap = 64 + (size_t)set->n * 96, len = 0;
	char *text = malloc(cap), buf[64];
	for (unsigned i = 0; text && i < set->n; i++) {
		const struct listener *l = &set->v[i];
		netaddr_sockaddr_str((const struct sockaddr *)&l->addr, buf, sizeof(buf));
		len += (size_t)snprintf(text + len, cap - len, "%s%s%s%s%s", i ? " " : "", buf,
			l->vpc ? "=" : "", l->vpc ? l->vpc : "", l->inbound ? "(inbound)" : "");
	}
	if (text && !set->n)
		text[0] = 0;
	return text;
}

static void
log_started(const struct snapshot *s, const struct options *o, const struct listener_set *set,
	const struct fwd_targets *up, const struct server *srv)
{
	struct server_info info;
	server_get_info(srv, &info);
	char ups[FWD_MAX_TARGETS * 64] = "", buf[64];
	char *listen = listeners_text(set);
	for (unsigned i = 0; i < up->n; i++) {
		netaddr_sockaddr_str((const struct sockaddr *)&up->addr[i], buf, sizeof(buf));
		snprintf(ups + strlen(ups), sizeof(ups) - strlen(ups), "%s%s", i ? " " : "", buf);
	}
	log_notice("started: %u VPC%s, %u endpoint%s from %s in %.3f s; listening on %s "
		"(udp, tcp); upstream %s; %u worker%s; control %s; metrics %s%s%s", s->n_vpcs,
		log_s(s->n_vpcs), s->n_endpoints, log_s(s->n_endpoints), o->zones, s->load_seconds,
		listen ? listen : "(out of memory)",
		up->n ? ups : "none (SERVFAIL for names dnsd does not hold)", o->workers,
		log_s(o->workers), info.control_path ? info.control_path : "off",
		info.metrics_addr ? "http://" : "off", info.metrics_addr ? info.metrics_addr : "",
		info.metrics_addr ? "/metrics" : "");
	free(listen);
}

/* Every TCP connection, listener and upstream query is a descriptor:
 * raise the soft limit to what the options need, up to the hard limit. */
static void
raise_fd_limit(const struct options *o, unsigned n_listeners)
{
	struct rlimit rl;
	rlim_t want = (rlim_t)o->workers * (o->tcp_max_conns + 1024 + 2 * n_listeners) + 64;
	if (getrlimit(RLIMIT_NOFILE, &rl) < 0 || rl.rlim_cur >= want)
		return;
	rl.rlim_cur = rl.rlim_max == RLIM_INFINITY || rl.rlim_max > want ? want : rl.rlim_max;
	if (setrlimit(RLIMIT_NOFILE, &rl) < 0 || rl.rlim_cur < want)
		log_warn("file descriptor limit %llu is below the %llu that --workers and "
			"--tcp-max-connections need", (unsigned long long)rl.rlim_cur,
			(unsigned long long)want);
}

/* Load the definitions for serving; errors are logged line by line. */
static struct snapshot *
load(const struct options *o, const struct listener_set *set)
{
	struct snapshot_listener *bindings = bindings_of(set);
	/* the control channel rebuilds and explains from the parsed definitions */
	struct snapshot_config cfg = { .zones_dir = o->zones, .listeners = bindings,
		.n_listeners = set->n, .keep_model = strcmp(o->control, DNSD_CONTROL_NONE) != 0 };
	struct diag d;
	diag_init(&d, log_stream());
	d.strict = o->strict;
	struct snapshot *snap = bindings ? snapshot_load(&cfg, &d, NULL) : NULL;
	free(bindings);
	if (!snap)
		log_err("%s: %u error%s in the definitions; not starting", o->zones, d.errors,
			log_s(d.errors));
	return snap;
}

/* Listeners on inbound endpoint addresses, once the definitions name them. */
static int
bind_inbound(const struct options *o, struct snapshot *snap, struct listener_set *set)
{
	unsigned before = set->n;
	if (add_inbound_listeners(o, snap, set) < 0 || probe_inbound_listeners(o, set) < 0)
		return -1;
	if (set->n == before)
		return 0;
	struct snapshot_listener *bindings = bindings_of(set);
	struct diag d;
	diag_init(&d, log_stream());
	bool ok = bindings && snapshot_bind_listeners(snap, bindings, set->n, &d);
	free(bindings);
	return ok ? 0 : -1;
}

static int
serve(const struct options *o, struct listener_set *set)
{
	struct fwd_targets upstreams;
	struct netprefix allow[DNSD_MAX_LIST];
	unsigned n_allow = 0;
	char err[768];
	if (setup_upstreams(o, &upstreams) < 0 || setup_allow(o, allow, &n_allow) < 0)
		return EXIT_USAGE;
	drop_self_upstreams(&upstreams, set->v, set->n);
	struct snapshot *snap = load(o, set);
	if (!snap)
		return EXIT_DEFINITIONS;
	if (bind_inbound(o, snap, set) < 0) {
		snapshot_free(snap);
		return EXIT_START;
	}
	raise_fd_limit(o, set->n);
	struct server *s = server_create(o, set->v, set->n, &upstreams, allow, n_allow, snap, err,
		sizeof(err));
	if (!s) {
		log_err("%s", err);
		return EXIT_START;
	}
	log_started(snap, o, set, &upstreams, s);
	notify_send("READY=1\nSTATUS=serving %u VPC%s, %u endpoint%s", snap->n_vpcs,
		log_s(snap->n_vpcs), snap->n_endpoints, log_s(snap->n_endpoints));
	int rc = server_run(s) < 0 ? EXIT_START : EXIT_OK;
	server_free(s);
	return rc;
}

int
main(int argc, char **argv)
{
	struct options o;
	char err[512];
	struct listener_set listeners = { 0 };
	char *specs[DNSD_MAX_LIST] = { 0 };
	int rc;

	snapshot_memory_setup();
	options_defaults(&o);
	if (options_parse(&o, argc, argv, err, sizeof(err)) < 0) {
		fprintf(stderr, "dnsd: %s\n", err);
		return EXIT_USAGE;
	}
	if (o.help) {
		options_usage(stdout);
		return EXIT_OK;
	}
	if (o.version) {
		printf("%s %s\n", PACKAGE_NAME, PACKAGE_VERSION);
		return EXIT_OK;
	}
	log_verbosity = o.quiet ? VERB_NONE : VERB_OPS + (int)o.verbose;
	/* until the server handles them: a reload or statistics request during
	 * the first load must not kill dnsd */
	signal(SIGHUP, SIG_IGN);
	signal(SIGUSR1, SIG_IGN);
	/* a control client or query log reader that left must not stop dnsd */
	signal(SIGPIPE, SIG_IGN);
	if (o.check)
		log_set_timestamps(false);	/* a report, like a compiler's */
	else
		log_open(o.syslog);
	if (setup_listeners(&o, &listeners, specs) < 0)
		rc = EXIT_USAGE;
	else if (o.check)
		rc = run_check(&o, &listeners);
	else
		rc = serve(&o, &listeners);
	listener_set_free(&listeners);
	for (unsigned i = 0; i < DNSD_MAX_LIST; i++)
		free(specs[i]);
	return rc;
}
