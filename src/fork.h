/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * fork.h -- the library's pthread_atfork handlers (see fork.c).
 */
#ifndef PMEMSET_FORK_H
#define PMEMSET_FORK_H

struct pmemset;

/* registers the handlers once; called before any process-wide lock is used */
void fork_guard_install(void);

/* around a libpmem2 call that takes libpmem2's own map-tree lock */
void pmem2_gate_enter(void);
void pmem2_gate_leave(void);

/* a PAGE set's data-path functions go through the gate (they look maps up) */
void pmem2_gate_page_fns(struct pmemset *set);

#endif
