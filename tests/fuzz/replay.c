/* SPDX-License-Identifier: BSD-3-Clause */
/* tests/fuzz/replay.c - run a fuzz target over its saved corpus without libFuzzer, as a TAP test. */
#include "config.h"

#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int
name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int
replay_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return -1;
	size_t cap = 1 << 16, len = 0;
	uint8_t *buf = malloc(cap);
	size_t n;
	while (buf && (n = fread(buf + len, 1, cap - len, f)) > 0) {
		len += n;
		if (len == cap) {
			uint8_t *b = realloc(buf, cap * 2);
			if (!b)
				break;
			buf = b;
			cap *= 2;
		}
	}
	fclose(f);
	if (!buf)
		return -1;
	/* an exact-size copy, so that ASan sees reads past the input */
	uint8_t *exact = malloc(len ? len : 1);
	if (!exact) {
		free(buf);
		return -1;
	}
	memcpy(exact, buf, len);
	free(buf);
	LLVMFuzzerTestOneInput(exact, len);
	free(exact);
	return 0;
}

/* Usage: replay DIR... (default: $DNSD_SRCDIR/tests/fuzz/corpus/<target>) */
int
main(int argc, char **argv)
{
	char def[4096];
	const char *dirs[64];
	int nd = 0;
	for (int i = 1; i < argc && nd < 64; i++)
		dirs[nd++] = argv[i];
	if (nd == 0) {
		const char *src = getenv("DNSD_SRCDIR");
		snprintf(def, sizeof(def), "%s/tests/fuzz/corpus/%s", src ? src : ".", FUZZ_TARGET);
		dirs[nd++] = def;
	}
	int test = 0, failed = 0;
	/* one TAP line per corpus directory: a crash ends the program and the
	 * driver reports it; the inputs are named on stderr as they run */
	for (int d = 0; d < nd; d++) {
		DIR *dh = opendir(dirs[d]);
		unsigned replayed = 0, unreadable = 0;
		if (!dh) {
			printf("not ok %d - cannot open %s\n", ++test, dirs[d]);
			failed++;
			continue;
		}
		char **names = NULL;
		size_t n = 0, cap = 0;
		struct dirent *de;
		while ((de = readdir(dh))) {
			if (de->d_name[0] == '.')
				continue;
			if (n == cap) {
				cap = cap ? cap * 2 : 256;
				names = realloc(names, cap * sizeof(*names));
				if (!names)
					return 1;
			}
			names[n++] = strdup(de->d_name);
		}
		closedir(dh);
		if (n)
			qsort(names, n, sizeof(*names), name_cmp);
		for (size_t i = 0; i < n; i++) {
			char path[8192];
			snprintf(path, sizeof(path), "%s/%s", dirs[d], names[i]);
			fprintf(stderr, "%s\n", path);
			if (replay_file(path) < 0)
				unreadable++;
			else
				replayed++;
			free(names[i]);
		}
		free(names);
		if (unreadable || replayed == 0) {
			printf("not ok %d - %s: %u inputs replayed, %u unreadable\n", ++test,
				dirs[d], replayed, unreadable);
			failed++;
		} else {
			printf("ok %d - fuzz_%s: %u corpus inputs replayed without a fault\n", ++test,
				FUZZ_TARGET, replayed);
		}
	}
	printf("1..%d\n", test);
	return failed ? 1 : 0;
}
