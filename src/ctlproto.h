/* SPDX-License-Identifier: BSD-3-Clause */
/* src/ctlproto.h - what dnsd and dnsd-control agree on: the protocol and the commands. */
#ifndef DNSD_CTLPROTO_H
#define DNSD_CTLPROTO_H

/**
 * A request is one line: this word, then each argument after a tab, then
 * a newline. The reply is text up to the end of the connection; a failure
 * starts with "error" (as with unbound-control). A new version changes
 * the word: a dnsd that does not know it answers with an error.
 */
#define CONTROL_PROTOCOL "DNSDCTL1"

/** Longest request line dnsd reads. */
#define CONTROL_MAX_REQUEST 4096

/** One command: its synopsis and what it does (dnsd-control --help and the man page). */
struct control_command {
	const char *name;
	const char *args;		/**< synopsis of the arguments, "" when none */
	const char *help;
	unsigned min_args, max_args;	/**< arguments after the name */
};

/** Every command, NULL-terminated. */
extern const struct control_command control_commands[];

/** The command named so, or NULL. */
const struct control_command *control_command_find(const char *name);

#endif /* DNSD_CTLPROTO_H */
