// SPDX-License-Identifier: BSD-3-Clause
/*
 * publish.c -- live publication: the process's observer tree and counters,
 * copied into a file of its own (publication_format.h) that another process
 * of the same user reads (pmemset-stat --pid, --list, --watch).
 *
 * Off unless PMEMSET_STAT_PUBLISH=1 (read through env_get, so ignored by
 * setuid and setgid programs) or pmemset_stat_publish_start().
 *
 * One thread of the library's own copies the tree every PUB_INTERVAL_MS:
 * the data-path counters live in the process's private memory (in each
 * set for its first counting thread, in per-thread tables for the others:
 * counters.h), where counting costs a load and a store, and only a pass
 * over them can bring them into the file. A pass
 * walks the parts only when a set was created, deleted, mapped or unmapped
 * since the last one (the core's generation); otherwise it reads the
 * counters alone. The program's threads never wait for it beyond the short
 * read of each set that any observer update takes (core_view.h); a reader
 * never makes the writer wait (a sequence count, publication_format.h).
 *
 * While publishing, every set counts (the publication holds one observer
 * of every set, like a handle opened on all sets).
 *
 * Dependencies: the core through core_view.h, the observer's value names
 * and counters (metrics.c, values.c), the format header. Nothing in the
 * library calls in here.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "alloc.h"
#include "env.h"
#include "log.h"
#include "publication_format.h"
#include "stat_internal.h"
#include "status.h"
#include "values.h"

#define PUB_INTERVAL_MS 250

/*
 * The writer's barrier between the sequence count and the records: what
 * comes before it is stored before what comes after. ThreadSanitizer does
 * not model fences (GCC refuses them with -fsanitize=thread); it has nothing
 * to check here anyway, the readers being other processes.
 */
#if defined(__SANITIZE_THREAD__)
#define STORE_BARRIER() __atomic_signal_fence(__ATOMIC_SEQ_CST)
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define STORE_BARRIER() __atomic_signal_fence(__ATOMIC_SEQ_CST)
#endif
#endif
#ifndef STORE_BARRIER
#define STORE_BARRIER() __atomic_thread_fence(__ATOMIC_RELEASE)
#endif
#define PUB_INITIAL_DATA ((size_t)64 << 10)

/* the next contents of the file's records, built outside the file */
struct image {
	char *buf;
	size_t size;
	size_t cap;
	size_t nsets;
	size_t nparts;
	size_t set_off;		/* the set record the parts belong to */
	size_t next_set;	/* counters pass: the record to patch next */
	size_t next_off;
	bool nomem;
	bool mismatch;		/* counters pass met another list of sets */
	bool changed;		/* the records differ from the file's */
};

static struct {
	pthread_mutex_t lock;	/* start, stop, and the thread's sleep */
	pthread_cond_t wake;
	bool on;
	bool stop;		/* the thread is asked to end */
	bool observing;		/* holds the observation of every set */
	pid_t owner;		/* the process that made the file */
	int fd;
	struct pub_header *hdr;	/* the file, mapped */
	size_t mapped;
	char path[PATH_MAX];
	pthread_t thread;
	uint64_t generation;	/* the core's, at the last full pass */
	struct image img;
} Pub = {
	.lock = PTHREAD_MUTEX_INITIALIZER,
	.fd = -1,
};

/* field 22 of /proc/self/stat: tells this process from a later one */
static uint64_t
own_start_time(void)
{
	char buf[1024];
	int fd = open("/proc/self/stat", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	ssize_t n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	return pub_start_time(buf);
}

static void
copy_name(char *to, size_t len, const char *from)
{
	strncpy(to, from, len - 1);
	to[len - 1] = '\0';
}

static void *
image_reserve(struct image *img, size_t n)
{
	if (img->nomem)
		return NULL;
	if (img->size + n > img->cap) {
		size_t cap = img->cap ? img->cap : PUB_INITIAL_DATA;
		while (cap < img->size + n)
			cap *= 2;
		char *buf = mem_realloc(img->buf, cap);
		if (buf == NULL) {
			img->nomem = true;
			return NULL;
		}
		img->buf = buf;
		img->cap = cap;
	}
	void *p = img->buf + img->size;
	memset(p, 0, n);
	img->size += n;
	return p;
}

/* the counters metrics.c gives a slot of the record */
static void
fill_counters(struct pub_set *r, const struct core_set_info *s)
{
	size_t n;
	const struct stat_metric *t = stat_metrics(STAT_SET, &n);
	for (size_t i = 0; i < n; i++)
		if (t[i].pub_counter >= 0)
			r->counters[t[i].pub_counter] =
				values_set_number(s, t[i].id);
}

/* called by core_visit under the core's locks: no call into the library */
static void
image_set(void *arg, const struct core_set_info *s)
{
	struct image *img = arg;
	size_t off = img->size;
	struct pub_set *r = image_reserve(img, sizeof(*r));
	if (r == NULL)
		return;
	img->set_off = off;
	img->nsets++;
	r->id = s->id;
	r->parts = s->parts;
	r->part_maps = s->part_maps;
	r->mapped_bytes = s->mapped_bytes;
	fill_counters(r, s);
	copy_name(r->granularity, sizeof(r->granularity),
		values_granularity_name(s->granularity_fixed, s->granularity));
	copy_name(r->required_granularity, sizeof(r->required_granularity),
		values_granularity_name(true, s->required_granularity));
	copy_name(r->coalescing, sizeof(r->coalescing),
		values_coalescing_name(s->coalescing));
}

static void
image_part(void *arg, const struct core_part_info *p)
{
	struct image *img = arg;
	size_t len = strnlen(p->source_path, PUB_PATH_MAX);
	struct pub_part *r = image_reserve(img, pub_part_record_size(len));
	if (r == NULL)
		return;
	((struct pub_set *)(img->buf + img->set_off))->nrecords++;
	img->nparts++;
	r->id = p->id;
	r->address = (uint64_t)(uintptr_t)p->address;
	r->size = p->size;
	r->offset = p->offset;
	r->part_map_id = p->part_map_id;
	r->part_map_address = (uint64_t)(uintptr_t)p->part_map_address;
	r->part_map_size = p->part_map_size;
	r->source_id = p->source_id;
	r->badblocks = p->badblocks;
	r->path_len = (uint32_t)len;
	copy_name(r->source, sizeof(r->source), p->source_kind);
	copy_name(r->granularity, sizeof(r->granularity),
		values_granularity_name(true, p->granularity));
	copy_name(r->sds_state, sizeof(r->sds_state),
		values_sds_state_name(p->sds_state));
	memcpy(r + 1, p->source_path, len);
}

/* the counters pass: the sets come in the order of the last full pass */
static void
image_counters(void *arg, const struct core_set_info *s)
{
	struct image *img = arg;
	if (img->mismatch || img->next_set >= img->nsets) {
		img->mismatch = true;
		return;
	}
	struct pub_set *r = (struct pub_set *)(img->buf + img->next_off);
	if (r->id != s->id || r->parts != s->parts) {
		img->mismatch = true;
		return;
	}
	struct pub_set fresh = *r;
	fill_counters(&fresh, s);
	if (memcmp(fresh.counters, r->counters, sizeof(r->counters)) != 0) {
		memcpy(r->counters, fresh.counters, sizeof(r->counters));
		img->changed = true;
	}
	img->next_set++;
	/* the parts of this set follow: skip them */
	size_t off = img->next_off + sizeof(*r);
	for (uint64_t i = 0; i < r->nrecords; i++) {
		const struct pub_part *p =
			(const struct pub_part *)(img->buf + off);
		off += pub_part_record_size(p->path_len);
	}
	img->next_off = off;
}

/* reads the core into the image; false when it could not */
static bool
image_build(struct image *img)
{
	uint64_t gen = core_generation();
	if (gen == Pub.generation && img->buf != NULL) {
		img->next_set = 0;
		img->next_off = 0;
		img->mismatch = false;
		size_t n = core_visit(0, image_counters, NULL, img);
		if (!img->mismatch && n == img->nsets)
			return true;
	}
	img->size = 0;
	img->nsets = 0;
	img->nparts = 0;
	img->nomem = false;
	(void) core_visit(0, image_set, image_part, img);
	if (img->nomem)
		return false;
	Pub.generation = gen;
	img->changed = true;
	return true;
}

static uint64_t
now_ns(void)
{
	struct timespec t;
	clock_gettime(CLOCK_REALTIME, &t);
	return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}

/* the file holds at least `need` bytes of records: grown, remapped */
static bool
file_fit(size_t need)
{
	size_t have = Pub.mapped - sizeof(struct pub_header);
	if (need <= have)
		return true;
	while (have < need)
		have *= 2;
	size_t size = sizeof(struct pub_header) + have;
	if (ftruncate(Pub.fd, (off_t)size) != 0)
		return false;
	void *p = mremap(Pub.hdr, Pub.mapped, size, MREMAP_MAYMOVE);
	if (p == MAP_FAILED)
		return false;
	Pub.hdr = p;
	Pub.mapped = size;
	return true;
}

/* one pass of the thread: the records, then the header, under the seq */
static void
publish_pass(void)
{
	struct image *img = &Pub.img;
	bool built = image_build(img);
	struct pub_header *h = Pub.hdr;
	/* odd from file_open until the first pass ends */
	uint64_t odd = __atomic_load_n(&h->seq, __ATOMIC_RELAXED) | 1;
	__atomic_store_n(&h->seq, odd, __ATOMIC_RELAXED);
	STORE_BARRIER();
	if (built && img->changed && file_fit(img->size)) {
		h = Pub.hdr;
		if (img->size > 0)	/* no set yet: no buffer */
			memcpy(h + 1, img->buf, img->size);
		h->data_size = img->size;
		h->nsets = img->nsets;
		h->nparts = img->nparts;
		img->changed = false;
	}
	h->updated_ns = now_ns();
	STORE_BARRIER();
	__atomic_store_n(&h->seq, odd + 1, __ATOMIC_RELAXED);
}

static void *
publisher(void *arg)
{
	(void) arg;
	pthread_mutex_lock(&Pub.lock);
	while (!Pub.stop) {
		pthread_mutex_unlock(&Pub.lock);
		publish_pass();
		pthread_mutex_lock(&Pub.lock);
		if (Pub.stop)
			break;
		struct timespec t;
		clock_gettime(CLOCK_MONOTONIC, &t);
		t.tv_nsec += PUB_INTERVAL_MS * 1000000L;
		t.tv_sec += t.tv_nsec / 1000000000L;
		t.tv_nsec %= 1000000000L;
		(void) pthread_cond_timedwait(&Pub.wake, &Pub.lock, &t);
	}
	pthread_mutex_unlock(&Pub.lock);
	return NULL;
}

/*
 * The directory, made if missing, as a descriptor; or -1 with the reason
 * in *why. An existing one must be a directory (not a link to one) of this
 * user with mode 0700: anything else may be someone's trap.
 */
static int
open_dir(char *dir, size_t len, const char **why, int *err)
{
	const char *runtime = env_get("XDG_RUNTIME_DIR");
	int n = pub_dir_path(dir, len, runtime, geteuid());
	if (n < 0 || (size_t)n >= len) {
		*why = "its path is too long";
		*err = ENAMETOOLONG;
		return -1;
	}
	bool made = mkdir(dir, 0700) == 0;
	if (!made && errno != EEXIST) {
		*err = errno;
		*why = "it cannot be created";
		return -1;
	}
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0) {
		*err = errno;
		*why = errno == ELOOP || errno == ENOTDIR ?
			"it is a symbolic link or not a directory" :
			"it cannot be opened";
		return -1;
	}
	struct stat st;
	/* what we made may have lost bits to the umask: exactly 0700 */
	if (made)
		(void) fchmod(fd, 0700);
	if (fstat(fd, &st) != 0) {
		*err = errno;
		*why = "it cannot be examined";
	} else if (!S_ISDIR(st.st_mode)) {
		*err = ENOTDIR;
		*why = "it is not a directory";
	} else if (st.st_uid != geteuid()) {
		*err = EPERM;
		*why = "it belongs to another user";
	} else if ((st.st_mode & 07777) != 0700) {
		*err = EPERM;
		*why = "its mode is not 0700";
	} else {
		return fd;
	}
	close(fd);
	return -1;
}

/* the file of this pid, new; one left by an earlier process goes first */
static int
create_file(int dirfd, const char *name)
{
	int flags = O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC;
	int fd = openat(dirfd, name, flags, 0600);
	if (fd < 0 && errno == EEXIST) {
		/* a process that had this pid before; the directory is ours */
		if (unlinkat(dirfd, name, 0) != 0)
			return -1;
		fd = openat(dirfd, name, flags, 0600);
	}
	if (fd >= 0 && fchmod(fd, 0600) != 0) {
		int e = errno;
		close(fd);
		(void) unlinkat(dirfd, name, 0);
		errno = e;
		return -1;
	}
	return fd;
}

static void
header_init(struct pub_header *h)
{
	memcpy(h->magic, PUB_MAGIC, PUB_MAGIC_LEN);
	h->version = PUB_VERSION;
	h->header_size = sizeof(*h);
	h->seq = 0;
	h->pid = (uint64_t)getpid();
	h->start_time = own_start_time();
	h->uid = (uint64_t)geteuid();
	h->interval_ms = PUB_INTERVAL_MS;
	copy_name(h->program, sizeof(h->program),
		program_invocation_short_name);
	copy_name(h->library_version, sizeof(h->library_version),
		PMEMSET_STAT_VERSION_STRING);
}

static void
file_close(bool remove)
{
	if (Pub.hdr != NULL)
		munmap(Pub.hdr, Pub.mapped);
	Pub.hdr = NULL;
	Pub.mapped = 0;
	if (Pub.fd >= 0)
		close(Pub.fd);
	Pub.fd = -1;
	if (remove && Pub.path[0] != '\0')
		(void) unlink(Pub.path);
	Pub.path[0] = '\0';
}

/* the file, made and mapped; the lock is held */
static enum pmemset_stat_status
file_open(void)
{
	char dir[PATH_MAX - 32];
	const char *why = NULL;
	int err = 0;
	int dirfd = open_dir(dir, sizeof(dir), &why, &err);
	if (dirfd < 0)
		return stat_fail(err == EPERM || err == ELOOP ||
				err == ENOTDIR ? PMEMSET_STAT_S_NO_PERM :
				PMEMSET_STAT_S_SYS_FAIL,
			"pmemset_stat_publish_start: directory %s refused: "
			"%s (%s)", dir, why, strerror(err));
	char name[32];
	snprintf(name, sizeof(name), "%ld", (long)getpid());
	int fd = create_file(dirfd, name);
	err = errno;
	close(dirfd);
	if (fd < 0)
		return stat_fail(PMEMSET_STAT_S_SYS_FAIL,
			"pmemset_stat_publish_start: cannot create %s/%s: %s",
			dir, name, strerror(err));
	snprintf(Pub.path, sizeof(Pub.path), "%s/%s", dir, name);
	Pub.fd = fd;
	size_t size = sizeof(struct pub_header) + PUB_INITIAL_DATA;
	void *p = MAP_FAILED;
	if (ftruncate(fd, (off_t)size) == 0)
		p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
			0);
	if (p == MAP_FAILED) {
		err = errno;
		file_close(true);
		return stat_fail(PMEMSET_STAT_S_SYS_FAIL,
			"pmemset_stat_publish_start: cannot size or map %s/%s: "
			"%s", dir, name, strerror(err));
	}
	Pub.hdr = p;
	Pub.mapped = size;
	/* odd until the first pass has written the records */
	header_init(Pub.hdr);
	__atomic_store_n(&Pub.hdr->seq, 1, __ATOMIC_RELEASE);
	return PMEMSET_STAT_S_OK;
}

/* the lock is held: the thread ends, the file goes (if it is ours) */
static void
stop_locked(void)
{
	if (!Pub.on)
		return;
	Pub.stop = true;
	pthread_cond_signal(&Pub.wake);
	pthread_mutex_unlock(&Pub.lock);
	pthread_join(Pub.thread, NULL);
	pthread_mutex_lock(&Pub.lock);
	Pub.on = false;
	Pub.stop = false;
	file_close(Pub.owner == getpid());
	mem_free(Pub.img.buf);
	memset(&Pub.img, 0, sizeof(Pub.img));
	Pub.generation = 0;
	if (Pub.observing) {
		core_observe_all(false);
		Pub.observing = false;
	}
}

static void
stop_at_exit(void)
{
	pthread_mutex_lock(&Pub.lock);
	if (Pub.owner == getpid())
		stop_locked();
	pthread_mutex_unlock(&Pub.lock);
}

/*
 * A forked child has no publisher thread and must not touch its parent's
 * file: it forgets it (the mapping and descriptor are its own copies).
 */
static void
after_fork_in_child(void)
{
	pthread_mutex_t fresh = PTHREAD_MUTEX_INITIALIZER;
	Pub.lock = fresh;
	if (Pub.on) {
		Pub.on = false;
		Pub.stop = false;
		file_close(false);
		mem_free(Pub.img.buf);
		memset(&Pub.img, 0, sizeof(Pub.img));
		Pub.generation = 0;
	}
}

static pthread_once_t Hooks_once = PTHREAD_ONCE_INIT;

static void
hooks_install(void)
{
	pthread_condattr_t a;
	pthread_condattr_init(&a);
	pthread_condattr_setclock(&a, CLOCK_MONOTONIC);
	pthread_cond_init(&Pub.wake, &a);
	pthread_condattr_destroy(&a);
	(void) atexit(stop_at_exit);
	(void) pthread_atfork(NULL, NULL, after_fork_in_child);
}

enum pmemset_stat_status
pmemset_stat_publish_start(void)
{
	pthread_once(&Hooks_once, hooks_install);
	pthread_mutex_lock(&Pub.lock);
	if (Pub.on) {
		pthread_mutex_unlock(&Pub.lock);
		return PMEMSET_STAT_S_OK;
	}
	enum pmemset_stat_status st = file_open();
	if (st != PMEMSET_STAT_S_OK) {
		pthread_mutex_unlock(&Pub.lock);
		return st;
	}
	Pub.owner = getpid();
	if (!Pub.observing) {
		core_observe_all(true);
		Pub.observing = true;
	}
	/* the program's signals go to its own threads, never to ours */
	sigset_t all, old;
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	Pub.stop = false;
	int err = pthread_create(&Pub.thread, NULL, publisher, NULL);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (err != 0) {
		file_close(true);
		core_observe_all(false);
		Pub.observing = false;
		pthread_mutex_unlock(&Pub.lock);
		return stat_fail(PMEMSET_STAT_S_SYS_FAIL,
			"pmemset_stat_publish_start: cannot start the "
			"publishing thread: %s", strerror(err));
	}
	(void) pthread_setname_np(Pub.thread, "pmemset-publish");
	Pub.on = true;
	pthread_mutex_unlock(&Pub.lock);
	log_line(LOG_CALL, "publishing the observer tree in %s", Pub.path);
	return PMEMSET_STAT_S_OK;
}

enum pmemset_stat_status
pmemset_stat_publish_stop(void)
{
	pthread_once(&Hooks_once, hooks_install);
	pthread_mutex_lock(&Pub.lock);
	stop_locked();
	pthread_mutex_unlock(&Pub.lock);
	return PMEMSET_STAT_S_OK;
}

enum pmemset_stat_status
pmemset_stat_publish_path(char *buf, size_t buflen)
{
	if (buf == NULL)
		return STAT_NULL_ARG("buf");
	pthread_mutex_lock(&Pub.lock);
	enum pmemset_stat_status st = PMEMSET_STAT_S_OK;
	size_t len = strlen(Pub.path);
	if (!Pub.on)
		st = stat_fail(PMEMSET_STAT_S_NOT_FOUND,
			"pmemset_stat_publish_path: the process does not "
			"publish");
	else if (len >= buflen)
		st = stat_fail(PMEMSET_STAT_S_NO_SPACE,
			"pmemset_stat_publish_path: the path needs %zu bytes, "
			"the buffer has %zu", len + 1, buflen);
	else
		memcpy(buf, Pub.path, len + 1);
	pthread_mutex_unlock(&Pub.lock);
	return st;
}

/* PMEMSET_STAT_PUBLISH=1: from the start; a refusal is logged, not fatal */
__attribute__((constructor)) static void
publish_from_environment(void)
{
	const char *v = env_get("PMEMSET_STAT_PUBLISH");
	if (v == NULL || strcmp(v, "1") != 0)
		return;
	if (pmemset_stat_publish_start() != PMEMSET_STAT_S_OK)
		log_line(LOG_ERROR, "PMEMSET_STAT_PUBLISH=1: not publishing: "
			"%s", pmemset_errormsg());
}
