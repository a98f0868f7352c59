/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * durable.h -- making what the library does to the file system survive a
 * power cut: the directory entry of a file it creates, the size of a file
 * it grows. Nothing else is synced (the data is the program's, persisted
 * through the set).
 */
#ifndef PMEMSET_DURABLE_H
#define PMEMSET_DURABLE_H

/*
 * Syncs the directory that holds path, so a file just created in it is
 * there after a power cut. func names the caller's function for the
 * message. 0, or -errno with a message naming the directory.
 */
int durable_sync_parent_dir(const char *path, const char *func);

/*
 * Syncs the size (and the block map) of the file open as fd, so a growth
 * to size bytes is there after a power cut; path names it in the message
 * (NULL: a libpmem2 source's file, named by its descriptor). func names the
 * caller's function. 0, or -errno with a message.
 */
int durable_sync_size(int fd, const char *path, size_t size,
		const char *func);

#endif
