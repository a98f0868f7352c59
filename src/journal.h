/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * journal.h -- change journals for the observer (core_view.h).
 *
 * A set's journal names the parts and part maps each change touched, so an
 * observer that read the journal up to some point can catch up by looking
 * at k entries instead of walking the set's n parts. The sources' journal
 * does the same for the values a source carries (SDS state, bad blocks),
 * which one set's change can alter for parts in other sets.
 *
 * Both are rings: an observer that fell further behind than a ring holds
 * is told so and walks everything instead.
 */
#ifndef PMEMSET_JOURNAL_H
#define PMEMSET_JOURNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core_view.h"
#include "fork_lock.h"

struct pmemset_source;

enum journal_kind {
	JOURNAL_PART,		/* a part came, went or moved to another part map */
	JOURNAL_PART_MAP,	/* a part map's address or size changed */
};

struct journal_entry {
	const void *addr;	/* where to look it up in the index */
	uint64_t id;		/* what to expect there */
	enum journal_kind kind;
};

struct change_journal {
	struct journal_entry *ring;
	size_t cap;		/* a power of two */
	uint64_t head;		/* entries ever written */
	uint64_t oldest;	/* the oldest entry the ring still holds */
};

/* 0 or -ENOMEM */
int journal_init(struct change_journal *j);
void journal_fini(struct change_journal *j);

static inline bool
journal_full(const struct change_journal *j)
{
	return j->head - j->oldest == j->cap;
}

/*
 * Appends an entry. A full ring doubles if may_grow (and memory allows),
 * else forgets its oldest entry. The set's journal_note (set.h) decides.
 */
void journal_push(struct change_journal *j, bool may_grow,
		enum journal_kind kind, uint64_t id, const void *addr);

/* the entry at sequence number seq (oldest <= seq < head) */
static inline const struct journal_entry *
journal_at(const struct change_journal *j, uint64_t seq)
{
	return &j->ring[seq & (j->cap - 1)];
}

/* a source's SDS state or bad-block count changed: remember its values */
void source_journal_note(struct pmemset_source *src);

/* core_source_changes (core_view.h) */
bool source_journal_read(uint64_t *seq, core_source_visitor *fn, void *arg);

/* the source journal's lock; fork.c takes it around fork */
extern struct fork_lock Source_journal_lock;

/* the source journal's current end */
uint64_t source_journal_head(void);

#endif
