// SPDX-License-Identifier: BSD-3-Clause
/*
 * ref_check_test.c -- extra drops of part map references through copies of
 * the pointer: what the count alone detects (pmemset_part_map_drop(3):
 * only when no other reference is held), and what PMEMSET_CHECK_REFS=1
 * adds (such a drop within one thread refused while another reference is
 * held; moves of a pointer out of its variable, as first/next loops do,
 * and hand-overs to other threads still accepted).
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "file_set_fixture.h"
#include "test_util.h"

/* three part maps of 64 KiB; PMEMSET_CHECK_REFS is `check_refs` (or unset) */
static struct file_set_fixture *
fixture_new(const char *check_refs)
{
	static const struct file_set_params params = {
		.tag = "refcheck", .file_size = 1 * MiB,
		.parts = 3, .part_size = 64 * KiB,
	};
	if (check_refs != NULL)
		assert_int_equal(setenv("PMEMSET_CHECK_REFS", check_refs, 1),
				0);
	struct file_set_fixture *f = file_set_fixture_new(&params);
	unsetenv("PMEMSET_CHECK_REFS");
	return f;
}

static int
setup_normal(void **state)
{
	*state = fixture_new(NULL);
	return 0;
}

static int
setup_checking(void **state)
{
	*state = fixture_new("1");
	return 0;
}


/* a message no call of the reproducer sets, to see a silent success */
static void
mark_message(void)
{
	pmemset_part_map_drop(NULL);
	assert_msg_has("pmap is NULL");
}

/* two references to the part map at addr, written into *a and *b */
static void
take_twice(struct file_set_fixture *f, char *addr, struct pmemset_part_map **a,
		struct pmemset_part_map **b)
{
	assert_ok(pmemset_part_map_by_address(f->set, a, addr));
	assert_ok(pmemset_part_map_by_address(f->set, b, addr));
	assert_ptr_equal(*a, *b);
}

/*
 * The reproducer: a and b each take a reference to the same part map; a
 * is copied twice and dropped through itself and both copies.
 */
static void
normal_mode_extra_drop_uses_up_another_reference(void **state)
{
	struct file_set_fixture *f = *state;
	char *addr = f->parts[1].addr;
	struct pmemset_part_map *a, *b;
	take_twice(f, addr, &a, &b);
	struct pmemset_part_map *c1 = a, *c2 = a;

	mark_message();
	pmemset_part_map_drop(&a);		/* a's own: fine */
	pmemset_part_map_drop(&c1);		/* extra: silently takes b's */
	assert_null(c1);
	assert_msg_has("pmap is NULL");		/* no failure was reported */
	pmemset_part_map_drop(&c2);		/* none held: detected */
	assert_msg_has("holds no reference to drop");

	/* b still points at the part map, yet nothing stops its removal */
	assert_ok(pmemset_remove_range(f->set, addr, 1));
	struct pmemset_part_map *p;
	assert_err(pmemset_part_map_by_address(f->set, &p, addr),
			PMEMSET_E_CANNOT_FIND_PART_MAP);
	assert_int_equal(test_count_part_maps(f->set), 2);
	(void) b; /* dangling now: using it is the bug the page warns of */
}

static void
checking_mode_refuses_an_extra_drop_through_a_copy(void **state)
{
	struct file_set_fixture *f = *state;
	char *addr = f->parts[1].addr;
	struct pmemset_part_map *a, *b;
	take_twice(f, addr, &a, &b);
	struct pmemset_part_map *held = b;
	struct pmemset_part_map *c1 = a, *c2 = a;

	pmemset_part_map_drop(&a);
	assert_null(a);
	mark_message();
	pmemset_part_map_drop(&c1);
	assert_null(c1);
	assert_msg_has("no reference was handed out through the variable");
	assert_msg_has("PMEMSET_CHECK_REFS=1");
	assert_msg_has("each of the 1 held was taken by this thread");
	mark_message();
	pmemset_part_map_drop(&c2);
	assert_msg_has("no reference was handed out through the variable");

	/* b's reference is still counted: the removal is refused */
	assert_err(pmemset_remove_range(f->set, addr, 1),
			PMEMSET_E_PART_MAP_POSSIBLE_USE_AFTER_DROP);
	assert_msg_has("1 other reference(s) held");
	assert_ptr_equal(pmemset_descriptor_part_map(b).addr, addr);

	/* b gives it back through its own variable; then it can go */
	pmemset_part_map_drop(&b);
	assert_null(b);
	assert_ok(pmemset_remove_range(f->set, addr, 1));
	/* a drop through a copy once none is held: the count's own refusal */
	pmemset_part_map_drop(&held);
	assert_msg_has("holds no reference to drop");
	assert_int_equal(test_count_part_maps(f->set), 2);
}

/* the usual loop moves next into its current pointer and drops that */
static void
checking_mode_accepts_a_first_next_loop(void **state)
{
	struct file_set_fixture *f = *state;
	mark_message();
	size_t n = 0;
	struct pmemset_part_map *pmap, *next;
	pmemset_first_part_map(f->set, &pmap);
	while (pmap != NULL) {
		n++;
		pmemset_next_part_map(f->set, pmap, &next);
		pmemset_part_map_drop(&pmap);
		pmap = next;
	}
	assert_int_equal(n, 3);
	assert_msg_has("pmap is NULL");	/* no drop was refused */
	/* every reference went back: each part map can be removed whole */
	for (int i = 0; i < 3; i++) {
		struct pmemset_part_map *p;
		assert_ok(pmemset_part_map_by_address(f->set, &p,
				f->parts[i].addr));
		assert_ok(pmemset_remove_part_map(f->set, &p));
		assert_null(p);
	}
	assert_int_equal(test_count_part_maps(f->set), 0);
}

/*
 * A pointer moved out of the variable the lookup wrote, which a later
 * lookup (found or not) then overwrote: dropping the moved pointer is fine.
 */
static void
checking_mode_accepts_a_moved_pointer(void **state)
{
	struct file_set_fixture *f = *state;
	struct pmemset_part_map *tmp, *kept0, *kept1;
	assert_ok(pmemset_part_map_by_address(f->set, &tmp, f->parts[0].addr));
	kept0 = tmp;
	assert_ok(pmemset_part_map_by_address(f->set, &tmp, f->parts[1].addr));
	kept1 = tmp;
	int outside;
	assert_err(pmemset_part_map_by_address(f->set, &tmp, &outside),
			PMEMSET_E_CANNOT_FIND_PART_MAP);
	assert_null(tmp);
	mark_message();
	pmemset_part_map_drop(&kept0);
	pmemset_part_map_drop(&kept1);
	assert_msg_has("pmap is NULL");
	assert_null(kept0);
	assert_null(kept1);
	assert_ok(pmemset_remove_range(f->set, f->parts[0].addr, 128 * KiB));

	/* the strict side of the rule: a copy while the original still holds */
	struct pmemset_part_map *orig, *copy;
	assert_ok(pmemset_part_map_by_address(f->set, &orig, f->parts[2].addr));
	copy = orig;
	pmemset_part_map_drop(&copy);
	assert_msg_has("drop a reference through the variable the lookup "
			"wrote it into");
	pmemset_part_map_drop(&orig);
	assert_null(orig);
	assert_ok(pmemset_remove_range(f->set, f->parts[2].addr, 1));
}

/*
 * Removal and delete forget what was held: a part map that comes back from
 * the set's pool starts with no reference recorded.
 */
static void
checking_mode_forgets_removed_part_maps(void **state)
{
	struct file_set_fixture *f = *state;
	struct pmemset_part_map *p;
	assert_ok(pmemset_part_map_by_address(f->set, &p, f->parts[0].addr));
	assert_ok(pmemset_remove_part_map(f->set, &p));
	assert_null(p);
	struct pmemset_part_descriptor d;
	test_map(f->set, f->src, 0, 64 * KiB, &d); /* may reuse the part map */
	struct pmemset_part_map *q, *copy;
	assert_ok(pmemset_part_map_by_address(f->set, &q, d.addr));
	copy = q;
	pmemset_part_map_drop(&copy); /* refused: q still holds it */
	assert_msg_has("PMEMSET_CHECK_REFS=1");
	assert_ok(pmemset_remove_part_map(f->set, &q));

	/* references held at delete are forgotten with the set */
	struct pmemset_part_map *left;
	assert_ok(pmemset_part_map_by_address(f->set, &left, f->parts[1].addr));
	assert_ok(pmemset_delete(&f->set));
	assert_int_equal(setenv("PMEMSET_CHECK_REFS", "1", 1), 0);
	f->set = test_set_new(PMEM2_GRANULARITY_PAGE, NULL, NULL);
	unsetenv("PMEMSET_CHECK_REFS");
	test_map(f->set, f->src, 0, 64 * KiB, &d);
	struct pmemset_part_map *fresh;
	assert_ok(pmemset_part_map_by_address(f->set, &fresh, d.addr));
	mark_message();
	pmemset_part_map_drop(&fresh);
	assert_msg_has("pmap is NULL");
	assert_ok(pmemset_remove_range(f->set, d.addr, 1));
}

/* a reference one thread takes and another drops through its own copy */
struct hand_over {
	struct pmemset_part_map *pointer;	/* the copy the dropper gets */
	char msg[512];
};

static void *
drop_handed_over(void *arg)
{
	struct hand_over *h = arg;
	pmemset_part_map_drop(NULL); /* the mark; no cmocka asserts here */
	pmemset_part_map_drop(&h->pointer);
	snprintf(h->msg, sizeof(h->msg), "%s", pmemset_errormsg());
	return NULL;
}

static void
checking_mode_accepts_a_reference_handed_to_another_thread(void **state)
{
	struct file_set_fixture *f = *state;
	struct pmemset_part_map *mine;
	assert_ok(pmemset_part_map_by_address(f->set, &mine, f->parts[0].addr));
	struct hand_over h = {mine, ""};
	pthread_t t;
	assert_int_equal(pthread_create(&t, NULL, drop_handed_over, &h), 0);
	assert_int_equal(pthread_join(t, NULL), 0);
	assert_null(h.pointer);
	assert_non_null(strstr(h.msg, "pmap is NULL")); /* not refused */
	/* the count went to 0: the part map can go */
	assert_ok(pmemset_remove_range(f->set, f->parts[0].addr, 1));
}

/* threads looking up and dropping at once, each through its own variable */
struct looker {
	struct file_set_fixture *f;
	int refused;
};

static void *
look_up_and_drop(void *arg)
{
	struct looker *l = arg;
	for (int k = 0; k < 2000; k++) {
		struct pmemset_part_map *p;
		if (pmemset_part_map_by_address(l->f->set, &p,
				l->f->parts[k % 3].addr) != 0) {
			l->refused++;
			continue;
		}
		pmemset_part_map_drop(NULL); /* the mark */
		pmemset_part_map_drop(&p);
		if (strstr(pmemset_errormsg(), "pmap is NULL") == NULL)
			l->refused++;
	}
	return NULL;
}

static void
checking_mode_with_threads(void **state)
{
	struct file_set_fixture *f = *state;
	enum { NTHREADS = 4 };
	pthread_t t[NTHREADS];
	struct looker l[NTHREADS];
	for (int i = 0; i < NTHREADS; i++) {
		l[i] = (struct looker){f, 0};
		assert_int_equal(pthread_create(&t[i], NULL, look_up_and_drop,
				&l[i]), 0);
	}
	for (int i = 0; i < NTHREADS; i++) {
		assert_int_equal(pthread_join(t[i], NULL), 0);
		assert_int_equal(l[i].refused, 0);
	}
	/* every reference went back */
	assert_ok(pmemset_remove_range(f->set, f->parts[0].addr, 192 * KiB));
}

/* only "1" turns the mode on */
static void
other_values_leave_the_mode_off(void **state)
{
	(void) state;
	const char *values[] = {"0", "yes", "", "11"};
	for (size_t i = 0; i < sizeof(values) / sizeof(values[0]); i++) {
		struct file_set_fixture *f = fixture_new(values[i]);
		struct pmemset_part_map *a, *b;
		take_twice(f, f->parts[0].addr, &a, &b);
		struct pmemset_part_map *copy = a;
		pmemset_part_map_drop(&a);
		mark_message();
		pmemset_part_map_drop(&copy); /* unchecked: accepted */
		assert_msg_has("pmap is NULL");
		/* the count is 0 although b points at the part map */
		assert_ok(pmemset_remove_range(f->set, f->parts[0].addr, 1));
		(void) b;
		file_set_fixture_delete(f);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
			normal_mode_extra_drop_uses_up_another_reference,
			setup_normal, file_set_fixture_teardown),
		cmocka_unit_test_setup_teardown(
			checking_mode_refuses_an_extra_drop_through_a_copy,
			setup_checking, file_set_fixture_teardown),
		cmocka_unit_test_setup_teardown(
			checking_mode_accepts_a_first_next_loop,
			setup_checking, file_set_fixture_teardown),
		cmocka_unit_test_setup_teardown(
			checking_mode_accepts_a_moved_pointer,
			setup_checking, file_set_fixture_teardown),
		cmocka_unit_test_setup_teardown(
			checking_mode_forgets_removed_part_maps,
			setup_checking, file_set_fixture_teardown),
		cmocka_unit_test_setup_teardown(
			checking_mode_accepts_a_reference_handed_to_another_thread,
			setup_checking, file_set_fixture_teardown),
		cmocka_unit_test_setup_teardown(checking_mode_with_threads,
			setup_checking, file_set_fixture_teardown),
		cmocka_unit_test(other_values_leave_the_mode_off),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
