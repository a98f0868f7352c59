// SPDX-License-Identifier: BSD-3-Clause
/*
 * publish_test.c -- live publication (pmemset_stat_publish_start(3)) and its
 * reader (tools/publication_reader.c): the file and its directory, what a
 * reader sees and that it never sees a torn copy, stale files, files that
 * are corrupt, truncated, foreign or of an unknown version, directories
 * that are refused, and forks.
 *
 * Each test points XDG_RUNTIME_DIR at a fresh directory of its own, so the
 * publications of other programs are never touched. Waiting for the
 * writer's next pass is a wait, not a timed assertion: it gives up only
 * after 20 s.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdatomic.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "stat_util.h"
#include "publication_reader.h"

static char Runtime[256];	/* this test's XDG_RUNTIME_DIR */

static int
runtime_setup(void **state)
{
	(void) state;
	snprintf(Runtime, sizeof(Runtime), "%s/publish_test.%ld.XXXXXX",
		test_dir(), (long)getpid());
	if (mkdtemp(Runtime) == NULL)
		return -1;
	return setenv("XDG_RUNTIME_DIR", Runtime, 1);
}

static void
remove_tree(const char *dir)
{
	char cmd[600];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", dir);
}

static int
runtime_teardown(void **state)
{
	(void) state;
	(void) pmemset_stat_publish_stop();
	remove_tree(Runtime);
	return 0;
}

static void
own_path(char *buf, size_t len)
{
	assert_st(pmemset_stat_publish_path(buf, len));
}

static bool
exists(const char *path)
{
	struct stat st;
	return lstat(path, &st) == 0;
}

/* a consistent copy whose writer passed after `after_ns` */
static void
read_after(const char *path, uint64_t after_ns, struct pubr_snapshot *s)
{
	char why[256];
	for (int i = 0; i < 2000; i++) {
		enum pubr_status st = pubr_read(path, s, why, sizeof(why));
		if (st != PUBR_OK)
			fail_msg("pubr_read %s: %d %s", path, st, why);
		if (s->hdr.updated_ns > after_ns)
			return;
		pubr_free(s);
		struct timespec t = {0, 10000000};
		nanosleep(&t, NULL);
	}
	fail_msg("%s: no pass of the writer in 20 s", path);
}

static uint64_t
now_ns(void)
{
	struct timespec t;
	clock_gettime(CLOCK_REALTIME, &t);
	return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}

/* the file is 0600 in a 0700 directory, both this user's; stop removes it */
static void
test_start_makes_private_file_and_stop_removes_it(void **state)
{
	(void) state;
	char path[512], dir[512];
	assert_st_err(pmemset_stat_publish_path(path, sizeof(path)),
		PMEMSET_STAT_S_NOT_FOUND);
	assert_st(pmemset_stat_publish_start());
	assert_st(pmemset_stat_publish_start());	/* already on: fine */
	own_path(path, sizeof(path));
	snprintf(dir, sizeof(dir), "%s/pmemset/%ld", Runtime, (long)getpid());
	assert_string_equal(path, dir);
	struct stat st;
	assert_int_equal(lstat(path, &st), 0);
	assert_true(S_ISREG(st.st_mode));
	assert_int_equal(st.st_mode & 07777, 0600);
	assert_int_equal(st.st_uid, geteuid());
	snprintf(dir, sizeof(dir), "%s/pmemset", Runtime);
	assert_int_equal(lstat(dir, &st), 0);
	assert_true(S_ISDIR(st.st_mode));
	assert_int_equal(st.st_mode & 07777, 0700);
	assert_st(pmemset_stat_publish_stop());
	assert_false(exists(path));
	assert_st(pmemset_stat_publish_stop());	/* already off: fine */
	assert_st_err(pmemset_stat_publish_path(path, sizeof(path)),
		PMEMSET_STAT_S_NOT_FOUND);
}

static void
test_path_bad_arguments(void **state)
{
	(void) state;
	char small[4];
	assert_st_err(pmemset_stat_publish_path(NULL, 10),
		PMEMSET_STAT_S_INVAL_ARG);
	assert_st(pmemset_stat_publish_start());
	assert_st_err(pmemset_stat_publish_path(small, sizeof(small)),
		PMEMSET_STAT_S_NO_SPACE);
	assert_st_err(pmemset_stat_publish_path(small, 0),
		PMEMSET_STAT_S_NO_SPACE);
	assert_st(pmemset_stat_publish_stop());
}

/* what the reader sees: the sets, their parts and the counters */
static void
test_reader_sees_parts_and_counts(void **state)
{
	(void) state;
	char *file;
	struct pmemset_source *src;
	struct pmemset *set = test_file_set_new(&file, &src, "publish",
			4 * 4096, NULL, NULL);
	struct pmemset_part_descriptor d[3];
	for (int i = 0; i < 3; i++)
		test_map(set, src, (size_t)i * 4096, 4096, &d[i]);
	assert_st(pmemset_stat_publish_start());
	for (int i = 0; i < 5; i++)
		assert_ok(pmemset_persist(set, d[0].addr, 64));
	assert_non_null(pmemset_memset(set, d[1].addr, 1, 100, 0));
	char path[512];
	own_path(path, sizeof(path));
	struct pubr_snapshot s;
	uint64_t t = now_ns();
	read_after(path, t, &s);
	assert_int_equal(s.hdr.pid, (uint64_t)getpid());
	assert_int_equal(s.hdr.uid, (uint64_t)geteuid());
	assert_int_equal(pubr_liveness(&s.hdr), PUBR_ALIVE);
	assert_string_equal(s.hdr.program, program_invocation_short_name);
	assert_int_equal(s.hdr.nsets, 1);
	assert_int_equal(s.hdr.nparts, 3);
	const struct pub_set *r = &s.sets[0].rec;
	assert_int_equal(r->parts, 3);
	assert_int_equal(r->mapped_bytes, 3 * 4096);
	assert_string_equal(r->granularity, "page");
	assert_int_equal(r->counters[PUB_PERSIST_CALLS], 5);
	assert_int_equal(r->counters[PUB_PERSIST_BYTES], 5 * 64);
	assert_int_equal(r->counters[PUB_SET_CALLS], 1);
	assert_int_equal(r->counters[PUB_SET_BYTES], 100);
	bool seen[3] = {false, false, false};
	for (size_t i = 0; i < 3; i++) {
		const struct pubr_part *p = &s.parts[i];
		assert_string_equal(p->path, file);
		assert_string_equal(p->rec.source, "file");
		assert_int_equal(p->rec.size, 4096);
		for (int k = 0; k < 3; k++)
			if (p->rec.address == (uint64_t)(uintptr_t)d[k].addr) {
				assert_int_equal(p->rec.offset,
					(uint64_t)k * 4096);
				seen[k] = true;
			}
	}
	assert_true(seen[0] && seen[1] && seen[2]);
	pubr_free(&s);

	/* a removal and a new set show in a later pass */
	assert_ok(pmemset_remove_range(set, d[2].addr, 4096));
	struct pmemset *set2 = test_set_new(PMEM2_GRANULARITY_PAGE, NULL,
			NULL);
	t = now_ns();
	read_after(path, t, &s);
	assert_int_equal(s.hdr.nsets, 2);
	assert_int_equal(s.hdr.nparts, 2);
	pubr_free(&s);
	pmemset_delete(&set2);
	assert_st(pmemset_stat_publish_stop());
	test_file_set_delete(&set, &src, file);
}

/* text, JSON and OpenMetrics of one snapshot, with and without --match */
static void
test_printers_show_the_tree(void **state)
{
	(void) state;
	char *file;
	struct pmemset_source *src;
	struct pmemset *set = test_file_set_new(&file, &src, "publish_print",
			2 * 4096, NULL, NULL);
	struct pmemset_part_descriptor d;
	test_map(set, src, 0, 4096, &d);
	test_map(set, src, 4096, 4096, NULL);
	assert_st(pmemset_stat_publish_start());
	assert_ok(pmemset_persist(set, d.addr, 8));
	char path[512];
	own_path(path, sizeof(path));
	struct pubr_snapshot s;
	read_after(path, now_ns(), &s);
	char *out;
	size_t len;
	FILE *f = open_memstream(&out, &len);
	pubr_print_text(f, &s, NULL);
	fclose(f);
	assert_non_null(strstr(out, "/pmemset/set/"));
	assert_non_null(strstr(out, "persist_calls            1\n"));
	assert_non_null(strstr(out, file));
	/* the arrays pmemset_stat_dump shows, derived from the records */
	char want_line[600];
	snprintf(want_line, sizeof(want_line), "\tset_ids                  "
		"[%" PRIu64 "]\n", s.sets[0].rec.id);
	assert_non_null(strstr(out, want_line));
	uint64_t p1 = s.parts[0].rec.id, p2 = s.parts[1].rec.id;
	snprintf(want_line, sizeof(want_line), "\tpart_ids                 "
		"[%" PRIu64 ", %" PRIu64 "]\n", p1, p2);
	assert_non_null(strstr(out, want_line));
	snprintf(want_line, sizeof(want_line), "\tsource_paths             "
		"[\"%s\"]\n", file);
	assert_non_null(strstr(out, want_line));
	free(out);
	/* a filter narrows them as it narrows the view */
	char second_part[64];
	snprintf(second_part, sizeof(second_part), "*/part/%" PRIu64, p2);
	char *const second[] = {second_part};
	struct pubr_filter m2 = {second, 1};
	f = open_memstream(&out, &len);
	pubr_print_text(f, &s, &m2);
	fclose(f);
	snprintf(want_line, sizeof(want_line), "\tpart_ids                 "
		"[%" PRIu64 "]\n", p2);
	assert_non_null(strstr(out, want_line));
	snprintf(want_line, sizeof(want_line), "/part/%" PRIu64 "\n", p1);
	assert_null(strstr(out, want_line));
	free(out);
	/* only the parts: the set is shown to hold them */
	char *const pat[] = {"*/part/*"};
	struct pubr_filter m = {pat, 1};
	f = open_memstream(&out, &len);
	pubr_print_json(f, &s, &m);
	fclose(f);
	assert_non_null(strstr(out, "\"maps\": ["));
	assert_non_null(strstr(out, "\"source_path\": \""));
	free(out);
	char *const none[] = {"/nothing"};
	struct pubr_filter m0 = {none, 1};
	f = open_memstream(&out, &len);
	pubr_print_text(f, &s, &m0);
	fclose(f);
	assert_null(strstr(out, "/pmemset/set/"));
	free(out);
	f = open_memstream(&out, &len);
	pubr_print_openmetrics(f, &s, 1, NULL);
	fclose(f);
	char want[128];
	snprintf(want, sizeof(want), "pmemset_set_persist_calls_total"
		"{pid=\"%ld\",set=", (long)getpid());
	assert_non_null(strstr(out, want));
	assert_true(len > 6 && strcmp(out + len - 6, "# EOF\n") == 0);
	free(out);
	pubr_free(&s);
	assert_st(pmemset_stat_publish_stop());
	test_file_set_delete(&set, &src, file);
}

/* --- torn reads --------------------------------------------------------- */

struct churn {
	struct pmemset *set;
	struct pmemset_source *src;
	_Atomic bool stop;
	unsigned long persists;
};

static void *
churn_thread(void *arg)
{
	struct churn *c = arg;
	while (!atomic_load(&c->stop)) {
		struct pmemset_part_descriptor d[4];
		for (int i = 0; i < 4; i++)
			test_map(c->set, c->src, (size_t)i * 4096, 4096, &d[i]);
		for (int k = 0; k < 50; k++, c->persists++)
			assert_ok(pmemset_persist(c->set, d[0].addr, 64));
		for (int i = 0; i < 4; i++)
			assert_ok(pmemset_remove_range(c->set, d[i].addr,
				4096));
	}
	return NULL;
}

/*
 * A thread maps, persists and removes without a pause while the test reads
 * the file hundreds of times: every copy must be whole (its set's part
 * count equals its part records; the records add up to the header's
 * counts, which pubr_parse checks), and the counters never go back.
 */
static void
test_reader_never_sees_a_torn_copy(void **state)
{
	(void) state;
	struct churn c = {0};
	char *file;
	c.set = test_file_set_new(&file, &c.src, "publish_torn", 4 * 4096,
			NULL, NULL);
	assert_st(pmemset_stat_publish_start());
	char path[512], why[256];
	own_path(path, sizeof(path));
	pthread_t th;
	assert_int_equal(pthread_create(&th, NULL, churn_thread, &c), 0);
	uint64_t last_persists = 0, last_updated = 0;
	unsigned passes_seen = 0;
	for (int i = 0; i < 3000 && passes_seen < 12; i++) {
		struct pubr_snapshot s;
		enum pubr_status st = pubr_read(path, &s, why, sizeof(why));
		if (st != PUBR_OK)
			fail_msg("read %d: %s", i, why);
		if (s.hdr.nsets == 1) {
			const struct pubr_set *set = &s.sets[0];
			assert_int_equal(set->rec.parts, set->nparts);
			assert_true(set->rec.counters[PUB_PERSIST_CALLS] >= last_persists);
			last_persists = set->rec.counters[PUB_PERSIST_CALLS];
		}
		if (s.hdr.updated_ns != last_updated)
			passes_seen++;
		last_updated = s.hdr.updated_ns;
		pubr_free(&s);
		struct timespec t = {0, 2000000};
		nanosleep(&t, NULL);
	}
	atomic_store(&c.stop, true);
	pthread_join(th, NULL);
	assert_true(passes_seen >= 2);
	assert_true(last_persists > 0);
	assert_st(pmemset_stat_publish_stop());
	test_file_set_delete(&c.set, &c.src, file);
}

/* --- bad files ------------------------------------------------------------ */

/* a valid file's bytes: one set of two parts */
static char *
valid_bytes(size_t *len)
{
	char *file;
	struct pmemset_source *src;
	struct pmemset *set = test_file_set_new(&file, &src, "publish_bytes",
			2 * 4096, NULL, NULL);
	test_map(set, src, 0, 4096, NULL);
	test_map(set, src, 4096, 4096, NULL);
	assert_st(pmemset_stat_publish_start());
	char path[512];
	own_path(path, sizeof(path));
	struct pubr_snapshot s;
	read_after(path, now_ns(), &s);
	pubr_free(&s);
	int fd = open(path, O_RDONLY);
	assert_true(fd >= 0);
	struct stat st;
	assert_int_equal(fstat(fd, &st), 0);
	char *buf = malloc((size_t)st.st_size);
	assert_non_null(buf);
	assert_int_equal(pread(fd, buf, (size_t)st.st_size, 0), st.st_size);
	close(fd);
	assert_st(pmemset_stat_publish_stop());
	test_file_set_delete(&set, &src, file);
	*len = (size_t)st.st_size;
	return buf;
}

static void
expect_parse(const char *buf, size_t len, enum pubr_status want,
		const char *word)
{
	struct pubr_snapshot s;
	char why[256] = "";
	enum pubr_status st = pubr_parse(buf, len, &s, why, sizeof(why));
	if (st != want)
		fail_msg("parse gave %d (%s), expected %d", st, why, want);
	if (strstr(why, word) == NULL)
		fail_msg("reason \"%s\" does not say \"%s\"", why, word);
	if (st == PUBR_OK)
		pubr_free(&s);
}

static void
test_bad_files_give_reasons(void **state)
{
	(void) state;
	size_t len;
	char *good = valid_bytes(&len);
	char *b = malloc(len);
	assert_non_null(b);
	struct pub_header h;
	memcpy(&h, good, sizeof(h));
	assert_int_equal(h.nparts, 2);
	expect_parse(good, len, PUBR_OK, "");

	expect_parse("#!/bin/sh\necho hello\n", 21, PUBR_FOREIGN, "magic");
	expect_parse("", 0, PUBR_FOREIGN, "magic");
	expect_parse(good, 10, PUBR_TRUNCATED, "truncated");
	expect_parse(good, sizeof(h) - 1, PUBR_TRUNCATED, "truncated");
	expect_parse(good, sizeof(h) + h.data_size - 1, PUBR_TRUNCATED,
		"truncated");

	memcpy(b, good, len);
	((struct pub_header *)b)->version = PUB_VERSION + 1;
	expect_parse(b, len, PUBR_UNKNOWN_VERSION, "version 2");

	memcpy(b, good, len);
	((struct pub_header *)b)->header_size = 8;
	expect_parse(b, len, PUBR_CORRUPT, "header size");

	memcpy(b, good, len);
	((struct pub_header *)b)->seq |= 1;
	expect_parse(b, len, PUBR_BUSY, "middle");

	memcpy(b, good, len);
	((struct pub_header *)b)->nparts = 3;
	expect_parse(b, len, PUBR_CORRUPT, "corrupt");

	memcpy(b, good, len);
	((struct pub_header *)b)->nsets = UINT64_MAX;
	expect_parse(b, len, PUBR_CORRUPT, "more records than bytes");

	memcpy(b, good, len);
	memset(((struct pub_header *)b)->program, 'x', PUB_PROGRAM_LEN);
	expect_parse(b, len, PUBR_CORRUPT, "unterminated");

	/* the first part's path length runs past the records */
	memcpy(b, good, len);
	struct pub_part *p = (struct pub_part *)(b + sizeof(h) +
		sizeof(struct pub_set));
	p->path_len = 100000;
	expect_parse(b, len, PUBR_CORRUPT, "part");

	/* the set claims more part records than the file has */
	memcpy(b, good, len);
	((struct pub_set *)(b + sizeof(h)))->nrecords = 5;
	expect_parse(b, len, PUBR_CORRUPT, "set");

	/* control characters in a path are shown as '?' */
	memcpy(b, good, len);
	p = (struct pub_part *)(b + sizeof(h) + sizeof(struct pub_set));
	((char *)(p + 1))[0] = '\n';
	struct pubr_snapshot s;
	char why[256];
	assert_int_equal(pubr_parse(b, len, &s, why, sizeof(why)), PUBR_OK);
	assert_int_equal(s.parts[0].path[0], '?');
	pubr_free(&s);
	free(b);
	free(good);
}

/* the same through files: foreign, truncated, missing, a link */
static void
test_bad_files_through_pubr_read(void **state)
{
	(void) state;
	char path[512], link[512], why[256];
	struct pubr_snapshot s;
	snprintf(path, sizeof(path), "%s/foreign", Runtime);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs("not a publication at all, but long enough to hold a header "
		"of the publication format, and then some more bytes, more "
		"and more, until it is longer than the header is: there", f);
	fclose(f);
	assert_int_equal(pubr_read(path, &s, why, sizeof(why)), PUBR_FOREIGN);
	f = fopen(path, "w");
	fputs("PMSETPUB", f);
	fclose(f);
	assert_int_equal(pubr_read(path, &s, why, sizeof(why)),
		PUBR_TRUNCATED);
	snprintf(link, sizeof(link), "%s/link", Runtime);
	assert_int_equal(symlink(path, link), 0);
	assert_int_equal(pubr_read(link, &s, why, sizeof(why)), PUBR_SYS);
	assert_non_null(strstr(why, "symbolic link"));
	snprintf(path, sizeof(path), "%s/missing", Runtime);
	assert_int_equal(pubr_read(path, &s, why, sizeof(why)),
		PUBR_NOT_FOUND);
	assert_int_equal(pubr_read(Runtime, &s, why, sizeof(why)),
		PUBR_FOREIGN);
}

/* a file whose process is gone, or whose pid another process now has */
static void
test_stale_pid_detected(void **state)
{
	(void) state;
	struct pub_header h;
	memset(&h, 0, sizeof(h));
	h.pid = (uint64_t)getpid();
	/* our own start time as the writer saw it */
	assert_st(pmemset_stat_publish_start());
	char path[512], why[256];
	own_path(path, sizeof(path));
	struct pubr_snapshot s;
	assert_int_equal(pubr_read(path, &s, why, sizeof(why)), PUBR_OK);
	h.start_time = s.hdr.start_time;
	pubr_free(&s);
	assert_st(pmemset_stat_publish_stop());
	assert_int_equal(pubr_liveness(&h), PUBR_ALIVE);
	h.start_time++;
	assert_int_equal(pubr_liveness(&h), PUBR_REUSED);
	pid_t child = fork();
	assert_true(child >= 0);
	if (child == 0)
		_exit(0);
	assert_int_equal(waitpid(child, NULL, 0), child);
	h.pid = (uint64_t)child;
	assert_int_equal(pubr_liveness(&h), PUBR_GONE);
}

/* --- refused directories ------------------------------------------------ */

static void
expect_refused(const char *word)
{
	assert_st_err(pmemset_stat_publish_start(), PMEMSET_STAT_S_NO_PERM);
	assert_msg_has(word);
	char path[64];
	assert_st_err(pmemset_stat_publish_path(path, sizeof(path)),
		PMEMSET_STAT_S_NOT_FOUND);
}

static void
test_symlinked_directory_refused(void **state)
{
	(void) state;
	char target[512], dir[512];
	snprintf(target, sizeof(target), "%s/elsewhere", Runtime);
	snprintf(dir, sizeof(dir), "%s/pmemset", Runtime);
	assert_int_equal(mkdir(target, 0700), 0);
	assert_int_equal(symlink(target, dir), 0);
	expect_refused("symbolic link");
	/* nothing was created through the link */
	DIR *d = opendir(target);
	assert_non_null(d);
	int entries = 0;
	for (struct dirent *e; (e = readdir(d)) != NULL;)
		entries += e->d_name[0] != '.';
	closedir(d);
	assert_int_equal(entries, 0);
}

static void
test_directory_with_other_mode_refused(void **state)
{
	(void) state;
	char dir[512];
	snprintf(dir, sizeof(dir), "%s/pmemset", Runtime);
	assert_int_equal(mkdir(dir, 0700), 0);
	assert_int_equal(chmod(dir, 0755), 0);
	expect_refused("mode");
	assert_int_equal(chmod(dir, 0777), 0);
	expect_refused("mode");
	/* a plain file in its place */
	assert_int_equal(rmdir(dir), 0);
	FILE *f = fopen(dir, "w");
	assert_non_null(f);
	fclose(f);
	expect_refused("directory");
}

static void
test_foreign_owned_directory_refused(void **state)
{
	(void) state;
	struct passwd *pw = getpwnam("nobody");
	if (geteuid() != 0 || pw == NULL) {
		print_message("SKIPPED: chown to nobody needs root and a user "
			"nobody\n");
		skip();
	}
	char dir[512];
	snprintf(dir, sizeof(dir), "%s/pmemset", Runtime);
	assert_int_equal(mkdir(dir, 0700), 0);
	assert_int_equal(chown(dir, pw->pw_uid, pw->pw_gid), 0);
	expect_refused("another user");
}

/* a relative XDG_RUNTIME_DIR is not used: /dev/shm/pmemset-<uid> is */
static void
test_relative_runtime_dir_ignored(void **state)
{
	(void) state;
	char want[128], path[512];
	assert_int_equal(setenv("XDG_RUNTIME_DIR", "relative/dir", 1), 0);
	int n = pub_dir_path(want, sizeof(want), "relative/dir", geteuid());
	assert_int_equal(n, (int)strlen(want));
	assert_st(pmemset_stat_publish_start());
	own_path(path, sizeof(path));
	assert_int_equal(strncmp(path, want, strlen(want)), 0);
	assert_non_null(strstr(want, "/dev/shm/pmemset-"));
	assert_st(pmemset_stat_publish_stop());
	assert_false(exists(path));
	assert_int_equal(setenv("XDG_RUNTIME_DIR", Runtime, 1), 0);
}

/* --- fork ---------------------------------------------------------------- */

/*
 * A child neither publishes nor removes its parent's file, even when it
 * stops publishing and exits normally; if it starts publishing itself, it
 * does so under its own pid.
 */
static void
test_fork_child_leaves_parent_file(void **state)
{
	(void) state;
	assert_st(pmemset_stat_publish_start());
	char path[512];
	own_path(path, sizeof(path));
	pid_t child = fork();
	assert_true(child >= 0);
	if (child == 0) {
		char p[512];
		int bad = pmemset_stat_publish_path(p, sizeof(p)) !=
			PMEMSET_STAT_S_NOT_FOUND;
		bad |= pmemset_stat_publish_stop() != PMEMSET_STAT_S_OK;
		bad |= !exists(path);
		exit(bad);	/* exit, not _exit: atexit handlers run */
	}
	int status;
	assert_int_equal(waitpid(child, &status, 0), child);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	assert_true(exists(path));

	child = fork();
	assert_true(child >= 0);
	if (child == 0) {
		char p[512], want[512];
		snprintf(want, sizeof(want), "%s/pmemset/%ld", Runtime,
			(long)getpid());
		int bad = pmemset_stat_publish_start() != PMEMSET_STAT_S_OK;
		bad |= pmemset_stat_publish_path(p, sizeof(p)) !=
			PMEMSET_STAT_S_OK || strcmp(p, want) != 0;
		bad |= !exists(want) || !exists(path);
		exit(bad);	/* its own file goes at exit */
	}
	assert_int_equal(waitpid(child, &status, 0), child);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	char theirs[512];
	snprintf(theirs, sizeof(theirs), "%s/pmemset/%ld", Runtime,
		(long)child);
	assert_false(exists(theirs));
	assert_true(exists(path));
	assert_st(pmemset_stat_publish_stop());
	assert_false(exists(path));
}

/* a file left by an earlier process with our pid is replaced */
static void
test_leftover_file_of_our_pid_replaced(void **state)
{
	(void) state;
	char dir[512], path[600];
	snprintf(dir, sizeof(dir), "%s/pmemset", Runtime);
	assert_int_equal(mkdir(dir, 0700), 0);
	snprintf(path, sizeof(path), "%s/%ld", dir, (long)getpid());
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs("left over", f);
	fclose(f);
	assert_st(pmemset_stat_publish_start());
	struct pubr_snapshot s;
	char why[256];
	read_after(path, 0, &s);
	assert_int_equal(s.hdr.pid, (uint64_t)getpid());
	pubr_free(&s);
	(void) why;
	assert_st(pmemset_stat_publish_stop());
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
#define T(name) cmocka_unit_test_setup_teardown(name, runtime_setup, \
		runtime_teardown)
		T(test_start_makes_private_file_and_stop_removes_it),
		T(test_path_bad_arguments),
		T(test_reader_sees_parts_and_counts),
		T(test_printers_show_the_tree),
		T(test_reader_never_sees_a_torn_copy),
		T(test_bad_files_give_reasons),
		T(test_bad_files_through_pubr_read),
		T(test_stale_pid_detected),
		T(test_symlinked_directory_refused),
		T(test_directory_with_other_mode_refused),
		T(test_foreign_owned_directory_refused),
		T(test_relative_runtime_dir_ignored),
		T(test_fork_child_leaves_parent_file),
		T(test_leftover_file_of_our_pid_replaced),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
