/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * values.h -- the SYS, USR and sub-map values of a map.
 */
#ifndef PMEMSET_STAT_VALUES_H
#define PMEMSET_STAT_VALUES_H

#include <stdbool.h>
#include <stddef.h>

#include "stat_internal.h"

/* the library's version as the tree's root and a publication show it */
#define STAT_STR_(x) #x
#define STAT_STR(x) STAT_STR_(x)
#define PMEMSET_STAT_VERSION_STRING \
	STAT_STR(PMEMSET_MAJOR_VERSION) "." STAT_STR(PMEMSET_MINOR_VERSION)

size_t values_sys_count(const struct pmemset_stat_map *map);
/*
 * the i-th SYS value; fails INVAL_STATE where SYS values are not readable;
 * func is the public function, for messages
 */
enum pmemset_stat_status values_sys_at(struct pmemset_stat_map *map,
		size_t i, struct pmemset_stat_nv *nv, const char *func);
enum pmemset_stat_status values_sys_readable(struct pmemset_stat_map *map,
		const char *what);
void values_usr_nv(const struct pmemset_stat_map *map, size_t i,
		struct pmemset_stat_nv *nv);
void values_child_nv(struct pmemset_stat_map *child,
		struct pmemset_stat_nv *nv);
void values_free(struct pmemset_stat_map *map);
/* the derived arrays are rebuilt at the next read */
void values_children_changed(struct pmemset_stat_map *map);
/* a number of a set's snapshot: SET_PARTS ... SET_SET_BYTES (else 0) */
uint64_t values_set_number(const struct core_set_info *s,
		enum stat_metric_id id);
const char *values_granularity_name(bool fixed, enum pmem2_granularity g);
const char *values_coalescing_name(enum pmemset_coalescing c);
const char *values_sds_state_name(int state);

#endif
