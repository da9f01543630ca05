/* SPDX-License-Identifier: BSD-3-Clause */
/* src/ctlproto.c - what dnsd and dnsd-control agree on: the protocol and the commands. */
#include "config.h"
#include "ctlproto.h"

#include <stddef.h>
#include <string.h>

const struct control_command control_commands[] = {
	{ "status", "", "version, uptime, workers, what is loaded, the last reload's result", 0,
	  0 },
	{ "reload", "", "read the definitions again; answers when the new data serves, or with "
	  "the errors (the old data keeps serving)", 0, 0 },
	{ "health", "az AZ up|down|clear | eni ENI-ID up|down|clear | "
	  "check HEALTH-CHECK-ID up|down|clear | show",
	  "override the definitions' health of an Availability Zone, a network interface or "
	  "a Route 53 health check until cleared (kept across reloads); answers once queries "
	  "see it", 1, 3 },
	{ "explain", "NAME [TYPE] [--vpc VPC-ID | --from ADDR]",
	  "which view a client lands in and why, what decides the name, which ENIs are in or "
	  "out and why, and the answer dnsd sends or where it forwards the query", 1, 4 },
	{ "stats", "[--reset]", "the counters (--reset: count from zero for stats; /metrics "
	  "keeps counting)", 0, 1 },
	{ "flush", "[NAME]", "drop forwarded answers from the cache: of NAME, or all", 0, 1 },
	{ "zones", "[--vpc VPC-ID]", "the zones and rules each view has", 0, 2 },
	{ "logrotate", "", "reopen the query log file", 0, 0 },
	{ NULL, NULL, NULL, 0, 0 }
};

const struct control_command *
control_command_find(const char *name)
{
	for (const struct control_command *c = control_commands; c->name; c++)
		if (!strcmp(c->name, name))
			return c;
	return NULL;
}
