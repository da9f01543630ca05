/* SPDX-License-Identifier: BSD-3-Clause */
/* src/main.c - command line, start-up order and exit codes of dnsd. */
#include "config.h"

#include "diag.h"
#include "forward.h"
#include "listen.h"
#include "log.h"
#include "netaddr.h"
#include "options.h"
#include "server.h"
#include "snapshot.h"

#include <errno.h>
#include <netinet/in.h>
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

static int
setup_listeners(const struct options *o, struct listener *ls, unsigned *n, char **specs)
{
	char err[256];
	static char def4[] = "127.0.0.1", def6[] = "[::1]";
	if (o->n_listen == 0) {
		char *defs[2] = { def4, def6 };
		*n = 0;
		for (int i = 0; i < 2; i++) {
			if (listener_parse(&ls[*n], defs[i], err, sizeof(err)) < 0)
				continue;
			if (i == 1 && !address_usable(&ls[*n].addr, ls[*n].addr_len)) {
				log_warn("::1 is not available; listening on 127.0.0.1 only");
				continue;
			}
			(*n)++;
		}
		return 0;
	}
	for (unsigned i = 0; i < o->n_listen; i++) {
		specs[i] = strdup(o->listen[i]);
		if (!specs[i] || listener_parse(&ls[i], specs[i], err, sizeof(err)) < 0) {
			fprintf(stderr, "dnsd: %s\n", specs[i] ? err : "out of memory");
			return -1;
		}
	}
	*n = o->n_listen;
	return 0;
}

static bool
add_upstream(struct fwd_targets *t, const char *text, const char *from)
{
	if (t->n >= FWD_MAX_TARGETS) {
		log_warn("%s: more than %d upstreams; %s is left out", from, FWD_MAX_TARGETS, text);
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

/* Who may use dnsd besides VPC clients: --allow, else the loopback and
 * private ranges a local setup uses (containers, VMs, the LAN). */
static int
setup_allow(const struct options *o, struct netprefix *allow, unsigned *n)
{
	static const char *const defaults[] = {
		"127.0.0.0/8", "::1/128", "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16",
		"100.64.0.0/10", "169.254.0.0/16", "fc00::/7", "fe80::/10", "::ffff:127.0.0.0/104",
	};
	*n = 0;
	if (o->n_allow == 0) {
		for (size_t i = 0; i < sizeof(defaults) / sizeof(defaults[0]); i++)
			if (netprefix_parse(defaults[i], false, &allow[*n]))
				(*n)++;
		return 0;
	}
	for (unsigned i = 0; i < o->n_allow; i++) {
		if (!netprefix_parse(o->allow[i], true, &allow[(*n)++])) {
			fprintf(stderr, "dnsd: --allow: '%s' is not ADDR/LEN\n", o->allow[i]);
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
			fprintf(stderr, "dnsd: --upstream: '%s' is not ADDR[:PORT]\n", o->upstream[i]);
			return -1;
		}
	}
	if (o->n_upstream == 0)
		upstreams_from_resolv_conf(o->resolv_conf, t);
	return 0;
}

static void
bindings_of(const struct listener *ls, unsigned n, struct snapshot_listener *out)
{
	for (unsigned i = 0; i < n; i++) {
		out[i].vpc = ls[i].vpc;
		out[i].inbound = ls[i].inbound;
	}
}

/* Inbound resolver endpoints whose addresses this host has become
 * listeners in their VPC (R53: how on-premises resolvers reach it). */
static void
add_inbound_listeners(const struct options *o, const struct snapshot *s,
	struct listener *ls, unsigned *n)
{
	for (unsigned i = 0; i < s->n_inbound && o->inbound_port; i++) {
		const struct snapshot_inbound *in = &s->inbound[i];
		char addr[64];
		if (*n >= DNSD_MAX_LIST) {
			log_warn("too many listeners: inbound endpoint %s is left out", in->endpoint_id);
			return;
		}
		struct listener *l = &ls[*n];
		memset(l, 0, sizeof(*l));
		netaddr_str(&in->addr, addr, sizeof(addr));
		snprintf(l->text, sizeof(l->text), in->addr.family == AF_INET6 ? "[%s]:%u" : "%s:%u",
			addr, o->inbound_port);
		if (!netaddr_parse_sockaddr(l->text, o->inbound_port, &l->addr, &l->addr_len))
			continue;
		if (!address_usable(&l->addr, l->addr_len)) {
			log_info("inbound endpoint %s: %s is not an address of this host; not "
				"listening there", in->endpoint_id, addr);
			continue;
		}
		l->spec = l->text;
		l->vpc = in->vpc_id;
		l->inbound = true;
		(*n)++;
	}
}

static int
run_check(const struct options *o, const struct listener *ls, unsigned n_listeners)
{
	struct snapshot_listener bindings[DNSD_MAX_LIST];
	bindings_of(ls, n_listeners, bindings);
	struct snapshot_config cfg = { o->zones, bindings, n_listeners };
	struct diag d;
	diag_init(&d, stderr);
	struct snapshot *s = snapshot_load(&cfg, &d, stdout);
	if (!s) {
		fprintf(stderr, "dnsd: %s: %u error%s, %u warning%s\n", o->zones, d.errors,
			d.errors == 1 ? "" : "s", d.warnings, d.warnings == 1 ? "" : "s");
		return EXIT_DEFINITIONS;
	}
	char what[256];
	snapshot_describe(s, what, sizeof(what));
	fprintf(stderr, "dnsd: %s: ok: %s, %u warning%s\n", o->zones, what, d.warnings,
		d.warnings == 1 ? "" : "s");
	snapshot_free(s);
	return EXIT_OK;
}

static void
log_started(const struct snapshot *s, const struct options *o, const struct listener *ls,
	unsigned n, const struct fwd_targets *up)
{
	char listen[4096] = "", ups[1024] = "", buf[96];
	for (unsigned i = 0; i < n; i++) {
		netaddr_sockaddr_str((const struct sockaddr *)&ls[i].addr, buf, sizeof(buf));
		snprintf(listen + strlen(listen), sizeof(listen) - strlen(listen), "%s%s%s%s%s",
			i ? " " : "", buf, ls[i].vpc ? "=" : "", ls[i].vpc ? ls[i].vpc : "",
			ls[i].inbound ? "(inbound)" : "");
	}
	for (unsigned i = 0; i < up->n; i++) {
		netaddr_sockaddr_str((const struct sockaddr *)&up->addr[i], buf, sizeof(buf));
		snprintf(ups + strlen(ups), sizeof(ups) - strlen(ups), "%s%s", i ? " " : "", buf);
	}
	log_info("started: %u VPCs, %u endpoints from %s in %.3f s; listening on %s "
		"(udp, tcp); upstream %s; %u worker%s", s->n_vpcs, s->n_endpoints, o->zones,
		s->load_seconds, listen, up->n ? ups : "none (SERVFAIL for names dnsd does not hold)",
		o->workers, o->workers == 1 ? "" : "s");
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

int
main(int argc, char **argv)
{
	struct options o;
	char err[512];
	struct listener listeners[DNSD_MAX_LIST];
	char *specs[DNSD_MAX_LIST] = { 0 };
	unsigned n_listeners = 0;
	struct fwd_targets upstreams;
	int rc = EXIT_OK;

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
	if (setup_listeners(&o, listeners, &n_listeners, specs) < 0) {
		rc = EXIT_USAGE;
		goto out;
	}
	if (o.check) {
		log_set_timestamps(false);
		rc = run_check(&o, listeners, n_listeners);
		goto out;
	}
	struct netprefix allow[DNSD_MAX_LIST + 16];
	unsigned n_allow = 0;
	if (setup_upstreams(&o, &upstreams) < 0 || setup_allow(&o, allow, &n_allow) < 0) {
		rc = EXIT_USAGE;
		goto out;
	}
	drop_self_upstreams(&upstreams, listeners, n_listeners);

	struct snapshot_listener bindings[DNSD_MAX_LIST];
	bindings_of(listeners, n_listeners, bindings);
	struct snapshot_config cfg = { o.zones, bindings, n_listeners };
	struct diag d;
	diag_init(&d, stderr);
	struct snapshot *snap = snapshot_load(&cfg, &d, NULL);
	if (!snap) {
		log_err("%s: %u error%s in the definitions; not starting", o.zones, d.errors,
			d.errors == 1 ? "" : "s");
		rc = EXIT_DEFINITIONS;
		goto out;
	}
	unsigned before = n_listeners;
	add_inbound_listeners(&o, snap, listeners, &n_listeners);
	if (n_listeners != before) {
		bindings_of(listeners, n_listeners, bindings);
		snapshot_bind_listeners(snap, bindings, n_listeners, &d);
	}
	raise_fd_limit(&o, n_listeners);
	struct server *s = server_create(&o, listeners, n_listeners, &upstreams, allow, n_allow,
		snap, err, sizeof(err));
	if (!s) {
		log_err("%s", err);
		rc = EXIT_START;
		goto out;
	}
	log_started(snap, &o, listeners, n_listeners, &upstreams);
	rc = server_run(s);
	server_free(s);
out:
	for (unsigned i = 0; i < DNSD_MAX_LIST; i++)
		free(specs[i]);
	return rc;
}
