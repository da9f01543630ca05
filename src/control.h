/* SPDX-License-Identifier: BSD-3-Clause */
/* src/control.h - the commands of dnsd-control, apart from any transport (as NSD's execute_cmd). */
#ifndef DNSD_CONTROL_H
#define DNSD_CONTROL_H

#include <stddef.h>

struct server;

/** Hands a command's reply back to its transport, once. */
typedef void (*control_reply_fn)(void *ctx, const char *text, size_t len);

/**
 * Split a request line ("DNSDCTL1\tcmd\targ...", without its newline) into
 * arguments, in place.
 * @return the number of arguments after the protocol word, or -1 with err
 *	set (another protocol version, too many arguments).
 */
int control_split(char *line, char **argv, int max, char *err, size_t errsz);

/**
 * Run a command (argv[0] is its name) and reply, now or when it is done
 * (reloads and health changes answer once the new data serves). A reply
 * that starts with "error" is a failure. The transport must keep ctx
 * valid until reply is called; on the main thread only.
 */
void control_execute(struct server *s, int argc, char **argv, control_reply_fn reply, void *ctx);

#endif /* DNSD_CONTROL_H */
