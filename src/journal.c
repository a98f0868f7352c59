// SPDX-License-Identifier: BSD-3-Clause
/*
 * journal.c -- the sets' and the sources' change journals (see journal.h).
 */
#include <errno.h>
#include <pthread.h>
#include <string.h>

#include "alloc.h"
#include "generation.h"
#include "journal.h"
#include "source.h"

/* what an unobserved set keeps: enough for an update that comes soon */
#define JOURNAL_MIN 64

int
journal_init(struct change_journal *j)
{
	memset(j, 0, sizeof(*j));
	j->ring = mem_alloc(JOURNAL_MIN * sizeof(*j->ring));
	if (j->ring == NULL)
		return -ENOMEM;
	j->cap = JOURNAL_MIN;
	return 0;
}

void
journal_fini(struct change_journal *j)
{
	mem_free(j->ring);
	memset(j, 0, sizeof(*j));
}

/* doubles the ring, keeping its entries; false when out of memory */
static bool
journal_grow(struct change_journal *j)
{
	size_t cap = j->cap * 2;
	struct journal_entry *ring = mem_alloc(cap * sizeof(*ring));
	if (ring == NULL)
		return false;
	for (uint64_t seq = j->oldest; seq < j->head; seq++)
		ring[seq & (cap - 1)] = *journal_at(j, seq);
	mem_free(j->ring);
	j->ring = ring;
	j->cap = cap;
	return true;
}

void
journal_push(struct change_journal *j, bool may_grow, enum journal_kind kind,
		uint64_t id, const void *addr)
{
	if (journal_full(j) && (!may_grow || !journal_grow(j)))
		j->oldest++;
	struct journal_entry *e = &j->ring[j->head & (j->cap - 1)];
	e->addr = addr;
	e->id = id;
	e->kind = kind;
	j->head++;
}

/*
 * The sources' journal is process-wide: a source can be mapped into many
 * sets, so its values cannot live in one set's journal. Its changes are
 * rare (a map's SDS check, a bad-block scan or clear), so a fixed ring
 * under a mutex is enough.
 */
#define SOURCE_JOURNAL_CAP 256

struct fork_lock Source_journal_lock = FORK_LOCK_INITIALIZER;
static struct core_source_info Source_journal[SOURCE_JOURNAL_CAP];
static uint64_t Source_journal_head;

void
source_journal_note(struct pmemset_source *src)
{
	/* the values are read under the journal's lock, so the last entry
	 * for a source is never older than its last change */
	fork_lock_take(&Source_journal_lock);
	pthread_mutex_lock(&src->lock);
	int state = (int)src->last_state;
	pthread_mutex_unlock(&src->lock);
	struct core_source_info *v =
		&Source_journal[Source_journal_head % SOURCE_JOURNAL_CAP];
	v->id = src->id;
	v->sds_state = state;
	v->badblocks = atomic_load(&src->badblocks_found);
	Source_journal_head++;
	fork_lock_release(&Source_journal_lock);
	/* an observer's "nothing changed" check must see this */
	generation_bump();
}

bool
source_journal_read(uint64_t *seq, core_source_visitor *fn, void *arg)
{
	fork_lock_take(&Source_journal_lock);
	uint64_t head = Source_journal_head;
	bool kept = head - *seq <= SOURCE_JOURNAL_CAP;
	if (kept)
		for (uint64_t s = *seq; s < head; s++)
			fn(arg, &Source_journal[s % SOURCE_JOURNAL_CAP]);
	*seq = head;
	fork_lock_release(&Source_journal_lock);
	return kept;
}

uint64_t
source_journal_head(void)
{
	fork_lock_take(&Source_journal_lock);
	uint64_t head = Source_journal_head;
	fork_lock_release(&Source_journal_lock);
	return head;
}
