// SPDX-License-Identifier: BSD-3-Clause
/*
 * sds_crash_test.c -- the SDS the way an application uses it: it keeps the
 * SDS in its own file header and stores it on every SDS_UPDATE. A child
 * maps the file and is killed with SIGKILL while mapped; the next open must
 * report OK_BUT_INTERRUPTED (refused by default, accepted when allowed), a
 * clean delete and reopen OK, and a count that moved while dirty CORRUPTED.
 *
 * SIGKILL keeps every store to the shared mapping (the page cache has
 * them), so this tests the library's bookkeeping, not flushing.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "test_util.h"
#include "sds_app.h"
#include "sds_fake_device.h"

#define HEADER_SIZE (4 * KiB)
#define DATA_SIZE (64 * KiB)
#define MAGIC "sds-crash-app-1"
#define PATTERN 0x5d

/* the application's header at the start of its file */
struct app {
	const char *path;
	struct pmemset_source *src;
	struct pmemset *set;
	struct app_header hdr;
	enum pmemset_part_state state;
	unsigned sds_stores;
	char *data;
};

static struct app_header
read_header(const char *path)
{
	struct app_header h;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || pread(fd, &h, sizeof(h), 0) != (ssize_t)sizeof(h))
		memset(&h, 0, sizeof(h));
	if (fd >= 0)
		close(fd);
	return h;
}

static void
write_header(const char *path, const struct app_header *h)
{
	int fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0 || pwrite(fd, h, sizeof(*h), 0) != (ssize_t)sizeof(*h) ||
	    fdatasync(fd) != 0)
		abort();
	close(fd);
}

/*
 * Opens the file as the application does. Returns pmemset_map's result;
 * no cmocka here, the child runs it too.
 */
static int
app_open(struct app *a, const char *path, uint64_t acceptable)
{
	memset(a, 0, sizeof(*a));
	a->path = path;
	int ret = pmemset_source_from_file(&a->src, path);
	if (ret != 0)
		return ret;
	struct app_header h;
	ret = pmemset_source_pread_mcsafe(a->src, &h, sizeof(h), 0);
	if (ret != 0)
		return ret;
	if (memcmp(h.magic, MAGIC, sizeof(MAGIC)) != 0) {
		/* a new file: a clean SDS the first map fills in */
		struct pmemset_sds fresh = PMEMSET_SDS_INITIALIZE();
		memset(&h, 0, sizeof(h));
		memcpy(h.magic, MAGIC, sizeof(MAGIC));
		h.sds = fresh;
		write_header(path, &h);
	}
	a->hdr = h;
	ret = pmemset_source_set_sds(a->src, &a->hdr.sds, &a->state);
	if (ret != 0)
		return ret;

	struct pmemset_config *cfg;
	if ((ret = pmemset_config_new(&cfg)) != 0)
		return ret;
	pmemset_config_set_required_store_granularity(cfg,
			PMEM2_GRANULARITY_PAGE);
	pmemset_config_set_acceptable_states(cfg, acceptable);
	pmemset_config_set_event_callback(cfg, app_store_sds,
			&a->sds_stores);
	ret = pmemset_new(&a->set, cfg);
	pmemset_config_delete(&cfg);
	if (ret != 0)
		return ret;

	struct pmemset_map_config *mc;
	if ((ret = pmemset_map_config_new(&mc)) != 0)
		return ret;
	pmemset_map_config_set_offset(mc, HEADER_SIZE);
	pmemset_map_config_set_length(mc, DATA_SIZE);
	struct pmemset_part_descriptor d = {NULL, 0};
	ret = pmemset_map(a->set, a->src, mc, &d);
	/* the message of a failed map is what the caller wants to see */
	char msg[1024];
	strncpy(msg, pmemset_errormsg(), sizeof(msg) - 1);
	msg[sizeof(msg) - 1] = '\0';
	pmemset_map_config_delete(&mc);
	if (ret != 0)
		fprintf(stderr, "app_open: %s\n", msg);
	a->data = d.addr;
	return ret;
}

static void
app_close(struct app *a)
{
	assert_ok(pmemset_delete(&a->set));
	assert_ok(pmemset_source_delete(&a->src));
}

/* a child opens the file, writes, says so, and waits to be killed */
enum child_work { CHILD_MAP, CHILD_MAP_TWO_REMOVE_ONE };

static void
child_main(const char *path, enum child_work work, int wfd)
{
	struct app a;
	char ok = '0';
	if (app_open(&a, path, PMEMSET_PART_STATE_OK |
			PMEMSET_PART_STATE_OK_BUT_ALREADY_OPEN) == 0) {
		memset(a.data, PATTERN, DATA_SIZE);
		ok = pmemset_persist(a.set, a.data, DATA_SIZE) == 0 ? '1' : '0';
	}
	if (ok == '1' && work == CHILD_MAP_TWO_REMOVE_ONE) {
		struct pmemset_map_config *mc;
		struct pmemset_part_descriptor d;
		pmemset_map_config_new(&mc);
		pmemset_map_config_set_offset(mc, HEADER_SIZE + DATA_SIZE);
		pmemset_map_config_set_length(mc, DATA_SIZE);
		if (pmemset_map(a.set, a.src, mc, &d) != 0 ||
		    pmemset_remove_range(a.set, d.addr, d.size) != 0 ||
		    a.hdr.sds.refcount != 0 /* set_sds took a copy */)
			ok = '0';
		pmemset_map_config_delete(&mc);
	}
	if (write(wfd, &ok, 1) != 1)
		_exit(2);
	for (;;)
		pause();
}

static void
run_child_and_kill(const char *path, enum child_work work)
{
	int p[2];
	assert_int_equal(pipe2(p, O_CLOEXEC), 0);
	fflush(NULL);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		close(p[0]);
		child_main(path, work, p[1]);
		_exit(3);
	}
	close(p[1]);
	char ok = 0;
	ssize_t n = read(p[0], &ok, 1);
	close(p[0]);
	assert_int_equal(kill(pid, SIGKILL), 0);
	int status;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_int_equal(n, 1);
	assert_int_equal(ok, '1');
	assert_true(WIFSIGNALED(status));
	assert_int_equal(WTERMSIG(status), SIGKILL);
}

struct fixture {
	char *path;
};

static int
setup(void **state)
{
	fake_device_install();
	struct fixture *f = calloc(1, sizeof(*f));
	f->path = test_file("sds-crash", HEADER_SIZE);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;
	test_file_remove(f->path);
	fake_device_uninstall();
	free(f);
	return 0;
}

#define ALLOW_INTERRUPTED ((uint64_t)(PMEMSET_PART_STATE_OK | \
	PMEMSET_PART_STATE_OK_BUT_ALREADY_OPEN | \
	PMEMSET_PART_STATE_OK_BUT_INTERRUPTED))
#define DEFAULT_STATES ((uint64_t)(PMEMSET_PART_STATE_OK | \
	PMEMSET_PART_STATE_OK_BUT_ALREADY_OPEN))

/* a refused open: the state, nothing mapped, nothing stored */
static void
assert_refused(const char *path, enum pmemset_part_state want)
{
	struct app_header before = read_header(path);
	size_t size = test_file_size(path);
	struct app a;
	assert_int_equal(app_open(&a, path, DEFAULT_STATES),
			PMEMSET_E_UNDESIRABLE_PART_STATE);
	assert_int_equal(a.state, want);
	assert_null(a.data);
	assert_int_equal(a.sds_stores, 0);
	assert_int_equal(test_count_part_maps(a.set), 0);
	app_close(&a);
	struct app_header after = read_header(path);
	assert_memory_equal(&before, &after, sizeof(before));
	assert_int_equal(test_file_size(path), size);
}

/* a clean close stores a clean SDS, and the next open is OK */
static void
assert_clean_close_and_reopen(struct app *a)
{
	unsigned stores = a->sds_stores;
	app_close(a);
	assert_int_equal(a->sds_stores, stores + 1);
	assert_int_equal(read_header(a->path).sds.refcount, 0);

	struct app again;
	assert_ok(app_open(&again, a->path, DEFAULT_STATES));
	assert_int_equal(again.state, PMEMSET_PART_STATE_OK);
	assert_int_equal(read_header(again.path).sds.refcount, 1);
	app_close(&again);
	assert_int_equal(read_header(again.path).sds.refcount, 0);
}

static void
killed_while_mapped_is_interrupted(void **state)
{
	struct fixture *f = *state;
	run_child_and_kill(f->path, CHILD_MAP);
	assert_int_equal(test_file_size(f->path), HEADER_SIZE + DATA_SIZE);
	struct app_header h = read_header(f->path);
	assert_int_equal(h.sds.refcount, 1);
	assert_true(h.sds.id[0] != '\0');

	assert_refused(f->path, PMEMSET_PART_STATE_OK_BUT_INTERRUPTED);

	struct app a;
	assert_ok(app_open(&a, f->path, ALLOW_INTERRUPTED));
	assert_int_equal(a.state, PMEMSET_PART_STATE_OK_BUT_INTERRUPTED);
	assert_int_equal(a.sds_stores, 1);
	/* taken over: one reference, ours */
	assert_int_equal(read_header(f->path).sds.refcount, 1);
	/* what the child wrote is there */
	for (size_t i = 0; i < DATA_SIZE; i += 4 * KiB)
		assert_int_equal((unsigned char)a.data[i], PATTERN);
	assert_clean_close_and_reopen(&a);
	assert_int_equal(test_file_size(f->path), HEADER_SIZE + DATA_SIZE);
}

static void
killed_after_partial_unmap_is_interrupted(void **state)
{
	struct fixture *f = *state;
	run_child_and_kill(f->path, CHILD_MAP_TWO_REMOVE_ONE);
	/* two acquires, one release reached the header */
	assert_int_equal(read_header(f->path).sds.refcount, 1);
	assert_refused(f->path, PMEMSET_PART_STATE_OK_BUT_INTERRUPTED);
	struct app a;
	assert_ok(app_open(&a, f->path, ALLOW_INTERRUPTED));
	assert_int_equal(a.state, PMEMSET_PART_STATE_OK_BUT_INTERRUPTED);
	assert_clean_close_and_reopen(&a);
}

static void
count_moved_while_dirty_is_corrupted(void **state)
{
	struct fixture *f = *state;
	run_child_and_kill(f->path, CHILD_MAP);
	struct app_header h = read_header(f->path);
	assert_int_equal(h.sds.refcount, 1);
	if (fake_real_pmem()) {
		/* a real count cannot be moved: move the stored one back */
		h.sds.usc--;
		write_header(f->path, &h);
	} else {
		Fake.usc++; /* the device lost power while the file was open */
	}

	assert_refused(f->path, PMEMSET_PART_STATE_CORRUPTED);
	/* allowing INTERRUPTED does not cover it */
	struct app a;
	assert_int_equal(app_open(&a, f->path, ALLOW_INTERRUPTED),
			PMEMSET_E_UNDESIRABLE_PART_STATE);
	assert_int_equal(a.state, PMEMSET_PART_STATE_CORRUPTED);
	app_close(&a);

	/* an application that repaired its data accepts it once */
	assert_ok(app_open(&a, f->path,
			DEFAULT_STATES | PMEMSET_PART_STATE_CORRUPTED));
	assert_int_equal(a.state, PMEMSET_PART_STATE_CORRUPTED);
	assert_int_not_equal(read_header(f->path).sds.usc, h.sds.usc);
	assert_clean_close_and_reopen(&a);
}

static void
clean_close_is_ok(void **state)
{
	struct fixture *f = *state;
	struct app a;
	assert_ok(app_open(&a, f->path, DEFAULT_STATES));
	assert_int_equal(a.state, PMEMSET_PART_STATE_OK);
	assert_int_equal(a.sds_stores, 1);
	struct app_header h = read_header(f->path);
	assert_int_equal(h.sds.refcount, 1);
	assert_true(h.sds.id[0] != '\0');
	assert_clean_close_and_reopen(&a);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(clean_close_is_ok,
				setup, teardown),
		cmocka_unit_test_setup_teardown(
				killed_while_mapped_is_interrupted,
				setup, teardown),
		cmocka_unit_test_setup_teardown(
				killed_after_partial_unmap_is_interrupted,
				setup, teardown),
		cmocka_unit_test_setup_teardown(
				count_moved_while_dirty_is_corrupted,
				setup, teardown),
	};
	return cmocka_run_group_tests_name("sds_crash", tests, NULL, NULL);
}
