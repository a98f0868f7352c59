/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * pmem2_gate.h -- the gate around libpmem2 1.12.1's process-wide map tree
 * (see pmem2_gate.c): forks wait until no call is inside it, and map
 * deletions until no PAGE data-path call is.
 */
#ifndef PMEMSET_PMEM2_GATE_H
#define PMEMSET_PMEM2_GATE_H

struct pmemset;

/* around pmem2_map_new, which takes libpmem2's map-tree lock */
void pmem2_gate_enter(void);
void pmem2_gate_leave(void);

/*
 * Around pmem2_map_delete: as pmem2_gate_enter, and the PAGE data path of
 * every set waits meanwhile.
 */
void pmem2_gate_delete_enter(void);
void pmem2_gate_delete_leave(void);

/* a PAGE set's data-path functions go through the gate (they look maps up) */
void pmem2_gate_page_fns(struct pmemset *set);

/* fork.c: closed before a fork, opened after it on both sides */
void pmem2_gate_close(void);
void pmem2_gate_open(void);
/* in the child, whose only thread is inside nothing */
void pmem2_gate_reset_in_child(void);

#endif
