// SPDX-License-Identifier: BSD-3-Clause
/*
 * env.c -- environment variables, ignored in privileged programs.
 */
#include <stdlib.h>

#include "env.h"

const char *
env_get(const char *name)
{
	/* NULL when the kernel marked the process AT_SECURE */
	return secure_getenv(name);
}
