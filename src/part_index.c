// SPDX-License-Identifier: BSD-3-Clause
/*
 * part_index.c -- the interval index of part maps (see part_index.h).
 * Part maps never overlap, so sorting by start also sorts by end and a
 * search by start answers every query. Inserts and removals move the shorter
 * side's entries: nothing at either end, and cheap in between at the tens
 * of thousands of part maps a process can hold.
 *
 * Lookups read entries while a writer moves them, so both sides use atomic
 * loads and stores; the sequence count decides which reads count.
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "alloc.h"
#include "part_index.h"

/* see index_read_valid for why acquire and release */
#define LOAD(p) __atomic_load_n((p), __ATOMIC_ACQUIRE)
#define STORE(p, v) __atomic_store_n((p), (v), __ATOMIC_RELEASE)

/*
 * The search runs on compact copies of the entries' starts, in two levels.
 * The keys hold a key per slot of the block: the start of its entry (0 in
 * the free slots before the entries, UINTPTR_MAX in those after), eight to
 * a cache line. The firsts hold the key of every eighth slot, the first of
 * each line. A lookup searches the firsts, then one line of keys, and
 * reads one entry at the end. At 10k part maps the firsts take 10 KiB and
 * stay in the first-level cache between lookups, where a binary search over
 * every key (80 KiB) reached into the second-level cache for its last four
 * steps, one after another; at 1k they take 1 KiB. A slot's key changes
 * only when its entry does, and the first of its line with it (key_set, or
 * firsts_refresh once after a move of many slots or a rebuild).
 *
 * Before it searches, a lookup guesses (guess_refresh, slot_guessed): a
 * set's part maps often lie evenly, side by side as mmap placed them, and
 * then an address's slot is (addr - first start) * entries / span. The
 * guessed line is checked against its first key and the next line's; if
 * addr falls in it the search of the firsts is skipped: at 10k part maps,
 * eleven steps one after another, at 1k eight, so a lookup takes about
 * as long at either size. A set whose guess misses a sample of its own
 * entries has none, and its lookups search as before at the cost of one
 * test.
 *
 * A block replaced by a bigger one is kept until the set goes: a lookup
 * may still be searching it. Blocks double, so the ones kept together are
 * never bigger than the one in use.
 */
#define LINE_KEYS 8	/* keys in a 64-byte cache line (searched in 3 steps) */

#define CACHE_LINE 64

struct index_block {
	struct index_block *replaced;	/* the block this one replaced */
	size_t cap;			/* slots, a multiple of LINE_KEYS */
	uintptr_t *keys;		/* a key per slot, line-aligned */
	uintptr_t *firsts;		/* the first key of each line */
	/* on a line: the items of a line of keys are two whole lines */
	struct index_item entries[] __attribute__((aligned(CACHE_LINE)));
};

void
index_init(struct part_index *idx)
{
	memset(idx, 0, sizeof(*idx));
	atomic_init(&idx->seq, 0);
}

void
index_fini(struct part_index *idx)
{
	struct index_block *b = idx->block;
	while (b != NULL) {
		struct index_block *older = b->replaced;
		mem_free(b);
		b = older;
	}
	index_init(idx);
}

static void
key_set(struct index_block *b, size_t slot, uintptr_t key)
{
	STORE(&b->keys[slot], key);
	if (slot % LINE_KEYS == 0)
		STORE(&b->firsts[slot / LINE_KEYS], key);
}

/* the firsts of the lines holding slots [from, to) again, from their keys */
static void
firsts_refresh(struct index_block *b, size_t from, size_t to)
{
	for (size_t line = from / LINE_KEYS; line * LINE_KEYS < to; line++)
		STORE(&b->firsts[line], LOAD(&b->keys[line * LINE_KEYS]));
}

/*
 * The keys of the free slots of the block, around its entries at
 * [head, head + count) (whose keys are in place), and every first
 */
static void
keys_rebuild(struct index_block *b, size_t head, size_t count)
{
	for (size_t slot = 0; slot < head; slot++)
		STORE(&b->keys[slot], 0);
	for (size_t slot = head + count; slot < b->cap; slot++)
		STORE(&b->keys[slot], UINTPTR_MAX);
	firsts_refresh(b, 0, b->cap);
}

/* items of 16 bytes on a line: four to a line, none astride */
_Static_assert(sizeof(struct index_item) == CACHE_LINE / 4 &&
		offsetof(struct index_block, entries) % CACHE_LINE == 0,
		"an index item must not straddle two cache lines");

static struct index_block *
block_new(size_t cap)
{
	/* powers of two from 16: whole lines, and a power of two of them */
	size_t nfirsts = cap / LINE_KEYS;
	/* on a line, so that no entry straddles two (see below) */
	struct index_block *b = mem_zalloc_lines(sizeof(*b) +
			cap * sizeof(b->entries[0]) + CACHE_LINE +
			(cap + nfirsts) * sizeof(uintptr_t));
	if (b == NULL)
		return NULL;
	b->cap = cap;
	uintptr_t keys = (uintptr_t)&b->entries[cap];
	keys = (keys + CACHE_LINE - 1) & ~(uintptr_t)(CACHE_LINE - 1);
	b->keys = (uintptr_t *)keys;
	b->firsts = b->keys + cap;
	return b;
}

int
index_reserve(struct part_index *idx, size_t extra)
{
	if (idx->count + extra <= idx->cap)
		return 0;
	size_t cap = idx->cap ? idx->cap * 2 : 16;
	while (cap < idx->count + extra)
		cap *= 2;
	struct index_block *block = block_new(cap);
	if (block == NULL)
		return -ENOMEM;
	/* room on both sides: sets grow at either end */
	size_t head = (cap - idx->count) / 2;
	if (idx->count > 0) {
		memcpy(block->entries + head, idx->items,
			idx->count * sizeof(*idx->items));
		memcpy(block->keys + head, idx->block->keys + idx->head,
			idx->count * sizeof(*block->keys));
	}
	keys_rebuild(block, head, idx->count);
	/*
	 * The old array keeps the same entries, so a reader still searching
	 * it finds what it would have found. The items and the block change
	 * together, inside a write section (the caller's, if it is in one),
	 * so no reader pairs the one with the other.
	 */
	bool outside = (atomic_load_explicit(&idx->seq,
			memory_order_relaxed) & 1) == 0;
	if (outside)
		index_write_begin(idx);
	block->replaced = idx->block;
	STORE(&idx->block, block);
	idx->head = head;
	STORE(&idx->items, block->entries + head);
	idx->cap = cap;
	if (outside)
		index_write_end(idx);
	return 0;
}

/*
 * The last line of b whose first key is at or below addr, or SIZE_MAX if
 * none is: a binary search of the firsts, branch-free (random lookups
 * would mispredict half the steps), in steps that halve (there are a power
 * of two of lines).
 */
static size_t
line_searched(const struct index_block *b, uintptr_t addr)
{
	const uintptr_t *firsts = b->firsts;
	if (LOAD(&firsts[0]) > addr)
		return SIZE_MAX;
	const uintptr_t *base = firsts;
	for (size_t step = b->cap / LINE_KEYS / 2; step > 0; step /= 2)
		base = LOAD(&base[step]) <= addr ? base + step : base;
	return (size_t)(base - firsts);
}

/* the line's eight entries (two cache lines), fetched while its keys come */
static inline void
line_entries_prefetch(const struct index_block *b, size_t line)
{
	for (size_t k = 0; k < LINE_KEYS; k += CACHE_LINE /
			sizeof(struct index_item))
		__builtin_prefetch(&b->entries[line * LINE_KEYS + k]);
}

/* the last slot of the line whose key is at or below addr (three steps) */
static inline size_t
slot_in_line(const struct index_block *b, size_t line, uintptr_t addr)
{
	const uintptr_t *base = b->keys + line * LINE_KEYS;
	base = LOAD(&base[4]) <= addr ? base + 4 : base;
	base = LOAD(&base[2]) <= addr ? base + 2 : base;
	base = LOAD(&base[1]) <= addr ? base + 1 : base;
	return (size_t)(base - b->keys);
}

/*
 * The last slot of b whose key is at or below addr, or SIZE_MAX if none
 * is, without a guess: the line searched, then the slot in it. The
 * entry read next is one of that line's: fetching them while the line of
 * keys arrives overlaps the two misses of a large set.
 */
static size_t
last_slot_searched(const struct index_block *b, uintptr_t addr)
{
	size_t line = line_searched(b, addr);
	if (line == SIZE_MAX)
		return SIZE_MAX;
	line_entries_prefetch(b, line);
	return slot_in_line(b, line, addr);
}

/*
 * The same with a guess: the guessed slot's line if addr falls in it (its
 * entries fetched at once), else searched.
 */
static size_t
last_slot_at_or_below(const struct index_block *b, uintptr_t addr,
		size_t guess)
{
	size_t lines = b->cap / LINE_KEYS;
	size_t line = guess / LINE_KEYS;
	line_entries_prefetch(b, line);
	uintptr_t next = line + 1 < lines ? LOAD(&b->firsts[line + 1]) :
			UINTPTR_MAX;
	if (LOAD(&b->firsts[line]) > addr || addr >= next)
		return last_slot_searched(b, addr);
	return slot_in_line(b, line, addr);
}

/*
 * Where addr would be among the entries at [head, head + count) if their
 * starts were evenly spread (a set's part maps often nearly are: mmap
 * places them side by side). Only a first guess: the search checks it
 * against the firsts and searches when it is off.
 */
static size_t
slot_guessed(const struct index_guess *g, uintptr_t addr, size_t head,
		size_t count)
{
	if (addr <= g->base)
		return head;
	unsigned __int128 at = (unsigned __int128)(addr - g->base) * g->scale;
	uint64_t pos = (uint64_t)(at >> 32);
	return head + (pos < count ? pos : count - 1);
}

/*
 * The position of the last entry starting at or below addr, or SIZE_MAX
 * if none does. Always inside [0, count): the view's items and count
 * belong together, and a block that does not match them (only while a
 * writer replaces it, an answer the sequence count drops) cannot push a
 * read outside them.
 */
static size_t
last_starting_at_or_below(const struct index_view *v, uintptr_t addr)
{
	if (v->count == 0 || v->block == NULL)
		return SIZE_MAX;
	size_t head = ((uintptr_t)v->items - (uintptr_t)v->block->entries) /
			sizeof(struct index_item);
	if (head >= v->block->cap)
		return SIZE_MAX;
	size_t count = v->count;
	if (count > v->block->cap - head)
		count = v->block->cap - head;
	size_t slot = v->guess.scale == 0 ?
			last_slot_searched(v->block, addr) :
			last_slot_at_or_below(v->block, addr,
				slot_guessed(&v->guess, addr, head, count));
	/* below head: a free slot, so no entry starts at or below addr */
	if (slot == SIZE_MAX || slot < head)
		return SIZE_MAX;
	/* past the entries: free slots (addr UINTPTR_MAX), or a torn read */
	size_t pos = slot - head;
	return pos < count ? pos : count - 1;
}

/* the first position whose end (ends) or start (!ends) lies above addr */
static size_t
first_above(const struct index_view *v, uintptr_t addr, bool ends)
{
	size_t i = last_starting_at_or_below(v, addr);
	if (i == SIZE_MAX)
		return 0;
	/* entries do not overlap: the ones before i end at or below addr */
	if (ends && (uintptr_t)LOAD(&v->items[i].end) > addr)
		return i;
	return i + 1;
}

size_t
view_find(const struct index_view *v, const void *addr)
{
	size_t i = last_starting_at_or_below(v, (uintptr_t)addr);
	if (i != SIZE_MAX && (const char *)addr < LOAD(&v->items[i].end))
		return i;
	return v->count;
}

size_t
view_first_starting_after(const struct index_view *v, const void *addr)
{
	return first_above(v, (uintptr_t)addr, false);
}

bool
view_contains(const struct index_view *v, const struct pmemset_part_map *pmap,
		const void *start)
{
	/* compare addresses as integers: pmap may not be ours */
	size_t i = last_starting_at_or_below(v, (uintptr_t)start);
	return i != SIZE_MAX && LOAD(&v->items[i].pmap) == pmap;
}

size_t
index_first_ending_after(const struct part_index *idx, const void *addr)
{
	struct index_view v = index_view_of(idx);
	return first_above(&v, (uintptr_t)addr, true);
}

size_t
index_first_starting_after(const struct part_index *idx, const void *addr)
{
	struct index_view v = index_view_of(idx);
	return first_above(&v, (uintptr_t)addr, false);
}

struct pmemset_part_map *
index_find(const struct part_index *idx, const void *addr)
{
	struct index_view v = index_view_of(idx);
	size_t i = view_find(&v, addr);
	return i < v.count ? view_at(&v, i) : NULL;
}

int
index_contains(const struct part_index *idx,
		const struct pmemset_part_map *pmap, const void *start)
{
	struct index_view v = index_view_of(idx);
	return view_contains(&v, pmap, start);
}

const char *
index_start_at(const struct part_index *idx, size_t i)
{
	return (const char *)idx->block->keys[idx->head + i];
}

/*
 * The guess for the entries as they are now (a writer's, in its section),
 * or none (scale 0) when it would miss: it must find the line of the
 * entries at a quarter, half and three quarters of the way. A miss costs
 * a lookup more than the guess saves (the search starts late), so a set
 * whose part maps are spread unevenly (a large one far from many small
 * ones) is searched as before.
 */
static void
guess_refresh(struct part_index *idx)
{
	struct index_guess g = {0, 0};
	size_t count = idx->count;
	if (count >= 2 * LINE_KEYS && count - 1 <= UINT32_MAX) {
		const uintptr_t *keys = idx->block->keys;
		size_t head = idx->head;
		uintptr_t first = keys[head], last = keys[head + count - 1];
		g.base = first;
		/* (count - 1) entries over (last - first) bytes */
		if (last > first)
			g.scale = ((uint64_t)(count - 1) << 32) /
					(last - first);
		for (size_t q = 1; q < 4 && g.scale != 0; q++) {
			size_t slot = head + q * (count - 1) / 4;
			size_t guessed = slot_guessed(&g, keys[slot], head,
					count);
			if (guessed / LINE_KEYS != slot / LINE_KEYS)
				g.scale = 0;
		}
	}
	STORE(&idx->guess.base, g.base);
	STORE(&idx->guess.scale, g.scale);
}

void
index_write_begin(struct part_index *idx)
{
	/* the changes are release stores: none shows before this */
	unsigned seq = atomic_load_explicit(&idx->seq, memory_order_relaxed);
	atomic_store_explicit(&idx->seq, seq + 1, memory_order_relaxed);
}

void
index_write_end(struct part_index *idx)
{
	unsigned seq = atomic_load_explicit(&idx->seq, memory_order_relaxed);
	atomic_store_explicit(&idx->seq, seq + 1, memory_order_release);
}

/* the entry at slot src copied to slot dst, with its key (not its first) */
static void
slot_copy(struct index_block *b, size_t dst, size_t src)
{
	struct index_item *d = &b->entries[dst];
	const struct index_item *s = &b->entries[src];
	STORE(&d->end, LOAD(&s->end));
	STORE(&d->pmap, LOAD(&s->pmap));
	STORE(&b->keys[dst], LOAD(&b->keys[src]));
}

/*
 * memmove of n slots for entries (and keys) readers may be reading; the
 * firsts of the lines it wrote follow once at the end, not slot by slot
 * (a move in the middle of a large set is thousands of slots)
 */
static void
slots_move(struct index_block *b, size_t dst, size_t src, size_t n)
{
	if (n == 0)
		return;
	if (dst < src) {
		for (size_t i = 0; i < n; i++)
			slot_copy(b, dst + i, src + i);
	} else {
		for (size_t i = n; i > 0; i--)
			slot_copy(b, dst + i - 1, src + i - 1);
	}
	firsts_refresh(b, dst, dst + n);
}

static void
slot_set(struct index_block *b, size_t slot, struct index_entry e)
{
	struct index_item *d = &b->entries[slot];
	STORE(&d->end, e.end);
	STORE(&d->pmap, e.pmap);
	key_set(b, slot, (uintptr_t)e.start);
}

/*
 * Puts the entries in the middle of their block. Without this, a set that
 * grows at one end (mmap hands out falling addresses: every new part map
 * goes first) moves every entry at every insert once that end's room is
 * used up, until the next doubling: quadratic, a third of a 10k map's
 * time. Centering halves the free room each time, so an insert moves
 * O(log n) entries on average.
 */
static void
index_center(struct part_index *idx)
{
	size_t head = (idx->cap - idx->count) / 2;
	if (head == idx->head)
		return;
	struct index_block *b = idx->block;
	slots_move(b, head, idx->head, idx->count);
	keys_rebuild(b, head, idx->count);
	STORE(&idx->items, b->entries + head);
	idx->head = head;
}

void
index_insert(struct part_index *idx, struct index_entry e)
{
	size_t pos = index_first_starting_after(idx, e.start);
	bool front = pos < idx->count / 2;	/* the shorter side to move */
	if (front ? idx->head == 0 : idx->cap == idx->head + idx->count)
		index_center(idx);
	struct index_block *b = idx->block;
	size_t tail_room = idx->cap - idx->head - idx->count;
	/* index_reserve left room on one side at least */
	if (idx->head > 0 && (front || tail_room == 0)) {
		slots_move(b, idx->head - 1, idx->head, pos);
		idx->head--;
		STORE(&idx->items, b->entries + idx->head);
	} else {
		slots_move(b, idx->head + pos + 1, idx->head + pos,
				idx->count - pos);
	}
	slot_set(b, idx->head + pos, e);
	STORE(&idx->count, idx->count + 1);
	guess_refresh(idx);
}

void
index_remove(struct part_index *idx, struct index_entry e)
{
	size_t pos = index_first_ending_after(idx, e.start);
	if (pos >= idx->count || idx->items[pos].pmap != e.pmap)
		return;
	struct index_block *b = idx->block;
	if (pos < idx->count / 2) {
		slots_move(b, idx->head + 1, idx->head, pos);
		key_set(b, idx->head, 0);	/* free again, below */
		idx->head++;
		STORE(&idx->items, b->entries + idx->head);
	} else {
		slots_move(b, idx->head + pos, idx->head + pos + 1,
				idx->count - pos - 1);
		/* free again, above */
		key_set(b, idx->head + idx->count - 1, UINTPTR_MAX);
	}
	STORE(&idx->count, idx->count - 1);
	guess_refresh(idx);
}

void
index_update(struct part_index *idx, struct index_entry e)
{
	size_t pos = index_first_ending_after(idx, e.start);
	if (pos < idx->count && idx->items[pos].pmap == e.pmap) {
		slot_set(idx->block, idx->head + pos, e);
		guess_refresh(idx);
	}
}
