/* SPDX-License-Identifier: BSD-3-Clause */
/* src/main.c - command line, start-up order and exit codes of dnsd. */
#include "config.h"
int
main(void)
{
	return 0;
}
