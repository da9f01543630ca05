/* SPDX-License-Identifier: BSD-3-Clause */
/* tests/fuzz/fuzz_defs.c - fuzz the definitions loader: YAML/JSON in, a snapshot or file:line errors out. */
#include "config.h"

#include "diag.h"
#include "snapshot.h"

#include <stdint.h>
#include <stdio.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Each input is read twice: as a YAML file (the JSON fast path first),
 * and as a .json file under --strict (the strict JSON reader; unknown
 * fields and keys as errors). Messages are written out, so that their
 * text, suggestions and repeat counts are built too. */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static FILE *sink;
	struct diag d;
	if (!sink)
		sink = fopen("/dev/null", "w");
	diag_init(&d, sink);
	struct snapshot *s = snapshot_load_buffer("fuzz.yaml", (const char *)data, size, &d);
	snapshot_free(s);
	diag_init(&d, sink);
	d.strict = true;
	s = snapshot_load_buffer("fuzz.json", (const char *)data, size, &d);
	snapshot_free(s);
	return 0;
}
