// SPDX-License-Identifier: BSD-3-Clause
/*
 * shared.c -- values many parts share: their part map's extent and their
 * source's SDS state and bad-block count. Each lives once per handle, in a
 * node the parts point to, so a part map that grew or a source whose state
 * changed is one node to update, not every part that shows it.
 *
 * A table keeps the nodes sorted by id for the updates that name them; a
 * node that lost its last part leaves a tombstone, dropped once tombstones
 * outnumber the living (new ids are the largest, so adding appends).
 */
#include <string.h>

#include "alloc.h"
#include "array.h"
#include "shared.h"

static size_t
slot_pos(const struct stat_shared_table *t, uint64_t id)
{
	if (t->count == 0 || t->slots[t->count - 1].id < id)
		return t->count;
	size_t lo = 0, hi = t->count;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (t->slots[mid].id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

struct stat_shared *
shared_find(const struct stat_shared_table *t, uint64_t id)
{
	size_t i = slot_pos(t, id);
	if (i < t->count && t->slots[i].id == id)
		return t->slots[i].node;
	return NULL;
}

struct stat_shared *
shared_hold(struct stat_shared_table *t, uint64_t id, uint64_t v0,
		uint64_t v1)
{
	size_t i = slot_pos(t, id);
	struct stat_shared *node = NULL;
	if (i < t->count && t->slots[i].id == id)
		node = t->slots[i].node;
	if (node == NULL) {
		node = mem_zalloc(sizeof(*node));
		if (node == NULL)
			return NULL;
		node->id = id;
		if (i < t->count && t->slots[i].id == id) {
			/* a tombstone of this id: the node comes back */
			t->slots[i].node = node;
			t->dead--;
		} else {
			if (!stat_grow((void **)&t->slots, &t->cap,
					t->count + 1, sizeof(t->slots[0]))) {
				mem_free(node);
				return NULL;
			}
			memmove(&t->slots[i + 1], &t->slots[i],
				(t->count - i) * sizeof(t->slots[0]));
			t->slots[i].id = id;
			t->slots[i].node = node;
			t->count++;
		}
	}
	node->v[0] = v0;
	node->v[1] = v1;
	node->refs++;
	return node;
}

static void
compact(struct stat_shared_table *t)
{
	size_t out = 0;
	for (size_t i = 0; i < t->count; i++)
		if (t->slots[i].node != NULL)
			t->slots[out++] = t->slots[i];
	t->count = out;
	t->dead = 0;
}

void
shared_release(struct stat_shared_table *t, struct stat_shared *node)
{
	if (node == NULL || --node->refs > 0)
		return;
	size_t i = slot_pos(t, node->id);
	if (i < t->count && t->slots[i].node == node) {
		t->slots[i].node = NULL;
		t->dead++;
	}
	mem_free(node);
	if (t->dead > t->count - t->dead)
		compact(t);
}

void
shared_table_free(struct stat_shared_table *t)
{
	for (size_t i = 0; i < t->count; i++)
		mem_free(t->slots[i].node);
	mem_free(t->slots);
	memset(t, 0, sizeof(*t));
}
