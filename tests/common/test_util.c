// SPDX-License-Identifier: BSD-3-Clause
/*
 * test_util.c -- helpers shared by the tests (see test_util.h).
 */
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pmem_env.h"
#include "test_util.h"

const char *
test_dir(void)
{
	const char *d = getenv("PMEMSET_TEST_DIR");
	return d != NULL && d[0] != '\0' ? d : "/dev/shm";
}

enum pmem2_granularity
test_dir_granularity(void)
{
	static int known = -1;
	if (known < 0)
		known = (int)pmem_env_dir_granularity(test_dir());
	return (enum pmem2_granularity)known;
}

const char *
test_dir_granularity_name(void)
{
	switch (test_dir_granularity()) {
	case PMEM2_GRANULARITY_BYTE:
		return "byte";
	case PMEM2_GRANULARITY_CACHE_LINE:
		return "cache_line";
	default:
		return "page";
	}
}

char *
test_file(const char *tag, size_t size)
{
	static int counter;
	char *path = NULL;
	if (asprintf(&path, "%s/pmemset-test-%d-%d-%s", test_dir(),
			(int)getpid(), counter++, tag) < 0)
		fail_msg("asprintf");
	int fd = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		fail_msg("cannot create %s", path);
	if (size > 0 && ftruncate(fd, (off_t)size) != 0)
		fail_msg("cannot size %s", path);
	close(fd);
	return path;
}

void
test_file_remove(char *path)
{
	if (path == NULL)
		return;
	unlink(path);
	free(path);
}

size_t
test_file_size(const char *path)
{
	struct stat st;
	if (stat(path, &st) != 0)
		fail_msg("cannot stat %s", path);
	return (size_t)st.st_size;
}

static struct pmemset *
set_new(enum pmem2_granularity g, struct pmem2_vm_reservation *rsv,
		pmemset_event_callback *cb, void *arg)
{
	struct pmemset_config *cfg;
	struct pmemset *set;
	assert_ok(pmemset_config_new(&cfg));
	assert_ok(pmemset_config_set_required_store_granularity(cfg, g));
	if (rsv != NULL)
		pmemset_config_set_reservation(cfg, rsv);
	if (cb != NULL)
		pmemset_config_set_event_callback(cfg, cb, arg);
	assert_ok(pmemset_new(&set, cfg));
	assert_ok(pmemset_config_delete(&cfg));
	return set;
}

struct pmemset *
test_set_new(enum pmem2_granularity g, pmemset_event_callback *cb, void *arg)
{
	return set_new(g, NULL, cb, arg);
}

struct pmemset *
test_set_new_in(struct pmem2_vm_reservation *rsv, pmemset_event_callback *cb,
		void *arg)
{
	return set_new(PMEM2_GRANULARITY_PAGE, rsv, cb, arg);
}

struct pmemset *
test_file_set_new(char **path, struct pmemset_source **src, const char *tag,
		size_t size, pmemset_event_callback *cb, void *arg)
{
	*path = test_file(tag, size);
	assert_ok(pmemset_source_from_file(src, *path));
	return test_set_new(PMEM2_GRANULARITY_PAGE, cb, arg);
}

void
test_file_set_delete(struct pmemset **set, struct pmemset_source **src,
		char *path)
{
	assert_ok(pmemset_delete(set));
	assert_ok(pmemset_source_delete(src));
	test_file_remove(path);
}

int
test_try_map(struct pmemset *set, struct pmemset_source *src, size_t offset,
		size_t length, struct pmemset_part_descriptor *desc)
{
	struct pmemset_map_config *mc;
	assert_ok(pmemset_map_config_new(&mc));
	assert_ok(pmemset_map_config_set_offset(mc, offset));
	pmemset_map_config_set_length(mc, length);
	int ret = pmemset_map(set, src, mc, desc);
	assert_ok(pmemset_map_config_delete(&mc));
	return ret;
}

void
test_map(struct pmemset *set, struct pmemset_source *src, size_t offset,
		size_t length, struct pmemset_part_descriptor *desc)
{
	assert_ok(test_try_map(set, src, offset, length, desc));
}

size_t
test_count_part_maps(struct pmemset *set)
{
	size_t n = 0;
	struct pmemset_part_map *pmap, *next;
	pmemset_first_part_map(set, &pmap);
	while (pmap != NULL) {
		n++;
		pmemset_next_part_map(set, pmap, &next);
		pmemset_part_map_drop(&pmap);
		pmap = next;
	}
	return n;
}

int
event_log_cb(struct pmemset *set, struct pmemset_event_context *ctx,
		void *arg)
{
	(void) set;
	struct event_log *log = arg;
	if (log->count < EVENT_LOG_MAX) {
		struct recorded_event *e = &log->events[log->count++];
		e->type = ctx->type;
		e->ctx = *ctx;
		if (ctx->type == PMEMSET_EVENT_SDS_UPDATE &&
		    ctx->data.sds_update.sds != NULL)
			e->sds = *ctx->data.sds_update.sds;
	}
	return log->return_value;
}

void
event_log_clear(struct event_log *log)
{
	int rv = log->return_value;
	memset(log, 0, sizeof(*log));
	log->return_value = rv;
}

const char *
event_name(enum pmemset_event type)
{
	static const char *const names[] = {
		"COPY", "MOVE", "SET", "FLUSH", "DRAIN", "PERSIST",
		"REMOVE_RANGE", "PART_ADD", "PART_REMOVE", "SDS_UPDATE",
		"BADBLOCK", "BADBLOCKS_CLEARED",
	};
	if ((unsigned)type < sizeof(names) / sizeof(names[0]))
		return names[type];
	return "?";
}

size_t
event_log_count(const struct event_log *log, enum pmemset_event type)
{
	size_t n = 0;
	for (size_t i = 0; i < log->count; i++)
		n += log->events[i].type == type;
	return n;
}

long long
event_log_mapped_bytes(const struct event_log *log)
{
	long long sum = 0;
	for (size_t i = 0; i < log->count; i++) {
		const struct recorded_event *e = &log->events[i];
		if (e->type == PMEMSET_EVENT_PART_ADD)
			sum += (long long)e->ctx.data.part_add.len;
		else if (e->type == PMEMSET_EVENT_PART_REMOVE)
			sum -= (long long)e->ctx.data.part_remove.len;
	}
	return sum;
}

int
test_open_fds(void)
{
	int n = 0;
	DIR *d = opendir("/proc/self/fd");
	if (d == NULL)
		return -1;
	while (readdir(d) != NULL)
		n++;
	closedir(d);
	return n;
}
