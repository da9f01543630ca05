/* SPDX-License-Identifier: BSD-3-Clause */
/* src/dnsd-control.c - dnsd-control: send one command to a running dnsd over its control socket. */
#include "config.h"

#include "ctlproto.h"
#include "options.h"

#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

enum exit_code {
	EXIT_OK = 0,
	EXIT_FAILED = 1,	/* dnsd answered with an error */
	EXIT_USAGE = 2,
	EXIT_UNREACHABLE = 3	/* no dnsd at the socket, or it stopped answering */
};

#define DEFAULT_TIMEOUT 300	/* seconds: a reload of 100,000 endpoints takes 10 */

static void
usage(FILE *out)
{
	fprintf(out,
		"Usage: dnsd-control [-s PATH] [-t SECONDS] COMMAND [ARGUMENT]...\n"
		"Send a command to a running dnsd over its control socket and print the reply.\n\n"
		"Options:\n"
		"  -s, --socket PATH     the control socket (default: %s)\n"
		"  -t, --timeout SECONDS wait this long for the reply (default: %d)\n"
		"  -h, --help            print this help and exit\n"
		"  -V, --version         print the version and exit\n\n"
		"Commands:\n", options_default_control(), DEFAULT_TIMEOUT);
	for (const struct control_command *c = control_commands; c->name; c++)
		fprintf(out, "  %s%s%s\n      %s\n", c->name, c->args[0] ? " " : "", c->args,
			c->help);
	fprintf(out, "\nExit status: 0 done, 1 dnsd answered with an error, 2 usage error, "
		"3 dnsd cannot\nbe reached.\n");
}

/* One request line: the protocol word, then each argument after a tab. */
static char *
request_line(int argc, char **argv, size_t *len)
{
	size_t n = strlen(CONTROL_PROTOCOL) + 2;
	for (int i = 0; i < argc; i++)
		n += strlen(argv[i]) + 1;
	char *line = malloc(n);
	if (!line)
		return NULL;
	strcpy(line, CONTROL_PROTOCOL);
	for (int i = 0; i < argc; i++) {
		strcat(line, "\t");
		strcat(line, argv[i]);
	}
	strcat(line, "\n");
	*len = strlen(line);
	return line;
}

static int
connect_to(const char *path)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	if (strlen(path) >= sizeof(sun.sun_path)) {
		fprintf(stderr, "dnsd-control: %s: the path is longer than %zu bytes\n", path,
			sizeof(sun.sun_path) - 1);
		return -1;
	}
	memcpy(sun.sun_path, path, strlen(path) + 1);
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sun, sizeof(sun)) < 0) {
		int e = errno;
		fprintf(stderr, "dnsd-control: cannot reach dnsd at %s: %s (%s)\n", path,
			strerror(e), e == ENOENT || e == ECONNREFUSED ? "is dnsd running, and with "
			"this --control path? -s PATH names another" : e == EACCES ? "the socket is "
			"for root and dnsd's group" : "see dnsd's log");
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

static bool
send_all(int fd, const char *p, size_t len)
{
	while (len) {
		ssize_t n = send(fd, p, len, MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return false;
		p += n;
		len -= (size_t)n;
	}
	return true;
}

/* Read the reply to its end; print it; exit status by its first word. */
static int
read_reply(int fd, const char *path, int timeout)
{
	char buf[65536];
	size_t total = 0;
	bool error = false;
	time_t deadline = time(NULL) + timeout;
	for (;;) {
		struct pollfd p = { fd, POLLIN, 0 };
		int left = (int)(deadline - time(NULL));
		int r = left > 0 ? poll(&p, 1, left * 1000) : 0;
		if (r < 0 && errno == EINTR)
			continue;
		if (r == 0) {
			fprintf(stderr, "dnsd-control: no reply from %s within %d s\n", path, timeout);
			return EXIT_UNREACHABLE;
		}
		ssize_t n = r > 0 ? read(fd, buf, sizeof(buf)) : -1;
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			fprintf(stderr, "dnsd-control: %s: %s\n", path, strerror(errno));
			return EXIT_UNREACHABLE;
		}
		if (n == 0)
			break;
		if (total == 0)
			error = n >= 5 && !strncmp(buf, "error", 5);
		fwrite(buf, 1, (size_t)n, error ? stderr : stdout);
		total += (size_t)n;
	}
	if (total == 0) {
		fprintf(stderr, "dnsd-control: %s closed without a reply\n", path);
		return EXIT_UNREACHABLE;
	}
	return error ? EXIT_FAILED : EXIT_OK;
}

/* The command and its argument count, as the table has them. */
static bool
check_command(int argc, char **argv)
{
	const struct control_command *c = control_command_find(argv[0]);
	if (!c) {
		fprintf(stderr, "dnsd-control: unknown command '%s' (see dnsd-control --help)\n",
			argv[0]);
		return false;
	}
	if ((unsigned)argc - 1 < c->min_args || (unsigned)argc - 1 > c->max_args) {
		fprintf(stderr, "dnsd-control: usage: %s %s\n", c->name, c->args);
		return false;
	}
	for (int i = 0; i < argc; i++) {
		if (strpbrk(argv[i], "\t\n") || !argv[i][0]) {
			fprintf(stderr, "dnsd-control: argument %d is empty or holds a tab or a "
				"newline\n", i + 1);
			return false;
		}
	}
	return true;
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "socket", required_argument, NULL, 's' },
		{ "timeout", required_argument, NULL, 't' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	const char *path = options_default_control();
	int timeout = DEFAULT_TIMEOUT, c;
	char *end;
	/* "+": stop at the command, whose own arguments may start with "--" */
	while ((c = getopt_long(argc, argv, "+s:t:hV", longopts, NULL)) != -1) {
		switch (c) {
		case 's':
			path = optarg;
			break;
		case 't':
			timeout = (int)strtol(optarg, &end, 10);
			if (*end || timeout < 1 || timeout > 86400) {
				fprintf(stderr, "dnsd-control: --timeout: '%s' is not 1 to 86400\n",
					optarg);
				return EXIT_USAGE;
			}
			break;
		case 'h':
			usage(stdout);
			return EXIT_OK;
		case 'V':
			printf("dnsd-control %s\n", PACKAGE_VERSION);
			return EXIT_OK;
		default:
			fprintf(stderr, "dnsd-control: see dnsd-control --help\n");
			return EXIT_USAGE;
		}
	}
	if (optind >= argc) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (!check_command(argc - optind, argv + optind))
		return EXIT_USAGE;
	size_t len;
	char *line = request_line(argc - optind, argv + optind, &len);
	if (!line || len > CONTROL_MAX_REQUEST) {
		fprintf(stderr, "dnsd-control: %s\n", line ? "the request is longer than 4096 bytes" :
			"out of memory");
		free(line);
		return EXIT_USAGE;
	}
	int fd = connect_to(path);
	if (fd < 0) {
		free(line);
		return EXIT_UNREACHABLE;
	}
	int rc = EXIT_UNREACHABLE;
	if (send_all(fd, line, len))
		rc = read_reply(fd, path, timeout);
	else
		fprintf(stderr, "dnsd-control: %s: %s\n", path, strerror(errno));
	free(line);
	close(fd);
	return rc;
}
