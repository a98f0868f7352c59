// SPDX-License-Identifier: BSD-3-Clause
/*
 * data.c -- the data path: persist, flush, drain, memcpy, memmove, memset
 * and deep flush.
 *
 * The fast path is one test of the set's hook word and one indirect call to
 * the libpmem2 function chosen when the first part was mapped (and a USDT
 * probe, src/probes.h: one nop until traced). Everything
 * else (empty set, events, range checks, counters) lives behind the hook
 * word in the out-of-line slow paths. No lock, no allocation, and the error
 * message is touched only on failure.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "error.h"
#include "event.h"
#include "part_map.h"
#include "probes.h"
#include "set.h"

#define likely(x) __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)
#define COLD __attribute__((noinline, cold))
/*
 * Out of line, but not cold: with an event callback or an observer this is
 * the path every call takes, and cold code is optimised for size (a slow
 * rep stos for the event context, for one).
 */
#define SLOW __attribute__((noinline))

/*
 * The counted call's own copy of the tail call. Compilers merge identical
 * tails, and merged, a counted call takes two more jumps to reach it. The
 * empty asm makes the tails differ.
 */
#define OWN_TAIL(fn) __extension__({ \
	__typeof__(fn) own_tail_ = (fn); \
	__asm__("" : "+r"(own_tail_)); \
	own_tail_; })

static inline unsigned
load_hooks(struct pmemset *set)
{
	return atomic_load_explicit(&set->hooks, memory_order_acquire);
}

static COLD int
null_set(const char *func)
{
	return err_set(-EINVAL, "%s: set is NULL", func);
}

static COLD int
empty_set(const char *func)
{
	return err_set(PMEMSET_E_NO_PART_MAPPED,
			"%s: the set has no part mapped", func);
}

/* is [addr, addr + len) covered by mapped parts? (checked mode) */
static bool
range_mapped(struct pmemset *set, const void *addr, size_t len)
{
	if (len == 0)
		return true;
	const char *p = addr;
	if ((uintptr_t)p > UINTPTR_MAX - len)
		return false;
	/* in integers: a length above PTRDIFF_MAX is UB in pointer arithmetic */
	const char *end = (const char *)((uintptr_t)p + len);
	bool ok = false;
	pthread_rwlock_rdlock(&set->lock);
	size_t i = index_first_ending_after(&set->index, p);
	/* the index keeps each range inline: no part map is touched */
	while (i < set->index.count && index_start_at(&set->index, i) <= p) {
		p = index_end_at(&set->index, i);
		if (p >= end) {
			ok = true;
			break;
		}
		i++;
	}
	pthread_rwlock_unlock(&set->lock);
	return ok;
}

static int
check_range(struct pmemset *set, const void *addr, size_t len,
		const char *func)
{
	if (range_mapped(set, addr, len))
		return 0;
	return err_set(PMEMSET_E_CANNOT_FIND_PART_MAP,
		"%s: %p+%zu is not inside the set's mapped parts", func,
		addr, len);
}

/* the common prologue of every slow path: 0 to go on, or an error */
static int
slow_checks(struct pmemset *set, unsigned hooks, const void *addr, size_t len,
		const char *func)
{
	if (hooks & HOOK_EMPTY)
		return empty_set(func);
	if (hooks & HOOK_CHECK_RANGES)
		return check_range(set, addr, len, func);
	return 0;
}

/* this thread owns the set's counters or holds its slot: count, no call */
static inline bool
count_claimed(struct pmemset *set, enum counted_op op, size_t len)
{
	if (likely(counters_add_owned(&set->count_owner, &set->more_owners,
			set->owned_counts, op, len)))
		return true;
	return likely(counters_add_claimed(set->id, op, len));
}

static inline void
count(struct pmemset *set, enum counted_op op, size_t len)
{
	if (count_claimed(set, op, len))
		return;
	int k = counters_take_owned(&set->count_owner, &set->more_owners);
	if (k >= 0) {
		counters_bump_op(set->owned_counts[k].v, op, len);
		return;
	}
	counters_add_by_claim(set->id, &set->counters, op, len);
}

static void
fire_flush(struct pmemset *set, void *ptr, size_t size)
{
	struct pmemset_event_context ctx;
	memset(&ctx, 0, sizeof(ctx));
	ctx.type = PMEMSET_EVENT_FLUSH;
	ctx.data.flush.addr = ptr;
	ctx.data.flush.len = size;
	(void) event_fire(set, &ctx);
}

static void
fire_drain(struct pmemset *set)
{
	struct pmemset_event_context ctx;
	/* the payload is all zero, never left over from an earlier event */
	memset(&ctx, 0, sizeof(ctx));
	ctx.type = PMEMSET_EVENT_DRAIN;
	(void) event_fire(set, &ctx);
}

static SLOW int
persist_slow(struct pmemset *set, void *ptr, size_t size, unsigned hooks)
{
	int ret = slow_checks(set, hooks, ptr, size, "pmemset_persist");
	if (ret != 0)
		return ret;
	if (hooks & HOOK_COUNTERS)
		count(set, COUNT_PERSIST, size);
	if (hooks & HOOK_CALLBACK)
		return event_persist(set, ptr, size, set->persist_fn);
	PROBE2(persist, ptr, size);
	set->persist_fn(ptr, size);
	return 0;
}

int
pmemset_persist(struct pmemset *set, void *ptr, size_t size)
{
	if (unlikely(set == NULL))
		return null_set("pmemset_persist");
	unsigned hooks = load_hooks(set);
	if (unlikely(hooks != 0)) {
		if (hooks == HOOK_COUNTERS &&
		    count_claimed(set, COUNT_PERSIST, size)) {
			PROBE2(persist, ptr, size);
			OWN_TAIL(set->persist_fn)(ptr, size);
			return 0;
		}
		/* a callback alone: FLUSH, the work, DRAIN (event.c) */
		return hooks == HOOK_CALLBACK ?
			event_persist(set, ptr, size, set->persist_fn) :
			persist_slow(set, ptr, size, hooks);
	}
	PROBE2(persist, ptr, size);
	set->persist_fn(ptr, size);
	return 0;
}

static SLOW int
flush_slow(struct pmemset *set, void *ptr, size_t size, unsigned hooks)
{
	int ret = slow_checks(set, hooks, ptr, size, "pmemset_flush");
	if (ret != 0)
		return ret;
	if (hooks & HOOK_COUNTERS)
		count(set, COUNT_FLUSH, size);
	if (hooks & HOOK_CALLBACK)
		fire_flush(set, ptr, size);
	PROBE2(flush, ptr, size);
	set->flush_fn(ptr, size);
	return 0;
}

int
pmemset_flush(struct pmemset *set, void *ptr, size_t size)
{
	if (unlikely(set == NULL))
		return null_set("pmemset_flush");
	unsigned hooks = load_hooks(set);
	if (unlikely(hooks != 0)) {
		if (hooks == HOOK_COUNTERS &&
		    count_claimed(set, COUNT_FLUSH, size)) {
			PROBE2(flush, ptr, size);
			OWN_TAIL(set->flush_fn)(ptr, size);
			return 0;
		}
		return flush_slow(set, ptr, size, hooks);
	}
	PROBE2(flush, ptr, size);
	set->flush_fn(ptr, size);
	return 0;
}

static SLOW int
drain_slow(struct pmemset *set, unsigned hooks)
{
	if (hooks & HOOK_EMPTY)
		return empty_set("pmemset_drain");
	if (hooks & HOOK_COUNTERS)
		count(set, COUNT_DRAIN, 0);
	PROBE0(drain);
	set->drain_fn();
	if (hooks & HOOK_CALLBACK)
		fire_drain(set);
	return 0;
}

int
pmemset_drain(struct pmemset *set)
{
	if (unlikely(set == NULL))
		return null_set("pmemset_drain");
	unsigned hooks = load_hooks(set);
	if (unlikely(hooks != 0)) {
		if (hooks == HOOK_COUNTERS &&
		    count_claimed(set, COUNT_DRAIN, 0)) {
			PROBE0(drain);
			OWN_TAIL(set->drain_fn)();
			return 0;
		}
		return drain_slow(set, hooks);
	}
	PROBE0(drain);
	set->drain_fn();
	return 0;
}

enum mem_op { OP_COPY, OP_MOVE, OP_SET };

static const char *const Mem_op_name[] = {
	"pmemset_memcpy", "pmemset_memmove", "pmemset_memset"
};

static const enum counted_op Mem_op_counter[] = {
	COUNT_COPY, COUNT_MOVE, COUNT_SET
};

/* the libpmem2 function of the operation */
static inline void *
mem_do(struct pmemset *set, enum mem_op op, void *dest, void *src, int c,
		size_t len, unsigned flags)
{
	switch (op) {
	case OP_COPY:
		PROBE4(memcpy, dest, src, len, flags);
		return set->memcpy_fn(dest, src, len, flags);
	case OP_MOVE:
		PROBE4(memmove, dest, src, len, flags);
		return set->memmove_fn(dest, src, len, flags);
	default:
		PROBE4(memset, dest, c, len, flags);
		return set->memset_fn(dest, c, len, flags);
	}
}

/* the slow path of the three mem operations; NULL on refusal */
static SLOW void *
mem_slow(struct pmemset *set, enum mem_op op, void *dest, void *src, int c,
		size_t len, unsigned flags, unsigned hooks)
{
	if (hooks == HOOK_COUNTERS && !(flags & ~PMEMSET_F_MEM_VALID_FLAGS)) {
		/* an observer alone: count, and do the work */
		count(set, Mem_op_counter[op], len);
		return mem_do(set, op, dest, src, c, len, flags);
	}
	const char *func = Mem_op_name[op];
	if (set == NULL) {
		null_set(func);
		return NULL;
	}
	if (flags & ~PMEMSET_F_MEM_VALID_FLAGS) {
		err_set(-EINVAL, "%s: unknown flag bits 0x%x; nothing was "
			"written (valid: PMEMSET_F_MEM_NODRAIN, _NONTEMPORAL, "
			"_TEMPORAL, _WC, _WB and _NOFLUSH, mask 0x%x)", func,
			flags & ~PMEMSET_F_MEM_VALID_FLAGS,
			PMEMSET_F_MEM_VALID_FLAGS);
		return NULL;
	}
	if (slow_checks(set, hooks, dest, len, func) != 0)
		return NULL;

	if (hooks & HOOK_COUNTERS)
		count(set, Mem_op_counter[op], len);
	struct pmemset_event_context ctx;
	memset(&ctx, 0, sizeof(ctx));
	switch (op) {
	case OP_COPY:
		ctx.type = PMEMSET_EVENT_COPY;
		ctx.data.copy = (struct pmemset_event_copy){src, dest, len,
				flags};
		break;
	case OP_MOVE:
		ctx.type = PMEMSET_EVENT_MOVE;
		ctx.data.move = (struct pmemset_event_move){src, dest, len,
				flags};
		break;
	case OP_SET:
		ctx.type = PMEMSET_EVENT_SET;
		ctx.data.set = (struct pmemset_event_set){dest, c, len, flags};
		break;
	}
	if (hooks & HOOK_CALLBACK)
		(void) event_fire(set, &ctx);

	void *ret = mem_do(set, op, dest, src, c, len, flags);
	/* libpmem2 drains nothing with NODRAIN or NOFLUSH: report no DRAIN */
	if ((hooks & HOOK_CALLBACK) &&
	    !(flags & (PMEMSET_F_MEM_NODRAIN | PMEMSET_F_MEM_NOFLUSH)))
		fire_drain(set);
	return ret;
}

/* hooks | unknown flag bits: one test covers both on the fast path */
#define MEM_FAST_PATH_BLOCKED(set, flags, hooks) \
	unlikely((set) == NULL || \
		((hooks = load_hooks(set)) | \
		((flags) & ~PMEMSET_F_MEM_VALID_FLAGS)) != 0)

/*
 * An observer alone, and this thread counts for the set already: counted,
 * the call goes on as if unobserved (no frame, no call of mem_slow)
 */
static inline bool
mem_counted(struct pmemset *set, unsigned hooks, unsigned flags,
		enum counted_op op, size_t len)
{
	return hooks == HOOK_COUNTERS &&
		!(flags & ~PMEMSET_F_MEM_VALID_FLAGS) &&
		count_claimed(set, op, len);
}

void *
pmemset_memcpy(struct pmemset *set, void *pmemdest, void *src, size_t len,
		unsigned flags)
{
	unsigned hooks = 0;
	if (MEM_FAST_PATH_BLOCKED(set, flags, hooks)) {
		if (!mem_counted(set, hooks, flags, COUNT_COPY, len))
			return mem_slow(set, OP_COPY, pmemdest, src, 0, len,
					flags, hooks);
		PROBE4(memcpy, pmemdest, src, len, flags);
		return OWN_TAIL(set->memcpy_fn)(pmemdest, src, len, flags);
	}
	PROBE4(memcpy, pmemdest, src, len, flags);
	return set->memcpy_fn(pmemdest, src, len, flags);
}

void *
pmemset_memmove(struct pmemset *set, void *pmemdest, void *src, size_t len,
		unsigned flags)
{
	unsigned hooks = 0;
	if (MEM_FAST_PATH_BLOCKED(set, flags, hooks)) {
		if (!mem_counted(set, hooks, flags, COUNT_MOVE, len))
			return mem_slow(set, OP_MOVE, pmemdest, src, 0, len,
					flags, hooks);
		PROBE4(memmove, pmemdest, src, len, flags);
		return OWN_TAIL(set->memmove_fn)(pmemdest, src, len, flags);
	}
	PROBE4(memmove, pmemdest, src, len, flags);
	return set->memmove_fn(pmemdest, src, len, flags);
}

void *
pmemset_memset(struct pmemset *set, void *pmemdest, int c, size_t len,
		unsigned flags)
{
	unsigned hooks = 0;
	if (MEM_FAST_PATH_BLOCKED(set, flags, hooks)) {
		if (!mem_counted(set, hooks, flags, COUNT_SET, len))
			return mem_slow(set, OP_SET, pmemdest, NULL, c, len,
					flags, hooks);
		PROBE4(memset, pmemdest, c, len, flags);
		return OWN_TAIL(set->memset_fn)(pmemdest, c, len, flags);
	}
	PROBE4(memset, pmemdest, c, len, flags);
	return set->memset_fn(pmemdest, c, len, flags);
}

int
pmemset_deep_flush(struct pmemset *set, void *ptr, size_t size)
{
	if (set == NULL)
		return ERR_NULL_ARG("set");
	const char *start = ptr;
	if ((uintptr_t)start > UINTPTR_MAX - size)
		return err_set(PMEMSET_E_LENGTH_OUT_OF_RANGE,
			"pmemset_deep_flush: %p+%zu wraps around the address "
			"space", ptr, size);
	/* in integers: a length above PTRDIFF_MAX is UB in pointer arithmetic */
	const char *end = (const char *)((uintptr_t)start + size);

	int ret = 0;
	size_t flushed = 0;
	pthread_rwlock_rdlock(&set->lock);
	if (set->nparts == 0) {
		ret = empty_set("pmemset_deep_flush");
		goto out;
	}
	for (size_t i = index_first_ending_after(&set->index, start);
			i < set->index.count &&
			index_start_at(&set->index, i) < end; i++) {
		struct pmemset_part_map *pmap = index_at(&set->index, i);
		for (size_t j = 0; j < pmap->nparts; j++) {
			struct pmemset_part *p = pmap->parts[j];
			char *lo = p->addr > start ? p->addr : (char *)start;
			char *hi = p->addr + p->size < end ?
					p->addr + p->size : (char *)end;
			if (lo >= hi)
				continue;
			err_pmem2_mark();
			int r = pmem2_deep_flush(p->map, lo, (size_t)(hi - lo));
			if (r != 0) {
				err_pmem2(r, "pmemset_deep_flush: %p+%zu",
						(void *)lo, (size_t)(hi - lo));
				ret = PMEMSET_E_DEEP_FLUSH_FAIL;
				goto out;
			}
			flushed++;
		}
	}
	if (flushed == 0 && size > 0)
		ret = err_set(PMEMSET_E_CANNOT_FIND_PART_MAP,
			"pmemset_deep_flush: no part of the set intersects "
			"%p+%zu", ptr, size);
out:
	pthread_rwlock_unlock(&set->lock);
	return ret;
}
