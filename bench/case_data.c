// SPDX-License-Identifier: BSD-3-Clause
/*
 * case_data.c -- the data path: persist, flush+drain, memcpy, memmove and
 * memset through a set against the libpmem2 functions of a pmem2 map of the
 * same file, applied to the same bytes at the same address.
 *
 * For each granularity (forced BYTE, forced CACHE_LINE, PAGE) one file on
 * the bench directory is mapped four times: by a set without a callback,
 * by a set with a no-op event callback, by a set with the same callback
 * masked to the part and SDS events (what a program storing its SDS needs),
 * and by a plain pmem2 map that only supplies the pmem2_get_*_fn functions. The raw side calls those on the
 * set's own mapping, so both sides touch the same cache lines and pages.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libpmemset.h>

#include "bench.h"

enum op { OP_PERSIST, OP_FLUSH_DRAIN, OP_MEMCPY, OP_MEMMOVE, OP_MEMSET, NOPS };

static const char *const Op_name[NOPS] = {
	"persist", "flush+drain", "memcpy", "memmove", "memset"
};

/* memmove reads this far above its destination: the ranges overlap */
#define MOVE_SHIFT 64
#define FILL_BYTE 0x5a

struct fns {
	pmem2_persist_fn persist;
	pmem2_flush_fn flush;
	pmem2_drain_fn drain;
	pmem2_memcpy_fn memcpy;
	pmem2_memmove_fn memmove;
	pmem2_memset_fn memset;
};

/* one side of a data case: a set, or (set == NULL) the raw functions */
struct side {
	struct pmemset *set;
	const struct fns *raw;
	char *dest;
	char *src;	/* DRAM, for memcpy */
	size_t len;
	enum op op;
};

static int
set_side(void *arg, size_t iters, double *ns)
{
	const struct side *s = arg;
	struct pmemset *set = s->set;
	char *d = s->dest;
	char *src = s->src;
	size_t len = s->len;
	double t0 = now_ns();
	switch (s->op) {
	case OP_PERSIST:
		for (size_t i = 0; i < iters; i++)
			pmemset_persist(set, d, len);
		break;
	case OP_FLUSH_DRAIN:
		for (size_t i = 0; i < iters; i++) {
			pmemset_flush(set, d, len);
			pmemset_drain(set);
		}
		break;
	case OP_MEMCPY:
		for (size_t i = 0; i < iters; i++)
			pmemset_memcpy(set, d, src, len, 0);
		break;
	case OP_MEMMOVE:
		for (size_t i = 0; i < iters; i++)
			pmemset_memmove(set, d, d + MOVE_SHIFT, len, 0);
		break;
	default:
		for (size_t i = 0; i < iters; i++)
			pmemset_memset(set, d, FILL_BYTE, len, 0);
		break;
	}
	ns[0] = (now_ns() - t0) / (double)iters;
	return 0;
}

static int
raw_side(void *arg, size_t iters, double *ns)
{
	const struct side *s = arg;
	const struct fns *f = s->raw;
	char *d = s->dest;
	char *src = s->src;
	size_t len = s->len;
	double t0 = now_ns();
	switch (s->op) {
	case OP_PERSIST: {
		pmem2_persist_fn persist = f->persist;
		for (size_t i = 0; i < iters; i++)
			persist(d, len);
		break;
	}
	case OP_FLUSH_DRAIN: {
		pmem2_flush_fn flush = f->flush;
		pmem2_drain_fn drain = f->drain;
		for (size_t i = 0; i < iters; i++) {
			flush(d, len);
			drain();
		}
		break;
	}
	case OP_MEMCPY: {
		pmem2_memcpy_fn cpy = f->memcpy;
		for (size_t i = 0; i < iters; i++)
			cpy(d, src, len, 0);
		break;
	}
	case OP_MEMMOVE: {
		pmem2_memmove_fn move = f->memmove;
		for (size_t i = 0; i < iters; i++)
			move(d, d + MOVE_SHIFT, len, 0);
		break;
	}
	default: {
		pmem2_memset_fn set = f->memset;
		for (size_t i = 0; i < iters; i++)
			set(d, FILL_BYTE, len, 0);
		break;
	}
	}
	ns[0] = (now_ns() - t0) / (double)iters;
	return 0;
}

/*
 * One operation through the side, checked, before anything is timed: a
 * benchmark of a data path that does not work measures nothing.
 */
static int
check_side(const struct side *s, const char *what)
{
	size_t n = s->len < 4096 ? s->len : 4096;
	memset(s->dest, 0, n);
	void *ret = s->dest;
	int err = 0;
	switch (s->op) {
	case OP_PERSIST:
		if (s->set)
			err = pmemset_persist(s->set, s->dest, s->len);
		else
			s->raw->persist(s->dest, s->len);
		break;
	case OP_FLUSH_DRAIN:
		if (s->set)
			err = pmemset_flush(s->set, s->dest, s->len) ?:
				pmemset_drain(s->set);
		else {
			s->raw->flush(s->dest, s->len);
			s->raw->drain();
		}
		break;
	case OP_MEMCPY:
		ret = s->set ? pmemset_memcpy(s->set, s->dest, s->src, s->len,
					0)
			: s->raw->memcpy(s->dest, s->src, s->len, 0);
		if (ret == s->dest && memcmp(s->dest, s->src, n) != 0)
			err = -1;
		break;
	case OP_MEMMOVE:
		ret = s->set ? pmemset_memmove(s->set, s->dest,
					s->dest + MOVE_SHIFT, s->len, 0)
			: s->raw->memmove(s->dest, s->dest + MOVE_SHIFT,
					s->len, 0);
		break;
	default:
		ret = s->set ? pmemset_memset(s->set, s->dest, FILL_BYTE,
					s->len, 0)
			: s->raw->memset(s->dest, FILL_BYTE, s->len, 0);
		for (size_t i = 0; i < n && err == 0; i++)
			if ((unsigned char)s->dest[i] != FILL_BYTE)
				err = -1;
		break;
	}
	if (err == 0 && ret == s->dest)
		return 0;
	bench_fail("%s %s of %zu bytes failed (%d): %s", what, Op_name[s->op],
			s->len, err,
			s->set ? pmemset_errormsg() : "wrong result");
	return -1;
}

static int
noop_callback(struct pmemset *set, struct pmemset_event_context *ctx,
		void *arg)
{
	(void) set;
	(void) ctx;
	(void) arg;
	return 0;
}

/* the sets of one granularity, by their callback */
enum cb_kind { CB_NONE, CB_NOOP, CB_MASKED, NCB };

/* CB_MASKED's mask: the events a program storing its SDS needs */
#define PART_AND_SDS_EVENTS (PMEMSET_EVENT_MASK(PMEMSET_EVENT_PART_ADD) | \
	PMEMSET_EVENT_MASK(PMEMSET_EVENT_PART_REMOVE) | \
	PMEMSET_EVENT_MASK(PMEMSET_EVENT_SDS_UPDATE))

/* everything mapped for one granularity */
struct gran_env {
	enum pmem2_granularity g;
	int fd;
	struct pmem2_source *p2src;
	struct pmemset_source *src;
	struct pmemset *set[NCB];
	char *addr[NCB];
	struct pmem2_map *map;
	struct fns fns;
};

static int
new_set(struct gran_env *e, enum cb_kind with_cb)
{
	if (bench_set_new_masked(&e->set[with_cb], e->g,
			with_cb != CB_NONE ? noop_callback : NULL,
			with_cb == CB_MASKED ? PART_AND_SDS_EVENTS :
			PMEMSET_EVENT_MASK_ALL, PMEMSET_COALESCING_NONE) != 0)
		return -1;
	struct pmemset_part_descriptor desc;
	enum pmem2_granularity got = PMEM2_GRANULARITY_PAGE;
	int ret = pmemset_map(e->set[with_cb], e->src, NULL, &desc);
	if (ret == 0)
		ret = pmemset_get_store_granularity(e->set[with_cb], &got);
	if (ret != 0) {
		bench_fail("cannot map a %s set: %s", gran_name(e->g),
				pmemset_errormsg());
		return -1;
	}
	if (got != e->g) {
		bench_fail("the set has granularity %s, not the forced %s",
				gran_name(got), gran_name(e->g));
		return -1;
	}
	e->addr[with_cb] = desc.addr;
	return 0;
}

static void
gran_env_fini(struct gran_env *e)
{
	for (int k = 0; k < NCB; k++)
		pmemset_delete(&e->set[k]);
	if (e->map)
		pmem2_map_delete(&e->map);
	pmemset_source_delete(&e->src);
	if (e->p2src)
		pmem2_source_delete(&e->p2src);
	if (e->fd >= 0)
		close(e->fd);
}

static int
gran_env_init(struct gran_env *e, const struct opts *o, size_t region)
{
	force_granularity(e->g);
	e->fd = raw_tmpfile(o->dir, region);
	if (e->fd < 0)
		return -1;
	int ret = pmem2_source_from_fd(&e->p2src, e->fd);
	if (ret != 0) {
		bench_fail("pmem2_source_from_fd: %s", pmem2_errormsg());
		return -1;
	}
	if (pmemset_source_from_pmem2(&e->src, e->p2src) != 0) {
		bench_fail("pmemset_source_from_pmem2: %s", pmemset_errormsg());
		return -1;
	}
	for (int k = 0; k < NCB; k++)
		if (new_set(e, (enum cb_kind)k) != 0)
			return -1;
	ret = raw_map(&e->map, e->p2src, e->g, 0, region, NULL, 0);
	if (ret != 0) {
		bench_fail("pmem2_map_new (%s): %s", gran_name(e->g),
				pmem2_errormsg());
		return -1;
	}
	if (pmem2_map_get_store_granularity(e->map) != e->g) {
		bench_fail("the pmem2 map has granularity %s, not the "
			"forced %s",
			gran_name(pmem2_map_get_store_granularity(e->map)),
			gran_name(e->g));
		return -1;
	}
	e->fns.persist = pmem2_get_persist_fn(e->map);
	e->fns.flush = pmem2_get_flush_fn(e->map);
	e->fns.drain = pmem2_get_drain_fn(e->map);
	e->fns.memcpy = pmem2_get_memcpy_fn(e->map);
	e->fns.memmove = pmem2_get_memmove_fn(e->map);
	e->fns.memset = pmem2_get_memset_fn(e->map);
	return 0;
}

static void
size_text(char *buf, size_t bufsz, size_t size)
{
	if (size >= (1u << 20) && size % (1u << 20) == 0)
		snprintf(buf, bufsz, "%zu MiB", size >> 20);
	else if (size >= 1024 && size % 1024 == 0)
		snprintf(buf, bufsz, "%zu KiB", size >> 10);
	else
		snprintf(buf, bufsz, "%zu B", size);
}

static const char *
group_name(enum pmem2_granularity g, int with_cb)
{
	static const char *const names[3][2] = {
		{"byte", "byte+cb"},
		{"cache_line", "cache_line+cb"},
		{"page", "page+cb"},
	};
	int i = g == PMEM2_GRANULARITY_BYTE ? 0 :
		g == PMEM2_GRANULARITY_CACHE_LINE ? 1 : 2;
	return names[i][with_cb];
}

/* the goals of the issue, measured and reported, never asserted */
static struct target
vs_raw_target(enum pmem2_granularity g, enum op op, size_t len, int with_cb)
{
	struct target t = {TARGET_NONE, 0, NULL};
	if (with_cb)
		return t;
	if (op == OP_PERSIST && len == 64) {
		if (g == PMEM2_GRANULARITY_BYTE)
			t = (struct target){TARGET_RATIO, 1.25,
					"<=1.25 (aim 1.15)"};
		else
			t = (struct target){TARGET_RATIO, 1.02, "<=1.02"};
	} else if (op == OP_MEMCPY && len == (1u << 20)) {
		t = (struct target){TARGET_RATIO, 1.01, "<=1.01"};
	}
	return t;
}

static int
run_pair_checked(struct pair *p, struct side *a, struct side *b)
{
	if (!pair_selected(p))
		return 0;
	if (check_side(a, p->a_label) != 0 || check_side(b, p->b_label) != 0)
		return -1;
	return bench_run(p);
}

static int
gran_cases(struct gran_env *e, const struct opts *o, char *dram,
		const size_t *sizes, size_t nsizes)
{
	int ret = 0;
	for (int cb = 0; cb < 2; cb++) {
		char panel[48];
		snprintf(panel, sizeof(panel), "%s, %s", gran_name(e->g),
				cb ? "no-op callback" : "no callback");
		for (int op = 0; op < NOPS; op++) {
			for (size_t i = 0; i < nsizes; i++) {
				if (sizes[i] > o->max_size)
					continue;
				struct side a = {e->set[cb], NULL, e->addr[cb],
						dram, sizes[i], (enum op)op};
				struct side b = {NULL, &e->fns, e->addr[cb],
						dram, sizes[i], (enum op)op};
				char sz[32];
				size_text(sz, sizeof(sz), sizes[i]);
				struct pair p = {0};
				p.group = group_name(e->g, cb);
				snprintf(p.name[0], BENCH_NAME_LEN, "%s %s",
						Op_name[op], sz);
				snprintf(p.a_label, BENCH_LABEL_LEN, "%s",
						cb ? "pmemset+cb" : "pmemset");
				snprintf(p.b_label, BENCH_LABEL_LEN, "pmem2");
				p.a = set_side;
				p.b = raw_side;
				p.a_arg = &a;
				p.b_arg = &b;
				p.target[0] = vs_raw_target(e->g, (enum op)op,
						sizes[i], cb);
				p.panel = panel;
				p.line = Op_name[op];
				p.size = sizes[i];
				if (run_pair_checked(&p, &a, &b) != 0)
					ret = -1;
			}
		}
	}

	/*
	 * What a callback costs: the same set API with and without a no-op
	 * one, and with one masked to the part and SDS events (issue 13: it
	 * must cost nothing on the data path).
	 */
	for (int k = CB_NOOP; k < NCB; k++) {
		bool masked = k == CB_MASKED;
		for (int op = 0; op < NOPS; op++) {
			struct side a = {e->set[k], NULL, e->addr[k], dram, 64,
					(enum op)op};
			struct side b = {e->set[CB_NONE], NULL,
					e->addr[CB_NONE], dram, 64,
					(enum op)op};
			struct pair p = {0};
			p.group = "callback";
			snprintf(p.name[0], BENCH_NAME_LEN, "%s 64 B %s, %s",
					Op_name[op], gran_name(e->g), masked ?
					"part+SDS cb / no cb" : "cb / no cb");
			snprintf(p.a_label, BENCH_LABEL_LEN, "%s", masked ?
					"pmemset+masked cb" : "pmemset+cb");
			snprintf(p.b_label, BENCH_LABEL_LEN, "pmemset");
			p.a = set_side;
			p.b = set_side;
			p.a_arg = &a;
			p.b_arg = &b;
			if (op == OP_PERSIST && e->g == PMEM2_GRANULARITY_BYTE)
				p.target[0] = masked ?
					(struct target){TARGET_RATIO, 1.02,
						"<=1.02"} :
					(struct target){TARGET_RATIO, 1.08,
						"<=1.08"};
			if (run_pair_checked(&p, &a, &b) != 0)
				ret = -1;
		}
	}
	return ret;
}

int
cases_data(const struct opts *o)
{
	static const size_t sizes[] = {
		8, 64, 256, 4096, 64 << 10, 1 << 20, 16 << 20
	};
	const size_t nsizes = sizeof(sizes) / sizeof(sizes[0]);
	static const enum pmem2_granularity grans[] = {
		PMEM2_GRANULARITY_BYTE, PMEM2_GRANULARITY_CACHE_LINE,
		PMEM2_GRANULARITY_PAGE
	};

	/* room for the largest operation plus memmove's overlap */
	size_t region = o->max_size + (2u << 20);
	char *dram = aligned_alloc(4096, o->max_size + 4096);
	if (dram == NULL) {
		bench_fail("cannot allocate %zu bytes", o->max_size);
		return -1;
	}
	for (size_t i = 0; i < o->max_size; i++)
		dram[i] = (char)(i * 7 + 1);

	int ret = 0;
	for (size_t gi = 0; gi < 3; gi++) {
		struct gran_env e = {.g = grans[gi], .fd = -1};
		if (gran_env_init(&e, o, region) != 0 ||
		    gran_cases(&e, o, dram, sizes, nsizes) != 0)
			ret = -1;
		gran_env_fini(&e);
	}
	unforce_granularity();
	free(dram);
	return ret;
}
