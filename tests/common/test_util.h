/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_util.h -- what every libpmemset test uses: scratch files, an event
 * recorder, and assertions that print pmemset_errormsg() when they fail.
 */
#ifndef PMEMSET_TEST_UTIL_H
#define PMEMSET_TEST_UTIL_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "libpmemset.h"

#define KiB ((size_t)1 << 10)
#define MiB ((size_t)1 << 20)

/* a fresh file of `size` bytes under $PMEMSET_TEST_DIR (default /dev/shm) */
char *test_file(const char *tag, size_t size);
/*
 * the store granularity libpmem2 gives a file under test_dir() when the
 * set asks for no more than PAGE: PAGE on tmpfs, CACHE_LINE (or BYTE) on
 * a DAX file system. What tests expect where they do not force one.
 */
enum pmem2_granularity test_dir_granularity(void);
/* its name as the observer spells it: "page", "cache_line", "byte" */
const char *test_dir_granularity_name(void);
/* removes it and frees the path */
void test_file_remove(char *path);
size_t test_file_size(const char *path);
const char *test_dir(void);

/* descriptors the process has open (leak checks) */
int test_open_fds(void);

/* a config with granularity g (and callback, if not NULL), and the set */
struct pmemset *test_set_new(enum pmem2_granularity g,
		pmemset_event_callback *cb, void *arg);
/* a PAGE set that maps into the user reservation rsv (none if NULL) */
struct pmemset *test_set_new_in(struct pmem2_vm_reservation *rsv,
		pmemset_event_callback *cb, void *arg);

/*
 * The set-up most map tests share: a fresh file of `size` bytes (its path
 * to *path), a source on it (to *src), and a PAGE set whose events go to
 * cb (none if NULL), returned.
 */
struct pmemset *test_file_set_new(char **path, struct pmemset_source **src,
		const char *tag, size_t size, pmemset_event_callback *cb,
		void *arg);
/* deletes the set (NULL if the test made none), the source and the file */
void test_file_set_delete(struct pmemset **set, struct pmemset_source **src,
		char *path);

/* maps [offset, offset + length) of src; returns what pmemset_map did */
int test_try_map(struct pmemset *set, struct pmemset_source *src,
		size_t offset, size_t length,
		struct pmemset_part_descriptor *desc);
/* maps [offset, offset + length) of src; asserts success */
void test_map(struct pmemset *set, struct pmemset_source *src, size_t offset,
		size_t length, struct pmemset_part_descriptor *desc);

/* number of part maps, walking first/next (and dropping the references) */
size_t test_count_part_maps(struct pmemset *set);

/* every event a callback saw, with its payload copied */
struct recorded_event {
	enum pmemset_event type;
	struct pmemset_event_context ctx;
	struct pmemset_sds sds; /* copy of the SDS for SDS_UPDATE */
};

#define EVENT_LOG_MAX 1024
struct event_log {
	size_t count;
	struct recorded_event events[EVENT_LOG_MAX];
	int return_value; /* what the callback returns */
};

int event_log_cb(struct pmemset *set, struct pmemset_event_context *ctx,
		void *arg);
void event_log_clear(struct event_log *log);
const char *event_name(enum pmemset_event type);
/* how many events of that type the log holds */
size_t event_log_count(const struct event_log *log, enum pmemset_event type);
/* sum of PART_ADD lengths minus PART_REMOVE lengths */
long long event_log_mapped_bytes(const struct event_log *log);

/* success, or fail printing the library's message */
#define assert_ok(expr) do { \
	int ret_ = (expr); \
	if (ret_ != 0) \
		fail_msg("%s returned %d: %s", #expr, ret_, pmemset_errormsg()); \
} while (0)

/* the given error, with a message that is not empty */
#define assert_err(expr, code) do { \
	int ret_ = (expr); \
	if (ret_ != (code)) \
		fail_msg("%s returned %d, expected %d (%s): %s", #expr, ret_, \
			(int)(code), #code, pmemset_errormsg()); \
	assert_true(pmemset_errormsg()[0] != '\0'); \
} while (0)

/* a message is set and mentions `word` */
#define assert_msg_has(word) do { \
	if (strstr(pmemset_errormsg(), (word)) == NULL) \
		fail_msg("message \"%s\" does not mention \"%s\"", \
			pmemset_errormsg(), (word)); \
} while (0)

#endif
