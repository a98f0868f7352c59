// SPDX-License-Identifier: BSD-3-Clause
/*
 * case_parts.c -- the control path at scale: part_map_by_address (+drop)
 * and first/next iteration over many part maps, mapping and removing many
 * 4 KiB parts (coalesced and not), and remove_range splitting a part map.
 *
 * The libpmem2 side does what an application without libpmemset would do:
 * it keeps its maps in a vm reservation and asks libpmem2 to find them, or
 * it runs the source / config / map loop over one file descriptor. Every
 * raw map gets a vdm, or libpmem2 1.12.1 aborts past 1,024 maps.
 */
#include <fcntl.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libpmemset.h>

#include "bench.h"

/* random lookup addresses per set; a power of two for a cheap modulo */
#define NADDR 4096

static const struct opts *O;

/* a set of n part maps of one 4 KiB part each, and the raw equivalent */
struct many {
	size_t n;
	struct pmemset_source *src;
	struct pmemset *set;
	int fd;
	struct pmem2_source *p2src;
	struct pmem2_vm_reservation *rsv;
	struct pmem2_map **maps;
	char **addrs;		/* NADDR random addresses inside the set */
	size_t *offs;		/* the same places inside the reservation */
};

static size_t
count_part_maps(struct pmemset *set)
{
	size_t n = 0;
	struct pmemset_part_map *pm, *next;
	pmemset_first_part_map(set, &pm);
	while (pm != NULL) {
		n++;
		pmemset_next_part_map(set, pm, &next);
		pmemset_part_map_drop(&pm);
		pm = next;
	}
	return n;
}

/* n raw maps of 4 KiB at consecutive offsets of the reservation */
static int
raw_fill_rsv(struct pmem2_vm_reservation **rsv, struct pmem2_source *src,
		struct pmem2_map **maps, size_t n)
{
	int ret = pmem2_vm_reservation_new(rsv, NULL, n * PART_SIZE);
	if (ret != 0) {
		bench_fail("pmem2_vm_reservation_new: %s", pmem2_errormsg());
		return -1;
	}
	for (size_t i = 0; i < n; i++) {
		size_t off = i * PART_SIZE;
		ret = raw_map(&maps[i], src, PMEM2_GRANULARITY_PAGE, off,
				PART_SIZE, *rsv, off);
		if (ret != 0) {
			bench_fail("pmem2_map_new of map %zu: %s", i,
					pmem2_errormsg());
			return -1;
		}
	}
	return 0;
}

static void
raw_drop_rsv(struct pmem2_vm_reservation **rsv, struct pmem2_map **maps,
		size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (maps[i] != NULL)
			pmem2_map_delete(&maps[i]);
	if (*rsv != NULL)
		pmem2_vm_reservation_delete(rsv);
}

static void
many_fini(struct many *m)
{
	pmemset_delete(&m->set);
	pmemset_source_delete(&m->src);
	if (m->maps != NULL)
		raw_drop_rsv(&m->rsv, m->maps, m->n);
	if (m->p2src != NULL)
		pmem2_source_delete(&m->p2src);
	if (m->fd >= 0)
		close(m->fd);
	free(m->maps);
	free(m->addrs);
	free(m->offs);
	memset(m, 0, sizeof(*m));
	m->fd = -1;
}

static int
many_init(struct many *m, size_t n)
{
	memset(m, 0, sizeof(*m));
	m->n = n;
	m->fd = -1;
	char **part_addr = calloc(n, sizeof(*part_addr));
	m->maps = calloc(n, sizeof(*m->maps));
	m->addrs = calloc(NADDR, sizeof(*m->addrs));
	m->offs = calloc(NADDR, sizeof(*m->offs));
	if (!part_addr || !m->maps || !m->addrs || !m->offs) {
		free(part_addr);
		bench_fail("out of memory");
		return -1;
	}
	int ret = -1;
	if (pmemset_source_from_temporary(&m->src, O->dir) != 0) {
		bench_fail("pmemset_source_from_temporary(%s): %s", O->dir,
				pmemset_errormsg());
		goto out;
	}
	if (bench_set_new(&m->set, PMEM2_GRANULARITY_PAGE, NULL,
			PMEMSET_COALESCING_NONE) != 0 ||
	    map_parts(m->set, m->src, n, 0, part_addr) < 0)
		goto out;
	if (count_part_maps(m->set) != n) {
		bench_fail("%zu parts made %zu part maps, not %zu", n,
				count_part_maps(m->set), n);
		goto out;
	}

	m->fd = raw_tmpfile(O->dir, n * PART_SIZE);
	if (m->fd < 0)
		goto out;
	if (pmem2_source_from_fd(&m->p2src, m->fd) != 0) {
		bench_fail("pmem2_source_from_fd: %s", pmem2_errormsg());
		goto out;
	}
	if (raw_fill_rsv(&m->rsv, m->p2src, m->maps, n) != 0)
		goto out;

	/* the same random parts and offsets for both sides */
	uint64_t seed = 42 + n;
	for (size_t i = 0; i < NADDR; i++) {
		size_t part = (size_t)(rnd(&seed) % n);
		size_t off = (size_t)(rnd(&seed) % PART_SIZE);
		m->addrs[i] = part_addr[part] + off;
		m->offs[i] = part * PART_SIZE + off;
	}
	ret = 0;
out:
	free(part_addr);
	return ret;
}

static int
lookup_set_side(void *arg, size_t iters, double *ns)
{
	const struct many *m = arg;
	struct pmemset *set = m->set;
	char *const *addrs = m->addrs;
	double t0 = now_ns();
	for (size_t i = 0; i < iters; i++) {
		struct pmemset_part_map *pm;
		pmemset_part_map_by_address(set, &pm, addrs[i & (NADDR - 1)]);
		pmemset_part_map_drop(&pm);
	}
	ns[0] = (now_ns() - t0) / (double)iters;
	return 0;
}

static int
lookup_raw_side(void *arg, size_t iters, double *ns)
{
	const struct many *m = arg;
	struct pmem2_vm_reservation *rsv = m->rsv;
	const size_t *offs = m->offs;
	double t0 = now_ns();
	for (size_t i = 0; i < iters; i++) {
		struct pmem2_map *map;
		pmem2_vm_reservation_map_find(rsv, offs[i & (NADDR - 1)], 1,
				&map);
	}
	ns[0] = (now_ns() - t0) / (double)iters;
	return 0;
}

/* every lookup finds the part map holding the address, on both sides */
static int
lookup_check(const struct many *m)
{
	for (size_t i = 0; i < NADDR; i++) {
		struct pmemset_part_map *pm;
		char *a = m->addrs[i];
		if (pmemset_part_map_by_address(m->set, &pm, a) != 0) {
			bench_fail("part_map_by_address(%p): %s", (void *)a,
					pmemset_errormsg());
			return -1;
		}
		struct pmemset_part_descriptor d;
		d = pmemset_descriptor_part_map(pm);
		pmemset_part_map_drop(&pm);
		if (m->addrs[i] < (char *)d.addr ||
		    m->addrs[i] >= (char *)d.addr + d.size) {
			bench_fail("part_map_by_address(%p) found %p+%zu",
					(void *)m->addrs[i], d.addr, d.size);
			return -1;
		}
		struct pmem2_map *map;
		if (pmem2_vm_reservation_map_find(m->rsv, m->offs[i], 1,
				&map) != 0) {
			bench_fail("pmem2_vm_reservation_map_find: %s",
					pmem2_errormsg());
			return -1;
		}
	}
	return 0;
}

/*
 * One operation is one step of a walk (first, or next and drop of the
 * previous one); a walk that reaches the end starts again.
 */
static int
iterate_set_side(void *arg, size_t iters, double *ns)
{
	const struct many *m = arg;
	struct pmemset *set = m->set;
	size_t left = iters;
	double t0 = now_ns();
	while (left > 0) {
		struct pmemset_part_map *pm, *next;
		pmemset_first_part_map(set, &pm);
		left--;
		while (pm != NULL && left > 0) {
			pmemset_next_part_map(set, pm, &next);
			pmemset_part_map_drop(&pm);
			pm = next;
			left--;
		}
		if (pm != NULL)
			pmemset_part_map_drop(&pm);
	}
	ns[0] = (now_ns() - t0) / (double)iters;
	return 0;
}

static int
iterate_raw_side(void *arg, size_t iters, double *ns)
{
	const struct many *m = arg;
	struct pmem2_vm_reservation *rsv = m->rsv;
	size_t left = iters;
	double t0 = now_ns();
	while (left > 0) {
		struct pmem2_map *map;
		int ret = pmem2_vm_reservation_map_find_first(rsv, &map);
		left--;
		while (ret == 0 && left > 0) {
			ret = pmem2_vm_reservation_map_find_next(rsv, map,
					&map);
			left--;
		}
	}
	ns[0] = (now_ns() - t0) / (double)iters;
	return 0;
}

/* both walks visit every part map exactly once */
static int
iterate_check(const struct many *m)
{
	size_t n = count_part_maps(m->set), k = 0;
	struct pmem2_map *map;
	int ret = pmem2_vm_reservation_map_find_first(m->rsv, &map);
	while (ret == 0) {
		k++;
		ret = pmem2_vm_reservation_map_find_next(m->rsv, map, &map);
	}
	if (n == m->n && k == m->n)
		return 0;
	bench_fail("walks visited %zu part maps and %zu pmem2 maps, not %zu",
			n, k, m->n);
	return -1;
}

static int
lookup_cases(const struct opts *o)
{
	O = o;
	size_t counts[2] = {O->parts_small, O->parts_big};
	struct many m[2];
	struct pair p[5];
	memset(p, 0, sizeof(p));
	for (int i = 0; i < 2; i++) {
		struct pair *l = &p[i], *it = &p[3 + i];
		l->group = "lookup";
		snprintf(l->name[0], BENCH_NAME_LEN,
				"part_map_by_address+drop, %zu part maps",
				counts[i]);
		snprintf(l->a_label, BENCH_LABEL_LEN, "pmemset");
		snprintf(l->b_label, BENCH_LABEL_LEN, "pmem2 rsv_map_find");
		l->a = lookup_set_side;
		l->b = lookup_raw_side;
		l->a_arg = l->b_arg = &m[i];

		it->group = "iterate";
		snprintf(it->name[0], BENCH_NAME_LEN,
				"first/next+drop, per step, %zu part maps",
				counts[i]);
		snprintf(it->a_label, BENCH_LABEL_LEN, "pmemset");
		snprintf(it->b_label, BENCH_LABEL_LEN, "pmem2 find_first/next");
		it->a = iterate_set_side;
		it->b = iterate_raw_side;
		it->a_arg = it->b_arg = &m[i];
	}
	p[0].target[0] = (struct target){TARGET_NS_A, 100, "A<=100ns"};

	struct pair *scale = &p[2];
	scale->group = "lookup";
	snprintf(scale->name[0], BENCH_NAME_LEN,
			"part_map_by_address+drop, %zu / %zu part maps",
			counts[1], counts[0]);
	snprintf(scale->a_label, BENCH_LABEL_LEN, "pmemset@%zu", counts[1]);
	snprintf(scale->b_label, BENCH_LABEL_LEN, "pmemset@%zu", counts[0]);
	scale->a = scale->b = lookup_set_side;
	scale->a_arg = &m[1];
	scale->b_arg = &m[0];
	scale->target[0] = (struct target){TARGET_RATIO, 1.3, "<=1.3"};

	bool any = false;
	for (int i = 0; i < 5; i++)
		any = any || pair_selected(&p[i]);
	if (!any)
		return 0;

	for (int i = 0; i < 2; i++)
		if (many_init(&m[i], counts[i]) != 0 ||
		    lookup_check(&m[i]) != 0 || iterate_check(&m[i]) != 0) {
			for (int j = 0; j <= i; j++)
				many_fini(&m[j]);
			return -1;
		}
	int ret = 0;
	for (int i = 0; i < 5; i++)
		if (bench_run(&p[i]) != 0)
			ret = -1;
	many_fini(&m[0]);
	many_fini(&m[1]);
	return ret;
}

/* what the parts are mapped from */
enum heavy_file {
	HEAVY_TEMPORARY,	/* a temporary source, grown by its maps */
	HEAVY_PRESIZED,		/* a file sized up front, as the raw loop's */
	/*
	 * a named file the set creates and each map grows (and syncs: see
	 * DURABILITY in pmemset_map(3)); the raw loop grows its named file
	 * with posix_fallocate before each map, and syncs nothing
	 */
	HEAVY_NAMED,
};

/* map and remove at scale, a fresh set or raw loop per sample */
enum heavy_mode {
	HEAVY_MAP_DELETE,	/* map n parts, then delete the set */
	HEAVY_REMOVE,		/* remove the part maps one by one */
	HEAVY_RANGE,		/* remove_range every other part: splits */
};

struct heavy {
	size_t n;
	enum heavy_mode mode;
	enum pmemset_coalescing coal;
	size_t *order;		/* HEAVY_RANGE: which parts go, in what order */
	size_t norder;
	char **addr;		/* where each part landed */
	struct pmem2_map **maps;
	enum heavy_file file;
};

/* the auxiliary values every heavy side reports */
#define AUX_PART_MAPS (BENCH_MAX_METRICS + 0)
#define AUX_VMAS_LEFT (BENCH_MAX_METRICS + 1)
#define AUX_KIB_LEFT (BENCH_MAX_METRICS + 2)

/* what the side left behind once everything it made is deleted */
static int
left_behind(const struct vm_usage *before, char *const *addr, size_t n,
		double *ns, const char *who)
{
	long mapped = still_file_mapped(addr, n);
	if (mapped != 0) {
		bench_fail("%s: %ld of %zu parts are still mapped after "
				"everything was deleted", who, mapped, n);
		return -1;
	}
	struct vm_usage after;
	if (vm_usage(&after) != 0)
		return -1;
	ns[AUX_VMAS_LEFT] = (double)(after.vmas - before->vmas);
	ns[AUX_KIB_LEFT] = (double)(after.prot_none_kib -
			before->prot_none_kib);
	return 0;
}

static int
heavy_set_side(void *arg, size_t iters, double *ns)
{
	struct heavy *h = arg;
	(void) iters;
	struct pmemset_source *src = NULL;
	struct pmem2_source *p2src = NULL;
	int fd = -1;
	struct pmemset *set = NULL;
	int ret = -1;
	struct vm_usage before;
	if (vm_usage(&before) != 0)
		return -1;
	char path[4096];
	snprintf(path, sizeof(path), "%s/pmemset-bench-%d-named", O->dir,
			(int)getpid());
	if (h->file == HEAVY_NAMED) {
		if (pmemset_xsource_from_file(&src, path,
				PMEMSET_SOURCE_FILE_CREATE_ALWAYS) != 0) {
			bench_fail("pmemset_xsource_from_file(%s): %s", path,
					pmemset_errormsg());
			return -1;
		}
	} else if (h->file == HEAVY_PRESIZED) {
		fd = raw_tmpfile(O->dir, h->n * PART_SIZE);
		if (fd < 0)
			return -1;
		if (pmem2_source_from_fd(&p2src, fd) != 0 ||
		    pmemset_source_from_pmem2(&src, p2src) != 0) {
			bench_fail("cannot make a source of a presized file");
			goto out;
		}
	} else if (pmemset_source_from_temporary(&src, O->dir) != 0) {
		bench_fail("pmemset_source_from_temporary(%s): %s", O->dir,
				pmemset_errormsg());
		return -1;
	}
	if (bench_set_new(&set, PMEM2_GRANULARITY_PAGE, NULL, h->coal) != 0)
		goto out;
	double t = map_parts(set, src, h->n, 0, h->addr);
	if (t < 0)
		goto out;
	ns[0] = t / (double)h->n;
	ns[AUX_PART_MAPS] = (double)count_part_maps(set);

	double t0 = now_ns();
	switch (h->mode) {
	case HEAVY_MAP_DELETE:
		if (pmemset_delete(&set) != 0 || set != NULL) {
			bench_fail("pmemset_delete of %zu parts: %s", h->n,
					pmemset_errormsg());
			goto out;
		}
		ns[1] = (now_ns() - t0) / (double)h->n;
		break;
	case HEAVY_REMOVE: {
		size_t removed;
		double tr = remove_part_maps(set, &removed);
		if (tr < 0)
			goto out;
		ns[0] = tr / (double)removed;
		break;
	}
	case HEAVY_RANGE:
		for (size_t i = 0; i < h->norder; i++) {
			if (pmemset_remove_range(set, h->addr[h->order[i]],
					PART_SIZE) != 0) {
				bench_fail("pmemset_remove_range: %s",
						pmemset_errormsg());
				goto out;
			}
		}
		ns[0] = (now_ns() - t0) / (double)h->norder;
		break;
	}
	if (pmemset_delete(&set) != 0) {
		bench_fail("pmemset_delete: %s", pmemset_errormsg());
		goto out;
	}
	ret = 0;
out:
	pmemset_delete(&set);
	if (pmemset_source_delete(&src) != 0) {
		bench_fail("pmemset_source_delete: %s", pmemset_errormsg());
		ret = -1;
	}
	if (p2src != NULL)
		pmem2_source_delete(&p2src);
	if (fd >= 0)
		close(fd);
	if (h->file == HEAVY_NAMED)
		unlink(path);
	if (ret == 0)
		ret = left_behind(&before, h->addr, h->n, ns, "pmemset");
	return ret;
}

/*
 * The loop an application writes without libpmemset: over one fd, per
 * part a source, a config and a map. The file is sized once up front
 * (libpmem2 does not grow files; libpmemset's temporary source does).
 */
static int
heavy_raw_side(void *arg, size_t iters, double *ns)
{
	struct heavy *h = arg;
	(void) iters;
	struct vm_usage before;
	if (vm_usage(&before) != 0)
		return -1;
	char path[4096];
	snprintf(path, sizeof(path), "%s/pmemset-bench-%d-raw", O->dir,
			(int)getpid());
	int fd = h->file == HEAVY_NAMED ?
		open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644) :
		raw_tmpfile(O->dir, h->n * PART_SIZE);
	if (fd < 0) {
		bench_fail("cannot create %s", path);
		return -1;
	}
	int ret = -1;
	struct pmem2_vm_reservation *rsv = NULL;
	struct pmem2_source *src = NULL;

	if (h->mode == HEAVY_RANGE) {
		/* a coalesced part map is maps in one reservation */
		if (pmem2_source_from_fd(&src, fd) != 0 ||
		    raw_fill_rsv(&rsv, src, h->maps, h->n) != 0)
			goto out;
		for (size_t i = 0; i < h->n; i++)
			h->addr[i] = pmem2_map_get_address(h->maps[i]);
		ns[AUX_PART_MAPS] = (double)h->n;
		double t0 = now_ns();
		for (size_t i = 0; i < h->norder; i++)
			pmem2_map_delete(&h->maps[h->order[i]]);
		ns[0] = (now_ns() - t0) / (double)h->norder;
		ret = 0;
		goto out;
	}

	double t0 = now_ns();
	for (size_t i = 0; i < h->n; i++) {
		struct pmem2_source *s;
		int r = h->file != HEAVY_NAMED ? 0 : posix_fallocate(fd,
				(off_t)(i * PART_SIZE), (off_t)PART_SIZE);
		if (r != 0) {
			bench_fail("posix_fallocate: %s", strerror(r));
			goto out;
		}
		r = pmem2_source_from_fd(&s, fd);
		if (r == 0) {
			r = raw_map(&h->maps[i], s, PMEM2_GRANULARITY_PAGE,
					i * PART_SIZE, PART_SIZE, NULL, 0);
			pmem2_source_delete(&s);
		}
		if (r != 0) {
			bench_fail("raw pmem2_map_new of map %zu: %s", i,
					pmem2_errormsg());
			goto out;
		}
		h->addr[i] = pmem2_map_get_address(h->maps[i]);
	}
	double t1 = now_ns();
	ns[AUX_PART_MAPS] = (double)h->n;
	for (size_t i = 0; i < h->n; i++)
		pmem2_map_delete(&h->maps[i]);
	double t2 = now_ns();
	if (h->mode == HEAVY_MAP_DELETE) {
		ns[0] = (t1 - t0) / (double)h->n;
		ns[1] = (t2 - t1) / (double)h->n;
	} else {
		ns[0] = (t2 - t1) / (double)h->n;
	}
	ret = 0;
out:
	raw_drop_rsv(&rsv, h->maps, h->n);
	if (src != NULL)
		pmem2_source_delete(&src);
	close(fd);
	if (h->file == HEAVY_NAMED)
		unlink(path);
	if (ret == 0)
		ret = left_behind(&before, h->addr, h->n, ns, "pmem2");
	return ret;
}

static int
heavy_case(enum heavy_mode mode, enum pmemset_coalescing coal,
		enum heavy_file file)
{
	size_t n = O->parts_big;
	struct pair p = {0};
	static const char *const file_how[] = {
		[HEAVY_TEMPORARY] = "", [HEAVY_PRESIZED] = ", presized file",
		[HEAVY_NAMED] = ", growing a named file",
	};
	char how[48];
	snprintf(how, sizeof(how), "%s%s", coal == PMEMSET_COALESCING_NONE ?
			"not coalesced" : "coalesced", file_how[file]);
	switch (mode) {
	case HEAVY_MAP_DELETE:
		p.group = "map";
		p.nmetrics = 2;
		snprintf(p.name[0], BENCH_NAME_LEN,
				"map %zu x 4 KiB parts, %s", n, how);
		snprintf(p.name[1], BENCH_NAME_LEN,
				"delete set of %zu x 4 KiB parts, %s "
				"(per part)",
				n, how);
		/* the goal is set for the temporary source */
		if (file == HEAVY_TEMPORARY)
			p.target[0] = (struct target){TARGET_RATIO, 0.9,
					"<=0.9"};
		break;
	case HEAVY_REMOVE:
		p.group = "remove";
		snprintf(p.name[0], BENCH_NAME_LEN,
				"first_part_map+remove_part_map, %zu part maps",
				n);
		break;
	case HEAVY_RANGE:
		p.group = "remove";
		snprintf(p.name[0], BENCH_NAME_LEN,
				"remove_range splitting a part map of %zu "
				"parts, every other part", n);
		break;
	}
	if (!pair_selected(&p))
		return 0;
	snprintf(p.a_label, BENCH_LABEL_LEN, "pmemset");
	snprintf(p.b_label, BENCH_LABEL_LEN, mode == HEAVY_RANGE ?
			"pmem2 map_delete" : "pmem2 loop");

	struct heavy h = {n, mode, coal, NULL, 0, NULL, NULL, file};
	h.addr = calloc(n, sizeof(*h.addr));
	h.maps = calloc(n, sizeof(*h.maps));
	h.order = calloc(n, sizeof(*h.order));
	if (!h.addr || !h.maps || !h.order) {
		bench_fail("out of memory");
		free(h.addr);
		free(h.maps);
		free(h.order);
		return -1;
	}
	if (mode == HEAVY_RANGE) {
		/* every odd part, in random order: each removal splits */
		for (size_t i = 1; i < n; i += 2)
			h.order[h.norder++] = i;
		uint64_t seed = 7;
		shuffle(h.order, h.norder, &seed);
	}
	p.a = heavy_set_side;
	p.b = heavy_raw_side;
	p.a_arg = p.b_arg = &h;
	p.fixed_iters = mode == HEAVY_RANGE ? h.norder : n;
	p.isolate = true;
	p.aux_name[0] = "part maps (pmem2: maps)";
	p.aux_name[1] = "VMAs left after delete";
	p.aux_name[2] = "PROT_NONE KiB left after delete";
	int ret = bench_run(&p);
	free(h.addr);
	free(h.maps);
	free(h.order);
	return ret;
}

int
cases_parts(const struct opts *o)
{
	O = o;
	unforce_granularity();
	/* its sets leak address space in libpmem2 at delete: keep it apart */
	int ret = bench_isolated(lookup_cases, o);
	static const struct {
		enum heavy_mode mode;
		enum pmemset_coalescing coal;
		enum heavy_file file;
	} heavy[] = {
		{HEAVY_MAP_DELETE, PMEMSET_COALESCING_NONE, HEAVY_TEMPORARY},
		{HEAVY_MAP_DELETE, PMEMSET_COALESCING_OPPORTUNISTIC,
			HEAVY_TEMPORARY},
		/* the same without growing the file at every map */
		{HEAVY_MAP_DELETE, PMEMSET_COALESCING_NONE, HEAVY_PRESIZED},
		{HEAVY_MAP_DELETE, PMEMSET_COALESCING_OPPORTUNISTIC,
			HEAVY_PRESIZED},
		/* every map grows a named file: its size is synced each time */
		{HEAVY_MAP_DELETE, PMEMSET_COALESCING_NONE, HEAVY_NAMED},
		{HEAVY_MAP_DELETE, PMEMSET_COALESCING_OPPORTUNISTIC,
			HEAVY_NAMED},
		{HEAVY_REMOVE, PMEMSET_COALESCING_NONE, HEAVY_TEMPORARY},
		{HEAVY_RANGE, PMEMSET_COALESCING_OPPORTUNISTIC,
			HEAVY_TEMPORARY},
	};
	for (size_t i = 0; i < sizeof(heavy) / sizeof(heavy[0]); i++)
		if (heavy_case(heavy[i].mode, heavy[i].coal,
				heavy[i].file) != 0)
			ret = -1;
	return ret;
}
