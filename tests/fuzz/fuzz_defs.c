/* SPDX-License-Identifier: BSD-3-Clause */
/* tests/fuzz/fuzz_defs.c - fuzz the definitions loader: YAML/JSON in, a snapshot or file:line errors out. */
#include "config.h"

#include "diag.h"
#include "snapshot.h"

#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct diag d;
	diag_init(&d, NULL);
	struct snapshot *s = snapshot_load_buffer("fuzz.yaml", (const char *)data, size, &d);
	snapshot_free(s);
	return 0;
}
