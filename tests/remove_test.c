// SPDX-License-Identifier: BSD-3-Clause
/*
 * remove_test.c -- pmemset_remove_part_map and pmemset_remove_range:
 * references, splitting coalesced part maps, and that after any sequence of
 * removals every descriptor matches what is really mapped.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "file_set_fixture.h"
#include "test_util.h"

/* what must be mapped: one entry per part (one pmemset_map call) */
struct model {
	size_t n;
	char *addr[512];
	size_t len[512];
	unsigned char fill[512];
};

static void
model_add(struct model *m, void *addr, size_t len, unsigned char fill)
{
	m->addr[m->n] = addr;
	m->len[m->n] = len;
	m->fill[m->n] = fill;
	m->n++;
}

/* removes every part intersecting [a, a + len), as remove_range must */
static size_t
model_remove_range(struct model *m, char *a, size_t len)
{
	size_t w = 0, removed = 0;
	for (size_t i = 0; i < m->n; i++) {
		if (m->addr[i] < a + len && m->addr[i] + m->len[i] > a) {
			removed++;
			continue;
		}
		m->addr[w] = m->addr[i];
		m->len[w] = m->len[i];
		m->fill[w] = m->fill[i];
		w++;
	}
	m->n = w;
	return removed;
}

/*
 * The set holds exactly the model's parts: part maps are disjoint and in
 * order, every model byte is found by lookup in a part map that contains
 * the whole part, the bytes are still there, and the sizes add up.
 */
static void
check_against_model(struct pmemset *set, const struct model *m)
{
	size_t model_bytes = 0;
	for (size_t i = 0; i < m->n; i++) {
		model_bytes += m->len[i];
		char *probe[] = {m->addr[i], m->addr[i] + m->len[i] / 2,
				m->addr[i] + m->len[i] - 1};
		for (int k = 0; k < 3; k++) {
			struct pmemset_part_map *pmap;
			assert_ok(pmemset_part_map_by_address(set, &pmap,
					probe[k]));
			struct pmemset_part_descriptor d =
				pmemset_descriptor_part_map(pmap);
			assert_true((char *)d.addr <= m->addr[i]);
			assert_true((char *)d.addr + d.size >=
					m->addr[i] + m->len[i]);
			assert_int_equal((unsigned char)*probe[k], m->fill[i]);
			pmemset_part_map_drop(&pmap);
		}
	}
	size_t pmap_bytes = 0;
	char *prev_end = NULL;
	struct pmemset_part_map *pmap, *next;
	pmemset_first_part_map(set, &pmap);
	while (pmap != NULL) {
		struct pmemset_part_descriptor d =
			pmemset_descriptor_part_map(pmap);
		assert_true(prev_end == NULL || (char *)d.addr >= prev_end);
		prev_end = (char *)d.addr + d.size;
		pmap_bytes += d.size;
		pmemset_next_part_map(set, pmap, &next);
		pmemset_part_map_drop(&pmap);
		pmap = next;
	}
	assert_int_equal(pmap_bytes, model_bytes);
}

/* a 4 MiB file, nothing mapped yet; the set's events go to f->log */
static const struct file_set_params Params = {
	.tag = "remove", .file_size = 4 * MiB, .record_events = true,
};

/* n parts of len bytes, coalesced into one part map, each filled */
static void
map_coalesced(struct file_set_fixture *f, struct model *m, int n,
		size_t len)
{
	assert_ok(pmemset_set_contiguous_part_coalescing(f->set,
			PMEMSET_COALESCING_FULL));
	assert_ok(pmemset_set_contiguous_part_coalescing(f->set,
			PMEMSET_COALESCING_OPPORTUNISTIC));
	for (int i = 0; i < n; i++) {
		struct pmemset_part_descriptor d;
		test_map(f->set, f->src, (size_t)i * len, len, &d);
		char *part = (char *)d.addr + d.size - len;
		memset(part, 0x10 + i, len);
		model_add(m, part, len, (unsigned char)(0x10 + i));
	}
}

static void
pmdk_split_head_bug(void **state)
{
	/*
	 * PMDK: five coalesced 64 KiB parts; remove part 2, then part 3;
	 * part 5 became unreachable.
	 */
	struct file_set_fixture *f = *state;
	struct model m = {0};
	map_coalesced(f, &m, 5, 64 * KiB);
	assert_int_equal(test_count_part_maps(f->set), 1);
	char *p2 = m.addr[1], *p3 = m.addr[2], *p5 = m.addr[4];
	assert_ok(pmemset_remove_range(f->set, p2, 64 * KiB));
	model_remove_range(&m, p2, 64 * KiB);
	check_against_model(f->set, &m);
	assert_int_equal(test_count_part_maps(f->set), 2);
	assert_ok(pmemset_remove_range(f->set, p3, 64 * KiB));
	model_remove_range(&m, p3, 64 * KiB);
	check_against_model(f->set, &m);
	struct pmemset_part_map *pmap;
	assert_ok(pmemset_part_map_by_address(f->set, &pmap, p5));
	struct pmemset_part_descriptor d = pmemset_descriptor_part_map(pmap);
	assert_ptr_equal(d.addr, m.addr[1]); /* part 4 heads the piece */
	assert_int_equal(d.size, 128 * KiB);
	pmemset_part_map_drop(&pmap);
}

static void
remove_range_takes_whole_parts(void **state)
{
	struct file_set_fixture *f = *state;
	struct model m = {0};
	map_coalesced(f, &m, 4, 64 * KiB);
	event_log_clear(&f->log);
	/* one byte of part 2 and one of part 3 take both parts */
	char *from = m.addr[1] + 64 * KiB - 1;
	assert_ok(pmemset_remove_range(f->set, from, 2));
	assert_int_equal(model_remove_range(&m, from, 2), 2);
	check_against_model(f->set, &m);
	assert_int_equal(test_count_part_maps(f->set), 2);
	/* REMOVE_RANGE first with the range as passed, then one PART_REMOVE per part */
	assert_int_equal(f->log.count, 3);
	assert_int_equal(f->log.events[0].type, PMEMSET_EVENT_REMOVE_RANGE);
	assert_ptr_equal(f->log.events[0].ctx.data.remove_range.addr, from);
	assert_int_equal(f->log.events[0].ctx.data.remove_range.len, 2);
	assert_int_equal(f->log.events[1].type, PMEMSET_EVENT_PART_REMOVE);
	assert_int_equal(f->log.events[1].ctx.data.part_remove.len, 64 * KiB);
	assert_int_equal(f->log.events[2].type, PMEMSET_EVENT_PART_REMOVE);
}

static void
remove_range_errors(void **state)
{
	struct file_set_fixture *f = *state;
	struct model m = {0};
	map_coalesced(f, &m, 2, 64 * KiB);
	event_log_clear(&f->log);
	assert_err(pmemset_remove_range(f->set, m.addr[0], 0),
			PMEMSET_E_CANNOT_FIND_PART_MAP);
	assert_err(pmemset_remove_range(f->set, (void *)&m, sizeof(m)),
			PMEMSET_E_CANNOT_FIND_PART_MAP);
	assert_err(pmemset_remove_range(f->set, (void *)(UINTPTR_MAX - 10),
			100), PMEMSET_E_LENGTH_OUT_OF_RANGE);
	assert_err(pmemset_remove_range(NULL, m.addr[0], 1), -EINVAL);
	/* no REMOVE_RANGE when nothing intersects */
	assert_int_equal(f->log.count, 0);
	check_against_model(f->set, &m);
}

static void
remove_range_refused_while_referenced(void **state)
{
	struct file_set_fixture *f = *state;
	struct model m = {0};
	map_coalesced(f, &m, 3, 64 * KiB);
	struct pmemset_part_map *pmap;
	assert_ok(pmemset_part_map_by_address(f->set, &pmap, m.addr[2]));
	event_log_clear(&f->log);
	assert_err(pmemset_remove_range(f->set, m.addr[1], 64 * KiB),
			PMEMSET_E_PART_MAP_POSSIBLE_USE_AFTER_DROP);
	assert_msg_has("reference");
	assert_int_equal(f->log.count, 0);
	check_against_model(f->set, &m);
	pmemset_part_map_drop(&pmap);
	assert_ok(pmemset_remove_range(f->set, m.addr[1], 64 * KiB));
}

static void
remove_part_map_needs_the_only_reference(void **state)
{
	struct file_set_fixture *f = *state;
	struct model m = {0};
	map_coalesced(f, &m, 3, 64 * KiB);
	struct pmemset_part_map *a, *b;
	assert_ok(pmemset_part_map_by_address(f->set, &a, m.addr[0]));
	assert_ok(pmemset_part_map_by_address(f->set, &b, m.addr[1]));
	assert_err(pmemset_remove_part_map(f->set, &a),
			PMEMSET_E_PART_MAP_POSSIBLE_USE_AFTER_DROP);
	assert_non_null(a); /* the caller keeps its reference */
	pmemset_part_map_drop(&b);
	event_log_clear(&f->log);
	assert_ok(pmemset_remove_part_map(f->set, &a));
	assert_null(a);
	assert_int_equal(test_count_part_maps(f->set), 0);
	assert_int_equal(f->log.count, 3); /* one PART_REMOVE per part */
	for (size_t i = 0; i < 3; i++) {
		assert_int_equal(f->log.events[i].type,
				PMEMSET_EVENT_PART_REMOVE);
		assert_ptr_equal(f->log.events[i].ctx.data.part_remove.addr,
				m.addr[i]);
	}
}

static void
remove_part_map_misuse(void **state)
{
	struct file_set_fixture *f = *state;
	struct model m = {0};
	map_coalesced(f, &m, 1, 64 * KiB);
	struct pmemset_part_map *a = NULL;
	assert_err(pmemset_remove_part_map(NULL, &a), -EINVAL);
	assert_err(pmemset_remove_part_map(f->set, NULL), -EINVAL);
	assert_err(pmemset_remove_part_map(f->set, &a), -EINVAL);
	assert_msg_has("*part");

	/* a dropped reference (a copy of the pointer kept) */
	assert_ok(pmemset_part_map_by_address(f->set, &a, m.addr[0]));
	struct pmemset_part_map *copy = a;
	pmemset_part_map_drop(&a);
	assert_err(pmemset_remove_part_map(f->set, &copy),
			PMEMSET_E_PART_MAP_POSSIBLE_USE_AFTER_DROP);
	assert_msg_has("dropped");

	/* a part map of another set */
	struct pmemset *other = test_set_new(PMEM2_GRANULARITY_PAGE, NULL, NULL);
	assert_ok(pmemset_part_map_by_address(f->set, &a, m.addr[0]));
	assert_err(pmemset_remove_part_map(other, &a), PMEMSET_E_PART_NOT_FOUND);
	/* removing twice through the same variable: it is NULL the second time */
	assert_ok(pmemset_remove_part_map(f->set, &a));
	assert_err(pmemset_remove_part_map(f->set, &a), -EINVAL);
	pmemset_delete(&other);
}

static void
events_balance_mapped_bytes(void **state)
{
	struct file_set_fixture *f = *state;
	struct model m = {0};
	event_log_clear(&f->log);
	map_coalesced(f, &m, 6, 64 * KiB);
	assert_int_equal(event_log_mapped_bytes(&f->log), 6 * 64 * KiB);
	assert_ok(pmemset_remove_range(f->set, m.addr[2], 64 * KiB));
	model_remove_range(&m, m.addr[2], 64 * KiB);
	assert_int_equal(event_log_mapped_bytes(&f->log), 5 * 64 * KiB);
	assert_ok(pmemset_delete(&f->set));
	assert_int_equal(event_log_mapped_bytes(&f->log), 0);
	f->set = test_set_new(PMEM2_GRANULARITY_PAGE, NULL, NULL);
}

/* random maps and removals, checked against the model after each step */
static void
random_removals_keep_descriptors_true(void **state)
{
	struct file_set_fixture *f = *state;
	unsigned seed = 12345;
	for (int round = 0; round < 6; round++) {
		struct model m = {0};
		assert_ok(pmemset_set_contiguous_part_coalescing(f->set,
				round % 2 ? PMEMSET_COALESCING_OPPORTUNISTIC :
				PMEMSET_COALESCING_NONE));
		int nparts = 20 + (int)(rand_r(&seed) % 20);
		for (int i = 0; i < nparts; i++) {
			size_t len = (1 + rand_r(&seed) % 4) * 4 * KiB;
			size_t off = (rand_r(&seed) % 64) * 4 * KiB;
			struct pmemset_part_descriptor d;
			test_map(f->set, f->src, off, len, &d);
			char *part = (char *)d.addr + d.size - len;
			unsigned char fill = (unsigned char)(i + 1);
			/* parts may share file bytes: model by address only */
			model_add(&m, part, len, fill);
			(void) part;
		}
		/* fill after mapping: views of one file share bytes */
		for (size_t i = 0; i < m.n; i++)
			m.fill[i] = (unsigned char)*m.addr[i];
		check_against_model(f->set, &m);
		while (m.n > 0) {
			size_t i = rand_r(&seed) % m.n;
			size_t len = 1 + rand_r(&seed) % (3 * m.len[i]);
			char *a = m.addr[i] + rand_r(&seed) % m.len[i];
			assert_ok(pmemset_remove_range(f->set, a, len));
			model_remove_range(&m, a, len);
			check_against_model(f->set, &m);
			/* now and then through remove_part_map instead */
			if (m.n > 0 && rand_r(&seed) % 4 == 0) {
				struct pmemset_part_map *pmap;
				assert_ok(pmemset_part_map_by_address(f->set,
						&pmap, m.addr[0]));
				struct pmemset_part_descriptor d =
					pmemset_descriptor_part_map(pmap);
				assert_ok(pmemset_remove_part_map(f->set,
						&pmap));
				model_remove_range(&m, d.addr, d.size);
				check_against_model(f->set, &m);
			}
		}
		assert_int_equal(test_count_part_maps(f->set), 0);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
#define T(name) file_set_test(name, &Params)
		T(pmdk_split_head_bug),
		T(remove_range_takes_whole_parts),
		T(remove_range_errors),
		T(remove_range_refused_while_referenced),
		T(remove_part_map_needs_the_only_reference),
		T(remove_part_map_misuse),
		T(events_balance_mapped_bytes),
		T(random_removals_keep_descriptors_true),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
