/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * generation.h -- the process-wide generation: it moves whenever any set is
 * created, deleted, mapped or unmapped or a source's values change, so an
 * observer's update tells with one load that nothing changed.
 */
#ifndef PMEMSET_GENERATION_H
#define PMEMSET_GENERATION_H

#include <stdint.h>

void generation_bump(void);
uint64_t generation_now(void);

#endif
