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
	/* the set's change journal: entries [journal_oldest, journal_head) */
	uint64_t journal_head;
	uint64_t journal_oldest;
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
	uint64_t part_map_id;		/* never reused in a process */
	void *part_map_address;
	size_t part_map_size;
	uint64_t source_id;		/* never reused in a process */
	int sds_state;			/* enum pmemset_part_state or 0 */
	uint64_t badblocks;
};

/* a part map whose extent changed while none of its parts did */
struct core_part_map_info {
	uint64_t id;
	void *address;
	size_t size;
};

/* the values a source gives each of its parts, in whatever set */
struct core_source_info {
	uint64_t id;
	int sds_state;
	uint64_t badblocks;
};

/* changes whenever any set is created, deleted, mapped or unmapped */
uint64_t core_generation(void);

/*
 * The id of a live set; 0 for NULL or for a pointer that is not a live set
 * (a deleted one): the set is looked up by pointer value among the live
 * sets, never dereferenced before it is found there.
 */
uint64_t core_set_id(struct pmemset *set);
/*
 * core_set_id, and one observer more on that set, in one step (so the set
 * cannot go in between): its counters move from now on. Undone by
 * core_observe(id, false). 0, with nothing attached, if set is not live.
 */
uint64_t core_observe_set(struct pmemset *set);

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

enum core_parts_wanted {
	CORE_PARTS_NONE,	/* only the set's values */
	CORE_PARTS_ALL,		/* every part, in address order */
	CORE_PARTS_CHANGED,	/* what the journal names from *since on */
};

/*
 * Like core_visit, but `set` decides, from the set's values, which of its
 * parts are visited, so an observer walks only what changed. For
 * CORE_PARTS_CHANGED it sets *since, with journal_oldest <= *since <=
 * journal_head; each journal entry from there is looked up as the set is
 * now: `part` for a part still there (a part may come more than once),
 * `part_gone` for one that left, `part_map` for a part map whose extent
 * changed. No callback may call back into the library.
 */
struct core_visitor {
	enum core_parts_wanted (*set)(void *arg,
			const struct core_set_info *set, uint64_t *since);
	core_part_visitor *part;
	void (*part_gone)(void *arg, uint64_t part_id);
	void (*part_map)(void *arg, const struct core_part_map_info *pm);
};
size_t core_visit_selected(uint64_t set_id, const struct core_visitor *v,
		void *arg);

/*
 * Sources' values that changed from *seq on, each passed to fn (the latest
 * entry of a source last); *seq moves to the end. false, with nothing
 * passed, when entries from *seq were already forgotten.
 */
typedef void core_source_visitor(void *arg, const struct core_source_info *s);
bool core_source_changes(uint64_t *seq, core_source_visitor *fn, void *arg);
/* where core_source_changes would start reading now */
uint64_t core_source_changes_head(void);

/* attach/detach an observer to a live set: while attached, counters move */
bool core_observe(uint64_t set_id, bool attach);
/*
 * a handle on every set opened or closed: while one is open, every set
 * counts from its creation, not from the update that first adds it
 */
void core_observe_all(bool attach);

#endif
