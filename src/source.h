/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * source.h -- struct pmemset_source: a file, a temporary file or a caller's
 * pmem2 source, plus what the library keeps per source (SDS copy, bad-block
 * detection, how many parts are mapped from it).
 */
#ifndef PMEMSET_SOURCE_H
#define PMEMSET_SOURCE_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include "libpmemset.h"

enum source_kind { SOURCE_FILE, SOURCE_TEMPORARY, SOURCE_PMEM2 };

struct pmemset_source {
	enum source_kind kind;
	uint64_t id;	/* never reused in a process (for the observer) */
	struct pmem2_source *pmem2_src;
	int fd;		/* -1 for an anonymous pmem2 source */
	bool owns_fd;	/* file and temporary sources: closed at delete */
	char *path;	/* file sources only */
	uint64_t flags;	/* PMEMSET_SOURCE_FILE_* given at creation */
	_Atomic size_t nparts; /* parts mapped from it, in every set */
	/*
	 * The caller's handle and each mapped part hold one reference: what
	 * the parts need (SDS copy, path and kind for the observer) lives on
	 * after pmemset_source_delete until the last part is unmapped.
	 */
	_Atomic size_t refs;
	_Atomic size_t alignment; /* cached by the first map; 0 until then */
	_Atomic int regular;	/* a regular file? -1 until a map asked */
	/*
	 * The size last read or made by a map (0: not known): a part inside it
	 * needs no fstat and no growth. Files only grow under us (a failed map
	 * never cuts one back); one shrunk by someone else is the caller's
	 * mistake, as it always was (stores past the end raise SIGBUS).
	 *
	 * A temporary source's is exact, never asked of the file: nothing but
	 * its own maps can reach the unnamed file to grow it. It is the size
	 * its maps asked for (what "to the end" and the I/O calls see); the
	 * file itself may be longer, see grown_size.
	 */
	_Atomic size_t known_size;
	/*
	 * Temporary sources: how long the file really is (at least
	 * known_size), grown ahead so that a run of small maps grows it a
	 * few times, not once per map. Guarded by grow_lock.
	 */
	size_t grown_size;

	/*
	 * Serialises maps of this source: a map reads the file size, may grow
	 * the file and maps, with no other map of the source in between.
	 */
	pthread_mutex_t grow_lock;

	pthread_mutex_t lock;	/* guards the SDS copy */
	bool has_sds;
	struct pmemset_sds sds;	/* the library's copy */
	enum pmemset_part_state *state_ptr;
	enum pmemset_part_state last_state; /* 0 until a map computed one */

	_Atomic bool badblock_detection;
	_Atomic size_t badblocks_found; /* at the last scan */
};

const char *source_kind_name(enum source_kind kind);

/* a mapped part's hold on its source; put frees it with the last one */
void source_get(struct pmemset_source *src);
void source_put(struct pmemset_source *src);

/* is it a Device DAX device? (asks the file: for error paths) */
bool source_is_devdax(const struct pmemset_source *src);

/*
 * current size of the source in bytes (asks the file and remembers it; a
 * temporary source's known size, which is exact); func names the caller's
 * function
 */
int source_size(struct pmemset_source *src, size_t *size, const char *func);

/* is the known size the size, with no need to ask the file? */
static inline bool
source_size_is_exact(const struct pmemset_source *src)
{
	return src->kind == SOURCE_TEMPORARY;
}

static inline size_t
source_known_size(struct pmemset_source *src)
{
	return atomic_load_explicit(&src->known_size, memory_order_relaxed);
}

static inline void
source_note_size(struct pmemset_source *src, size_t size)
{
	atomic_store_explicit(&src->known_size, size, memory_order_relaxed);
}

/* after a growth that may have gone part-way: ask the file next time */
static inline void
source_forget_size(struct pmemset_source *src)
{
	source_note_size(src, 0);
}

#endif
