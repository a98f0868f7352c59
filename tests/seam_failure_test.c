// SPDX-License-Identifier: BSD-3-Clause
/*
 * seam_failure_test.c -- failures of the system and libpmem2 calls the
 * library makes, injected with --wrap at our seam (the library's objects
 * are linked in, so only our calls are redirected): open, posix_fallocate,
 * ftruncate, pthread lock creation, pmem2_source_from_fd/size/alignment,
 * pmem2_config_new/set_offset, pmem2_map_new, pmem2_vm_reservation_new and
 * _extend. Each wrapper returns what the real call returns when it fails
 * (-1 and errno, an errno value, or a negative libpmem2 code).
 *
 * Every row names the call, which of its calls fails, and what the public
 * function must return; then the set must be as before (part maps, file
 * size, descriptors, live pmem2 maps and reservations, no PART_ADD), no
 * file may be left created, and the same call must succeed once nothing
 * fails. Fallbacks (fallocate unsupported, a coalesced placement refused)
 * must succeed.
 *
 * The same wrappers count calls: a map reads a file's size at most once
 * and a temporary source's never, and a temporary file grown ahead falls
 * back to growing what the part needs.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "test_util.h"
#include "internal_util.h"
#include "registry.h"
#include "set.h"

#define PART (64 * KiB)
#define FILE_SIZE (256 * KiB)
#define BIG_FILE ((size_t)1 << 30) /* sparse: only mapped, never touched */

enum seam {
	S_OPEN, S_FALLOCATE, S_FTRUNCATE, S_RWLOCK_INIT, S_MUTEX_INIT,
	S_SOURCE_FROM_FD, S_SOURCE_SIZE, S_SOURCE_ALIGNMENT, S_CONFIG_NEW,
	S_CONFIG_SET_OFFSET, S_MAP_NEW, S_RSV_NEW, S_RSV_EXTEND, S_NSEAMS
};

static const char *const Seam_name[S_NSEAMS] = {
	"open", "posix_fallocate", "ftruncate", "pthread_rwlock_init",
	"pthread_mutex_init", "pmem2_source_from_fd", "pmem2_source_size",
	"pmem2_source_alignment", "pmem2_config_new",
	"pmem2_config_set_offset", "pmem2_map_new",
	"pmem2_vm_reservation_new", "pmem2_vm_reservation_extend",
};

/* skip that many calls, then fail `times` calls (-1: all) */
struct inject {
	enum seam seam;
	int skip;
	int times;
	int ret;	/* returned (errno for errno-returning calls) */
	int err;	/* errno set, for -1-returning calls */
	bool create;	/* open: someone else creates the file first */
};

/* up to two seams fail at once; times 0 (all zero) is inert */
static struct inject Armed[2];
static struct inject *Hit;	/* the injection that failed the last call */
static bool Is_armed;
static int Failed;		/* calls failed by injection */
static long Live_maps, Live_rsvs;

static long Calls[S_NSEAMS];	/* every call through a wrapper */

static bool
should_fail(enum seam s)
{
	Calls[s]++;
	if (!Is_armed)
		return false;
	for (int i = 0; i < 2; i++) {
		struct inject *in = &Armed[i];
		if (in->seam != s || in->times == 0)
			continue;
		if (in->skip > 0) {
			in->skip--;
			return false;
		}
		if (in->times > 0)
			in->times--;
		Failed++;
		Hit = in;
		return true;
	}
	return false;
}

/* ---- the wrappers ---- */

int __real_open(const char *path, int flags, ...);
int __wrap_open(const char *path, int flags, ...);
int __real_posix_fallocate(int fd, off_t offset, off_t len);
int __wrap_posix_fallocate(int fd, off_t offset, off_t len);
int __real_ftruncate(int fd, off_t len);
int __wrap_ftruncate(int fd, off_t len);
int __real_pthread_rwlock_init(pthread_rwlock_t *l,
		const pthread_rwlockattr_t *a);
int __wrap_pthread_rwlock_init(pthread_rwlock_t *l,
		const pthread_rwlockattr_t *a);
int __real_pthread_mutex_init(pthread_mutex_t *m,
		const pthread_mutexattr_t *a);
int __wrap_pthread_mutex_init(pthread_mutex_t *m,
		const pthread_mutexattr_t *a);
int __real_pmem2_source_from_fd(struct pmem2_source **src, int fd);
int __wrap_pmem2_source_from_fd(struct pmem2_source **src, int fd);
int __real_pmem2_source_size(const struct pmem2_source *src, size_t *size);
int __wrap_pmem2_source_size(const struct pmem2_source *src, size_t *size);
int __real_pmem2_source_alignment(const struct pmem2_source *src,
		size_t *alignment);
int __wrap_pmem2_source_alignment(const struct pmem2_source *src,
		size_t *alignment);
int __real_pmem2_config_new(struct pmem2_config **cfg);
int __wrap_pmem2_config_new(struct pmem2_config **cfg);
int __real_pmem2_config_set_offset(struct pmem2_config *cfg, size_t offset);
int __wrap_pmem2_config_set_offset(struct pmem2_config *cfg, size_t offset);
int __real_pmem2_map_new(struct pmem2_map **map,
		const struct pmem2_config *cfg, const struct pmem2_source *src);
int __wrap_pmem2_map_new(struct pmem2_map **map,
		const struct pmem2_config *cfg, const struct pmem2_source *src);
int __real_pmem2_map_delete(struct pmem2_map **map);
int __wrap_pmem2_map_delete(struct pmem2_map **map);
int __real_pmem2_vm_reservation_new(struct pmem2_vm_reservation **rsv,
		void *addr, size_t size);
int __wrap_pmem2_vm_reservation_new(struct pmem2_vm_reservation **rsv,
		void *addr, size_t size);
int __real_pmem2_vm_reservation_delete(struct pmem2_vm_reservation **rsv);
int __wrap_pmem2_vm_reservation_delete(struct pmem2_vm_reservation **rsv);
int __real_pmem2_vm_reservation_extend(struct pmem2_vm_reservation *rsv,
		size_t size);
int __wrap_pmem2_vm_reservation_extend(struct pmem2_vm_reservation *rsv,
		size_t size);

int
__wrap_open(const char *path, int flags, ...)
{
	mode_t mode = 0;
	if ((flags & O_CREAT) || (flags & O_TMPFILE) == O_TMPFILE) {
		va_list ap;
		va_start(ap, flags);
		mode = (mode_t)va_arg(ap, int);
		va_end(ap);
	}
	if (should_fail(S_OPEN)) {
		if (Hit->create) {
			/* another process won the race to create it */
			int fd = __real_open(path, O_RDWR | O_CREAT |
					O_CLOEXEC, 0644);
			if (fd >= 0)
				close(fd);
		}
		errno = Hit->err;
		return -1;
	}
	return __real_open(path, flags, mode);
}

int
__wrap_posix_fallocate(int fd, off_t offset, off_t len)
{
	if (should_fail(S_FALLOCATE))
		return Hit->ret; /* an errno value, not -1 */
	return __real_posix_fallocate(fd, offset, len);
}

int
__wrap_ftruncate(int fd, off_t len)
{
	if (should_fail(S_FTRUNCATE)) {
		errno = Hit->err;
		return -1;
	}
	return __real_ftruncate(fd, len);
}

int
__wrap_pthread_rwlock_init(pthread_rwlock_t *l, const pthread_rwlockattr_t *a)
{
	if (should_fail(S_RWLOCK_INIT))
		return Hit->ret;
	return __real_pthread_rwlock_init(l, a);
}

int
__wrap_pthread_mutex_init(pthread_mutex_t *m, const pthread_mutexattr_t *a)
{
	if (should_fail(S_MUTEX_INIT))
		return Hit->ret;
	return __real_pthread_mutex_init(m, a);
}

int
__wrap_pmem2_source_from_fd(struct pmem2_source **src, int fd)
{
	if (should_fail(S_SOURCE_FROM_FD)) {
		*src = NULL;
		return Hit->ret;
	}
	return __real_pmem2_source_from_fd(src, fd);
}

int
__wrap_pmem2_source_size(const struct pmem2_source *src, size_t *size)
{
	if (should_fail(S_SOURCE_SIZE))
		return Hit->ret;
	return __real_pmem2_source_size(src, size);
}

int
__wrap_pmem2_source_alignment(const struct pmem2_source *src,
		size_t *alignment)
{
	if (should_fail(S_SOURCE_ALIGNMENT))
		return Hit->ret;
	return __real_pmem2_source_alignment(src, alignment);
}

int
__wrap_pmem2_config_new(struct pmem2_config **cfg)
{
	if (should_fail(S_CONFIG_NEW)) {
		*cfg = NULL;
		return Hit->ret;
	}
	return __real_pmem2_config_new(cfg);
}

int
__wrap_pmem2_config_set_offset(struct pmem2_config *cfg, size_t offset)
{
	if (should_fail(S_CONFIG_SET_OFFSET))
		return Hit->ret;
	return __real_pmem2_config_set_offset(cfg, offset);
}

int
__wrap_pmem2_map_new(struct pmem2_map **map, const struct pmem2_config *cfg,
		const struct pmem2_source *src)
{
	if (should_fail(S_MAP_NEW)) {
		*map = NULL;
		return Hit->ret;
	}
	int ret = __real_pmem2_map_new(map, cfg, src);
	if (ret == 0)
		Live_maps++;
	return ret;
}

int
__wrap_pmem2_map_delete(struct pmem2_map **map)
{
	int ret = __real_pmem2_map_delete(map);
	if (ret == 0)
		Live_maps--;
	return ret;
}

int
__wrap_pmem2_vm_reservation_new(struct pmem2_vm_reservation **rsv, void *addr,
		size_t size)
{
	if (should_fail(S_RSV_NEW)) {
		*rsv = NULL;
		return Hit->ret;
	}
	int ret = __real_pmem2_vm_reservation_new(rsv, addr, size);
	if (ret == 0)
		Live_rsvs++;
	return ret;
}

int
__wrap_pmem2_vm_reservation_delete(struct pmem2_vm_reservation **rsv)
{
	int ret = __real_pmem2_vm_reservation_delete(rsv);
	if (ret == 0)
		Live_rsvs--;
	return ret;
}

int
__wrap_pmem2_vm_reservation_extend(struct pmem2_vm_reservation *rsv,
		size_t size)
{
	if (should_fail(S_RSV_EXTEND))
		return Hit->ret;
	return __real_pmem2_vm_reservation_extend(rsv, size);
}

/* ---- the fixture ---- */

static struct event_log Log;

struct fx {
	char *path;	/* FILE_SIZE bytes, or BIG_FILE sparse */
	char *new_path;	/* does not exist before a row */
	struct pmemset_source *src;
	struct pmemset *set;
	struct pmemset_part_descriptor first;
	struct pmem2_vm_reservation *rsv;	/* FX_USER_RSV */
	void *out;	/* what a constructor returned */
	char msg[1024];	/* the failing call's message */
};

struct snap {
	size_t npm;
	void *addr[8];
	size_t size[8];
	size_t file_size;
	int fds;
	long maps, rsvs;
	size_t adds;
	size_t sets;
};

static void
snap_take(struct fx *f, struct snap *s)
{
	memset(s, 0, sizeof(*s));
	struct pmemset_part_map *p, *next;
	pmemset_first_part_map(f->set, &p);
	while (p != NULL) {
		struct pmemset_part_descriptor d =
			pmemset_descriptor_part_map(p);
		if (s->npm < 8) {
			s->addr[s->npm] = d.addr;
			s->size[s->npm] = d.size;
		}
		s->npm++;
		pmemset_next_part_map(f->set, p, &next);
		pmemset_part_map_drop(&p);
		p = next;
	}
	s->file_size = test_file_size(f->path);
	s->fds = test_open_fds();
	s->maps = Live_maps;
	s->rsvs = Live_rsvs;
	for (size_t i = 0; i < Log.count; i++)
		s->adds += Log.events[i].type == PMEMSET_EVENT_PART_ADD;
	s->sets = test_live_sets();
}

/* what the set's coalescing is and what is mapped before a row */
enum fx_kind {
	FX_EMPTY,	/* NONE, nothing mapped */
	FX_OPP_EMPTY,	/* OPPORTUNISTIC, nothing mapped */
	FX_OPP_ONE,	/* OPPORTUNISTIC, one part (a reservation with room) */
	FX_FULL_ONE,	/* FULL, one part */
	FX_OPP_BIG,	/* OPPORTUNISTIC, one part of a big sparse file */
	FX_FULL_BIG,	/* FULL, one part of a big sparse file */
	FX_USER_RSV,	/* NONE, in a reservation of the test's own */
};

static void
fx_setup(struct fx *f, enum fx_kind kind)
{
	memset(f, 0, sizeof(*f));
	event_log_clear(&Log);
	bool big = kind == FX_OPP_BIG || kind == FX_FULL_BIG;
	f->path = test_file("seam", big ? BIG_FILE : FILE_SIZE);
	if (asprintf(&f->new_path, "%s.new", f->path) < 0)
		fail_msg("asprintf");
	assert_ok(pmemset_source_from_file(&f->src, f->path));
	if (kind == FX_USER_RSV) {
		assert_int_equal(pmem2_vm_reservation_new(&f->rsv, NULL,
				1 * MiB), 0);
		f->set = test_set_new_in(f->rsv, event_log_cb, &Log);
		return;
	}
	f->set = test_set_new(PMEM2_GRANULARITY_PAGE, event_log_cb, &Log);
	if (kind == FX_EMPTY)
		return;
	assert_ok(pmemset_set_contiguous_part_coalescing(f->set,
			PMEMSET_COALESCING_OPPORTUNISTIC));
	if (kind == FX_OPP_EMPTY)
		return;
	test_map(f->set, f->src, 0, PART, &f->first);
	if (kind == FX_FULL_ONE || kind == FX_FULL_BIG)
		assert_ok(pmemset_set_contiguous_part_coalescing(f->set,
				PMEMSET_COALESCING_FULL));
}

static void
fx_teardown(struct fx *f)
{
	assert_ok(pmemset_delete(&f->set));
	assert_ok(pmemset_source_delete(&f->src));
	if (f->rsv != NULL)
		assert_int_equal(pmem2_vm_reservation_delete(&f->rsv), 0);
	test_file_remove(f->path);
	unlink(f->new_path);
	free(f->new_path);
	assert_int_equal(Live_maps, 0);
	assert_int_equal(Live_rsvs, 0);
}

/* ---- the calls under test ---- */

/* where op_map maps: past the end of a FILE_SIZE file, so it grows */
static size_t
op_map_offset(const struct fx *f)
{
	return f->first.addr != NULL ? PART : FILE_SIZE;
}

/* maps the next PART of the file (past its end for FILE_SIZE: it grows) */
static int
op_map(struct fx *f)
{
	size_t offset = op_map_offset(f);
	struct pmemset_map_config *mc;
	assert_ok(pmemset_map_config_new(&mc));
	assert_ok(pmemset_map_config_set_offset(mc, offset));
	pmemset_map_config_set_length(mc, PART);
	struct pmemset_part_descriptor d = {NULL, 0};
	int ret = pmemset_map(f->set, f->src, mc, &d);
	snprintf(f->msg, sizeof(f->msg), "%s", pmemset_errormsg());
	pmemset_map_config_delete(&mc);
	f->out = d.addr;
	return ret;
}

/* a part bigger than the room kept after the first: the reservation grows */
static int
op_map_big(struct fx *f)
{
	struct pmemset_map_config *mc;
	assert_ok(pmemset_map_config_new(&mc));
	assert_ok(pmemset_map_config_set_offset(mc, PART));
	pmemset_map_config_set_length(mc, BIG_FILE / 2);
	struct pmemset_part_descriptor d = {NULL, 0};
	int ret = pmemset_map(f->set, f->src, mc, &d);
	snprintf(f->msg, sizeof(f->msg), "%s", pmemset_errormsg());
	pmemset_map_config_delete(&mc);
	f->out = d.addr;
	return ret;
}

static int
op_source_from_file(struct fx *f)
{
	struct pmemset_source *src = (void *)0x1;
	int ret = pmemset_source_from_file(&src, f->path);
	snprintf(f->msg, sizeof(f->msg), "%s", pmemset_errormsg());
	f->out = src;
	return ret;
}

static int
op_xsource_create(struct fx *f)
{
	struct pmemset_source *src = (void *)0x1;
	int ret = pmemset_xsource_from_file(&src, f->new_path,
			PMEMSET_SOURCE_FILE_CREATE_IF_NEEDED);
	snprintf(f->msg, sizeof(f->msg), "%s", pmemset_errormsg());
	f->out = src;
	return ret;
}

static int
op_xsource_always(struct fx *f)
{
	struct pmemset_source *src = (void *)0x1;
	int ret = pmemset_xsource_from_file(&src, f->path,
			PMEMSET_SOURCE_FILE_CREATE_ALWAYS);
	snprintf(f->msg, sizeof(f->msg), "%s", pmemset_errormsg());
	f->out = src;
	return ret;
}

static int
op_temporary(struct fx *f)
{
	struct pmemset_source *src = (void *)0x1;
	int ret = pmemset_source_from_temporary(&src, test_dir());
	snprintf(f->msg, sizeof(f->msg), "%s", pmemset_errormsg());
	f->out = src;
	return ret;
}

static int
op_new_set(struct fx *f)
{
	struct pmemset_config *cfg;
	assert_ok(pmemset_config_new(&cfg));
	assert_ok(pmemset_config_set_required_store_granularity(cfg,
			PMEM2_GRANULARITY_PAGE));
	struct pmemset *set = (void *)0x1;
	int ret = pmemset_new(&set, cfg);
	snprintf(f->msg, sizeof(f->msg), "%s", pmemset_errormsg());
	pmemset_config_delete(&cfg);
	f->out = set;
	return ret;
}

enum op_kind { OP_MAP, OP_MAP_BIG, OP_SOURCE, OP_XCREATE, OP_XALWAYS,
	OP_TEMPORARY, OP_NEW_SET };

static int (*const Ops[])(struct fx *) = {
	op_map, op_map_big, op_source_from_file, op_xsource_create,
	op_xsource_always, op_temporary, op_new_set,
};

/* frees what a successful constructor made */
static void
release_out(struct fx *f, enum op_kind op)
{
	if (f->out == NULL)
		return;
	switch (op) {
	case OP_MAP:
	case OP_MAP_BIG:
		assert_ok(pmemset_remove_range(f->set, f->out, 1));
		break;
	case OP_NEW_SET: {
		struct pmemset *set = f->out;
		assert_ok(pmemset_delete(&set));
		break;
	}
	default: {
		struct pmemset_source *src = f->out;
		assert_ok(pmemset_source_delete(&src));
		break;
	}
	}
	f->out = NULL;
}

struct row {
	const char *name;
	enum fx_kind fx;
	enum op_kind op;
	struct inject inject;
	int expected;	/* 0: a fallback makes it succeed */
	struct inject also;	/* a second failing call, if any */
};

#define EXPECT_OK 0
#define NO_ALSO {S_OPEN, 0, 0, 0, 0, false}

static const struct row Rows[] = {
	/* sources */
	{"open: too many files", FX_EMPTY, OP_SOURCE,
		{S_OPEN, 0, 1, 0, EMFILE, false}, -EMFILE, NO_ALSO},
	{"open: permission denied", FX_EMPTY, OP_SOURCE,
		{S_OPEN, 0, 1, 0, EACCES, false}, -EACCES, NO_ALSO},
	{"open: no such file", FX_EMPTY, OP_SOURCE,
		{S_OPEN, 0, 1, 0, ENOENT, false},
		PMEMSET_E_INVALID_SOURCE_PATH, NO_ALSO},
	{"open: a directory", FX_EMPTY, OP_SOURCE,
		{S_OPEN, 0, 1, 0, EISDIR, false},
		PMEMSET_E_INVALID_SOURCE_TYPE, NO_ALSO},
	{"open O_CREAT: no space", FX_EMPTY, OP_XCREATE,
		{S_OPEN, 1, 1, 0, ENOSPC, false}, -ENOSPC, NO_ALSO},
	{"open O_CREAT: lost the race, the winner's file opens", FX_EMPTY,
		OP_XCREATE, {S_OPEN, 1, 1, 0, EEXIST, true}, EXPECT_OK, NO_ALSO},
	{"open of the file CREATE_ALWAYS found: permission denied", FX_EMPTY,
		OP_XALWAYS,
		{S_OPEN, 1, 1, 0, EACCES, false}, -EACCES, NO_ALSO},
	{"open O_EXCL: read-only file system", FX_EMPTY, OP_XALWAYS,
		{S_OPEN, 0, 1, 0, EROFS, false}, -EROFS, NO_ALSO},
	{"open O_TMPFILE: not supported", FX_EMPTY, OP_TEMPORARY,
		{S_OPEN, 0, 1, 0, EOPNOTSUPP, false},
		PMEMSET_E_CANNOT_CREATE_TEMP_FILE, NO_ALSO},
	{"pmem2_source_from_fd: not a file", FX_EMPTY, OP_SOURCE,
		{S_SOURCE_FROM_FD, 0, 1, PMEM2_E_INVALID_FILE_TYPE, 0, false},
		PMEMSET_E_INVALID_SOURCE_TYPE, NO_ALSO},
	{"pmem2_source_from_fd: out of memory, created file removed",
		FX_EMPTY, OP_XCREATE,
		{S_SOURCE_FROM_FD, 0, 1, -ENOMEM, 0, false}, -ENOMEM, NO_ALSO},
	{"pmem2_source_from_fd: out of memory, CREATE_ALWAYS truncated nothing",
		FX_EMPTY, OP_XALWAYS,
		{S_SOURCE_FROM_FD, 0, 1, -ENOMEM, 0, false}, -ENOMEM, NO_ALSO},
	{"ftruncate: CREATE_ALWAYS cannot empty the file", FX_EMPTY,
		OP_XALWAYS, {S_FTRUNCATE, 0, 1, 0, EIO, false}, -EIO, NO_ALSO},
	{"pmem2_source_from_fd: temporary", FX_EMPTY, OP_TEMPORARY,
		{S_SOURCE_FROM_FD, 0, 1, PMEM2_E_INVALID_FILE_TYPE, 0, false},
		PMEMSET_E_INVALID_SOURCE_TYPE, NO_ALSO},
	{"pthread_mutex_init: the SDS lock", FX_EMPTY, OP_SOURCE,
		{S_MUTEX_INIT, 0, 1, ENOMEM, 0, false},
		PMEMSET_E_CANNOT_ALLOCATE_INTERNAL_STRUCTURE, NO_ALSO},
	{"pthread_mutex_init: the grow lock", FX_EMPTY, OP_SOURCE,
		{S_MUTEX_INIT, 1, 1, ENOMEM, 0, false},
		PMEMSET_E_CANNOT_ALLOCATE_INTERNAL_STRUCTURE, NO_ALSO},
	/* sets */
	{"pthread_rwlock_init: out of resources", FX_EMPTY, OP_NEW_SET,
		{S_RWLOCK_INIT, 0, 1, EAGAIN, 0, false}, -EAGAIN, NO_ALSO},
	/* map: the source */
	{"pmem2_source_size: I/O error", FX_EMPTY, OP_MAP,
		{S_SOURCE_SIZE, 0, 1, -EIO, 0, false}, -EIO, NO_ALSO},
	{"pmem2_source_alignment: invalid", FX_EMPTY, OP_MAP,
		{S_SOURCE_ALIGNMENT, 0, 1, PMEM2_E_INVALID_ALIGNMENT_VALUE, 0,
		false}, PMEMSET_E_INVALID_ALIGNMENT_VALUE, NO_ALSO},
	/* map: growing the file */
	{"posix_fallocate: no space", FX_EMPTY, OP_MAP,
		{S_FALLOCATE, 0, 1, ENOSPC, 0, false},
		PMEMSET_E_CANNOT_GROW_SOURCE_FILE, NO_ALSO},
	{"posix_fallocate: file too big", FX_EMPTY, OP_MAP,
		{S_FALLOCATE, 0, 1, EFBIG, 0, false},
		PMEMSET_E_CANNOT_GROW_SOURCE_FILE, NO_ALSO},
	{"posix_fallocate: unsupported, ftruncate grows it", FX_EMPTY,
		OP_MAP, {S_FALLOCATE, 0, 1, EOPNOTSUPP, 0, false},
		EXPECT_OK, NO_ALSO},
	{"posix_fallocate: unsupported, ftruncate fails", FX_EMPTY, OP_MAP,
		{S_FALLOCATE, 0, 1, EOPNOTSUPP, 0, false},
		PMEMSET_E_CANNOT_GROW_SOURCE_FILE,
		{S_FTRUNCATE, 0, 1, 0, EFBIG, false}},
	{"posix_fallocate: no system call", FX_EMPTY, OP_MAP,
		{S_FALLOCATE, 0, 1, ENOSYS, 0, false},
		PMEMSET_E_CANNOT_GROW_SOURCE_FILE,
		{S_FTRUNCATE, 0, 1, 0, EPERM, false}},
	/* map: libpmem2 */
	{"pmem2_config_new: out of memory", FX_EMPTY, OP_MAP,
		{S_CONFIG_NEW, 0, 1, -ENOMEM, 0, false}, -ENOMEM, NO_ALSO},
	{"pmem2_config_set_offset: out of range", FX_EMPTY, OP_MAP,
		{S_CONFIG_SET_OFFSET, 0, 1, PMEM2_E_OFFSET_OUT_OF_RANGE, 0,
		false}, PMEMSET_E_OFFSET_OUT_OF_RANGE, NO_ALSO},
	{"pmem2_map_new: out of memory", FX_EMPTY, OP_MAP,
		{S_MAP_NEW, 0, 1, -ENOMEM, 0, false}, -ENOMEM, NO_ALSO},
	{"pmem2_map_new: locked memory limit", FX_EMPTY, OP_MAP,
		{S_MAP_NEW, 0, 1, -EAGAIN, 0, false}, -EAGAIN, NO_ALSO},
	{"pmem2_map_new: granularity", FX_EMPTY, OP_MAP,
		{S_MAP_NEW, 0, 1, PMEM2_E_GRANULARITY_NOT_SUPPORTED, 0, false},
		PMEMSET_E_GRANULARITY_NOT_SUPPORTED, NO_ALSO},
	{"pmem2_map_new: in a new reservation", FX_OPP_EMPTY, OP_MAP,
		{S_MAP_NEW, 0, 1, -ENOMEM, 0, false}, -ENOMEM, NO_ALSO},
	{"pmem2_map_new: coalesced place taken, a new part map",
		FX_OPP_ONE, OP_MAP,
		{S_MAP_NEW, 0, 1, PMEM2_E_MAPPING_EXISTS, 0, false}, EXPECT_OK, NO_ALSO},
	{"pmem2_map_new: coalesced place taken, FULL", FX_FULL_ONE, OP_MAP,
		{S_MAP_NEW, 0, 1, PMEM2_E_MAPPING_EXISTS, 0, false},
		PMEMSET_E_CANNOT_COALESCE_PARTS, NO_ALSO},
	{"pmem2_map_new: coalesced, out of memory", FX_OPP_ONE, OP_MAP,
		{S_MAP_NEW, 0, 1, -ENOMEM, 0, false}, -ENOMEM, NO_ALSO},
	{"pmem2_map_new: both places fail", FX_OPP_ONE, OP_MAP,
		{S_MAP_NEW, 0, 2, PMEM2_E_MAPPING_EXISTS, 0, false},
		PMEM2_E_MAPPING_EXISTS, NO_ALSO},
	{"pmem2_map_new: in the user's reservation", FX_USER_RSV, OP_MAP,
		{S_MAP_NEW, 0, 1, -ENOMEM, 0, false}, -ENOMEM, NO_ALSO},
	{"pmem2_map_new: the user's reservation, a race lost thrice",
		FX_USER_RSV, OP_MAP,
		{S_MAP_NEW, 0, 3, PMEM2_E_MAPPING_EXISTS, 0, false},
		PMEM2_E_MAPPING_EXISTS, NO_ALSO},
	{"pmem2_map_new: the user's reservation, a race lost once",
		FX_USER_RSV, OP_MAP,
		{S_MAP_NEW, 0, 1, PMEM2_E_MAPPING_EXISTS, 0, false}, EXPECT_OK,
		NO_ALSO},
	{"pmem2_vm_reservation_new: out of address space", FX_OPP_EMPTY,
		OP_MAP, {S_RSV_NEW, 0, 1, -ENOMEM, 0, false},
		PMEMSET_E_CANNOT_ALLOCATE_INTERNAL_STRUCTURE, NO_ALSO},
	{"pmem2_vm_reservation_new: mapping limit", FX_OPP_EMPTY, OP_MAP,
		{S_RSV_NEW, 0, 1, -EAGAIN, 0, false}, -EAGAIN, NO_ALSO},
	/* without coalescing: the set's first arena (arena.c) */
	{"pmem2_vm_reservation_new: an arena, out of address space", FX_EMPTY,
		OP_MAP, {S_RSV_NEW, 0, 1, -ENOMEM, 0, false},
		PMEMSET_E_CANNOT_ALLOCATE_INTERNAL_STRUCTURE, NO_ALSO},
	{"pmem2_vm_reservation_new: an arena, mapping limit", FX_EMPTY, OP_MAP,
		{S_RSV_NEW, 0, 1, -EAGAIN, 0, false}, -EAGAIN, NO_ALSO},
	{"pmem2_vm_reservation_new: an arena's address taken once", FX_EMPTY,
		OP_MAP, {S_RSV_NEW, 0, 1, PMEM2_E_MAPPING_EXISTS, 0, false},
		EXPECT_OK, NO_ALSO},
	{"pmem2_vm_reservation_new: an arena's address taken every time",
		FX_EMPTY, OP_MAP, {S_RSV_NEW, 0, -1, PMEM2_E_MAPPING_EXISTS, 0,
		false}, PMEM2_E_MAPPING_EXISTS, NO_ALSO},
	{"pmem2_map_new: into an arena", FX_EMPTY, OP_MAP,
		{S_MAP_NEW, 0, 1, -ENOMEM, 0, false}, -ENOMEM, NO_ALSO},
	{"pmem2_vm_reservation_extend: taken, a new part map", FX_OPP_BIG,
		OP_MAP_BIG, {S_RSV_EXTEND, 0, -1, PMEM2_E_MAPPING_EXISTS, 0,
		false}, EXPECT_OK, NO_ALSO},
	{"pmem2_vm_reservation_extend: the first try only", FX_OPP_BIG,
		OP_MAP_BIG, {S_RSV_EXTEND, 0, 1, PMEM2_E_MAPPING_EXISTS, 0,
		false}, EXPECT_OK, NO_ALSO},
	{"pmem2_vm_reservation_extend: taken, FULL", FX_FULL_BIG, OP_MAP_BIG,
		{S_RSV_EXTEND, 0, -1, PMEM2_E_MAPPING_EXISTS, 0, false},
		PMEMSET_E_CANNOT_COALESCE_PARTS, NO_ALSO},
	{"pmem2_vm_reservation_extend: out of memory, FULL", FX_FULL_BIG,
		OP_MAP_BIG, {S_RSV_EXTEND, 0, -1, -ENOMEM, 0, false},
		PMEMSET_E_CANNOT_COALESCE_PARTS, NO_ALSO},
};

static void
check_row(const struct row *r)
{
	struct fx f;
	fx_setup(&f, r->fx);
	struct snap before, after;
	snap_take(&f, &before);
	bool existed = access(f.new_path, F_OK) == 0;

	Armed[0] = r->inject;
	Armed[1] = r->also;
	Is_armed = true;
	Failed = 0;
	int ret = Ops[r->op](&f);
	Is_armed = false;
	if (Failed == 0)
		fail_msg("%s: %s was never called", r->name,
			Seam_name[r->inject.seam]);
	if (ret != r->expected)
		fail_msg("%s: returned %d, expected %d: %s", r->name, ret,
			r->expected, f.msg);

	if (r->expected == EXPECT_OK) {
		release_out(&f, r->op);
		unlink(f.new_path);
	} else {
		if (f.msg[0] == '\0')
			fail_msg("%s: no message", r->name);
		if (r->op != OP_MAP && r->op != OP_MAP_BIG && f.out != NULL)
			fail_msg("%s: the output is not NULL", r->name);
		snap_take(&f, &after);
		/*
		 * A map that failed after growing the file leaves it grown
		 * (never cut back under others' data), to exactly the size
		 * it asked for; nothing ever shrinks it.
		 */
		if (r->op == OP_MAP &&
		    after.file_size == op_map_offset(&f) + PART)
			after.file_size = before.file_size;
		if (memcmp(&before, &after, sizeof(before)) != 0)
			fail_msg("%s: not rolled back: part maps %zu -> %zu, "
				"file %zu -> %zu, fds %d -> %d, pmem2 maps "
				"%ld -> %ld, reservations %ld -> %ld, PART_ADD "
				"%zu -> %zu, sets %zu -> %zu", r->name,
				before.npm, after.npm, before.file_size,
				after.file_size, before.fds, after.fds,
				before.maps, after.maps, before.rsvs,
				after.rsvs, before.adds, after.adds,
				before.sets, after.sets);
		if (!existed && access(f.new_path, F_OK) == 0 &&
		    !r->inject.create)
			fail_msg("%s: the file it created is still there",
				r->name);
		/*
		 * With nothing failing, the same call works; a FULL append
		 * may fail natively too (the kernel often takes the room
		 * after a reservation), so that retry may open a part map.
		 */
		if (r->expected == PMEMSET_E_CANNOT_COALESCE_PARTS)
			assert_ok(pmemset_set_contiguous_part_coalescing(f.set,
					PMEMSET_COALESCING_OPPORTUNISTIC));
		unlink(f.new_path);
		ret = Ops[r->op](&f);
		if (ret != 0)
			fail_msg("%s: the call fails even with nothing "
				"injected: %d %s", r->name, ret, f.msg);
		release_out(&f, r->op);
	}
	fx_teardown(&f);
}

static void
every_seam_failure(void **state)
{
	(void) state;
	for (size_t i = 0; i < sizeof(Rows) / sizeof(Rows[0]); i++)
		check_row(&Rows[i]);
}

/* ---- what a map asks of the file ---- */

static long
calls_of(enum seam s, long before)
{
	return Calls[s] - before;
}

/*
 * A file's size is read once per map, and only when the part lies past
 * the size known (someone else may have grown the file); never for a
 * temporary source, whose size only its own maps change.
 */
static void
size_is_read_once_and_only_when_needed(void **state)
{
	(void) state;
	struct fx f;
	fx_setup(&f, FX_EMPTY);
	long n = Calls[S_SOURCE_SIZE];
	assert_int_equal(op_map(&f), 0); /* past the end: grows */
	assert_int_equal(calls_of(S_SOURCE_SIZE, n), 1);
	release_out(&f, OP_MAP);
	n = Calls[S_SOURCE_SIZE];
	test_map(f.set, f.src, 0, PART, NULL); /* inside the size known */
	assert_int_equal(calls_of(S_SOURCE_SIZE, n), 0);
	n = Calls[S_SOURCE_SIZE];
	assert_ok(pmemset_map(f.set, f.src, NULL, NULL)); /* to the end */
	assert_int_equal(calls_of(S_SOURCE_SIZE, n), 1);

	struct pmemset_source *tmp;
	assert_ok(pmemset_source_from_temporary(&tmp, test_dir()));
	n = Calls[S_SOURCE_SIZE];
	long grown = Calls[S_FALLOCATE];
	for (size_t i = 0; i < 1000; i++)
		test_map(f.set, tmp, i * 4 * KiB, 4 * KiB, NULL);
	assert_ok(pmemset_map(f.set, tmp, NULL, NULL)); /* to the end */
	char b;
	assert_ok(pmemset_source_pread_mcsafe(tmp, &b, 1, 0));
	assert_int_equal(calls_of(S_SOURCE_SIZE, n), 0);
	/* grown ahead: 4 KiB, 8 KiB, 16 KiB, ... 4 MiB */
	assert_int_equal(calls_of(S_FALLOCATE, grown), 11);
	assert_ok(pmemset_source_delete(&tmp));
	fx_teardown(&f);
}

/* the temporary file's real size, through its pmem2 source */
static size_t
temporary_size(void)
{
	struct pmem2_source *p2 = NULL;
	for (size_t i = 0; i < Log.count; i++)
		if (Log.events[i].type == PMEMSET_EVENT_PART_ADD)
			p2 = Log.events[i].ctx.data.part_add.src;
	assert_non_null(p2);
	size_t size;
	assert_int_equal(__real_pmem2_source_size(p2, &size), 0);
	return size;
}

static int
map_temporary(struct fx *f, struct pmemset_source *tmp, size_t offset)
{
	struct pmemset_map_config *mc;
	assert_ok(pmemset_map_config_new(&mc));
	assert_ok(pmemset_map_config_set_offset(mc, offset));
	pmemset_map_config_set_length(mc, PART);
	int ret = pmemset_map(f->set, tmp, mc, NULL);
	snprintf(f->msg, sizeof(f->msg), "%s", pmemset_errormsg());
	pmemset_map_config_delete(&mc);
	return ret;
}

/*
 * Growing a temporary file ahead fails: it grows to what the part needs,
 * and only if that fails too does the map fail, leaving the file as it
 * was. Where fallocate is missing, ftruncate grows it ahead.
 */
static void
temporary_growth_ahead_falls_back(void **state)
{
	(void) state;
	struct fx f;
	fx_setup(&f, FX_EMPTY);
	struct pmemset_source *tmp;
	assert_ok(pmemset_source_from_temporary(&tmp, test_dir()));
	assert_int_equal(map_temporary(&f, tmp, 0), 0);
	assert_int_equal(map_temporary(&f, tmp, PART), 0);
	assert_int_equal(temporary_size(), 2 * PART);

	/* the growth ahead (to 4 parts) fails, the exact one works */
	struct inject no_space = {S_FALLOCATE, 0, 1, ENOSPC, 0, false};
	Armed[0] = no_space;
	Armed[1] = (struct inject)NO_ALSO;
	Is_armed = true;
	Failed = 0;
	long n = Calls[S_FALLOCATE];
	int ret = map_temporary(&f, tmp, 2 * PART);
	Is_armed = false;
	if (ret != 0)
		fail_msg("no fallback: %d %s", ret, f.msg);
	assert_int_equal(Failed, 1);
	assert_int_equal(calls_of(S_FALLOCATE, n), 2);
	assert_int_equal(temporary_size(), 3 * PART);

	/* both fail: the map fails, nothing changed */
	no_space.times = 2;
	Armed[0] = no_space;
	Is_armed = true;
	Failed = 0;
	size_t maps = test_count_part_maps(f.set);
	ret = map_temporary(&f, tmp, 3 * PART);
	Is_armed = false;
	assert_int_equal(ret, PMEMSET_E_CANNOT_GROW_SOURCE_FILE);
	assert_non_null(strstr(f.msg, strerror(ENOSPC)));
	assert_int_equal(Failed, 2);
	assert_int_equal(temporary_size(), 3 * PART);
	assert_int_equal(test_count_part_maps(f.set), maps);

	/* no fallocate on this file system: ftruncate grows it ahead */
	struct inject unsupported = {S_FALLOCATE, 0, 1, EOPNOTSUPP, 0, false};
	Armed[0] = unsupported;
	Is_armed = true;
	Failed = 0;
	n = Calls[S_FTRUNCATE];
	ret = map_temporary(&f, tmp, 3 * PART);
	Is_armed = false;
	if (ret != 0)
		fail_msg("ftruncate did not grow it: %d %s", ret, f.msg);
	assert_int_equal(calls_of(S_FTRUNCATE, n), 1);
	assert_int_equal(temporary_size(), 6 * PART);
	assert_int_equal(test_count_part_maps(f.set), maps + 1);
	assert_ok(pmemset_source_delete(&tmp));
	fx_teardown(&f);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_seam_failure),
		cmocka_unit_test(size_is_read_once_and_only_when_needed),
		cmocka_unit_test(temporary_growth_ahead_falls_back),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
