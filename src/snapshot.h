/* SPDX-License-Identifier: BSD-3-Clause */
/* src/snapshot.h - build a complete, immutable data snapshot from the definitions. */
#ifndef DNSD_SNAPSHOT_H
#define DNSD_SNAPSHOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "cidrmap.h"
#include "health.h"
#include "netaddr.h"
#include "zonedb.h"

struct arena;
struct diag;
struct snapshot_model;
struct topology;
struct firewall;
struct xfr;

/** A VPC's views, for binding listeners by VPC id. */
struct snapshot_vpc {
	const char *id;
	const char *owner_id;	/**< OwnerId, or NULL */
	const char *region;	/**< or NULL */
	int view;
	int inbound_view;	/**< -1 when the VPC has no inbound endpoint */
};

/** An address of an inbound resolver endpoint: dnsd listens there. */
struct snapshot_inbound {
	struct netaddr addr;
	const char *vpc_id;
	const char *endpoint_id;
};

/** What a listener is bound to. */
struct snapshot_listener {
	const char *vpc;	/**< VPC id, or NULL */
	bool inbound;		/**< an inbound endpoint's address: the inbound view */
};

/** Everything the answer path reads; never changed once built. */
struct snapshot {
	struct arena *arena;
	struct zonedb db;
	struct cidrmap cidrs;		/**< VPC address blocks to views */
	struct cidrmap dns64;		/**< blocks of subnets with EnableDns64 to their VPC's view */
	unsigned n_cidrs;
	uint16_t default_view;		/**< 0 (public) when there is no default VPC */
	int *listener_views;		/**< per listener: view, or -1 when unbound */
	unsigned n_listeners;
	struct snapshot_vpc *vpcs;
	unsigned n_vpc_views;
	struct snapshot_inbound *inbound;
	unsigned n_inbound;
	int refs;			/**< holders: the server, workers (atomic) */
	struct snapshot_model *model;	/**< the parsed definitions, when kept: rebuilds
					     and explanations use them; shared */
	struct health_set health;	/**< the runtime overrides it was built with */
	/* figures for logs, --check and status */
	unsigned n_vpcs, n_endpoints, n_files;
	unsigned n_zones, n_names, n_records;	/**< zones and rules; names with records */
	unsigned n_verified;			/**< names checked as served after the load */
	double load_seconds;		/**< reading the definitions and building */
	double build_seconds;		/**< building alone (zones, answers, checks) */
	/** Per view: its VPC has enableDnsSupport off, so the Resolver does
	 * not answer its clients (VPC User Guide, "DNS attributes for your
	 * VPC"); NULL when no VPC has it off. */
	const uint8_t *silent_views;
	const struct firewall *firewall;	/**< DNS Firewall, NULL when no VPC has a rule group */
	struct xfr *xfr;		/**< zone transfers (Dnsd: Secondaries), or NULL */
};

/** What to build a snapshot from. */
struct snapshot_config {
	const char *zones_dir;
	const struct snapshot_listener *listeners;
	unsigned n_listeners;
	const struct health_set *health;	/**< runtime overrides, or NULL */
	bool keep_model;			/**< keep the parsed definitions */
	FILE *summary_to;		/**< --check --summary: print the names per VPC here */
	bool summary_json;		/**< ... as JSON */
	const struct snapshot *previous;	/**< in service: serials and IXFR carry on from it */
};

/**
 * Read and check the definitions, generate the zones and compile the
 * answers. Errors go to diag as file:line messages.
 * @param export_to: when not NULL, the generated zones are printed there
 *	as zone files (for --check).
 * @return the snapshot, or NULL when the definitions have errors.
 */
struct snapshot *snapshot_load(const struct snapshot_config *cfg, struct diag *d,
	FILE *export_to);

/**
 * As snapshot_load, from definitions in memory (one file's contents):
 * for tests and fuzzing.
 */
struct snapshot *snapshot_load_buffer(const char *name, const char *buf, size_t len,
	struct diag *d);

/** As snapshot_load_buffer, with a configuration (health overrides, model kept). */
struct snapshot *snapshot_load_buffer_cfg(const char *name, const char *buf, size_t len,
	const struct snapshot_config *cfg, struct diag *d);

/**
 * Build a new snapshot from the definitions another one was built from
 * (it must have kept them: cfg.keep_model), with cfg's listeners and
 * health overrides, without reading any file: how a health change takes
 * effect. The new one keeps the model too when cfg asks.
 * @return the snapshot, or NULL with the errors in d.
 */
struct snapshot *snapshot_rebuild(const struct snapshot *from, const struct snapshot_config *cfg,
	struct diag *d);

/**
 * The parsed definitions a snapshot was built from, or NULL when not
 * kept. The model is shared with snapshots built from it: use it only
 * where no build runs at the same time (the server serializes them).
 */
struct topology *snapshot_model_topology(const struct snapshot *s);

/** Bytes the snapshot's answers and tables occupy. */
size_t snapshot_bytes(const struct snapshot *s);

/** Bytes the kept model occupies (0 when not kept). */
size_t snapshot_model_bytes(const struct snapshot *s);

/**
 * Map listeners to views (again, once inbound endpoint listeners are
 * known). A listener bound to an unknown VPC is an error.
 * @return true when every binding is known.
 */
bool snapshot_bind_listeners(struct snapshot *s, const struct snapshot_listener *l,
	unsigned n, struct diag *d);

/**
 * What a snapshot holds, for people: "2 VPCs, 3 endpoints, 40 zones, 61
 * names, 290 records in 5 files".
 */
void snapshot_describe(const struct snapshot *s, char *buf, size_t size);

/** Free a snapshot. NULL is allowed. */
void snapshot_free(struct snapshot *s);

/** Set malloc up so that memory freed after a load goes back to the system (call once, first). */
void snapshot_memory_setup(void);

/** Take a reference (a new snapshot starts with one). */
void snapshot_ref(struct snapshot *s);

/** Drop a reference; the last one frees the snapshot. NULL is allowed. */
void snapshot_unref(struct snapshot *s);

/** The view a client address lands in: longest VPC prefix, else the default. */
static inline uint16_t
snapshot_view_for(const struct snapshot *s, const struct netaddr *a)
{
	int32_t v = cidrmap_find(&s->cidrs, a);
	return v >= 0 ? (uint16_t)v : s->default_view;
}

#endif /* DNSD_SNAPSHOT_H */
