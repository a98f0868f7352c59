/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * core_view.h -- the narrow interface through which the observer module
 * (src/stat/) reads the core. The core does not depend on the observer.
 *
 * Sets are named by ids that are never reused; the observer never keeps a
 * pointer to a set: everything is read through these calls, under the
 * registry lock, so a set deleted meanwhile is simply no longer found.
 */
#ifndef PMEMSET_CORE_VIEW_H
#define PMEMSET_CORE_VIEW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "libpmemset.h"

struct core_set_info {
	uint64_t id;
	uint64_t changes;	/* bumps on every map and removal */
	bool granularity_fixed;
	enum pmem2_granularity granularity;
	enum pmem2_granularity required_granularity;
	enum pmemset_coalescing coalescing;
	size_t parts;
	size_t part_maps;
	size_t mapped_bytes;
	/* data-path counters: only move while an observer is attached */
	uint64_t persist_calls, persist_bytes;
	uint64_t flush_calls, flush_bytes;
	uint64_t drain_calls;
	uint64_t copy_calls, copy_bytes;
	uint64_t move_calls, move_bytes;
	uint64_t set_calls, set_bytes;
};

struct core_part_info {
	uint64_t id;
	void *address;
	size_t size;
	const char *source_kind;	/* "file", "temporary", "pmem2" */
	const char *source_path;	/* "" when it has none; valid during the visit */
	size_t offset;
	enum pmem2_granularity granularity;
	void *part_map_address;
	size_t part_map_size;
	int sds_state;			/* enum pmemset_part_state or 0 */
	uint64_t badblocks;
};

/* changes whenever any set is created, deleted, mapped or unmapped */
uint64_t core_generation(void);

/* the id of a live set (0 for NULL) */
uint64_t core_set_id(struct pmemset *set);

typedef void core_part_visitor(void *arg, const struct core_part_info *part);
typedef void core_set_visitor(void *arg, const struct core_set_info *set);

/*
 * Visit one set (set_id != 0) or every live set (set_id == 0): for each,
 * set_fn with its values, then part_fn for each of its parts in address
 * order (part_fn may be NULL to skip parts). A consistent snapshot per set.
 * Returns the number of sets visited.
 */
size_t core_visit(uint64_t set_id, core_set_visitor *set_fn,
		core_part_visitor *part_fn, void *arg);


/*
 * Like core_visit, but set_fn decides, from the set's values, whether that
 * set's parts are visited too (so an observer walks only the sets whose
 * change counter moved). set_fn must not call back into the library.
 */
typedef bool core_set_selector(void *arg, const struct core_set_info *set);
size_t core_visit_selected(uint64_t set_id, core_set_selector *set_fn,
		core_part_visitor *part_fn, void *arg);

/* attach/detach an observer to a live set: while attached, counters move */
bool core_observe(uint64_t set_id, bool attach);

#endif
