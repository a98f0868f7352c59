// SPDX-License-Identifier: BSD-3-Clause
/*
 * pmem2_gate.c -- the gate our calls pass on their way into libpmem2
 * 1.12.1's process-wide map tree (one rwlock, one AVL tree of every map).
 * It guards against two faults of that libpmem2:
 *
 *  - forks: libpmem2 has no fork handlers, so a child forked while a
 *    thread held the tree's lock hangs in its first map. A fork closes the
 *    gate and waits until no call is inside (fork.c).
 *  - deletions under the PAGE data path: at PAGE granularity, persist,
 *    flush and mem* find their map in the tree (pmem2_map_find) and read
 *    the node after releasing the tree's lock. A pmem2_map_delete of any
 *    other map meanwhile may free that node (an AVL removal copies the
 *    successor's data into the removed node and frees the successor), and
 *    the reader follows garbage: SIGSEGV, seen under ThreadSanitizer in
 *    stat_thread_test one run in five. So a deletion waits until no PAGE
 *    data-path call is inside, and those wait while one runs.
 *
 * Counters, not locks: the data path takes no lock, and a thread only ever
 * waits here while a fork is being prepared or a map deleted. Every
 * access is sequentially consistent: a thread that counted itself in and
 * then saw the gate open is seen by whoever closed it before reading the
 * count.
 */
#include <sched.h>
#include <stdatomic.h>

#include "pmem2_gate.h"
#include "set.h"

static _Atomic long Inside;		/* threads in a map new or delete */
static _Atomic long Page_inside;	/* threads in a PAGE data-path call */
static _Atomic int Fork_closed;		/* a fork is being prepared */
static _Atomic int Deleting;		/* maps being deleted */

static void
wait_until_zero(_Atomic long *count)
{
	while (atomic_load(count) != 0)
		sched_yield();
}

/* counts the caller into *count once none of the closers is set */
static void
enter(_Atomic long *count, _Atomic int *closed1, _Atomic int *closed2)
{
	for (;;) {
		atomic_fetch_add(count, 1);
		if (!atomic_load(closed1) &&
		    (closed2 == NULL || !atomic_load(closed2)))
			return;
		atomic_fetch_sub(count, 1);
		while (atomic_load(closed1) ||
		    (closed2 != NULL && atomic_load(closed2)))
			sched_yield();
	}
}

void
pmem2_gate_enter(void)
{
	enter(&Inside, &Fork_closed, NULL);
}

void
pmem2_gate_leave(void)
{
	atomic_fetch_sub(&Inside, 1);
}

void
pmem2_gate_delete_enter(void)
{
	pmem2_gate_enter();
	/* deleters may overlap: libpmem2 serialises them on its own lock */
	atomic_fetch_add(&Deleting, 1);
	wait_until_zero(&Page_inside);
}

void
pmem2_gate_delete_leave(void)
{
	atomic_fetch_sub(&Deleting, 1);
	pmem2_gate_leave();
}

static void
page_enter(void)
{
	enter(&Page_inside, &Fork_closed, &Deleting);
}

static void
page_leave(void)
{
	atomic_fetch_sub(&Page_inside, 1);
}

/* libpmem2's PAGE functions: the same for every PAGE map of the process */
static struct {
	_Atomic(pmem2_persist_fn) persist;
	_Atomic(pmem2_flush_fn) flush;
	_Atomic(pmem2_memcpy_fn) memcpy;
	_Atomic(pmem2_memmove_fn) memmove;
	_Atomic(pmem2_memset_fn) memset;
} Page;

static void
gated_persist(const void *ptr, size_t size)
{
	page_enter();
	atomic_load_explicit(&Page.persist, memory_order_relaxed)(ptr, size);
	page_leave();
}

static void
gated_flush(const void *ptr, size_t size)
{
	page_enter();
	atomic_load_explicit(&Page.flush, memory_order_relaxed)(ptr, size);
	page_leave();
}

static void *
gated_memcpy(void *dest, const void *src, size_t len, unsigned flags)
{
	page_enter();
	void *r = atomic_load_explicit(&Page.memcpy, memory_order_relaxed)(
			dest, src, len, flags);
	page_leave();
	return r;
}

static void *
gated_memmove(void *dest, const void *src, size_t len, unsigned flags)
{
	page_enter();
	void *r = atomic_load_explicit(&Page.memmove, memory_order_relaxed)(
			dest, src, len, flags);
	page_leave();
	return r;
}

static void *
gated_memset(void *dest, int c, size_t len, unsigned flags)
{
	page_enter();
	void *r = atomic_load_explicit(&Page.memset, memory_order_relaxed)(
			dest, c, len, flags);
	page_leave();
	return r;
}

void
pmem2_gate_page_fns(struct pmemset *set)
{
	atomic_store(&Page.persist, set->persist_fn);
	atomic_store(&Page.flush, set->flush_fn);
	atomic_store(&Page.memcpy, set->memcpy_fn);
	atomic_store(&Page.memmove, set->memmove_fn);
	atomic_store(&Page.memset, set->memset_fn);
	set->persist_fn = gated_persist;
	set->flush_fn = gated_flush;
	set->memcpy_fn = gated_memcpy;
	set->memmove_fn = gated_memmove;
	set->memset_fn = gated_memset;
}

void
pmem2_gate_close(void)
{
	atomic_store(&Fork_closed, 1);
	wait_until_zero(&Inside);
	wait_until_zero(&Page_inside);
}

void
pmem2_gate_open(void)
{
	atomic_store(&Fork_closed, 0);
}

void
pmem2_gate_reset_in_child(void)
{
	atomic_store(&Inside, 0);
	atomic_store(&Page_inside, 0);
	atomic_store(&Deleting, 0);
	pmem2_gate_open();
}
