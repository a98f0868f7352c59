// SPDX-License-Identifier: BSD-3-Clause
/*
 * crash_test.c -- an append-only log kept through a set, killed with
 * SIGKILL at random moments, round after round, on the same file.
 *
 * The application (run by a child) keeps a header page (its own magic, the
 * SDS it stores on every SDS_UPDATE, and one 8-byte commit word: generation
 * and record count) and data parts of 64 KiB that it maps as the log grows.
 * It appends records with pmemset_memcpy, then commits each with an 8-byte
 * pmemset_memcpy of the commit word; between appends it removes data parts,
 * removes and maps the header again, removes everything, or deletes the
 * set and makes a new one, in random order and coalescing modes. When the
 * log is full it starts a new generation from record 0.
 *
 * After each kill the parent reopens the file as the application would and
 * checks: the file size is the header plus whole data parts, enough for
 * every committed record; every committed record is intact (read through a
 * set); the first map reports the SDS state the stored SDS calls for
 * (OK_BUT_INTERRUPTED while it says "open", CORRUPTED when the device's
 * count moved meanwhile, OK otherwise); a clean close stores a clean SDS.
 * The next child carries on from there. SIGKILL keeps every store to the
 * shared mapping, so this checks the library's bookkeeping, not flushing.
 *
 * The SDS needs a device that reports a count: the fake behind src/device.h
 * (as in the sds tests). PMEMSET_CRASH_ROUNDS sets the number of rounds
 * (the CI default is in tests/reliability.cmake; scripts/fuzz.sh --long runs
 * thousands).
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "test_util.h"
#include "sds_app.h"
#include "sds_fake_device.h"

#define HEADER_SIZE (4 * KiB)
#define DATA_PART (64 * KiB)
#define REC_SIZE 256
#define PER_PART (DATA_PART / REC_SIZE)
#define MAX_DATA_PARTS 24
#define MAX_RECORDS (PER_PART * MAX_DATA_PARTS)
#define MAGIC "crash-log-app-1"
#define COMMIT_OFFSET 1024	/* of the commit word in the header */

#define ALL_STATES ((uint64_t)(PMEMSET_PART_STATE_INDETERMINATE | \
	PMEMSET_PART_STATE_OK | PMEMSET_PART_STATE_OK_BUT_ALREADY_OPEN | \
	PMEMSET_PART_STATE_OK_BUT_INTERRUPTED | \
	PMEMSET_PART_STATE_CORRUPTED))

struct record {
	uint32_t gen;
	uint32_t index;
	uint64_t check;
	unsigned char payload[REC_SIZE - 16];
};

static uint64_t
commit_word(uint32_t gen, uint32_t count)
{
	return (uint64_t)gen << 32 | count;
}

static void
make_record(struct record *r, uint32_t gen, uint32_t index)
{
	r->gen = gen;
	r->index = index;
	uint64_t h = 0xcbf29ce484222325ULL ^ ((uint64_t)gen << 32 | index);
	for (size_t i = 0; i < sizeof(r->payload); i++) {
		h = (h ^ (i & 0xff)) * 0x100000001b3ULL;
		r->payload[i] = (unsigned char)(h >> 29);
	}
	r->check = h;
}

/* ---- the application, as the child runs it ---- */

struct app {
	const char *path;
	struct pmemset_source *src;
	struct pmemset *set;
	struct pmemset_sds sds;	/* what set_sds was given */
	enum pmemset_part_state state;
	char *header;		/* the mapped header part */
	char *data[MAX_DATA_PARTS]; /* mapped data parts, or NULL */
	enum pmemset_coalescing co;
	unsigned sds_stores;
};

static int
map_part(struct app *a, size_t offset, size_t length, char **addr)
{
	struct pmemset_map_config *mc;
	int ret = pmemset_map_config_new(&mc);
	if (ret != 0)
		return ret;
	pmemset_map_config_set_offset(mc, offset);
	pmemset_map_config_set_length(mc, length);
	struct pmemset_part_descriptor d;
	ret = pmemset_map(a->set, a->src, mc, &d);
	pmemset_map_config_delete(&mc);
	if (ret == 0)
		*addr = (char *)d.addr + d.size - length;
	return ret;
}

static int
app_new_set(struct app *a)
{
	struct pmemset_config *cfg;
	int ret = pmemset_config_new(&cfg);
	if (ret != 0)
		return ret;
	pmemset_config_set_required_store_granularity(cfg,
			PMEM2_GRANULARITY_PAGE);
	pmemset_config_set_acceptable_states(cfg, ALL_STATES);
	pmemset_config_set_event_callback(cfg, app_store_sds,
			&a->sds_stores);
	ret = pmemset_new(&a->set, cfg);
	pmemset_config_delete(&cfg);
	if (ret == 0)
		ret = pmemset_set_contiguous_part_coalescing(a->set, a->co);
	if (ret == 0)
		ret = map_part(a, 0, HEADER_SIZE, &a->header);
	memset(a->data, 0, sizeof(a->data));
	return ret;
}

/* the application's start: its SDS from the header, then the header part */
static int
app_open(struct app *a, const char *path, enum pmemset_coalescing co)
{
	memset(a, 0, sizeof(*a));
	a->path = path;
	a->co = co;
	int ret = pmemset_source_from_file(&a->src, path);
	if (ret != 0)
		return ret;
	struct app_header h;
	ret = pmemset_source_pread_mcsafe(a->src, &h, sizeof(h), 0);
	if (ret != 0)
		return ret;
	a->sds = h.sds;
	ret = pmemset_source_set_sds(a->src, &a->sds, &a->state);
	if (ret != 0)
		return ret;
	return app_new_set(a);
}

static uint64_t
app_commit_word(struct app *a)
{
	uint64_t w;
	memcpy(&w, a->header + COMMIT_OFFSET, sizeof(w));
	return w;
}

static int
app_commit(struct app *a, uint64_t w)
{
	return pmemset_memcpy(a->set, a->header + COMMIT_OFFSET, &w,
			sizeof(w), 0) == NULL ? -1 : 0;
}

static int
app_data_part(struct app *a, size_t k)
{
	if (a->data[k] != NULL)
		return 0;
	return map_part(a, HEADER_SIZE + k * DATA_PART, DATA_PART,
			&a->data[k]);
}

/* one step; returns 0 or the failing call's error */
static int
app_step(struct app *a, unsigned *seed, int *appended)
{
	unsigned r = (unsigned)rand_r(seed) % 100;
	int ret;
	if (r < 85) {
		uint64_t w = app_commit_word(a);
		uint32_t gen = (uint32_t)(w >> 32), count = (uint32_t)w;
		if (count == MAX_RECORDS)	/* full: a new generation */
			return app_commit(a, commit_word(gen + 1, 0));
		size_t k = count / PER_PART;
		if ((ret = app_data_part(a, k)) != 0)
			return ret;
		struct record rec;
		make_record(&rec, gen, count);
		char *at = a->data[k] + (count % PER_PART) * REC_SIZE;
		if (pmemset_memcpy(a->set, at, &rec, sizeof(rec), 0) == NULL)
			return -1;
		(*appended)++;
		return app_commit(a, commit_word(gen, count + 1));
	}
	if (r < 93) {
		size_t k = (unsigned)rand_r(seed) % MAX_DATA_PARTS;
		if (a->data[k] == NULL)
			return 0;
		ret = pmemset_remove_range(a->set, a->data[k], 1);
		a->data[k] = NULL;
		return ret;
	}
	if (r < 96) {
		if ((ret = pmemset_remove_range(a->set, a->header, 1)) != 0)
			return ret;
		return map_part(a, 0, HEADER_SIZE, &a->header);
	}
	if (r < 98) {
		/* everything at once: the SDS goes clean, then dirty again */
		ret = pmemset_remove_range(a->set, (void *)4096,
				PTRDIFF_MAX);
		if (ret != 0)
			return ret;
		memset(a->data, 0, sizeof(a->data));
		a->co = (enum pmemset_coalescing)((unsigned)rand_r(seed) % 2);
		if ((ret = pmemset_set_contiguous_part_coalescing(a->set,
				a->co)) != 0)
			return ret;
		return map_part(a, 0, HEADER_SIZE, &a->header);
	}
	if ((ret = pmemset_delete(&a->set)) != 0)
		return ret;
	return app_new_set(a);
}

/* the child: opens, says so after its first append, works until killed */
static void
child_main(const char *path, unsigned seed, int wfd)
{
	struct app a;
	int ret = app_open(&a, path, (enum pmemset_coalescing)(seed % 2));
	if (ret != 0) {
		fprintf(stderr, "child: open: %d %s\n", ret,
				pmemset_errormsg());
		_exit(3);
	}
	int appended = 0;
	bool told = false;
	for (;;) {
		ret = app_step(&a, &seed, &appended);
		if (ret != 0) {
			fprintf(stderr, "child: step: %d %s\n", ret,
					pmemset_errormsg());
			_exit(4);
		}
		if (!told && appended > 0) {
			char ok = '1';
			if (write(wfd, &ok, 1) != 1)
				_exit(5);
			told = true;
		}
	}
}

/* ---- the parent ---- */

static uint64_t Device_usc = 7;	/* what the fake device reports */

static void
install_device(void)
{
	fake_device_install();
	Fake.usc = Device_usc;
}

static struct app_header
read_header(const char *path)
{
	struct app_header h;
	memset(&h, 0, sizeof(h));
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || pread(fd, &h, sizeof(h), 0) != (ssize_t)sizeof(h))
		fail_msg("cannot read the header of %s", path);
	close(fd);
	return h;
}

static long
delay_us(unsigned *seed, long max)
{
	return (long)((unsigned)rand_r(seed) % (unsigned)(max + 1));
}

/* one child, killed at a random moment; it must not have died otherwise */
static void
run_and_kill(const char *path, unsigned round_seed, long max_delay,
		bool wait_first_append)
{
	int p[2];
	assert_int_equal(pipe2(p, O_CLOEXEC), 0);
	fflush(NULL);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		close(p[0]);
		child_main(path, round_seed, p[1]);
		_exit(6);
	}
	close(p[1]);
	unsigned seed = round_seed * 2654435761u;
	if (wait_first_append) {
		char ok;
		/* a child that failed closes the pipe: read returns 0 */
		(void) read(p[0], &ok, 1);
	}
	struct timespec ts = {0, delay_us(&seed, max_delay) * 1000};
	nanosleep(&ts, NULL);
	kill(pid, SIGKILL);
	close(p[0]);
	int status;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	if (!WIFSIGNALED(status) || WTERMSIG(status) != SIGKILL)
		fail_msg("round seed %u: the child was not killed but ended "
			"with status 0x%x", round_seed, status);
}

struct tally {
	unsigned interrupted, corrupted, ok, records_checked, max_records;
};

/* reopens as the application does and checks everything */
static void
check_after_kill(const char *path, bool usc_moved, struct tally *t)
{
	struct app_header h = read_header(path);
	assert_memory_equal(h.magic, MAGIC, sizeof(MAGIC));
	/* the stored SDS is sane: never negative, never more than parts */
	assert_true(h.sds.refcount >= 0);
	assert_true(h.sds.refcount <= 1 + MAX_DATA_PARTS);

	size_t size = test_file_size(path);
	assert_true(size >= HEADER_SIZE);
	assert_int_equal((size - HEADER_SIZE) % DATA_PART, 0);
	assert_true(size <= HEADER_SIZE + MAX_DATA_PARTS * DATA_PART);

	struct app a;
	assert_ok(app_open(&a, path, PMEMSET_COALESCING_OPPORTUNISTIC));
	enum pmemset_part_state want = PMEMSET_PART_STATE_OK;
	if (h.sds.refcount > 0)
		want = usc_moved ? PMEMSET_PART_STATE_CORRUPTED :
			PMEMSET_PART_STATE_OK_BUT_INTERRUPTED;
	if (a.state != want)
		fail_msg("the first map reports state %d; the stored SDS "
			"(refcount %d, count %llu, device %llu) calls for %d",
			(int)a.state, h.sds.refcount,
			(unsigned long long)h.sds.usc,
			(unsigned long long)Device_usc, (int)want);
	t->interrupted += want == PMEMSET_PART_STATE_OK_BUT_INTERRUPTED;
	t->corrupted += want == PMEMSET_PART_STATE_CORRUPTED;
	t->ok += want == PMEMSET_PART_STATE_OK;
	/* the map took the SDS over: ours now, on this device */
	struct app_header now = read_header(path);
	assert_int_equal(now.sds.refcount, 1);
	assert_int_equal(now.sds.usc, Device_usc);
	assert_string_equal(now.sds.id, Fake.id);

	/* every committed record, through the set */
	uint64_t w = app_commit_word(&a);
	uint32_t gen = (uint32_t)(w >> 32), count = (uint32_t)w;
	assert_true(count <= MAX_RECORDS);
	if (count > 0) {
		size_t parts = (count - 1) / PER_PART + 1;
		assert_true(size >= HEADER_SIZE + parts * DATA_PART);
	}
	for (uint32_t i = 0; i < count; i++) {
		size_t k = i / PER_PART;
		assert_ok(app_data_part(&a, k));
		struct record want_rec;
		make_record(&want_rec, gen, i);
		const char *at = a.data[k] + (i % PER_PART) * REC_SIZE;
		if (memcmp(at, &want_rec, sizeof(want_rec)) != 0)
			fail_msg("record %u of generation %u (of %u committed) "
				"is damaged", i, gen, count);
	}
	t->records_checked += count;
	if (count > t->max_records)
		t->max_records = count;
	/* mapping for the check grew nothing */
	assert_int_equal(test_file_size(path), size);

	/* a clean close stores a clean SDS */
	assert_ok(pmemset_delete(&a.set));
	assert_ok(pmemset_source_delete(&a.src));
	assert_int_equal(read_header(path).sds.refcount, 0);
}

static void
killed_at_random_moments(void **state)
{
	(void) state;
	long rounds = 300, max_delay = 3000;
	const char *env = getenv("PMEMSET_CRASH_ROUNDS");
	if (env != NULL)
		rounds = atol(env);
	env = getenv("PMEMSET_CRASH_MAX_DELAY_US");
	if (env != NULL)
		max_delay = atol(env);

	char *path = test_file("crash-log", HEADER_SIZE);
	struct app_header h;
	memset(&h, 0, sizeof(h));
	memcpy(h.magic, MAGIC, sizeof(MAGIC));
	int fd = open(path, O_RDWR | O_CLOEXEC);
	assert_true(fd >= 0);
	assert_int_equal(pwrite(fd, &h, sizeof(h), 0), (ssize_t)sizeof(h));
	close(fd);

	struct tally t = {0};
	unsigned seed = 20261123;
	for (long r = 0; r < rounds; r++) {
		unsigned round_seed = (unsigned)rand_r(&seed);
		/* half the rounds die while opening, half while logging */
		bool after_append = r % 2;
		install_device();
		run_and_kill(path, round_seed, max_delay, after_append);
		/* now and then the device had an unsafe shutdown as well */
		bool usc_moved = r % 7 == 3;
		if (usc_moved)
			Device_usc++;
		install_device();
		check_after_kill(path, usc_moved, &t);
	}
	print_message("%ld rounds: first map OK %u, OK_BUT_INTERRUPTED %u, "
		"CORRUPTED %u; %u committed records checked (up to %u at "
		"once)\n", rounds, t.ok, t.interrupted, t.corrupted,
		t.records_checked, t.max_records);
	fake_device_uninstall();
	test_file_remove(path);
	/* the rounds must have hit both states, or they tested little */
	if (rounds >= 20) {
		assert_true(t.interrupted > 0);
		assert_true(t.records_checked > 0);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(killed_at_random_moments),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
