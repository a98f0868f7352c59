// SPDX-License-Identifier: BSD-3-Clause
/*
 * fuzz_calls.c -- a libFuzzer harness that decodes its input into a
 * sequence of API calls on one set (maps with random offsets and lengths in
 * every coalescing mode, remove_part_map, remove_range, lookups and walks,
 * references, persist/flush/drain/deep flush, memcpy/memmove/memset, source
 * I/O, source deletion, the observer's update, the set's deletion) and
 * checks after each call against a reference model of what must be mapped
 * where and which bytes must be there.
 *
 * The model keeps one shadow copy per file: every part shows its file's
 * bytes at its offset (mappings are shared), so a write through one part
 * must appear in every part that maps the same bytes, and in the file.
 * Placement is exact where it is decided by the library: appending to the
 * last part map, and first fit in a user reservation; otherwise the kernel
 * chooses and the model learns the address, but checks it overlaps nothing.
 *
 * Input: byte 0 chooses the mode (bit 0 checked ranges, bit 1 a user
 * reservation, bit 2 an observer, bits 3-4 the first coalescing mode,
 * bit 5 an SDS on source 0 through the fake device of the sds tests, bit 6
 * only the OK state acceptable),
 * byte 1 the first size of the file in pages (low 4 bits) and the event
 * mask (high 4 bits, see event_mask_of); then one opcode byte per
 * call and its argument bytes. A mismatch prints what differed and aborts.
 *
 * Built with clang -fsanitize=fuzzer (scripts/fuzz.sh), or with any
 * compiler and replay_main.c, which runs the files named on its command
 * line (the ctest fuzz_replay runs the seed corpus that way).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "libpmemset.h"
#include "libpmemset/stat.h"
#include "../sds_fake_device.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
void fuzz_calls_stats(FILE *out);

#define PAGE 4096u
#define MAX_FILE_PAGES 64u
#define MAX_FILE (MAX_FILE_PAGES * PAGE)
#define MAXP 40		/* live parts at most */
#define MAXHELD 4	/* references held at most */
#define RSV_PAGES 48u	/* a user reservation: small, so fits fail too */
#define NFILES 2	/* 0: the named file, 1: the temporary file */
#define NSRC 4		/* 0: file, 1: file DO_NOT_GROW, 2: temporary, */
			/* 3: the caller's pmem2 source of the file */

/* ---- failing ---- */

static size_t Op_index;
static const char *Op_name = "setup";

__attribute__((noreturn, format(printf, 2, 3)))
static void
mismatch(int line, const char *fmt, ...)
{
	va_list ap;
	fprintf(stderr, "fuzz_calls: op %zu (%s), line %d: ", Op_index,
			Op_name, line);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, " [pmemset_errormsg: %s]\n", pmemset_errormsg());
	abort();
}

#define CHECK(cond, ...) do { \
	if (!(cond)) \
		mismatch(__LINE__, __VA_ARGS__); \
} while (0)

#define CHECK_RET(got, want) do { \
	int g_ = (got), w_ = (want); \
	if (g_ != w_) \
		mismatch(__LINE__, "%s returned %d, the model says %d", #got, \
			g_, w_); \
} while (0)

/* what the inputs made the library do, for replay_main's summary */
static struct {
	unsigned long inputs, calls, maps, maps_refused, appends, removed,
		splits, writes, refused_writes, max_parts;
} Stats;

void
fuzz_calls_stats(FILE *out)
{
	fprintf(out, "%lu inputs, %lu calls: %lu maps (%lu appended, %lu "
		"refused), %lu parts removed (%lu splits), %lu writes (%lu "
		"refused), at most %lu parts at once\n", Stats.inputs,
		Stats.calls, Stats.maps, Stats.appends, Stats.maps_refused,
		Stats.removed, Stats.splits, Stats.writes,
		Stats.refused_writes, Stats.max_parts);
}

/* ---- the input ---- */

struct input {
	const uint8_t *p;
	size_t left;
};

static bool
more(const struct input *in)
{
	return in->left > 0;
}

static unsigned
byte(struct input *in)
{
	if (in->left == 0)
		return 0;
	in->left--;
	return *in->p++;
}

/* ---- the model ---- */

struct mpart {
	char *addr;
	size_t len;
	int src;		/* which source mapped it */
	int file;		/* which file (shadow) it shows */
	size_t off;		/* in the file */
	unsigned pmap;		/* model id of its part map */
	bool in_rsv;		/* placed in a reservation (can be appended to) */
	unsigned id;		/* never reused */
};

struct held {
	struct pmemset_part_map *pm;
	unsigned pmap;
};

static struct model {
	struct mpart p[MAXP];
	size_t n;
	unsigned last;		/* a part of the part map appended to, 0: none */
	bool append_sure;	/* it has room kept after it (no removal moved it) */
	unsigned next_id, next_pmap;
	enum pmemset_coalescing co;
	bool checked;
	bool user_rsv;
	char *rsv_base;
	size_t rsv_size;
	unsigned char shadow[NFILES][MAX_FILE];
	size_t fsize[NFILES];
	struct held held[MAXHELD];
	size_t nheld;
	bool sds;		/* source 0 has an SDS */
	bool sds_strict;	/* and the set accepts only OK */
	int sds_refs;		/* what its count must be: parts of source 0 */
	struct pmemset_sds stored; /* the application's copy (SDS_UPDATE) */
	bool mask_set;		/* pmemset_config_set_event_mask was called */
	uint64_t mask;		/* the events the callback must be given */
	enum pmemset_part_state state;	/* the library writes it */
} M;

/* what the library has */
static struct lib {
	const char *dir;
	char path[256];
	int fd;				/* the caller's, for source 3 */
	struct pmem2_source *pmem2_src;
	struct pmemset_source *src[NSRC];
	struct pmemset *set;
	struct pmem2_vm_reservation *rsv;
	struct pmemset_map_config *mc;
	bool observe;			/* an observer handle on the set */
	struct pmemset_stat *h;
	struct pmemset_stat_map *root;
	long tree_adds, tree_rems;	/* parts only */
} L;

static const int Src_file[NSRC] = {0, 0, 1, 0};

/* ---- events ---- */

#define EVMAX 128
static struct {
	size_t n;
	struct pmemset_event_context ev[EVMAX];
	long long mapped;	/* PART_ADD minus PART_REMOVE bytes */
	size_t sds_updates;
	size_t sds_ever;	/* SDS_UPDATE in this input, all told */
	int inner;		/* what to try from the next FLUSH */
	int inner_ret;
	int inner_lookup;
} E;

/*
 * The mask from 4 bits of the input: 0 the default (every event), else the
 * part and SDS events (the model learns addresses and the stored SDS from
 * them) and the bad-block ones, plus COPY/MOVE/SET (bit 0), FLUSH (bit 1),
 * DRAIN (bit 2) and REMOVE_RANGE (bit 3).
 */
static uint64_t
event_mask_of(unsigned v)
{
	if (v == 0)
		return PMEMSET_EVENT_MASK_ALL;
	uint64_t m = PMEMSET_EVENT_MASK(PMEMSET_EVENT_PART_ADD) |
		PMEMSET_EVENT_MASK(PMEMSET_EVENT_PART_REMOVE) |
		PMEMSET_EVENT_MASK(PMEMSET_EVENT_SDS_UPDATE) |
		PMEMSET_EVENT_MASK(PMEMSET_EVENT_BADBLOCK) |
		PMEMSET_EVENT_MASK(PMEMSET_EVENT_BADBLOCKS_CLEARED);
	if (v & 1)
		m |= PMEMSET_EVENT_MASK(PMEMSET_EVENT_COPY) |
			PMEMSET_EVENT_MASK(PMEMSET_EVENT_MOVE) |
			PMEMSET_EVENT_MASK(PMEMSET_EVENT_SET);
	if (v & 2)
		m |= PMEMSET_EVENT_MASK(PMEMSET_EVENT_FLUSH);
	if (v & 4)
		m |= PMEMSET_EVENT_MASK(PMEMSET_EVENT_DRAIN);
	if (v & 8)
		m |= PMEMSET_EVENT_MASK(PMEMSET_EVENT_REMOVE_RANGE);
	return m;
}

/* n if the mask lets the event through, else 0 */
static size_t
delivered(enum pmemset_event type, size_t n)
{
	return (M.mask & PMEMSET_EVENT_MASK(type)) ? n : 0;
}

static int
on_event(struct pmemset *set, struct pmemset_event_context *ctx, void *arg)
{
	(void) arg;
	CHECK(delivered(ctx->type, 1), "event %d delivered outside the mask "
		"0x%llx", (int)ctx->type, (unsigned long long)M.mask);
	if (E.n < EVMAX)
		E.ev[E.n] = *ctx;
	E.n++;
	if (ctx->type == PMEMSET_EVENT_PART_ADD)
		E.mapped += (long long)ctx->data.part_add.len;
	else if (ctx->type == PMEMSET_EVENT_PART_REMOVE)
		E.mapped -= (long long)ctx->data.part_remove.len;
	if (ctx->type == PMEMSET_EVENT_SDS_UPDATE) {
		/* the application stores the library's copy */
		M.stored = *ctx->data.sds_update.sds;
		E.sds_updates++;
		E.sds_ever++;
	}
	if (ctx->type == PMEMSET_EVENT_FLUSH && E.inner) {
		E.inner = 0;
		/* changing the set from its callback is refused ... */
		E.inner_ret = pmemset_remove_range(set,
				ctx->data.flush.addr, 1);
		/* ... and looking up works, with no event */
		struct pmemset_part_map *pm;
		E.inner_lookup = pmemset_part_map_by_address(set, &pm,
				ctx->data.flush.addr);
		if (E.inner_lookup == 0)
			pmemset_part_map_drop(&pm);
	}
	return 0;
}

static size_t
events_of(enum pmemset_event type)
{
	size_t n = 0;
	for (size_t i = 0; i < E.n && i < EVMAX; i++)
		n += E.ev[i].type == type;
	return n;
}

/* ---- model helpers ---- */

static size_t
align_up(size_t v, size_t a)
{
	return (v + a - 1) / a * a;
}

static struct mpart *
part_by_id(unsigned id)
{
	for (size_t i = 0; i < M.n; i++)
		if (M.p[i].id == id)
			return &M.p[i];
	return NULL;
}

/* the extent of a model part map: its parts are contiguous */
static void
pmap_extent(unsigned pmap, char **lo, size_t *size, size_t *nparts)
{
	char *a = NULL, *b = NULL;
	size_t sum = 0, n = 0;
	for (size_t i = 0; i < M.n; i++) {
		const struct mpart *q = &M.p[i];
		if (q->pmap != pmap)
			continue;
		if (a == NULL || q->addr < a)
			a = q->addr;
		if (b == NULL || q->addr + q->len > b)
			b = q->addr + q->len;
		sum += q->len;
		n++;
	}
	CHECK(n == 0 || (size_t)(b - a) == sum,
		"model part map %u is not contiguous", pmap);
	*lo = a;
	*size = sum;
	if (nparts != NULL)
		*nparts = n;
}

static size_t
refs_of(unsigned pmap)
{
	size_t n = 0;
	for (size_t i = 0; i < M.nheld; i++)
		n += M.held[i].pmap == pmap;
	return n;
}

static struct mpart *
part_at(const char *addr)
{
	for (size_t i = 0; i < M.n; i++)
		if (addr >= M.p[i].addr && addr < M.p[i].addr + M.p[i].len)
			return &M.p[i];
	return NULL;
}

/* is [a, a + len) covered by parts? */
static bool
covered(const char *a, size_t len)
{
	if (len == 0)
		return true;
	if ((uintptr_t)a > UINTPTR_MAX - len)
		return false;
	const char *end = a + len;
	while (a < end) {
		struct mpart *q = part_at(a);
		if (q == NULL)
			return false;
		a = q->addr + q->len;
	}
	return true;
}

static size_t
mapped_bytes(void)
{
	size_t sum = 0;
	for (size_t i = 0; i < M.n; i++)
		sum += M.p[i].len;
	return sum;
}

static size_t
distinct_pmaps(void)
{
	size_t n = 0;
	for (size_t i = 0; i < M.n; i++) {
		bool seen = false;
		for (size_t j = 0; j < i; j++)
			seen |= M.p[j].pmap == M.p[i].pmap;
		n += !seen;
	}
	return n;
}

/* the bytes a part shows, against its file's shadow */
static void
check_bytes(const struct mpart *q, size_t from, size_t len)
{
	if (from >= q->len)
		return;
	if (len > q->len - from)
		len = q->len - from;
	const unsigned char *want = &M.shadow[q->file][q->off + from];
	if (memcmp(q->addr + from, want, len) == 0)
		return;
	for (size_t i = 0; i < len; i++)
		CHECK(q->addr[from + i] == (char)want[i], "part %u (file %d "
			"offset %zu) byte %zu is 0x%02x, the model says 0x%02x",
			q->id, q->file, q->off, from + i,
			(unsigned char)q->addr[from + i], want[i]);
}

/* a write of len bytes at set address a, as the model sees it */
static void
shadow_write(const char *a, const unsigned char *bytes, size_t len)
{
	while (len > 0) {
		struct mpart *q = part_at(a);
		CHECK(q != NULL, "model write outside the parts");
		size_t in = (size_t)(q->addr + q->len - a);
		size_t n = len < in ? len : in;
		memcpy(&M.shadow[q->file][q->off + (size_t)(a - q->addr)],
				bytes, n);
		a += n;
		bytes += n;
		len -= n;
	}
}

/* every part that shows any of file's bytes [off, off + len) */
static void
check_file_range(int file, size_t off, size_t len)
{
	for (size_t i = 0; i < M.n; i++) {
		const struct mpart *q = &M.p[i];
		if (q->file != file || q->off >= off + len ||
		    q->off + q->len <= off)
			continue;
		size_t from = off > q->off ? off - q->off : 0;
		size_t to = off + len - q->off;
		check_bytes(q, from, to - from);
	}
}

/* ---- the whole-state check after every call ---- */

static void
check_lookup(const struct mpart *q, const char *a)
{
	struct pmemset_part_map *pm;
	CHECK_RET(pmemset_part_map_by_address(L.set, &pm, (void *)a), 0);
	struct pmemset_part_descriptor d = pmemset_descriptor_part_map(pm);
	pmemset_part_map_drop(&pm);
	char *lo;
	size_t size;
	pmap_extent(q->pmap, &lo, &size, NULL);
	CHECK(d.addr == lo && d.size == size, "the part map of part %u is "
		"%p+%zu, the model says %p+%zu", q->id, d.addr, d.size,
		(void *)lo, size);
}

static void
check_all(unsigned salt)
{
	/* every part is found where it is, in its part map, with its bytes */
	for (size_t i = 0; i < M.n; i++) {
		const struct mpart *q = &M.p[i];
		check_lookup(q, q->addr);
		check_lookup(q, q->addr + q->len - 1);
		check_bytes(q, 0, 64);
		check_bytes(q, q->len - 64, 64);
		check_bytes(q, (salt * 977u) % q->len, 256);
		/* parts never overlap */
		for (size_t j = 0; j < i; j++) {
			const struct mpart *r = &M.p[j];
			CHECK(q->addr >= r->addr + r->len ||
				r->addr >= q->addr + q->len,
				"parts %u and %u overlap", q->id, r->id);
		}
	}
	/* the walk finds exactly the model's part maps, in order */
	size_t count = 0, bytes = 0;
	char *prev_end = NULL;
	struct pmemset_part_map *pm, *next;
	pmemset_first_part_map(L.set, &pm);
	while (pm != NULL) {
		struct pmemset_part_descriptor d =
			pmemset_descriptor_part_map(pm);
		CHECK(prev_end == NULL || (char *)d.addr >= prev_end,
			"the walk is not in address order");
		struct mpart *q = part_at(d.addr);
		CHECK(q != NULL && q->addr == d.addr, "the walk finds a part "
			"map at %p that the model lacks", d.addr);
		prev_end = (char *)d.addr + d.size;
		count++;
		bytes += d.size;
		pmemset_next_part_map(L.set, pm, &next);
		pmemset_part_map_drop(&pm);
		pm = next;
	}
	CHECK(count == distinct_pmaps(), "the walk finds %zu part maps, the "
		"model has %zu", count, distinct_pmaps());
	CHECK(bytes == mapped_bytes(), "the walk finds %zu bytes, the model "
		"has %zu", bytes, mapped_bytes());
	CHECK(E.mapped == (long long)mapped_bytes(), "PART_ADD - PART_REMOVE "
		"is %lld bytes, the model maps %zu", E.mapped,
		mapped_bytes());
	/* references the model holds still describe their part maps */
	for (size_t i = 0; i < M.nheld; i++) {
		struct pmemset_part_descriptor d =
			pmemset_descriptor_part_map(M.held[i].pm);
		char *lo;
		size_t size;
		pmap_extent(M.held[i].pmap, &lo, &size, NULL);
		CHECK(d.addr == lo && d.size == size, "a held part map is "
			"%p+%zu, the model says %p+%zu", d.addr, d.size,
			(void *)lo, size);
	}
	if (M.sds)
		CHECK(M.stored.refcount == M.sds_refs, "the stored SDS has "
			"count %d, source 0 has %d part(s)", M.stored.refcount,
			M.sds_refs);
	struct stat st;
	CHECK(stat(L.path, &st) == 0 && (size_t)st.st_size == M.fsize[0],
		"the file has %lld bytes, the model says %zu",
		(long long)st.st_size, M.fsize[0]);
}

/* ---- the calls ---- */

static const size_t Offsets[] = {0, 1, PAGE - 1, PAGE + 1};

/* an offset: mostly pages, sometimes unaligned */
static size_t
pick_offset(struct input *in)
{
	unsigned b = byte(in);
	if (b >= 0xf0)
		return Offsets[b & 3] + (b & 0x8 ? 8 * PAGE : 0);
	return (size_t)(b % 32) * PAGE;
}

/* a length: 0 (to the end), pages, unaligned or huge */
static size_t
pick_length(struct input *in)
{
	unsigned b = byte(in);
	if (b < 0x10)
		return 0;
	if (b >= 0xf8)
		return b & 1 ? SIZE_MAX & ~(size_t)(PAGE - 1) : 1 + (b & 6) *
				PAGE;
	return (size_t)(1 + b % 16) * PAGE;
}

/* what the model says a map does; the part's address if it is known */
static int
model_map(int s, size_t off, size_t len, size_t *plen, char **where,
		bool *append, bool *grows, enum pmemset_part_state *state)
{
	int file = Src_file[s];
	*where = NULL;
	*append = false;
	*grows = false;
	*state = 0;
	if (off % PAGE != 0)
		return PMEMSET_E_INVALID_OFFSET_VALUE;
	if (len == 0) {
		if (off >= M.fsize[file])
			return PMEMSET_E_MAP_LENGTH_UNSET;
		len = M.fsize[file] - off;
	}
	/* as PMDK: a growable source fails growing before the length checks */
	if (len > (size_t)INT64_MAX - off && s != 1)
		return PMEMSET_E_CANNOT_GROW_SOURCE_FILE;
	if (len % PAGE != 0)
		return PMEMSET_E_LENGTH_UNALIGNED;
	if (len > (size_t)INT64_MAX - off)
		return PMEMSET_E_LENGTH_OUT_OF_RANGE;
	*plen = len;
	if (off + len > MAX_FILE)
		return 1; /* beyond the shadow: the caller does not try */
	if (M.sds && s == 0) {
		/* api.md 5: dirty by our own parts, or clean */
		*state = M.sds_refs > 0 ? PMEMSET_PART_STATE_OK_BUT_ALREADY_OPEN :
			PMEMSET_PART_STATE_OK;
		if (M.sds_strict && *state != PMEMSET_PART_STATE_OK)
			return PMEMSET_E_UNDESIRABLE_PART_STATE;
	}
	if (off + len > M.fsize[file]) {
		if (s == 1)
			return PMEMSET_E_SOURCE_FILE_IS_TOO_SMALL;
		*grows = true;
	}

	struct mpart *last = M.last ? part_by_id(M.last) : NULL;
	if (M.co != PMEMSET_COALESCING_NONE && last != NULL && last->in_rsv) {
		char *lo;
		size_t size;
		pmap_extent(last->pmap, &lo, &size, NULL);
		char *end = lo + size;
		bool room = !M.user_rsv || end + len <= M.rsv_base + M.rsv_size;
		for (size_t i = 0; i < M.n && room; i++)
			room = M.p[i].addr >= end + len ||
				M.p[i].addr + M.p[i].len <= end;
		if (room) {
			*where = end;
			*append = true;
			return 0;
		}
	}
	/* with nothing to append to, FULL maps as NONE would */
	if (M.co == PMEMSET_COALESCING_FULL && last != NULL)
		return PMEMSET_E_CANNOT_COALESCE_PARTS;
	if (!M.user_rsv)
		return 0;
	/* first fit in the user's reservation */
	size_t cand = 0;
	for (;;) {
		bool moved = false;
		for (size_t i = 0; i < M.n; i++) {
			size_t a = (size_t)(M.p[i].addr - M.rsv_base);
			size_t b = a + M.p[i].len;
			if (a < cand + len && b > cand) {
				cand = align_up(b, PAGE);
				moved = true;
			}
		}
		if (!moved)
			break;
	}
	if (cand + len > M.rsv_size)
		return PMEMSET_E_CANNOT_FIT_PART_MAP;
	*where = M.rsv_base + cand;
	return 0;
}

static void
op_map(struct input *in)
{
	Op_name = "map";
	int s = (int)(byte(in) % NSRC);
	size_t off = pick_offset(in);
	size_t len = pick_length(in);
	unsigned how = byte(in);
	if (M.n >= MAXP)
		return;
	size_t plen = 0;
	char *where;
	bool append, grows;
	enum pmemset_part_state state;
	int want = model_map(s, off, len, &plen, &where, &append, &grows,
			&state);
	if (want == 1)
		return;
	M.state = 0;

	struct pmemset_part_descriptor d = {NULL, 0};
	E.n = 0;
	E.sds_updates = 0;
	int ret;
	if ((how & 3) == 0 && off == 0 && len == 0) {
		/* no map config: the whole file */
		ret = pmemset_map(L.set, L.src[s], NULL, (how & 4) ? NULL : &d);
	} else {
		CHECK_RET(pmemset_map_config_set_offset(L.mc, off), 0);
		pmemset_map_config_set_length(L.mc, len);
		ret = pmemset_map(L.set, L.src[s], L.mc, (how & 4) ? NULL : &d);
	}
	/*
	 * After a removal moved the target, whether the kernel's address space
	 * after it is free is not the model's to know: either outcome is right.
	 */
	bool maybe = append && !M.user_rsv && !M.append_sure;
	if (maybe && M.co == PMEMSET_COALESCING_FULL &&
	    ret == PMEMSET_E_CANNOT_COALESCE_PARTS)
		want = ret;
	CHECK_RET(ret, want);
	int file = Src_file[s];
	Stats.maps++;
	Stats.maps_refused += ret != 0;
	Stats.appends += ret == 0 && append;
	/* written at every map that got as far as the SDS, even refused */
	CHECK(M.state == state, "*state_ptr is %d, the model says %d",
		(int)M.state, (int)state);
	/*
	 * Placement fails after the file grew; the file stays grown (a
	 * failed map never cuts it back: others may use the new bytes).
	 */
	bool placed_late = ret == PMEMSET_E_CANNOT_COALESCE_PARTS ||
			ret == PMEMSET_E_CANNOT_FIT_PART_MAP;
	if (grows && (ret == 0 || placed_late)) {
		memset(&M.shadow[file][M.fsize[file]], 0,
				off + plen - M.fsize[file]);
		M.fsize[file] = off + plen;
	}
	if (ret != 0) {
		CHECK(pmemset_errormsg()[0] != '\0', "no message");
		CHECK(E.n == 0, "a failed map fired %zu event(s)", E.n);
		return;
	}
	bool sds = M.sds && s == 0;
	CHECK(events_of(PMEMSET_EVENT_PART_ADD) == 1 &&
		E.n == 1 + (size_t)sds && E.ev[0].type ==
		PMEMSET_EVENT_PART_ADD, "a map fired %zu events", E.n);
	M.sds_refs += sds;
	char *addr = E.ev[0].data.part_add.addr;
	CHECK(E.ev[0].data.part_add.len == plen, "PART_ADD of %zu bytes, "
		"the part has %zu", E.ev[0].data.part_add.len, plen);
	if (maybe && addr != where) {
		append = false;
		where = NULL;
	}
	if (where != NULL)
		CHECK(addr == where, "the part is at %p, the model says %p",
			(void *)addr, (void *)where);
	struct mpart *last = part_by_id(M.last);
	struct mpart q = {
		.addr = addr, .len = plen, .src = s, .file = file, .off = off,
		.pmap = append ? last->pmap : ++M.next_pmap,
		.in_rsv = append ? true : (M.user_rsv ||
				M.co != PMEMSET_COALESCING_NONE),
		.id = ++M.next_id,
	};
	for (size_t i = 0; i < M.n; i++)
		CHECK(addr >= M.p[i].addr + M.p[i].len ||
			M.p[i].addr >= addr + plen, "the new part %p+%zu "
			"overlaps part %u", (void *)addr, plen, M.p[i].id);
	M.p[M.n++] = q;
	M.last = q.id;
	/* a new part map has its reservation's room after it */
	if (!append)
		M.append_sure = true;
	if (M.n > Stats.max_parts)
		Stats.max_parts = M.n;
	if (!(how & 4)) {
		char *lo;
		size_t size;
		pmap_extent(q.pmap, &lo, &size, NULL);
		CHECK(d.addr == lo && d.size == size, "desc is %p+%zu, the "
			"model's part map is %p+%zu", d.addr, d.size,
			(void *)lo, size);
	}
	check_bytes(&M.p[M.n - 1], 0, plen);
}

/* where coalescing appends before a removal: M.last's part map and start */
struct append_target {
	unsigned pmap;
	char *lo, *end;
};

static struct append_target
append_target_now(void)
{
	struct append_target t = {0, NULL, NULL};
	struct mpart *last = M.last ? part_by_id(M.last) : NULL;
	if (last != NULL) {
		size_t size;
		t.pmap = last->pmap;
		pmap_extent(t.pmap, &t.lo, &size, NULL);
		t.end = t.lo + size;
	}
	return t;
}

/*
 * After a removal (PMDK's rule): coalescing keeps appending to the part map
 * it appended to, or to its lowest piece left (which keeps its model id);
 * with none left, to the part map next below where it started, or else next
 * above; with the set empty, to nothing.
 */
static void
model_retarget(struct append_target t)
{
	if (t.pmap == 0)
		return;
	char *lo;
	size_t size, n;
	pmap_extent(t.pmap, &lo, &size, &n);
	/* unless its end stayed, the room after it is the kernel's to say */
	if (n == 0 || lo + size != t.end)
		M.append_sure = false;
	const struct mpart *below = NULL, *above = NULL;
	for (size_t i = 0; i < M.n; i++) {
		const struct mpart *q = &M.p[i];
		if (q->pmap == t.pmap) {
			M.last = q->id;
			return;
		}
		if (q->addr < t.lo && (below == NULL || q->addr > below->addr))
			below = q;
		if (q->addr > t.lo && (above == NULL || q->addr < above->addr))
			above = q;
	}
	M.last = below ? below->id : above ? above->id : 0;
}

/* removes the model's parts intersecting [a, a + len), splitting maps */
static size_t
model_remove(const char *a, size_t len)
{
	const char *end = a + len;
	size_t removed = 0, w = 0;
	unsigned touched[MAXP];
	size_t ntouched = 0;
	struct append_target target = append_target_now();
	for (size_t i = 0; i < M.n; i++) {
		struct mpart *q = &M.p[i];
		if (q->addr < end && q->addr + q->len > a) {
			touched[ntouched++] = q->pmap;
			removed++;
			continue;
		}
		M.p[w++] = *q;
	}
	M.n = w;
	/* a part map left in pieces: every piece after the first is new */
	for (size_t t = 0; t < ntouched; t++) {
		struct mpart *run[MAXP];
		size_t k = 0;
		for (size_t i = 0; i < M.n; i++)
			if (M.p[i].pmap == touched[t])
				run[k++] = &M.p[i];
		/* by address (insertion sort: a few parts) */
		for (size_t i = 1; i < k; i++)
			for (size_t j = i; j > 0 && run[j]->addr <
					run[j - 1]->addr; j--) {
				struct mpart *x = run[j];
				run[j] = run[j - 1];
				run[j - 1] = x;
			}
		unsigned id = touched[t];
		for (size_t i = 1; i < k; i++) {
			if (run[i]->addr != run[i - 1]->addr + run[i - 1]->len)
				id = ++M.next_pmap;
			run[i]->pmap = id;
		}
	}
	model_retarget(target);
	return removed;
}

static struct mpart *
pick_part(struct input *in)
{
	unsigned b = byte(in);
	return M.n ? &M.p[b % M.n] : NULL;
}

static const long Deltas[] = {0, 1, -1, (long)PAGE, -(long)PAGE, 63};

static void
op_remove_range(struct input *in)
{
	Op_name = "remove_range";
	struct mpart *q = pick_part(in);
	unsigned a = byte(in), b = byte(in);
	if (q == NULL)
		return;
	char *start = q->addr + Deltas[a % 6];
	if (a & 0x80)
		start += q->len;
	size_t len;
	switch (b % 6) {
	case 0:
		len = 0;
		break;
	case 1:
		len = 1;
		break;
	case 2:
		len = q->len;
		break;
	case 3:
		len = 2 * q->len + PAGE;
		break;
	case 4:
		len = (size_t)(b >> 3) * PAGE + 1;
		break;
	default:
		len = 64 * PAGE * (size_t)(1 + (b >> 4));
		break;
	}
	/* what the model expects */
	int want = 0;
	size_t hit = 0;
	for (size_t i = 0; i < M.n; i++) {
		struct mpart *r = &M.p[i];
		if (len > 0 && r->addr < start + len && r->addr + r->len >
				start) {
			hit++;
			if (refs_of(r->pmap) > 0)
				want = PMEMSET_E_PART_MAP_POSSIBLE_USE_AFTER_DROP;
		}
	}
	/* the library looks at part maps: one held anywhere in range refuses */
	if (hit == 0 || len == 0)
		want = PMEMSET_E_CANNOT_FIND_PART_MAP;
	E.n = 0;
	E.sds_updates = 0;
	long long before = E.mapped;
	CHECK_RET(pmemset_remove_range(L.set, start, len), want);
	if (want != 0) {
		CHECK(E.n == 0, "a refused removal fired %zu event(s)", E.n);
		return;
	}
	size_t bytes_before = mapped_bytes();
	size_t pmaps_before = distinct_pmaps();
	int sds_gone = 0;
	for (size_t i = 0; i < M.n; i++)
		sds_gone += M.sds && M.p[i].src == 0 && M.p[i].addr <
			start + len && M.p[i].addr + M.p[i].len > start;
	size_t n = model_remove(start, len);
	M.sds_refs -= sds_gone;
	CHECK(E.sds_updates == (size_t)sds_gone, "%zu SDS_UPDATE for %d "
		"part(s) of source 0", E.sds_updates, sds_gone);
	Stats.removed += n;
	Stats.splits += distinct_pmaps() > pmaps_before;
	CHECK(n == hit, "model");
	CHECK(events_of(PMEMSET_EVENT_REMOVE_RANGE) ==
		delivered(PMEMSET_EVENT_REMOVE_RANGE, 1) &&
		(!delivered(PMEMSET_EVENT_REMOVE_RANGE, 1) ||
		E.ev[0].type == PMEMSET_EVENT_REMOVE_RANGE),
		"REMOVE_RANGE is not the first event");
	CHECK(events_of(PMEMSET_EVENT_PART_REMOVE) == hit, "%zu PART_REMOVE "
		"for %zu parts", events_of(PMEMSET_EVENT_PART_REMOVE), hit);
	CHECK(before - E.mapped == (long long)(bytes_before - mapped_bytes()),
		"PART_REMOVE lengths");
}

static void
op_remove_part_map(struct input *in)
{
	Op_name = "remove_part_map";
	struct mpart *q = pick_part(in);
	unsigned how = byte(in);
	if (q == NULL)
		return;
	char *probe = q->addr + (how % 3 == 0 ? 0 : how % 3 == 1 ?
			q->len - 1 : q->len / 2);
	struct pmemset_part_map *pm;
	CHECK_RET(pmemset_part_map_by_address(L.set, &pm, probe), 0);
	unsigned pmap = q->pmap;
	E.n = 0;
	E.sds_updates = 0;
	int want = refs_of(pmap) ? PMEMSET_E_PART_MAP_POSSIBLE_USE_AFTER_DROP :
			0;
	CHECK_RET(pmemset_remove_part_map(L.set, &pm), want);
	if (want != 0) {
		CHECK(pm != NULL, "a refused removal took the reference");
		pmemset_part_map_drop(&pm);
		CHECK(E.n == 0, "events");
		return;
	}
	CHECK(pm == NULL, "*pmap is not NULL after the removal");
	size_t w = 0, n = 0;
	int sds_gone = 0;
	struct append_target target = append_target_now();
	for (size_t i = 0; i < M.n; i++) {
		if (M.p[i].pmap == pmap) {
			n++;
			sds_gone += M.sds && M.p[i].src == 0;
			continue;
		}
		M.p[w++] = M.p[i];
	}
	M.n = w;
	model_retarget(target);
	M.sds_refs -= sds_gone;
	CHECK(events_of(PMEMSET_EVENT_PART_REMOVE) == n &&
		E.n == n + (size_t)sds_gone, "%zu events for %zu parts",
		E.n, n);
	/* removing it again through the same (now NULL) variable */
	CHECK_RET(pmemset_remove_part_map(L.set, &pm), -EINVAL);
}

static void
op_hold(struct input *in)
{
	Op_name = "hold";
	struct mpart *q = pick_part(in);
	unsigned how = byte(in);
	if (q == NULL || M.nheld >= MAXHELD)
		return;
	struct pmemset_part_map *pm = NULL;
	if (how & 1) {
		CHECK_RET(pmemset_part_map_by_address(L.set, &pm,
				q->addr + how % q->len), 0);
	} else {
		/* walk to it */
		char *lo;
		size_t size;
		pmap_extent(q->pmap, &lo, &size, NULL);
		pmemset_first_part_map(L.set, &pm);
		while (pm != NULL &&
		    pmemset_descriptor_part_map(pm).addr != lo) {
			struct pmemset_part_map *next;
			pmemset_next_part_map(L.set, pm, &next);
			pmemset_part_map_drop(&pm);
			pm = next;
		}
		CHECK(pm != NULL, "the walk misses part map %p", (void *)lo);
	}
	M.held[M.nheld].pm = pm;
	M.held[M.nheld].pmap = q->pmap;
	M.nheld++;
}

static void
op_drop(struct input *in)
{
	Op_name = "drop";
	unsigned b = byte(in);
	if (M.nheld == 0)
		return;
	size_t i = b % M.nheld;
	pmemset_part_map_drop(&M.held[i].pm);
	CHECK(M.held[i].pm == NULL, "drop did not clear the pointer");
	M.held[i] = M.held[--M.nheld];
}

/* a range for the data path: inside a part, or (checked mode) anywhere */
static void
pick_range(struct input *in, struct mpart *q, char **a, size_t *len,
		bool *inside)
{
	unsigned x = byte(in), y = byte(in);
	size_t from = (size_t)x * 97 % q->len;
	size_t n = 1 + (size_t)y * 31 % 2048;
	if (!M.checked || !(y & 0x80)) {
		if (n > q->len - from)
			n = q->len - from;
		*a = q->addr + from;
		*len = n;
		*inside = true;
		return;
	}
	/* checked mode: may run past the part or start before it */
	*a = (x & 1) ? q->addr + from : q->addr - (x % 3) * 512;
	*len = n + (y & 0x40 ? q->len : 0);
	*inside = covered(*a, *len);
}

static void
op_persist(struct input *in)
{
	Op_name = "persist/flush/drain";
	struct mpart *q = pick_part(in);
	unsigned how = byte(in);
	if (q == NULL) {
		CHECK_RET(pmemset_persist(L.set, &M, 1),
			PMEMSET_E_NO_PART_MAPPED);
		CHECK_RET(pmemset_drain(L.set), PMEMSET_E_NO_PART_MAPPED);
		return;
	}
	char *a;
	size_t len;
	bool inside;
	pick_range(in, q, &a, &len, &inside);
	int want = inside ? 0 : PMEMSET_E_CANNOT_FIND_PART_MAP;
	E.n = 0;
	E.sds_updates = 0;
	/* the inner calls are made from FLUSH's callback */
	bool inner = (how & 8) != 0 && inside &&
		delivered(PMEMSET_EVENT_FLUSH, 1);
	E.inner = inner;
	switch (how % 4) {
	case 0:
		CHECK_RET(pmemset_persist(L.set, a, len), want);
		CHECK(want != 0 || (events_of(PMEMSET_EVENT_FLUSH) ==
			delivered(PMEMSET_EVENT_FLUSH, 1) &&
			events_of(PMEMSET_EVENT_DRAIN) ==
			delivered(PMEMSET_EVENT_DRAIN, 1)),
			"persist fires FLUSH and DRAIN (as the mask allows)");
		break;
	case 1:
		CHECK_RET(pmemset_flush(L.set, a, len), want);
		break;
	case 2:
		CHECK_RET(pmemset_drain(L.set), 0);
		E.inner = 0;
		break;
	default:
		/* deep flush checks ranges in every mode */
		want = 0;
		bool any = false;
		for (size_t i = 0; i < M.n; i++)
			any |= M.p[i].addr < a + len &&
				M.p[i].addr + M.p[i].len > a;
		if (!any)
			want = PMEMSET_E_CANNOT_FIND_PART_MAP;
		CHECK_RET(pmemset_deep_flush(L.set, a, len), want);
		E.inner = 0;
		break;
	}
	if (inner && how % 4 < 2) {
		CHECK(E.inner == 0, "no FLUSH fired");
		CHECK_RET(E.inner_ret, PMEMSET_E_IN_CALLBACK);
		CHECK_RET(E.inner_lookup, 0);
	}
	E.inner = 0;
}

static unsigned char Buf[8192];

static void
op_write(struct input *in)
{
	Op_name = "memcpy/memmove/memset";
	struct mpart *q = pick_part(in);
	unsigned how = byte(in);
	unsigned fill = byte(in);
	if (q == NULL) {
		CHECK(pmemset_memset(L.set, Buf, 0, 1, 0) == NULL,
			"memset on an empty set");
		return;
	}
	char *a;
	size_t len;
	bool inside;
	pick_range(in, q, &a, &len, &inside);
	static const unsigned Flags[] = {0, PMEMSET_F_MEM_NODRAIN,
		PMEMSET_F_MEM_NONTEMPORAL, PMEMSET_F_MEM_TEMPORAL,
		PMEMSET_F_MEM_WC, PMEMSET_F_MEM_WB, PMEMSET_F_MEM_NOFLUSH,
		1u << 7 /* unknown */};
	unsigned flags = Flags[(how >> 2) % 8];
	bool refused = !inside || (flags & ~PMEMSET_F_MEM_VALID_FLAGS);
	if (len > sizeof(Buf)) {
		len = sizeof(Buf);
		inside = covered(a, len);
	}
	refused = !inside || (flags & ~PMEMSET_F_MEM_VALID_FLAGS);
	for (size_t i = 0; i < len; i++)
		Buf[i] = (unsigned char)(fill + i * 7);
	void *ret;
	E.n = 0;
	E.sds_updates = 0;
	switch (how % 3) {
	case 0:
		ret = pmemset_memcpy(L.set, a, Buf, len, flags);
		break;
	case 1:
		if (inside && (how & 0x40) && len > 1) {
			/* within the part itself: overlapping is fine */
			char *src = q->addr + (size_t)fill % q->len;
			if (!refused && (size_t)(q->addr + q->len - src) >= len &&
			    part_at(a) == q &&
			    (size_t)(q->addr + q->len - a) >= len) {
				memcpy(Buf, src, len);
				ret = pmemset_memmove(L.set, a, src, len,
						flags);
				break;
			}
		}
		ret = pmemset_memmove(L.set, a, Buf, len, flags);
		break;
	default:
		memset(Buf, (int)fill, len);
		ret = pmemset_memset(L.set, a, (int)fill, len, flags);
		break;
	}
	Stats.writes++;
	Stats.refused_writes += refused;
	if (refused) {
		CHECK(ret == NULL, "a refused write returned %p", ret);
		CHECK(E.n == 0, "a refused write fired events");
		return;
	}
	CHECK(ret == a, "mem* returned %p, not the destination", ret);
	static const enum pmemset_event Write_event[] = {PMEMSET_EVENT_COPY,
		PMEMSET_EVENT_MOVE, PMEMSET_EVENT_SET};
	bool drains = !(flags & (PMEMSET_F_MEM_NODRAIN |
			PMEMSET_F_MEM_NOFLUSH));
	CHECK(events_of(Write_event[how % 3]) ==
		delivered(Write_event[how % 3], 1) &&
		events_of(PMEMSET_EVENT_DRAIN) ==
		delivered(PMEMSET_EVENT_DRAIN, drains) &&
		E.n == delivered(Write_event[how % 3], 1) +
		delivered(PMEMSET_EVENT_DRAIN, drains),
		"a write fired %zu events (mask 0x%llx)", E.n,
		(unsigned long long)M.mask);
	shadow_write(a, Buf, len);
	/* every part showing those bytes shows the new ones */
	for (const char *p = a; p < a + len;) {
		struct mpart *r = part_at(p);
		size_t from = (size_t)(p - r->addr);
		size_t n = r->len - from;
		if (n > (size_t)(a + len - p))
			n = (size_t)(a + len - p);
		check_file_range(r->file, r->off + from, n);
		p += n;
	}
}

static void
op_source_io(struct input *in)
{
	Op_name = "source pread/pwrite";
	int s = (int)(byte(in) % NSRC);
	unsigned x = byte(in), y = byte(in);
	int file = Src_file[s];
	size_t off = (size_t)x * 997 % (M.fsize[file] + 2 * PAGE);
	size_t len = (size_t)y * 13;
	if (len > sizeof(Buf))
		len = sizeof(Buf);
	int want = off > M.fsize[file] || len > M.fsize[file] - off ?
			PMEMSET_E_LENGTH_OUT_OF_RANGE : 0;
	if (x & 1) {
		for (size_t i = 0; i < len; i++)
			Buf[i] = (unsigned char)(x ^ i);
		CHECK_RET(pmemset_source_pwrite_mcsafe(L.src[s], Buf, len,
				off), want);
		if (want == 0) {
			memcpy(&M.shadow[file][off], Buf, len);
			check_file_range(file, off, len);
		}
	} else {
		CHECK_RET(pmemset_source_pread_mcsafe(L.src[s], Buf, len, off),
				want);
		if (want == 0)
			CHECK(memcmp(Buf, &M.shadow[file][off], len) == 0,
				"pread of file %d at %zu differs from the "
				"model", file, off);
	}
}

static void
op_lookup(struct input *in)
{
	Op_name = "lookup";
	struct mpart *q = pick_part(in);
	unsigned a = byte(in);
	if (q == NULL)
		return;
	const char *addr = q->addr + Deltas[a % 6] + (a & 0x80 ? q->len : 0);
	struct pmemset_part_map *pm = (void *)1;
	struct mpart *r = part_at(addr);
	int ret = pmemset_part_map_by_address(L.set, &pm, (void *)addr);
	CHECK_RET(ret, r ? 0 : PMEMSET_E_CANNOT_FIND_PART_MAP);
	if (ret != 0) {
		CHECK(pm == NULL, "a failed lookup left *pmap set");
		return;
	}
	pmemset_part_map_drop(&pm);
	check_lookup(r, addr);
}

static void
op_coalescing(struct input *in)
{
	Op_name = "coalescing";
	unsigned b = byte(in);
	int v = (int)(b % 5) - 1; /* -1 and 3 are invalid */
	int want = v >= 0 && v <= 2 ? 0 : PMEMSET_E_INVALID_COALESCING_VALUE;
	CHECK_RET(pmemset_set_contiguous_part_coalescing(L.set,
			(enum pmemset_coalescing)v), want);
	if (want == 0)
		M.co = (enum pmemset_coalescing)v;
}

static void
tree_cb(struct pmemset_stat_map *map, struct pmemset_stat_map *sub,
		enum pmemset_stat_tree_event ev)
{
	(void) map;
	const char *uri;
	if (pmemset_stat_map_uri(sub, &uri) != 0 ||
	    strstr(uri, "/part/") == NULL)
		return;
	if (ev == PMEMSET_STAT_TREE_ADD)
		L.tree_adds++;
	else
		L.tree_rems++;
}

static void
op_observe(struct input *in)
{
	Op_name = "observer update";
	(void) byte(in);
	if (L.h == NULL)
		return;
	CHECK_RET(pmemset_stat_update(L.h), 0);
	/* the one set's map is the root's only child */
	struct pmemset_stat_mapiter *it;
	CHECK_RET(pmemset_stat_mapiter_start(L.root, PMEMSET_STAT_KIND_MAP,
			&it), 0);
	struct pmemset_stat_nv nv;
	CHECK_RET(pmemset_stat_mapiter_next(it, &nv), 0);
	pmemset_stat_mapiter_end(&it);
	uint64_t parts, bytes, pmaps;
	CHECK_RET(pmemset_stat_map_get_uint64(nv.data.map, "parts", &parts),
			0);
	CHECK_RET(pmemset_stat_map_get_uint64(nv.data.map, "mapped_bytes",
			&bytes), 0);
	CHECK_RET(pmemset_stat_map_get_uint64(nv.data.map, "part_maps",
			&pmaps), 0);
	CHECK(parts == M.n && bytes == mapped_bytes() &&
		pmaps == distinct_pmaps(), "the observer sees %llu parts, "
		"%llu bytes, %llu part maps; the model %zu, %zu, %zu",
		(unsigned long long)parts, (unsigned long long)bytes,
		(unsigned long long)pmaps, M.n, mapped_bytes(),
		distinct_pmaps());
	CHECK(L.tree_adds - L.tree_rems == (long)M.n, "the observer added "
		"%ld and removed %ld parts, the model has %zu", L.tree_adds,
		L.tree_rems, M.n);
	size_t n;
	CHECK_RET(pmemset_stat_map_size(nv.data.map, &n), 0);
}

static void set_open(void);
static void set_close(void);

static void
op_source_delete(struct input *in)
{
	Op_name = "source delete";
	int s = (int)(byte(in) % NSRC);
	size_t n = 0;
	for (size_t i = 0; i < M.n; i++)
		n += M.p[i].src == s;
	/*
	 * The deleted source lives on in its parts. The model's shadow of a
	 * temporary file, and source 0's SDS, belong to one source at a time:
	 * those are not replaced while parts of them are mapped.
	 */
	if (n > 0 && (s == 2 || (s == 0 && M.sds)))
		return;
	struct pmemset_source *src = L.src[s];
	CHECK_RET(pmemset_source_delete(&src), 0);
	CHECK(src == NULL, "a deleted source's pointer is not NULL");
	/* and a new one in its place; a temporary file starts empty */
	L.src[s] = NULL;
	int ret;
	if (s == 2) {
		ret = pmemset_source_from_temporary(&L.src[s], L.dir);
		M.fsize[1] = 0;
	} else if (s == 3) {
		ret = pmemset_source_from_pmem2(&L.src[s], L.pmem2_src);
	} else {
		ret = pmemset_xsource_from_file(&L.src[s], L.path,
				s == 1 ? PMEMSET_SOURCE_FILE_DO_NOT_GROW : 0);
	}
	CHECK_RET(ret, 0);
	if (s == 0 && M.sds) {
		/* the application gives the new source what it stored */
		CHECK(M.stored.refcount == 0, "no part, yet the SDS is open");
		CHECK_RET(pmemset_source_set_sds(L.src[0], &M.stored,
				&M.state), 0);
	}
}

static void
op_delete_set(struct input *in)
{
	Op_name = "delete set";
	(void) byte(in);
	/* references still held are invalidated with the set */
	M.nheld = 0;
	set_close();
	set_open();
}

static void (*const Ops[])(struct input *) = {
	op_map, op_map, op_map, op_remove_range, op_remove_part_map,
	op_hold, op_drop, op_persist, op_write, op_write, op_source_io,
	op_lookup, op_coalescing, op_observe, op_source_delete, op_map,
	op_remove_range, op_delete_set,
};
#define NOPS (sizeof(Ops) / sizeof(Ops[0]))

/* ---- one input ---- */

static void
set_open(void)
{
	struct pmemset_config *cfg;
	CHECK_RET(pmemset_config_new(&cfg), 0);
	CHECK_RET(pmemset_config_set_required_store_granularity(cfg,
			PMEM2_GRANULARITY_PAGE), 0);
	pmemset_config_set_event_callback(cfg, on_event, NULL);
	if (M.mask_set)
		CHECK_RET(pmemset_config_set_event_mask(cfg, M.mask), 0);
	if (M.sds_strict)
		CHECK_RET(pmemset_config_set_acceptable_states(cfg,
				PMEMSET_PART_STATE_OK), 0);
	if (M.user_rsv)
		pmemset_config_set_reservation(cfg, L.rsv);
	if (M.checked)
		setenv("PMEMSET_CHECK_RANGES", "1", 1);
	CHECK_RET(pmemset_new(&L.set, cfg), 0);
	unsetenv("PMEMSET_CHECK_RANGES");
	pmemset_config_delete(&cfg);
	CHECK_RET(pmemset_set_contiguous_part_coalescing(L.set, M.co), 0);
	M.n = 0;
	M.last = 0;
	E.mapped = 0;
	L.tree_adds = L.tree_rems = 0;
	if (L.observe) {
		CHECK_RET(pmemset_stat_open(&L.h, L.set, NULL, 0), 0);
		CHECK_RET(pmemset_stat_root(L.h, &L.root), 0);
		CHECK_RET(pmemset_stat_map_set_tree_cb(L.root, tree_cb), 0);
	}
}

static void
set_close(void)
{
	if (L.h != NULL)
		CHECK_RET(pmemset_stat_close(&L.h), 0);
	CHECK_RET(pmemset_delete(&L.set), 0);
	CHECK(L.set == NULL, "delete did not clear the pointer");
	CHECK(E.mapped == 0, "delete left %lld bytes without PART_REMOVE",
		E.mapped);
	M.sds_refs = 0;
}

static long
kernel_mappings(void)
{
	FILE *f = fopen("/proc/self/maps", "re");
	if (f == NULL)
		return 0;
	long n = 0;
	int c;
	while ((c = getc_unlocked(f)) != EOF)
		n += c == '\n';
	fclose(f);
	return n;
}

/*
 * libpmem2 1.12.1 leaves up to 4 MiB of PROT_NONE mapping behind for every
 * vm reservation deleted (coalescing makes one per part map), so a long
 * session would end at vm.max_map_count (65530) with a false finding. A
 * process close to it ends quietly; libFuzzer's fork mode (scripts/fuzz.sh)
 * starts the next one.
 */
static void
leave_before_the_mapping_limit(void)
{
	static unsigned long inputs;
	if (++inputs % 256 != 0 || kernel_mappings() < 50000)
		return;
	fprintf(stderr, "fuzz_calls: %ld kernel mappings after %lu inputs "
		"(libpmem2's reservation leak): this process ends here\n",
		kernel_mappings(), inputs);
	/* what libFuzzer prints at exit, so fork mode counts these runs */
	fprintf(stderr, "stat::number_of_executed_units: %lu\n", inputs);
	_exit(0);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	leave_before_the_mapping_limit();
	struct input in = {data, size};
	unsigned mode = byte(&in);
	unsigned pages_and_mask = byte(&in);
	unsigned pages = pages_and_mask % 16;
	memset(&M, 0, sizeof(M));
	memset(&E, 0, sizeof(E));
	M.checked = mode & 1;
	M.user_rsv = (mode & 2) != 0;
	M.co = (enum pmemset_coalescing)((mode >> 3) % 3);
	M.sds = (mode & 0x20) != 0;
	M.sds_strict = M.sds && (mode & 0x40) != 0;
	M.mask_set = (pages_and_mask >> 4) != 0;
	M.mask = event_mask_of(pages_and_mask >> 4);
	if (M.sds)
		fake_device_install();
	Op_index = 0;
	Op_name = "setup";

	const char *dir = getenv("PMEMSET_TEST_DIR");
	L.dir = dir != NULL && dir[0] != '\0' ? dir : "/dev/shm";
	snprintf(L.path, sizeof(L.path), "%s/pmemset-fuzz-%d", L.dir,
			(int)getpid());
	int fd = open(L.path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	CHECK(fd >= 0 && ftruncate(fd, (off_t)pages * PAGE) == 0,
		"cannot make %s", L.path);
	close(fd);
	M.fsize[0] = (size_t)pages * PAGE;
	CHECK_RET(pmemset_source_from_file(&L.src[0], L.path), 0);
	CHECK_RET(pmemset_xsource_from_file(&L.src[1], L.path,
			PMEMSET_SOURCE_FILE_DO_NOT_GROW), 0);
	CHECK_RET(pmemset_source_from_temporary(&L.src[2], L.dir), 0);
	if (M.sds)
		CHECK_RET(pmemset_source_set_sds(L.src[0], &M.stored,
				&M.state), 0);
	L.fd = open(L.path, O_RDWR | O_CLOEXEC);
	CHECK(L.fd >= 0, "cannot open %s", L.path);
	CHECK_RET(pmem2_source_from_fd(&L.pmem2_src, L.fd), 0);
	CHECK_RET(pmemset_source_from_pmem2(&L.src[3], L.pmem2_src), 0);
	size_t align;
	CHECK_RET(pmemset_source_alignment(L.src[0], &align), 0);
	CHECK(align == PAGE, "alignment %zu", align);
	CHECK_RET(pmemset_map_config_new(&L.mc), 0);
	if (M.user_rsv) {
		/*
		 * One for the process, empty between inputs: libpmem2 1.12.1
		 * leaks a kernel mapping per deleted reservation, and a long
		 * session would run out of them.
		 */
		if (L.rsv == NULL)
			CHECK_RET(pmem2_vm_reservation_new(&L.rsv, NULL,
					RSV_PAGES * PAGE), 0);
		M.rsv_base = pmem2_vm_reservation_get_address(L.rsv);
		M.rsv_size = RSV_PAGES * PAGE;
	}
	L.observe = (mode & 4) != 0;
	set_open();

	Stats.inputs++;
	while (more(&in)) {
		Op_index++;
		Stats.calls++;
		Ops[byte(&in) % NOPS](&in);
		check_all((unsigned)Op_index);
	}
	op_observe(&in);

	/* everything, byte for byte, then the file itself */
	Op_name = "final check";
	for (size_t i = 0; i < M.n; i++)
		check_bytes(&M.p[i], 0, M.p[i].len);
	for (size_t i = 0; i < M.nheld; i++)
		pmemset_part_map_drop(&M.held[i].pm);
	M.nheld = 0;
	set_close();
	for (int s = 0; s < NSRC; s++)
		CHECK_RET(pmemset_source_delete(&L.src[s]), 0);
	/* the library never closed the caller's descriptor */
	CHECK(fcntl(L.fd, F_GETFD) >= 0, "the pmem2 source's fd was closed");
	pmem2_source_delete(&L.pmem2_src);
	close(L.fd);
	if (M.sds) {
		/* the first map of source 0 wrote the device's id in it */
		CHECK(M.stored.refcount == 0 && (E.sds_ever == 0 ||
			strcmp(M.stored.id, Fake.id) == 0), "after the set's "
			"delete the stored SDS is count %d, device \"%s\"",
			M.stored.refcount, M.stored.id);
		fake_device_uninstall();
	}
	pmemset_map_config_delete(&L.mc);
	fd = open(L.path, O_RDONLY | O_CLOEXEC);
	CHECK(fd >= 0, "cannot reopen the file");
	static unsigned char file[MAX_FILE];
	ssize_t got = pread(fd, file, sizeof(file), 0);
	close(fd);
	CHECK(got == (ssize_t)M.fsize[0] && memcmp(file, M.shadow[0],
		M.fsize[0]) == 0, "the file differs from the model");
	unlink(L.path);
	return 0;
}
