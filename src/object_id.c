// SPDX-License-Identifier: BSD-3-Clause
/*
 * object_id.c -- one counter per kind of object (see object_id.h). The
 * kinds never meet: the journal and the observer keep a part's, a part
 * map's and a source's ids apart, so each kind may count from 1.
 */
#include <stdatomic.h>

#include "object_id.h"

static _Atomic uint64_t Next_id[OBJECT_KINDS] = {1, 1, 1};

uint64_t
next_object_id(enum object_kind kind)
{
	return atomic_fetch_add(&Next_id[kind], 1);
}
