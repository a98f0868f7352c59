/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * object_id.h -- ids of parts, part maps and sources: never reused in a
 * process, and dense per kind (1, 2, 3 ... for each), so the observer tree
 * names parts /pmemset/set/<n>/part/1, part/2 ... in the order they came.
 */
#ifndef PMEMSET_OBJECT_ID_H
#define PMEMSET_OBJECT_ID_H

#include <stdint.h>

enum object_kind {
	OBJECT_PART,
	OBJECT_PART_MAP,
	OBJECT_SOURCE,
	OBJECT_KINDS
};

uint64_t next_object_id(enum object_kind kind);

#endif
