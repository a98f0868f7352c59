// SPDX-License-Identifier: BSD-3-Clause
/*
 * reservation.c -- address space for part maps (see reservation.h).
 *
 * An internal reservation is made per new part map. With coalescing on it
 * keeps COALESCE_SLACK of room after the part, because growing a
 * reservation in place usually fails once the kernel has put something
 * right above it. Address space is cheap; the slack is PROT_NONE.
 */
#include <errno.h>
#include <libpmem2.h>
#include <pthread.h>

#include "alloc.h"
#include "fork_lock.h"
#include "pmem2_gate.h"
#include "reservation.h"

/* one for every user reservation: maps into them are rare and slow anyway */
struct fork_lock User_rsv_lock = FORK_LOCK_INITIALIZER;

void
rsv_lock_shared(const struct rsv *r)
{
	if (r != NULL && !r->owned)
		fork_lock_take(&User_rsv_lock);
}

void
rsv_unlock_shared(const struct rsv *r)
{
	if (r != NULL && !r->owned)
		fork_lock_release(&User_rsv_lock);
}

int
rsv_map_delete(const struct rsv *r, struct pmem2_map **map)
{
	rsv_lock_shared(r);
	pmem2_gate_delete_enter();
	int ret = pmem2_map_delete(map);
	pmem2_gate_delete_leave();
	rsv_unlock_shared(r);
	return ret;
}

int
rsv_new_internal(struct rsv **out, size_t size)
{
	struct rsv *r = mem_zalloc(sizeof(*r));
	if (r == NULL)
		return -ENOMEM;
	int ret = pmem2_vm_reservation_new(&r->pmem2_rsv, NULL, size);
	if (ret != 0) {
		mem_free(r);
		return ret;
	}
	r->owned = true;
	*out = r;
	return 0;
}

struct rsv *
rsv_wrap_user(struct pmem2_vm_reservation *user)
{
	struct rsv *r = mem_zalloc(sizeof(*r));
	if (r != NULL)
		r->pmem2_rsv = user;
	return r;
}

char *
rsv_base(const struct rsv *r)
{
	return pmem2_vm_reservation_get_address(r->pmem2_rsv);
}

size_t
rsv_size(const struct rsv *r)
{
	return pmem2_vm_reservation_get_size(r->pmem2_rsv);
}

bool
rsv_range_free(struct rsv *r, size_t offset, size_t len)
{
	size_t size = rsv_size(r);
	if (offset > size || len > size - offset)
		return false;
	struct pmem2_map *m;
	return pmem2_vm_reservation_map_find(r->pmem2_rsv, offset, len, &m) ==
			PMEM2_E_MAPPING_NOT_FOUND;
}

static size_t
align_up(size_t v, size_t a)
{
	return (v + a - 1) / a * a;
}

size_t
rsv_first_fit(struct rsv *r, size_t len, size_t alignment)
{
	char *base = rsv_base(r);
	size_t size = rsv_size(r);
	size_t candidate = 0;
	struct pmem2_map *m = NULL;
	int ret = pmem2_vm_reservation_map_find_first(r->pmem2_rsv, &m);
	while (ret == 0 && m != NULL) {
		size_t start = (size_t)((char *)pmem2_map_get_address(m) - base);
		if (start >= candidate && start - candidate >= len)
			return candidate;
		size_t end = start + pmem2_map_get_size(m);
		if (end > candidate)
			candidate = align_up(end, alignment);
		struct pmem2_map *next = NULL;
		ret = pmem2_vm_reservation_map_find_next(r->pmem2_rsv, m, &next);
		m = next;
	}
	if (candidate <= size && size - candidate >= len)
		return candidate;
	return (size_t)-1;
}

int
rsv_grow(struct rsv *r, size_t size)
{
	size_t have = rsv_size(r);
	if (have >= size)
		return 0;
	if (!r->owned)
		return PMEM2_E_MAPPING_EXISTS;
	/* grow geometrically so a long coalesced run extends rarely */
	size_t want = size - have;
	if (want < have)
		want = have;
	int ret = pmem2_vm_reservation_extend(r->pmem2_rsv, want);
	if (ret != 0 && want > size - have)
		ret = pmem2_vm_reservation_extend(r->pmem2_rsv, size - have);
	return ret;
}

void
rsv_trim(struct rsv *r, bool keep_tail)
{
	if (!r->owned || r->nparts == 0)
		return;
	struct pmem2_map *first = NULL, *last = NULL;
	if (pmem2_vm_reservation_map_find_first(r->pmem2_rsv, &first) != 0 ||
	    pmem2_vm_reservation_map_find_last(r->pmem2_rsv, &last) != 0)
		return;
	char *base = rsv_base(r);
	size_t head = (size_t)((char *)pmem2_map_get_address(first) - base);
	if (head > 0)
		(void) pmem2_vm_reservation_shrink(r->pmem2_rsv, 0, head);
	if (keep_tail)
		return;
	base = rsv_base(r);
	size_t end = (size_t)((char *)pmem2_map_get_address(last) - base) +
			pmem2_map_get_size(last);
	size_t size = rsv_size(r);
	if (end < size)
		(void) pmem2_vm_reservation_shrink(r->pmem2_rsv, end,
				size - end);
}

void
rsv_release_if_empty(struct rsv **rp)
{
	struct rsv *r = *rp;
	if (r == NULL || !r->owned || r->nparts > 0)
		return;
	(void) pmem2_vm_reservation_delete(&r->pmem2_rsv);
	mem_free(r);
	*rp = NULL;
}
