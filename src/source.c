// SPDX-License-Identifier: BSD-3-Clause
/*
 * source.c -- pmemset sources: files, temporary files and caller's pmem2
 * sources; their size, alignment and machine-check-safe I/O.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "alloc.h"
#include "error.h"
#include "log.h"
#include "part_map.h"
#include "source.h"

#define DEFAULT_CREATE_MODE 0644

const char *
source_kind_name(enum source_kind kind)
{
	switch (kind) {
	case SOURCE_FILE:
		return "file";
	case SOURCE_TEMPORARY:
		return "temporary";
	default:
		return "pmem2";
	}
}

static struct pmemset_source *
source_alloc(enum source_kind kind)
{
	struct pmemset_source *src = mem_zalloc(sizeof(*src));
	if (src == NULL)
		return NULL;
	if (pthread_mutex_init(&src->lock, NULL) != 0) {
		mem_free(src);
		return NULL;
	}
	if (pthread_mutex_init(&src->grow_lock, NULL) != 0) {
		pthread_mutex_destroy(&src->lock);
		mem_free(src);
		return NULL;
	}
	src->kind = kind;
	src->id = next_object_id();
	src->fd = -1;
	atomic_init(&src->refs, 1); /* the caller's */
	atomic_init(&src->regular, -1);
	return src;
}

static void
source_free(struct pmemset_source *src)
{
	/* ours to delete unless the caller handed it in */
	if (src->kind != SOURCE_PMEM2 && src->pmem2_src != NULL)
		(void) pmem2_source_delete(&src->pmem2_src);
	if (src->owns_fd && src->fd >= 0)
		close(src->fd);
	mem_free(src->path);
	pthread_mutex_destroy(&src->lock);
	pthread_mutex_destroy(&src->grow_lock);
	mem_free(src);
}

void
source_get(struct pmemset_source *src)
{
	atomic_fetch_add(&src->refs, 1);
}

void
source_put(struct pmemset_source *src)
{
	if (atomic_fetch_sub(&src->refs, 1) == 1)
		source_free(src);
}

/* an errno from open() or fstat() as our error, naming the path */
static int
open_error(const char *func, const char *path, int errnum)
{
	/*
	 * As PMDK: a missing file is INVALID_SOURCE_PATH, which
	 * pmemset_err_to_errno turns into ENOENT, as the message says; other
	 * path errors keep their own errno.
	 */
	switch (errnum) {
	case ENOENT:
		return err_set(PMEMSET_E_INVALID_SOURCE_PATH,
			"%s: cannot open \"%s\": %s", func, path,
			strerror(errnum));
	case EISDIR:
		return err_set(PMEMSET_E_INVALID_SOURCE_TYPE,
			"%s: \"%s\" is a directory", func, path);
	default:
		return err_errno(errnum, "%s: cannot open \"%s\"", func, path);
	}
}

/* what kind of file fd is, for a message, when libpmem2 refused its type */
static const char *
file_kind(int fd)
{
	struct stat st;
	if (fstat(fd, &st) != 0)
		return "a file of a type libpmem2 cannot map";
	if (S_ISCHR(st.st_mode))
		return "a character device that is not Device DAX";
	if (S_ISBLK(st.st_mode))
		return "a block device (map a file on its DAX file system)";
	if (S_ISFIFO(st.st_mode))
		return "a FIFO";
	if (S_ISSOCK(st.st_mode))
		return "a socket";
	if (S_ISDIR(st.st_mode))
		return "a directory";
	return "a file of a type libpmem2 cannot map";
}

/* the fd-taking tail shared by file and temporary sources */
static int
source_adopt_fd(struct pmemset_source *src, const char *func, int fd)
{
	src->fd = fd;
	src->owns_fd = true;
	err_pmem2_mark();
	int ret = pmem2_source_from_fd(&src->pmem2_src, fd);
	if (ret == PMEM2_E_INVALID_FILE_TYPE)
		return err_set(err_translate_pmem2(ret), "%s: \"%s\" is %s",
				func, src->path ? src->path : "the file",
				file_kind(fd));
	if (ret != 0)
		return err_pmem2(ret, "%s: not a source libpmem2 can map", func);
	return 0;
}

static int
validate_create_flags(uint64_t flags)
{
	if (flags & ~PMEMSET_SOURCE_FILE_CREATE_VALID_FLAGS)
		return err_set(PMEMSET_E_INVALID_SOURCE_FILE_CREATE_FLAGS,
			"pmemset_xsource_from_file: unknown flag or mode bits "
			"0x%llx", (unsigned long long)
			(flags & ~PMEMSET_SOURCE_FILE_CREATE_VALID_FLAGS));
	if ((flags & PMEMSET_SOURCE_FILE_CREATE_ALWAYS) &&
	    (flags & PMEMSET_SOURCE_FILE_CREATE_IF_NEEDED))
		return err_set(PMEMSET_E_INVALID_SOURCE_FILE_CREATE_FLAGS,
			"pmemset_xsource_from_file: CREATE_ALWAYS and "
			"CREATE_IF_NEEDED contradict each other");
	return 0;
}

/*
 * Opens path as the flags say. *created tells whether this call made the
 * file, so a later failure can remove it again; *truncate, that an
 * existing file is to be emptied (CREATE_ALWAYS) -- not here: only once
 * the source is made, so a failure loses nothing.
 */
static int
open_for_flags(const char *path, uint64_t flags, bool *created,
		bool *truncate)
{
	mode_t mode = (mode_t)(flags >> 32);
	if (mode == 0)
		mode = DEFAULT_CREATE_MODE;
	*created = false;
	*truncate = false;
	if (flags & PMEMSET_SOURCE_FILE_CREATE_ALWAYS) {
		int fd = open(path, O_RDWR | O_CLOEXEC | O_CREAT | O_EXCL, mode);
		if (fd >= 0) {
			*created = true;
			return fd;
		}
		if (errno != EEXIST)
			return -errno;
		fd = open(path, O_RDWR | O_CLOEXEC);
		*truncate = fd >= 0;
		return fd >= 0 ? fd : -errno;
	}
	int fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd >= 0 || errno != ENOENT ||
	    !(flags & PMEMSET_SOURCE_FILE_CREATE_IF_NEEDED))
		return fd >= 0 ? fd : -errno;
	fd = open(path, O_RDWR | O_CLOEXEC | O_CREAT | O_EXCL, mode);
	if (fd >= 0)
		*created = true;
	else if (errno == EEXIST) /* lost a race: someone else made it */
		fd = open(path, O_RDWR | O_CLOEXEC);
	return fd >= 0 ? fd : -errno;
}

static int
file_source_new(struct pmemset_source **src, const char *file, uint64_t flags,
		const char *func)
{
	/* func, not __func__: messages name the function the caller called */
	if (src == NULL)
		return err_set(-EINVAL, "%s: src is NULL", func);
	*src = NULL;
	if (file == NULL) /* PMDK's code for it */
		return err_set(PMEMSET_E_INVALID_SOURCE_PATH,
			"%s: file is NULL", func);
	int ret = validate_create_flags(flags);
	if (ret != 0)
		return ret;

	struct pmemset_source *s = source_alloc(SOURCE_FILE);
	if (s == NULL || (s->path = mem_strdup(file)) == NULL) {
		if (s != NULL)
			source_free(s);
		return err_set(PMEMSET_E_CANNOT_ALLOCATE_INTERNAL_STRUCTURE,
			"%s: out of memory", func);
	}
	s->flags = flags;

	bool created, truncate;
	int fd = open_for_flags(file, flags, &created, &truncate);
	if (fd < 0) {
		source_free(s);
		return open_error(func, file, -fd);
	}
	ret = source_adopt_fd(s, func, fd);
	if (ret == 0 && truncate && source_is_devdax(s))
		ret = err_set(PMEMSET_E_INVALID_SOURCE_FILE_CREATE_FLAGS,
			"%s: CREATE_ALWAYS would empty \"%s\", but it is a "
			"Device DAX device, which has a fixed size; nothing "
			"was changed", func, file);
	else if (ret == 0 && truncate && ftruncate(fd, 0) != 0)
		ret = err_errno(errno, "%s: cannot truncate \"%s\"", func,
				file);
	if (ret != 0) {
		if (created)
			unlink(file);
		source_free(s);
		return ret;
	}
	log_line(LOG_CALL, "%s: \"%s\" flags 0x%llx", func, file,
			(unsigned long long)flags);
	*src = s;
	return 0;
}

int
pmemset_source_from_file(struct pmemset_source **src, const char *file)
{
	return file_source_new(src, file, 0, "pmemset_source_from_file");
}

int
pmemset_xsource_from_file(struct pmemset_source **src, const char *file,
		uint64_t flags)
{
	return file_source_new(src, file, flags, "pmemset_xsource_from_file");
}

int
pmemset_source_from_temporary(struct pmemset_source **src, const char *dir)
{
	if (src == NULL)
		return ERR_NULL_ARG("src");
	*src = NULL;
	if (dir == NULL) /* PMDK's code for it */
		return err_set(PMEMSET_E_INVALID_SOURCE_PATH,
			"pmemset_source_from_temporary: dir is NULL");

	struct pmemset_source *s = source_alloc(SOURCE_TEMPORARY);
	if (s == NULL)
		return err_set(PMEMSET_E_CANNOT_ALLOCATE_INTERNAL_STRUCTURE,
			"pmemset_source_from_temporary: out of memory");
	/* unnamed: the file is gone once the descriptor is closed */
	int fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
	if (fd < 0) {
		int errnum = errno;
		source_free(s);
		return err_set(PMEMSET_E_CANNOT_CREATE_TEMP_FILE,
			"pmemset_source_from_temporary: cannot create a "
			"temporary file in \"%s\": %s", dir, strerror(errnum));
	}
	int ret = source_adopt_fd(s, "pmemset_source_from_temporary", fd);
	if (ret != 0) {
		source_free(s);
		return ret;
	}
	/* empty, and made by O_TMPFILE: a regular file (no fstat to ask) */
	atomic_store(&s->regular, 1);
	*src = s;
	return 0;
}

int
pmemset_source_from_pmem2(struct pmemset_source **src,
		struct pmem2_source *pmem2_src)
{
	if (src == NULL)
		return ERR_NULL_ARG("src");
	*src = NULL;
	if (pmem2_src == NULL)
		return err_set(PMEMSET_E_INVALID_PMEM2_SOURCE,
			"pmemset_source_from_pmem2: pmem2_src is NULL");
	struct pmemset_source *s = source_alloc(SOURCE_PMEM2);
	if (s == NULL)
		return err_set(PMEMSET_E_CANNOT_ALLOCATE_INTERNAL_STRUCTURE,
			"pmemset_source_from_pmem2: out of memory");
	s->pmem2_src = pmem2_src;
	int fd;
	/* anonymous sources have no descriptor: they cannot grow */
	if (pmem2_source_get_fd(pmem2_src, &fd) == 0)
		s->fd = fd;
	*src = s;
	return 0;
}

int
pmemset_source_delete(struct pmemset_source **src)
{
	if (src == NULL)
		return ERR_NULL_ARG("src");
	struct pmemset_source *s = *src;
	if (s == NULL)
		return 0;
	/*
	 * As PMDK, and as close() after mmap(): parts may stay mapped. They
	 * keep what they need through their references; none needs the
	 * descriptor (only a map grows the file; libpmem2 unmaps without
	 * it), so it is closed now: a program mapping many files runs out of
	 * none. A temporary file lives on in its mappings until the last goes.
	 */
	if (s->owns_fd && s->fd >= 0) {
		close(s->fd);
		s->fd = -1;
	}
	source_put(s);
	*src = NULL;
	return 0;
}

bool
source_is_devdax(const struct pmemset_source *src)
{
	/* libpmem2 made a source of it: a character device is Device DAX */
	struct stat st;
	return src->fd >= 0 && fstat(src->fd, &st) == 0 && S_ISCHR(st.st_mode);
}

int
source_size(struct pmemset_source *src, size_t *size, const char *func)
{
	if (source_size_is_exact(src)) {
		*size = source_known_size(src);
		return 0;
	}
	err_pmem2_mark();
	int ret = pmem2_source_size(src->pmem2_src, size);
	if (ret != 0)
		return err_pmem2(ret, "%s: cannot read the size of the source",
				func);
	source_note_size(src, *size);
	return 0;
}

int
pmemset_source_alignment(struct pmemset_source *src, size_t *alignment)
{
	if (src == NULL)
		return ERR_NULL_ARG("src");
	if (alignment == NULL)
		return ERR_NULL_ARG("alignment");
	err_pmem2_mark();
	int ret = pmem2_source_alignment(src->pmem2_src, alignment);
	if (ret != 0)
		return err_pmem2(ret, "pmemset_source_alignment");
	return 0;
}

void
pmemset_source_set_badblock_detection(struct pmemset_source *src, bool value)
{
	if (src == NULL) {
		ERR_NULL_ARG("src");
		return;
	}
	atomic_store(&src->badblock_detection, value);
}

static int
mcsafe_io(struct pmemset_source *src, void *buf, size_t size, size_t offset,
		bool write, const char *func)
{
	if (src == NULL)
		return err_set(-EINVAL, "%s: src is NULL", func);
	if (buf == NULL)
		return err_set(-EINVAL, "%s: buf is NULL", func);
	size_t file_size;
	int ret = source_size(src, &file_size, func);
	if (ret != 0)
		return ret;
	if (offset > file_size || size > file_size - offset)
		return err_set(PMEMSET_E_LENGTH_OUT_OF_RANGE,
			"%s: %zu bytes at offset %zu run past the end of the "
			"source (%zu bytes)", func, size, offset, file_size);
	err_pmem2_mark();
	ret = write ?
		pmem2_source_pwrite_mcsafe(src->pmem2_src, buf, size, offset) :
		pmem2_source_pread_mcsafe(src->pmem2_src, buf, size, offset);
	if (ret != 0)
		return err_pmem2(ret, "%s: %zu bytes at offset %zu", func,
				size, offset);
	return 0;
}

int
pmemset_source_pread_mcsafe(struct pmemset_source *src, void *buf,
		size_t size, size_t offset)
{
	return mcsafe_io(src, buf, size, offset, false,
			"pmemset_source_pread_mcsafe");
}

int
pmemset_source_pwrite_mcsafe(struct pmemset_source *src, void *buf,
		size_t size, size_t offset)
{
	return mcsafe_io(src, buf, size, offset, true,
			"pmemset_source_pwrite_mcsafe");
}
