// SPDX-License-Identifier: BSD-3-Clause
/*
 * events_test.c -- the event callback: the exact sequence of (event,
 * payload) for each call, one test per rule of api.md section 4.
 */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "file_set_fixture.h"
#include "test_util.h"

/* 256 KiB of a 1 MiB file mapped at f->base; f->log starts empty */
static const struct file_set_params Params = {
	.tag = "events", .file_size = 1 * MiB, .record_events = true,
	.parts = 1, .part_size = 256 * KiB,
};

static void
expect_types(const struct event_log *log, const enum pmemset_event *types,
		size_t n)
{
	if (log->count != n) {
		char got[512] = "";
		for (size_t i = 0; i < log->count && i < 20; i++) {
			strcat(got, event_name(log->events[i].type));
			strcat(got, " ");
		}
		fail_msg("expected %zu events, got %zu: %s", n, log->count, got);
	}
	for (size_t i = 0; i < n; i++)
		if (log->events[i].type != types[i])
			fail_msg("event %zu is %s, expected %s", i,
				event_name(log->events[i].type),
				event_name(types[i]));
}

#define EXPECT(log, ...) do { \
	enum pmemset_event t_[] = {__VA_ARGS__}; \
	expect_types((log), t_, sizeof(t_) / sizeof(t_[0])); \
} while (0)

static void
expect_zero_payload(const struct recorded_event *e)
{
	for (size_t i = 0; i < PMEMSET_EVENT_CONTEXT_SIZE; i++)
		assert_int_equal(e->ctx.data._data[i], 0);
}

static void
memcpy_fires_copy_then_one_drain(void **state)
{
	struct file_set_fixture *f = *state;
	char src[100];
	memset(src, 'q', sizeof(src));
	pmemset_memcpy(f->set, f->base + 8, src, 100,
			PMEMSET_F_MEM_NONTEMPORAL);
	EXPECT(&f->log, PMEMSET_EVENT_COPY, PMEMSET_EVENT_DRAIN);
	struct pmemset_event_copy *c = &f->log.events[0].ctx.data.copy;
	assert_ptr_equal(c->src, src);
	assert_ptr_equal(c->dest, f->base + 8);
	assert_int_equal(c->len, 100);
	assert_int_equal(c->flags, PMEMSET_F_MEM_NONTEMPORAL);
	expect_zero_payload(&f->log.events[1]);
}

static void
memmove_and_memset_payloads(void **state)
{
	struct file_set_fixture *f = *state;
	pmemset_memmove(f->set, f->base + 1, f->base, 50, PMEMSET_F_MEM_WC);
	pmemset_memset(f->set, f->base, 0x5c, 70, PMEMSET_F_MEM_TEMPORAL);
	EXPECT(&f->log, PMEMSET_EVENT_MOVE, PMEMSET_EVENT_DRAIN,
			PMEMSET_EVENT_SET, PMEMSET_EVENT_DRAIN);
	struct pmemset_event_move *m = &f->log.events[0].ctx.data.move;
	assert_ptr_equal(m->src, f->base);
	assert_ptr_equal(m->dest, f->base + 1);
	assert_int_equal(m->len, 50);
	assert_int_equal(m->flags, PMEMSET_F_MEM_WC);
	struct pmemset_event_set *s = &f->log.events[2].ctx.data.set;
	assert_ptr_equal(s->dest, f->base);
	assert_int_equal(s->value, 0x5c);
	assert_int_equal(s->len, 70);
	assert_int_equal(s->flags, PMEMSET_F_MEM_TEMPORAL);
	/* the DRAIN payload is zeroed, not left over from SET */
	expect_zero_payload(&f->log.events[3]);
}

static void
no_drain_with_nodrain_or_noflush(void **state)
{
	struct file_set_fixture *f = *state;
	char src[8] = "abcdefg";
	pmemset_memcpy(f->set, f->base, src, 8, PMEMSET_F_MEM_NODRAIN);
	pmemset_memset(f->set, f->base, 1, 8, PMEMSET_F_MEM_NOFLUSH);
	pmemset_memmove(f->set, f->base, src, 8,
			PMEMSET_F_MEM_NODRAIN | PMEMSET_F_MEM_NOFLUSH);
	EXPECT(&f->log, PMEMSET_EVENT_COPY, PMEMSET_EVENT_SET,
			PMEMSET_EVENT_MOVE);
}

/* the callback runs before the operation: it sees the old bytes */
static char Seen_before;
static int
peek_cb(struct pmemset *set, struct pmemset_event_context *ctx, void *arg)
{
	(void) set;
	(void) arg;
	if (ctx->type == PMEMSET_EVENT_COPY)
		Seen_before = *(char *)ctx->data.copy.dest;
	if (ctx->type == PMEMSET_EVENT_SET)
		Seen_before = *(char *)ctx->data.set.dest;
	return 0;
}

static void
copy_and_set_fire_before_writing(void **state)
{
	(void) state;
	char *path;
	struct pmemset_source *src;
	struct pmemset *set = test_file_set_new(&path, &src, "before", 64 * KiB,
			peek_cb, NULL);
	struct pmemset_part_descriptor d;
	test_map(set, src, 0, 0, &d);
	char *p = d.addr;
	p[0] = 'o';
	pmemset_memcpy(set, p, "n", 1, 0);
	assert_int_equal(Seen_before, 'o');
	assert_int_equal(p[0], 'n');
	pmemset_memset(set, p, 'm', 1, 0);
	assert_int_equal(Seen_before, 'n');
	assert_int_equal(p[0], 'm');
	pmemset_delete(&set);
	pmemset_source_delete(&src);
	test_file_remove(path);
}

static void
flush_persist_drain(void **state)
{
	struct file_set_fixture *f = *state;
	assert_ok(pmemset_flush(f->set, f->base + 64, 128));
	assert_ok(pmemset_drain(f->set));
	assert_ok(pmemset_persist(f->set, f->base + 4096, 10));
	/* persist reports FLUSH then DRAIN, never PERSIST */
	EXPECT(&f->log, PMEMSET_EVENT_FLUSH, PMEMSET_EVENT_DRAIN,
			PMEMSET_EVENT_FLUSH, PMEMSET_EVENT_DRAIN);
	assert_ptr_equal(f->log.events[0].ctx.data.flush.addr, f->base + 64);
	assert_int_equal(f->log.events[0].ctx.data.flush.len, 128);
	assert_ptr_equal(f->log.events[2].ctx.data.flush.addr, f->base + 4096);
	assert_int_equal(f->log.events[2].ctx.data.flush.len, 10);
	expect_zero_payload(&f->log.events[1]);
	expect_zero_payload(&f->log.events[3]);
}

/* PART_ADD: the part is reachable by lookup from inside the callback */
struct add_check {
	struct event_log log;
	int lookups_ok;
	int lookups_failed;
};

static int
add_cb(struct pmemset *set, struct pmemset_event_context *ctx, void *arg)
{
	struct add_check *c = arg;
	event_log_cb(set, ctx, &c->log);
	if (ctx->type == PMEMSET_EVENT_PART_ADD) {
		struct pmemset_part_map *pmap;
		char *last = (char *)ctx->data.part_add.addr +
				ctx->data.part_add.len - 1;
		if (pmemset_part_map_by_address(set, &pmap, last) == 0) {
			c->lookups_ok++;
			pmemset_part_map_drop(&pmap);
		} else {
			c->lookups_failed++;
		}
	}
	return 0;
}

static void
part_add_after_map_with_new_part_and_source(void **state)
{
	(void) state;
	char *path = test_file("add", 1 * MiB);
	struct pmemset_source *src;
	assert_ok(pmemset_source_from_file(&src, path));
	/* the event log is big: keep it off the stack */
	static struct add_check c;
	memset(&c, 0, sizeof(c));
	struct pmemset *set = test_set_new(PMEM2_GRANULARITY_PAGE, add_cb, &c);
	assert_ok(pmemset_set_contiguous_part_coalescing(set,
			PMEMSET_COALESCING_OPPORTUNISTIC));
	struct pmemset_part_descriptor d1, d2;
	test_map(set, src, 0, 64 * KiB, &d1);
	test_map(set, src, 64 * KiB, 128 * KiB, &d2);
	EXPECT(&c.log, PMEMSET_EVENT_PART_ADD, PMEMSET_EVENT_PART_ADD);
	struct pmemset_event_part_add *a1 = &c.log.events[0].ctx.data.part_add;
	struct pmemset_event_part_add *a2 = &c.log.events[1].ctx.data.part_add;
	assert_ptr_equal(a1->addr, d1.addr);
	assert_int_equal(a1->len, 64 * KiB);
	assert_non_null(a1->src);
	assert_ptr_equal(a1->src, a2->src);
	size_t sz;
	assert_int_equal(pmem2_source_size(a1->src, &sz), 0);
	assert_int_equal(sz, 1 * MiB);
	/* coalesced: the event has the new piece, desc the whole part map */
	assert_int_equal(a2->len, 128 * KiB);
	if (d2.addr == d1.addr) {
		assert_ptr_equal(a2->addr, (char *)d1.addr + 64 * KiB);
		assert_int_equal(d2.size, 192 * KiB);
	} else {
		assert_ptr_equal(a2->addr, d2.addr);
	}
	assert_int_equal(c.lookups_ok, 2);
	assert_int_equal(c.lookups_failed, 0);
	pmemset_delete(&set);
	pmemset_source_delete(&src);
	test_file_remove(path);
}

/* PART_REMOVE: the part's bytes are still readable in the callback */
struct remove_check {
	struct event_log log;
	char first_byte[16];
	int n;
};

static int
remove_cb(struct pmemset *set, struct pmemset_event_context *ctx, void *arg)
{
	struct remove_check *c = arg;
	event_log_cb(set, ctx, &c->log);
	if (ctx->type == PMEMSET_EVENT_PART_REMOVE && c->n < 16) {
		const char *p = ctx->data.part_remove.addr;
		c->first_byte[c->n++] = p[0];
		volatile char last = p[ctx->data.part_remove.len - 1];
		(void) last;
	}
	return 0;
}

static void
part_remove_while_bytes_are_readable(void **state)
{
	(void) state;
	char *path = test_file("rm", 1 * MiB);
	struct pmemset_source *src;
	assert_ok(pmemset_source_from_file(&src, path));
	static struct remove_check c;
	memset(&c, 0, sizeof(c));
	struct pmemset *set = test_set_new(PMEM2_GRANULARITY_PAGE, remove_cb,
			&c);
	struct pmemset_part_descriptor d[3];
	for (int i = 0; i < 3; i++) {
		test_map(set, src, (size_t)i * 64 * KiB, 64 * KiB, &d[i]);
		*(char *)d[i].addr = (char)('A' + i);
	}
	event_log_clear(&c.log);
	/* remove_part_map */
	struct pmemset_part_map *pmap;
	assert_ok(pmemset_part_map_by_address(set, &pmap, d[0].addr));
	assert_ok(pmemset_remove_part_map(set, &pmap));
	EXPECT(&c.log, PMEMSET_EVENT_PART_REMOVE);
	assert_ptr_equal(c.log.events[0].ctx.data.part_remove.addr, d[0].addr);
	assert_int_equal(c.log.events[0].ctx.data.part_remove.len, 64 * KiB);
	/* remove_range */
	event_log_clear(&c.log);
	assert_ok(pmemset_remove_range(set, d[1].addr, 10));
	EXPECT(&c.log, PMEMSET_EVENT_REMOVE_RANGE, PMEMSET_EVENT_PART_REMOVE);
	assert_ptr_equal(c.log.events[0].ctx.data.remove_range.addr, d[1].addr);
	assert_int_equal(c.log.events[0].ctx.data.remove_range.len, 10);
	/* delete */
	event_log_clear(&c.log);
	assert_ok(pmemset_delete(&set));
	EXPECT(&c.log, PMEMSET_EVENT_PART_REMOVE);
	assert_int_equal(c.n, 3);
	assert_int_equal(c.first_byte[0], 'A');
	assert_int_equal(c.first_byte[1], 'B');
	assert_int_equal(c.first_byte[2], 'C');
	pmemset_source_delete(&src);
	test_file_remove(path);
}

/* PART_REMOVE from pmemset_delete come in address order, part by part */
static void
expect_delete_in_address_order(enum pmemset_coalescing coalescing,
		size_t nparts)
{
	char *path = test_file("order", 2 * MiB);
	struct pmemset_source *src;
	assert_ok(pmemset_source_from_file(&src, path));
	static struct event_log log;
	event_log_clear(&log);
	struct pmemset *set = test_set_new(PMEM2_GRANULARITY_PAGE,
			event_log_cb, &log);
	assert_ok(pmemset_set_contiguous_part_coalescing(set, coalescing));
	/*
	 * mapped from the file's end down, and with coalescing as runs of
	 * three parts in separate part maps (coalescing turned off between
	 * runs), so neither file order nor map order is address order
	 */
	for (size_t i = 0; i < nparts; i++) {
		bool run_start = coalescing != PMEMSET_COALESCING_NONE &&
				i % 3 == 0;
		if (run_start)
			assert_ok(pmemset_set_contiguous_part_coalescing(set,
					PMEMSET_COALESCING_NONE));
		test_map(set, src, (nparts - 1 - i) * 64 * KiB, 64 * KiB, NULL);
		if (run_start)
			assert_ok(pmemset_set_contiguous_part_coalescing(set,
					coalescing));
	}
	size_t part_maps = test_count_part_maps(set);
	if (coalescing == PMEMSET_COALESCING_NONE)
		assert_int_equal(part_maps, nparts);
	else /* several part maps, some of several parts */
		assert_true(part_maps > 1 && part_maps < nparts);
	event_log_clear(&log);
	assert_ok(pmemset_delete(&set));
	size_t removes = 0;
	char *previous = NULL;
	for (size_t i = 0; i < log.count; i++) {
		if (log.events[i].type != PMEMSET_EVENT_PART_REMOVE)
			continue;
		char *addr = log.events[i].ctx.data.part_remove.addr;
		if (previous != NULL && addr <= previous)
			fail_msg("PART_REMOVE %zu at %p after %p (%zu part maps)",
				removes, (void *)addr, (void *)previous,
				part_maps);
		previous = addr;
		removes++;
	}
	assert_int_equal(removes, nparts);
	pmemset_source_delete(&src);
	test_file_remove(path);
}

static void
delete_removes_parts_in_address_order(void **state)
{
	(void) state;
	expect_delete_in_address_order(PMEMSET_COALESCING_NONE, 6);
	expect_delete_in_address_order(PMEMSET_COALESCING_OPPORTUNISTIC, 6);
}

static void
return_values_are_ignored(void **state)
{
	struct file_set_fixture *f = *state;
	int values[] = {1, -5, 1000};
	for (int i = 0; i < 3; i++) {
		f->log.return_value = values[i];
		char src[4] = "abc";
		assert_non_null(pmemset_memcpy(f->set, f->base, src, 4, 0));
		assert_ok(pmemset_persist(f->set, f->base, 4));
		assert_ok(pmemset_flush(f->set, f->base, 4));
		assert_ok(pmemset_drain(f->set));
		struct pmemset_part_descriptor d;
		test_map(f->set, f->src, 0, 4 * KiB, &d);
		assert_ok(pmemset_remove_range(f->set, d.addr, 1));
	}
	f->log.return_value = 0;
}

/* inside a callback: data path and lookups work, fire nothing, and the
 * calls that change the set refuse */
struct inside {
	struct pmemset_source *src;
	struct pmemset *other;
	int events;
	int persist_ret, lookup_ret, map_ret, remove_ret, range_ret, delete_ret;
	int other_map_ret;
	void *copy_ret;
};

static int
inside_cb(struct pmemset *set, struct pmemset_event_context *ctx, void *arg)
{
	struct inside *in = arg;
	in->events++;
	if (ctx->type != PMEMSET_EVENT_FLUSH)
		return 0;
	void *addr = ctx->data.flush.addr;
	in->persist_ret = pmemset_persist(set, addr, 8);
	in->copy_ret = pmemset_memcpy(set, addr, "inside!", 8, 0);
	struct pmemset_part_map *pmap;
	in->lookup_ret = pmemset_part_map_by_address(set, &pmap, addr);
	if (in->lookup_ret == 0) {
		in->remove_ret = pmemset_remove_part_map(set, &pmap);
		if (pmap != NULL)
			pmemset_part_map_drop(&pmap);
	}
	in->map_ret = pmemset_map(set, in->src, NULL, NULL);
	in->range_ret = pmemset_remove_range(set, addr, 1);
	struct pmemset *self = set;
	in->delete_ret = pmemset_delete(&self);
	in->other_map_ret = pmemset_map(in->other, in->src, NULL, NULL);
	return 0;
}

static void
inside_a_callback(void **state)
{
	(void) state;
	char *path;
	struct inside in = {0};
	struct pmemset *set = test_file_set_new(&path, &in.src, "inside",
			64 * KiB, inside_cb, &in);
	in.other = test_set_new(PMEM2_GRANULARITY_PAGE, NULL, NULL);
	struct pmemset_part_descriptor d;
	test_map(set, in.src, 0, 0, &d);
	in.events = 0;
	assert_ok(pmemset_persist(set, d.addr, 64));
	/* FLUSH and DRAIN of the outer persist only: nothing from inside */
	assert_int_equal(in.events, 2);
	assert_int_equal(in.persist_ret, 0);
	assert_ptr_equal(in.copy_ret, d.addr);
	assert_string_equal((char *)d.addr, "inside!");
	assert_int_equal(in.lookup_ret, 0);
	assert_int_equal(in.remove_ret, PMEMSET_E_IN_CALLBACK);
	assert_int_equal(in.map_ret, PMEMSET_E_IN_CALLBACK);
	assert_int_equal(in.range_ret, PMEMSET_E_IN_CALLBACK);
	assert_int_equal(in.delete_ret, PMEMSET_E_IN_CALLBACK);
	assert_int_equal(in.other_map_ret, 0); /* another set is fine */
	assert_int_equal(test_count_part_maps(set), 1);
	assert_ok(pmemset_delete(&in.other));
	assert_ok(pmemset_delete(&set));
	assert_ok(pmemset_source_delete(&in.src));
	test_file_remove(path);
}

/*
 * No set lock is held while a callback runs: two threads' callbacks run at
 * once, and a third thread maps into the set while they wait.
 */
struct concurrent {
	struct pmemset *set;
	struct pmemset_source *src;
	char *addr;
	_Atomic int inside;
	_Atomic int mapped;
	_Atomic int both_seen;
};

static int
wait_cb(struct pmemset *set, struct pmemset_event_context *ctx, void *arg)
{
	(void) set;
	struct concurrent *c = arg;
	if (ctx->type != PMEMSET_EVENT_FLUSH)
		return 0;
	atomic_fetch_add(&c->inside, 1);
	/* wait (at most 10 s) for the other thread and for the map */
	for (int i = 0; i < 10000; i++) {
		if (atomic_load(&c->inside) >= 2 && atomic_load(&c->mapped))
			break;
		struct timespec ts = {0, 1000000};
		nanosleep(&ts, NULL);
	}
	if (atomic_load(&c->inside) >= 2 && atomic_load(&c->mapped))
		atomic_fetch_add(&c->both_seen, 1);
	return 0;
}

static void *
persist_thread(void *arg)
{
	struct concurrent *c = arg;
	pmemset_persist(c->set, c->addr, 64);
	return NULL;
}

static void
callbacks_run_concurrently_without_the_set_lock(void **state)
{
	(void) state;
	char *path;
	struct concurrent c = {0};
	c.set = test_file_set_new(&path, &c.src, "conc", 1 * MiB, wait_cb, &c);
	struct pmemset_part_descriptor d;
	test_map(c.set, c.src, 0, 64 * KiB, &d);
	c.addr = d.addr;
	pthread_t t[2];
	for (int i = 0; i < 2; i++)
		pthread_create(&t[i], NULL, persist_thread, &c);
	while (atomic_load(&c.inside) < 1)
		sched_yield();
	/* a map needs the set's write lock: it must not wait for callbacks */
	test_map(c.set, c.src, 64 * KiB, 64 * KiB, NULL);
	atomic_store(&c.mapped, 1);
	for (int i = 0; i < 2; i++)
		pthread_join(t[i], NULL);
	assert_int_equal(atomic_load(&c.both_seen), 2);
	pmemset_delete(&c.set);
	pmemset_source_delete(&c.src);
	test_file_remove(path);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
#define T(name) file_set_test(name, &Params)
		T(memcpy_fires_copy_then_one_drain),
		T(memmove_and_memset_payloads),
		T(no_drain_with_nodrain_or_noflush),
		cmocka_unit_test(copy_and_set_fire_before_writing),
		T(flush_persist_drain),
		cmocka_unit_test(part_add_after_map_with_new_part_and_source),
		cmocka_unit_test(part_remove_while_bytes_are_readable),
		cmocka_unit_test(delete_removes_parts_in_address_order),
		T(return_values_are_ignored),
		cmocka_unit_test(inside_a_callback),
		cmocka_unit_test(callbacks_run_concurrently_without_the_set_lock),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
