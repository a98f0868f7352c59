// SPDX-License-Identifier: BSD-3-Clause
/*
 * durable.c -- the directory sync after the library creates a file and the
 * size sync after it grows one.
 *
 * Why both: a new directory entry and a new file size are metadata, which
 * a file system writes back on its own schedule (ext4 commits its journal
 * every few seconds); until then a power cut loses them, even on a DAX file
 * system where the program's stores reach the media at once. POSIX makes
 * fsync of the directory the way to keep an entry, and fdatasync of the
 * file the way to keep its size. On tmpfs both cost a system call and keep
 * nothing, as nothing there survives a power cut.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <unistd.h>

#include "durable.h"
#include "error.h"

int
durable_sync_parent_dir(const char *path, const char *func)
{
	/*
	 * The path opened a moment ago, so it fits PATH_MAX: no allocation
	 * (and no new failure to report) for the copy.
	 */
	char dir[PATH_MAX];
	const char *slash = strrchr(path, '/');
	if (slash == NULL) {
		strcpy(dir, ".");
	} else {
		size_t len = slash == path ? 1 : (size_t)(slash - path);
		if (len >= sizeof(dir))
			return err_errno(ENAMETOOLONG, "%s: cannot sync the "
				"directory of \"%s\"", func, path);
		memcpy(dir, path, len);
		dir[len] = '\0';
	}
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return err_errno(errno, "%s: cannot open the directory \"%s\" "
			"to make the new file \"%s\" durable", func, dir, path);
	int ret = 0;
	if (fsync(fd) != 0)
		ret = err_errno(errno, "%s: fsync of the directory \"%s\" "
			"(to make the new file \"%s\" durable) failed", func,
			dir, path);
	close(fd);
	return ret;
}

int
durable_sync_size(int fd, const char *path, size_t size, const char *func)
{
	if (fdatasync(fd) == 0)
		return 0;
	int errnum = errno;
	if (path != NULL)
		return err_errno(errnum, "%s: fdatasync of \"%s\" (to make its "
			"new size of %zu bytes durable) failed", func, path,
			size);
	return err_errno(errnum, "%s: fdatasync of the libpmem2 source's file "
		"(fd %d, to make its new size of %zu bytes durable) failed",
		func, fd, size);
}
