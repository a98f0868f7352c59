// SPDX-License-Identifier: BSD-3-Clause
/*
 * map.c -- pmemset_map: validating offset and length, growing the file,
 * placing the part (coalesced after the last part map, first fit in the
 * user's reservation, or a new internal reservation) and mapping it.
 *
 * A failed map leaves the set and the source as they were: every allocation
 * is made before the first irreversible step. A file grown for the part
 * stays grown (see grow_source).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "alloc.h"
#include "arena.h"
#include "badblock.h"
#include "byte_persist.h"
#include "durable.h"
#include "env.h"
#include "error.h"
#include "event.h"
#include "log.h"
#include "map_config.h"
#include "part_map.h"
#include "pmem2_gate.h"
#include "probes.h"
#include "reservation.h"
#include "sds.h"
#include "set.h"
#include "source.h"

/*
 * libpmem2 1.12.1 spends one pthread key per map made without a vdm and
 * breaks once a process holds about 1,024 maps. Any non-NULL vdm avoids
 * that. We never start an asynchronous operation, so the vdm is never used.
 * The setter is exported but declared only in libpmem2/async.h, which needs
 * miniasync; declare it here.
 */
struct vdm;
int pmem2_config_set_vdm(struct pmem2_config *cfg, struct vdm *vdm);
static char Placeholder_vdm;

/*
 * The most a temporary file is grown ahead of what its parts need. Its
 * blocks are allocated (on tmpfs: memory), so this bounds the waste; 16 MiB
 * is 4,096 parts of 4 KiB between two growths.
 */
#define GROW_AHEAD_MAX ((size_t)16 << 20)

struct extent {
	size_t offset;
	size_t length;
	bool sized;	/* file_size read (length 0 needs it at once) */
	size_t file_size;
	size_t alignment;
};

static bool is_regular_file(struct pmemset_source *src);

/* would grow_source try to grow it? */
static bool
source_can_grow(struct pmemset_source *src)
{
	return !(src->flags & PMEMSET_SOURCE_FILE_DO_NOT_GROW) &&
		src->fd >= 0 && is_regular_file(src);
}

/*
 * The size of the source, for e. A temporary source's known size is exact.
 * Another's saves an fstat when it covers the part; a part past it asks
 * the file again (someone else may have grown it), and so does "to the
 * end" (length 0).
 */
static int
extent_file_size(struct pmemset_source *src, struct extent *e)
{
	e->file_size = source_known_size(src);
	e->sized = true;
	if (source_size_is_exact(src))
		return 0;
	bool covered = e->length != 0 && e->offset <= e->file_size &&
			e->length <= e->file_size - e->offset;
	return covered ? 0 : source_size(src, &e->file_size, "pmemset_map");
}

/* for an alignment error: where a large alignment comes from */
static const char *
alignment_origin(const struct pmemset_source *src)
{
	return source_is_devdax(src) ? " (the Device DAX device's alignment: "
		"it maps whole units of it)" : "";
}

/*
 * Checks the offset and length and, for length 0, reads the size (no
 * growth follows then, so no lock is needed). Otherwise the size is read
 * once, under the source's grow lock, by extent_file_size.
 */
static int
resolve_extent(struct pmemset_source *src, const struct pmemset_map_config *mc,
		struct extent *e)
{
	e->offset = mc ? mc->offset : 0;
	e->length = mc ? mc->length : 0;
	e->sized = false;
	e->file_size = 0;
	int ret = e->length == 0 ? extent_file_size(src, e) : 0;
	if (ret != 0)
		return ret;
	/* a source's alignment never changes; asking libpmem2 may read sysfs */
	e->alignment = atomic_load(&src->alignment);
	if (e->alignment == 0) {
		err_pmem2_mark();
		ret = pmem2_source_alignment(src->pmem2_src, &e->alignment);
		if (ret != 0)
			return err_pmem2(ret, "pmemset_map: cannot read the "
					"alignment of the source");
		atomic_store(&src->alignment, e->alignment);
	}
	if (e->offset > (size_t)INT64_MAX)
		return err_set(PMEMSET_E_OFFSET_OUT_OF_RANGE,
			"pmemset_map: offset %zu is above INT64_MAX", e->offset);
	if (e->offset % e->alignment != 0)
		return err_set(PMEMSET_E_INVALID_OFFSET_VALUE,
			"pmemset_map: offset %zu is not a multiple of the "
			"source's alignment %zu%s", e->offset, e->alignment,
			alignment_origin(src));
	if (e->length == 0) {
		if (e->offset >= e->file_size)
			return err_set(PMEMSET_E_MAP_LENGTH_UNSET,
				"pmemset_map: length 0 maps to the end of the "
				"file, but offset %zu is not below its size %zu",
				e->offset, e->file_size);
		e->length = e->file_size - e->offset;
	}
	/*
	 * PMDK grows the file before anything checks the length, so a length
	 * no file can reach fails growing (its tests pin SIZE_MAX on a
	 * temporary source to that): so do we, still before touching the file.
	 */
	if (e->length > (size_t)INT64_MAX - e->offset && source_can_grow(src))
		return err_set(PMEMSET_E_CANNOT_GROW_SOURCE_FILE,
			"pmemset_map: cannot grow the source to offset %zu + "
			"length %zu: beyond the largest file size", e->offset,
			e->length);
	if (e->length % e->alignment != 0)
		return err_set(PMEMSET_E_LENGTH_UNALIGNED,
			"pmemset_map: length %zu is not a multiple of the "
			"source's alignment %zu%s", e->length, e->alignment,
			alignment_origin(src));
	if (e->length > (size_t)INT64_MAX - e->offset)
		return err_set(PMEMSET_E_LENGTH_OUT_OF_RANGE,
			"pmemset_map: offset %zu + length %zu is beyond the "
			"largest file offset", e->offset, e->length);
	return 0;
}

static bool
is_regular_file(struct pmemset_source *src)
{
	int regular = atomic_load(&src->regular);
	if (regular < 0) {
		struct stat st;
		if (fstat(src->fd, &st) != 0)
			return false;
		regular = S_ISREG(st.st_mode);
		atomic_store(&src->regular, regular);
	}
	return regular != 0;
}

/* fallocate where the file system can, so a full disk fails now, not as SIGBUS */
static int
grow_file(int fd, size_t from, size_t to)
{
	int r = posix_fallocate(fd, (off_t)from, (off_t)(to - from));
	if (r == EOPNOTSUPP || r == ENOSYS)
		r = ftruncate(fd, (off_t)to) == 0 ? 0 : errno;
	return r;
}

static size_t
align_up(size_t v, size_t a)
{
	return (v + a - 1) / a * a;
}

/*
 * How long a temporary file of `size` bytes is made when a part needs
 * `needed`: doubled, but never more than GROW_AHEAD_MAX past its size, and
 * never less than needed. So n maps of small parts grow it O(log n) times
 * up to GROW_AHEAD_MAX, then once per GROW_AHEAD_MAX; and the file is
 * never longer than its parts need by more than min(size, GROW_AHEAD_MAX).
 */
static size_t
grow_ahead_size(size_t size, size_t needed, size_t alignment)
{
	size_t ahead = size < GROW_AHEAD_MAX ? size : GROW_AHEAD_MAX;
	/* size <= INT64_MAX: no overflow */
	size_t target = align_up(size + ahead, alignment);
	if (target <= needed || target > (size_t)INT64_MAX)
		return needed;
	return target;
}

/*
 * A temporary file grows ahead of the part: no one else sees its size, and
 * the next maps find their bytes there already. If growing ahead fails (a
 * full file system), it grows to what the part needs only. grown_size
 * stays a lower bound of the real size whatever fails: a growth that went
 * part-way only made the file longer, and fallocate over allocated blocks
 * changes nothing.
 */
static int
grow_temporary(struct pmemset_source *src, const struct extent *e,
		size_t needed)
{
	if (needed <= src->grown_size) {
		source_note_size(src, needed);
		return 0;
	}
	size_t target = grow_ahead_size(src->grown_size, needed, e->alignment);
	int r = grow_file(src->fd, src->grown_size, target);
	if (r != 0 && target > needed) {
		target = needed;
		r = grow_file(src->fd, src->grown_size, target);
	}
	if (r != 0)
		return err_set(PMEMSET_E_CANNOT_GROW_SOURCE_FILE,
			"pmemset_map: cannot grow the temporary source file "
			"from %zu to %zu bytes: %s", src->grown_size, needed,
			strerror(r));
	src->grown_size = target;
	source_note_size(src, needed);
	return 0;
}

/*
 * Makes the size a map gave a named file (or the caller's) durable before
 * the map returns: DURABILITY in pmemset_map(3). A failure is the map's,
 * and the next map of the source tries again. An unnamed temporary file
 * does not outlive the process: it is never synced.
 */
static int
sync_grown_size(struct pmemset_source *src, size_t size)
{
	int ret = durable_sync_size(src->fd, src->path, size, "pmemset_map");
	src->size_unsynced = ret != 0;
	return ret;
}

/*
 * Grows the file to hold the part. A map that fails later never cuts it
 * back: between the growth and the failure another source of the same
 * file, another set or another process may have mapped the new bytes or
 * written there (pwrite needs no lock of ours), and no lock we could take
 * would tell. A cut-back would destroy their data or turn their mapping
 * into SIGBUS; a file left longer, its new blocks zero, harms no one.
 * A file of the user's grows to exactly what the part needs: its size is
 * the user's to see.
 */
static int
grow_source(struct pmemset_source *src, const struct extent *e)
{
	size_t needed = e->offset + e->length;
	if (needed <= e->file_size)
		return src->size_unsynced ?
			sync_grown_size(src, e->file_size) : 0;
	if (src->flags & PMEMSET_SOURCE_FILE_DO_NOT_GROW)
		return err_set(PMEMSET_E_SOURCE_FILE_IS_TOO_SMALL,
			"pmemset_map: the source has %zu bytes, the part needs "
			"%zu, and DO_NOT_GROW forbids growing it",
			e->file_size, needed);
	if (source_is_devdax(src))
		return err_set(PMEMSET_E_SOURCE_FILE_IS_TOO_SMALL,
			"pmemset_map: the Device DAX device has %zu bytes, the "
			"part needs %zu, and a device cannot grow",
			e->file_size, needed);
	if (src->fd < 0 || !is_regular_file(src))
		return err_set(PMEMSET_E_SOURCE_FILE_IS_TOO_SMALL,
			"pmemset_map: the source has %zu bytes, the part needs "
			"%zu, and only a regular file can grow",
			e->file_size, needed);
	if (src->kind == SOURCE_TEMPORARY)
		return grow_temporary(src, e, needed);
	int r = grow_file(src->fd, e->file_size, needed);
	if (r != 0) {
		/* what fallocate did grow stays, for the same reason */
		source_forget_size(src);
		return err_set(PMEMSET_E_CANNOT_GROW_SOURCE_FILE,
			"pmemset_map: cannot grow the source file from %zu to "
			"%zu bytes: %s", e->file_size, needed, strerror(r));
	}
	source_note_size(src, needed);
	return sync_grown_size(src, needed);
}

/* a libpmem2 map of e of src requiring granularity g, in r if not NULL */
static int
map_with(enum pmem2_granularity g, struct pmemset_source *src, struct rsv *r,
		size_t rsv_offset, const struct extent *e,
		struct pmem2_map **map)
{
	struct pmem2_config *cfg;
	err_pmem2_mark();
	int ret = pmem2_config_new(&cfg);
	if (ret != 0)
		return ret;
	if ((ret = pmem2_config_set_required_store_granularity(cfg, g)) != 0 ||
	    (ret = pmem2_config_set_offset(cfg, e->offset)) != 0 ||
	    (ret = pmem2_config_set_length(cfg, e->length)) != 0 ||
	    (r != NULL && (ret = pmem2_config_set_vm_reservation(cfg,
			r->pmem2_rsv, rsv_offset)) != 0) ||
	    (ret = pmem2_config_set_vdm(cfg,
			(struct vdm *)&Placeholder_vdm)) != 0)
		goto out;
	pmem2_gate_enter();
	ret = pmem2_map_new(map, cfg, src->pmem2_src);
	pmem2_gate_leave();
out:
	pmem2_config_delete(&cfg);
	return ret;
}

static int
map_into(struct pmemset *set, struct pmemset_source *src, struct rsv *r,
		size_t rsv_offset, const struct extent *e,
		struct pmem2_map **map)
{
	return map_with(set->cfg.granularity, src, r, rsv_offset, e, map);
}

/*
 * The granularity the source offers at e, found by mapping its first
 * aligned block with only PAGE required (what every file offers); -1 when
 * even that fails. Only for messages: a map that was refused is rare.
 */
static int
offered_granularity(struct pmemset_source *src, const struct extent *e)
{
	struct extent probe = *e;
	probe.length = e->alignment;
	struct pmem2_map *map = NULL;
	if (map_with(PMEM2_GRANULARITY_PAGE, src, NULL, 0, &probe, &map) != 0)
		return -1;
	int g = (int)pmem2_map_get_store_granularity(map);
	(void) rsv_map_delete(NULL, &map);
	return g;
}

/*
 * A set requiring a finer granularity than the file offers: say what it
 * offers and what would map it, instead of libpmem2's words.
 */
static int
granularity_refused(struct pmemset *set, struct pmemset_source *src,
		const struct extent *e)
{
	const char *required = granularity_name(set->cfg.granularity);
	int offered = offered_granularity(src, e);
	if (offered < 0)
		return err_set(PMEMSET_E_GRANULARITY_NOT_SUPPORTED,
			"pmemset_map: the set requires %s granularity, which "
			"the source does not offer at offset %zu; a set that "
			"requires a coarser one (PAGE maps any file) would "
			"map it", required, e->offset);
	const char *forced = env_get("PMEM2_FORCE_GRANULARITY");
	const char *why = forced != NULL ? " as PMEM2_FORCE_GRANULARITY says" :
		offered == PMEM2_GRANULARITY_PAGE ?
		" (it is not on a DAX file system; tmpfs is not)" : "";
	return err_set(PMEMSET_E_GRANULARITY_NOT_SUPPORTED,
		"pmemset_map: the set requires %s granularity but the source "
		"offers %s at offset %zu%s; a set that requires %s (or, for "
		"testing only, PMEM2_FORCE_GRANULARITY=%s in the environment) "
		"would map it", required,
		granularity_name((enum pmem2_granularity)offered), e->offset,
		why, granularity_name((enum pmem2_granularity)offered),
		required);
}

/*
 * A failed pmem2_map_new as our error. Running out of kernel mappings
 * (vm.max_map_count) looks like plain ENOMEM: say so; a granularity the
 * file cannot give, what it gives instead.
 */
static int
map_failed(struct pmemset *set, struct pmemset_source *src, int ret,
		const struct extent *e)
{
	if (ret == PMEM2_E_GRANULARITY_NOT_SUPPORTED)
		return granularity_refused(set, src, e);
	if (ret == -ENOMEM)
		return err_pmem2(ret, "pmemset_map: cannot map %zu bytes at "
			"offset %zu (the process may have reached the kernel's "
			"limit of mappings, vm.max_map_count)", e->length,
			e->offset);
	return err_pmem2(ret, "pmemset_map: cannot map %zu bytes at offset %zu",
			e->length, e->offset);
}

/* placement outcomes that are not errors of the map itself */
#define PLACE_NOT_POSSIBLE 1

/*
 * Appends the part right after the part map that holds set->last_part (the
 * most recently mapped part, or after removals the one PMDK would pick).
 * PLACE_NOT_POSSIBLE when there is none or its neighbourhood is taken.
 */
static int
place_coalesced(struct pmemset *set, struct pmemset_source *src,
		const struct extent *e, struct pmemset_part *part)
{
	if (set->last_part == NULL)
		return PLACE_NOT_POSSIBLE;
	struct pmemset_part_map *target = set->last_part->pmap;
	struct rsv *r = target->rsv;
	/* mapped without coalescing: no room kept after it */
	if (r == NULL || r->arena != NULL)
		return PLACE_NOT_POSSIBLE;
	size_t off = (size_t)(pmap_end(target) - rsv_base(r));
	if (off % e->alignment != 0)
		return PLACE_NOT_POSSIBLE;
	if (off + e->length > rsv_size(r) && rsv_grow(r, off + e->length) != 0)
		return PLACE_NOT_POSSIBLE;
	rsv_lock_shared(r);
	int ret = rsv_range_free(r, off, e->length) ?
		map_into(set, src, r, off, e, &part->map) :
		PMEM2_E_MAPPING_EXISTS;
	rsv_unlock_shared(r);
	if (ret == PMEM2_E_MAPPING_EXISTS)
		return PLACE_NOT_POSSIBLE;
	if (ret != 0)
		return map_failed(set, src, ret, e);
	part->rsv = r;
	part->pmap = target;
	return 0;
}

/*
 * Without coalescing: a small part in one of the set's arenas (one mmap
 * for libpmem2 instead of its reservation, mmap and unmaps), a bigger one
 * where libpmem2 places it (aligned for huge pages). Neither leaves
 * anything mapped once unmapped: an arena's reservation was made where
 * libpmem2 1.12.1 leaves no surplus behind (arena.c), and a map libpmem2
 * placed needs no reservation at all.
 */
static int
place_uncoalesced(struct pmemset *set, struct pmemset_source *src,
		const struct extent *e, struct pmemset_part *part, size_t page)
{
	int ret;
	if (e->length >= ARENA_PART_MAX) {
		ret = map_into(set, src, NULL, 0, e, &part->map);
		if (ret != 0)
			return map_failed(set, src, ret, e);
		part->rsv = NULL;
		return 0;
	}
	/* e->length is a multiple of the source's alignment: whole pages */
	size_t alignment = e->alignment > page ? e->alignment : page;
	struct rsv *r;
	size_t off;
	err_pmem2_mark();
	ret = arena_take(&set->arenas, e->length, alignment, &r, &off);
	if (ret == -ENOMEM)
		return err_set(PMEMSET_E_CANNOT_ALLOCATE_INTERNAL_STRUCTURE,
				"pmemset_map: out of memory");
	if (ret != 0)
		return err_pmem2(ret, "pmemset_map: cannot reserve %zu bytes "
				"of address space for small parts",
				(size_t)ARENA_SIZE);
	ret = map_into(set, src, r, off, e, &part->map);
	if (ret != 0) {
		arena_give_back(&set->arenas, r, rsv_base(r) + off, e->length,
				false);
		return map_failed(set, src, ret, e);
	}
	part->rsv = r;
	return 0;
}

/* places the part in a part map of its own */
static int
place_new(struct pmemset *set, struct pmemset_source *src,
		const struct extent *e, struct pmemset_part *part)
{
	int ret;
	if (set->user_rsv != NULL) {
		struct rsv *r = set->user_rsv;
		/*
		 * Other sets wait on the lock; the program itself may still
		 * map into the same reservation: retry a little.
		 */
		rsv_lock_shared(r);
		for (int attempt = 0; attempt < 3; attempt++) {
			size_t off = rsv_first_fit(r, e->length, e->alignment);
			if (off == (size_t)-1) {
				rsv_unlock_shared(r);
				return err_set(PMEMSET_E_CANNOT_FIT_PART_MAP,
					"pmemset_map: no free range of %zu "
					"bytes in the reservation at %p (%zu "
					"bytes)", e->length, (void *)rsv_base(r),
					rsv_size(r));
			}
			ret = map_into(set, src, r, off, e, &part->map);
			if (ret != PMEM2_E_MAPPING_EXISTS)
				break;
		}
		rsv_unlock_shared(r);
		if (ret != 0)
			return map_failed(set, src, ret, e);
		part->rsv = r;
		return 0;
	}

	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	if (set->coalescing == PMEMSET_COALESCING_NONE)
		return place_uncoalesced(set, src, e, part, page);

	size_t slack = COALESCE_SLACK;
	size_t extra = e->alignment > page ? e->alignment - page : 0;
	struct rsv *r;
	err_pmem2_mark();
	ret = rsv_new_internal(&r, e->length + slack + extra);
	if (ret == -ENOMEM)
		return err_set(PMEMSET_E_CANNOT_ALLOCATE_INTERNAL_STRUCTURE,
				"pmemset_map: out of memory");
	if (ret != 0)
		return err_pmem2(ret, "pmemset_map: cannot reserve %zu bytes "
				"of address space", e->length + slack + extra);
	uintptr_t base = (uintptr_t)rsv_base(r);
	size_t off = align_up(base, e->alignment) - base;
	ret = map_into(set, src, r, off, e, &part->map);
	if (ret != 0) {
		rsv_release_if_empty(&r);
		return map_failed(set, src, ret, e);
	}
	part->rsv = r;
	return 0;
}

static int
place_part(struct pmemset *set, struct pmemset_source *src,
		const struct extent *e, struct pmemset_part *part)
{
	if (set->coalescing != PMEMSET_COALESCING_NONE) {
		int ret = place_coalesced(set, src, e, part);
		if (ret != PLACE_NOT_POSSIBLE)
			return ret;
		/* with nothing to append to, FULL maps as NONE would (PMDK) */
		if (set->coalescing == PMEMSET_COALESCING_FULL &&
		    set->last_part != NULL)
			return err_set(PMEMSET_E_CANNOT_COALESCE_PARTS,
				"pmemset_map: FULL coalescing: the address "
				"range after the part map at %p is taken (or it "
				"was mapped with coalescing off and keeps no "
				"room after it)",
				(void *)set->last_part->pmap->addr);
	}
	return place_new(set, src, e, part);
}

/* undoes a successful placement whose part cannot be kept */
static void
unplace(struct pmemset *set, struct pmemset_part *part, size_t len)
{
	char *addr = pmem2_map_get_address(part->map);
	(void) rsv_map_delete(part->rsv, &part->map);
	if (part->rsv != NULL && part->rsv->arena != NULL)
		arena_give_back(&set->arenas, part->rsv, addr, len, false);
	else if (part->rsv != NULL && part->rsv->owned &&
	    part->rsv->nparts == 0 && part->pmap == NULL)
		rsv_release_if_empty(&part->rsv);
}

static void
fix_granularity(struct pmemset *set, struct pmem2_map *map,
		enum pmem2_granularity g)
{
	set->granularity = g;
	set->persist_fn = pmem2_get_persist_fn(map);
	set->flush_fn = pmem2_get_flush_fn(map);
	set->drain_fn = pmem2_get_drain_fn(map);
	set->memcpy_fn = pmem2_get_memcpy_fn(map);
	set->memmove_fn = pmem2_get_memmove_fn(map);
	set->memset_fn = pmem2_get_memset_fn(map);
	if (g == PMEM2_GRANULARITY_PAGE)
		pmem2_gate_page_fns(set);
	else if (g == PMEM2_GRANULARITY_BYTE)
		(void) byte_persist_use(set);
	set->granularity_fixed = true;
}

/* with the lock held: place, map, check granularity, link; nothing can fail after */
static int
map_locked(struct pmemset *set, struct pmemset_source *src,
		const struct extent *e, struct pmemset_part *part,
		struct pmemset_part_map *fresh, struct pmemset_part_descriptor *d,
		struct pmemset_part_descriptor *added)
{
	/* room first, so linking the part in cannot fail */
	if (index_reserve(&set->index, 1) != 0 || pmap_reserve(fresh, 1) != 0 ||
	    (set->last_part != NULL && pmap_reserve(set->last_part->pmap, 1)))
		return err_set(PMEMSET_E_CANNOT_ALLOCATE_INTERNAL_STRUCTURE,
				"pmemset_map: out of memory");

	int ret = place_part(set, src, e, part);
	if (ret != 0)
		return ret;

	enum pmem2_granularity g = pmem2_map_get_store_granularity(part->map);
	if (set->granularity_fixed && g != set->granularity) {
		unplace(set, part, e->length);
		return err_set(PMEMSET_E_GRANULARITY_MISMATCH,
			"pmemset_map: the part's effective granularity %s "
			"differs from the set's %s", granularity_name(g),
			granularity_name(set->granularity));
	}
	if (!set->granularity_fixed)
		fix_granularity(set, part->map, g);

	part->addr = pmem2_map_get_address(part->map);
	part->size = e->length;
	part->src = src;
	part->offset = e->offset;
	part->id = next_object_id(OBJECT_PART);
	if (part->rsv != NULL)
		part->rsv->nparts++;
	struct pmemset_part_map *pmap = part->pmap;
	index_write_begin(&set->index);
	if (pmap != NULL) {
		pmap_append(pmap, part);
		index_update(&set->index, pmap_index_entry(pmap));
	} else {
		pmap = fresh;
		pmap->rsv = part->rsv;
		pmap_append(pmap, part);
		index_insert(&set->index, pmap_index_entry(pmap));
	}
	index_write_end(&set->index);
	journal_note(set, JOURNAL_PART, part->id, part->addr);
	set->last_part = part;
	set->nparts++;
	set->mapped_bytes += part->size;
	atomic_fetch_add(&src->nparts, 1);
	source_get(src); /* the part's, dropped when it is unmapped */
	set_parts_changed(set);
	d->addr = pmap->addr;
	d->size = pmap->size;
	/*
	 * Read now: once the lock is dropped, other threads may split the
	 * part map or remove the part and free it.
	 */
	added->addr = part->addr;
	added->size = part->size;
	if (pmap != fresh)
		pmap_retire(fresh);
	return 0;
}

/*
 * With the source's grow lock held: the size read, the growth and the map
 * happen with no other map of the source between.
 */
static int
map_source_locked(struct pmemset *set, struct pmemset_source *src,
		struct extent *e, struct pmemset_part *part,
		struct pmemset_part_map *fresh, struct pmemset_part_descriptor *d,
		struct pmemset_part_descriptor *added, bool *sds_changed)
{
	struct sds_pending sds;
	int ret = e->sized ? 0 : extent_file_size(src, e);
	if (ret != 0)
		return ret;
	ret = sds_before_map(set, src, &sds);
	if (ret != 0)
		return ret;
	ret = grow_source(src, e);
	if (ret != 0)
		return ret;
	pthread_rwlock_wrlock(&set->lock);
	ret = map_locked(set, src, e, part, fresh, d, added);
	pthread_rwlock_unlock(&set->lock);
	if (ret != 0)
		return ret;
	*sds_changed = sds_after_map(src, &sds);
	return 0;
}

int
pmemset_map(struct pmemset *set, struct pmemset_source *src,
		struct pmemset_map_config *map_cfg,
		struct pmemset_part_descriptor *desc)
{
	if (set == NULL)
		return ERR_NULL_ARG("set");
	if (src == NULL) /* PMDK's code for it */
		return err_set(PMEMSET_E_INVALID_SOURCE_TYPE,
			"pmemset_map: src is NULL");
	if (event_in_callback_of(set))
		return event_refuse_in_callback("pmemset_map");

	/* argument errors first, before any scan or callback */
	struct extent e;
	int ret = resolve_extent(src, map_cfg, &e);
	if (ret != 0)
		return ret;
	ret = badblock_scan_before_map(set, src);
	if (ret != 0)
		return ret;

	struct pmemset_part *part = mem_zalloc(sizeof(*part));
	struct pmemset_part_map *fresh = pmap_new(set, NULL);
	if (part == NULL || fresh == NULL) {
		mem_free(part);
		pmap_retire(fresh);
		return err_set(PMEMSET_E_CANNOT_ALLOCATE_INTERNAL_STRUCTURE,
				"pmemset_map: out of memory");
	}
	struct pmemset_part_descriptor d, added = {NULL, 0};
	bool sds_changed = false;
	pthread_mutex_lock(&src->grow_lock);
	ret = map_source_locked(set, src, &e, part, fresh, &d, &added,
			&sds_changed);
	pthread_mutex_unlock(&src->grow_lock);
	if (ret != 0) {
		pmap_retire(fresh);
		mem_free(part);
		return ret;
	}
	/* part and fresh belong to the set now: not touched again here */

	log_line(LOG_CALL, "pmemset_map: set %p part %p+%zu", (void *)set,
			added.addr, added.size);
	if (desc != NULL)
		*desc = d;
	PROBE2(map, d.addr, d.size);
	event_part_add(set, added.addr, added.size, src->pmem2_src);
	if (sds_changed)
		event_sds_update(set, src);
	return 0;
}
