// SPDX-License-Identifier: BSD-3-Clause
/*
 * observer_tree.c -- an application tracking its own mappings through the
 * observer module (libpmemset/stat.h) with the three callbacks:
 *	tree	a new part gets the application's label as user data;
 *	data	parts are reported when their values arrive and leave;
 *	destroy	the label is freed when the part's map goes.
 * It maps three regions of one file, updates the view after each change,
 * removes one region, writes through the set, and finally deletes the set,
 * which the next update reports as the removal of everything left.
 *
 * usage: observer_tree [file]   (default: a scratch file in
 *                                $PMEMSET_TEST_DIR or /tmp, removed at exit)
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libpmemset.h>
#include <libpmemset/stat.h>

#define KIB ((size_t)1024)
#define REGION (256 * KIB)

/* what the application knows of its regions */
struct region {
	const char *label;
	size_t offset;
	void *addr;	/* once mapped */
};

static struct region Regions[] = {
	{"header", 0, NULL},
	{"log", REGION, NULL},
	{"data", 2 * REGION, NULL},
};
#define NREGIONS (sizeof(Regions) / sizeof(Regions[0]))

static const char *
name_of(struct pmemset_stat_map *map)
{
	const char *name = "?";
	pmemset_stat_map_name(map, &name);
	return name;
}

static bool
is_part(struct pmemset_stat_map *map)
{
	return strncmp(name_of(map), "part/", 5) == 0;
}

static void
forget_label(struct pmemset_stat_map *map, void *user_data)
{
	printf("  destroy %s: freeing label \"%s\"\n", name_of(map),
		(char *)user_data);
	free(user_data);
}

/* on the root: hears every map added or removed below it */
static void
on_tree(struct pmemset_stat_map *root, struct pmemset_stat_map *sub,
		enum pmemset_stat_tree_event event)
{
	(void) root;
	const char *uri;
	pmemset_stat_map_uri(sub, &uri);
	if (event == PMEMSET_STAT_TREE_ADD) {
		printf("tree: added %s\n", uri);
		/* only user data may be touched here, not the SYS values */
		if (is_part(sub))
			pmemset_stat_map_set_destroy_cb(sub, forget_label);
	} else {
		printf("tree: removed %s\n", uri);
	}
}

/* on the root: hears every map's values arrive and leave */
static void
on_data(struct pmemset_stat_map *root, struct pmemset_stat_map *sub,
		enum pmemset_stat_data_event event)
{
	(void) root;
	if (!is_part(sub))
		return;
	if (event == PMEMSET_STAT_DATA_REM) {
		void *label = NULL;
		pmemset_stat_map_get_userdata(sub, &label);
		printf("  data gone %s (\"%s\")\n", name_of(sub),
			label ? (char *)label : "?");
		return;
	}
	/* DATA_ADD: the values are readable now */
	uint64_t addr, size, offset;
	const char *path;
	if (pmemset_stat_map_get_uint64(sub, "address", &addr) ||
	    pmemset_stat_map_get_uint64(sub, "size", &size) ||
	    pmemset_stat_map_get_uint64(sub, "offset", &offset) ||
	    pmemset_stat_map_get_string(sub, "source_path", &path)) {
		pmemset_perror("reading a part's values");
		return;
	}
	const char *label = "unknown";
	for (size_t i = 0; i < NREGIONS; i++)
		if ((uintptr_t)Regions[i].addr == addr)
			label = Regions[i].label;
	pmemset_stat_map_set_userdata(sub, strdup(label));
	printf("  data %s: \"%s\", %" PRIu64 " KiB at file offset %" PRIu64
		" KiB of %s\n", name_of(sub), label, size / KIB, offset / KIB,
		path);
}

static int
update(struct pmemset_stat *h, const char *why)
{
	printf("-- update (%s)\n", why);
	if (pmemset_stat_update(h) != PMEMSET_STAT_S_OK) {
		pmemset_perror("updating the observer");
		return -1;
	}
	return 0;
}

static int
map_region(struct pmemset *set, struct pmemset_source *src, struct region *r)
{
	struct pmemset_map_config *mc;
	struct pmemset_part_descriptor d;
	if (pmemset_map_config_new(&mc) ||
	    pmemset_map_config_set_offset(mc, r->offset))
		return -1;
	pmemset_map_config_set_length(mc, REGION);
	int ret = pmemset_map(set, src, mc, &d);
	pmemset_map_config_delete(&mc);
	if (ret == 0)
		r->addr = d.addr;
	return ret;
}

static int
fail(const char *what)
{
	pmemset_perror("%s", what);
	return 1;
}

int
main(int argc, char *argv[])
{
	char path[4096];
	const char *dir = getenv("PMEMSET_TEST_DIR");
	bool scratch = argc < 2;
	if (scratch)
		snprintf(path, sizeof(path), "%s/pmemset-observer-%d",
			dir ? dir : "/tmp", (int)getpid());
	else
		snprintf(path, sizeof(path), "%s", argv[1]);

	struct pmemset_source *src;
	if (pmemset_xsource_from_file(&src, path,
			PMEMSET_SOURCE_FILE_CREATE_IF_NEEDED))
		return fail("opening the file");
	struct pmemset_config *cfg;
	struct pmemset *set;
	if (pmemset_config_new(&cfg) ||
	    pmemset_config_set_required_store_granularity(cfg,
			PMEM2_GRANULARITY_PAGE) ||
	    pmemset_new(&set, cfg))
		return fail("creating the set");
	pmemset_config_delete(&cfg);

	/* the callbacks go on the root before the first update: none missed */
	struct pmemset_stat *h;
	struct pmemset_stat_map *root;
	if (pmemset_stat_open(&h, set, NULL, 0) ||
	    pmemset_stat_root(h, &root) ||
	    pmemset_stat_map_set_tree_cb(root, on_tree) ||
	    pmemset_stat_map_set_data_cb(root, on_data))
		return fail("opening the observer");

	if (map_region(set, src, &Regions[0]) ||
	    map_region(set, src, &Regions[1]))
		return fail("mapping");
	if (update(h, "two regions mapped"))
		return 1;
	if (map_region(set, src, &Regions[2]))
		return fail("mapping");
	if (update(h, "a third region"))
		return 1;

	struct pmemset_part_map *pmap;
	if (pmemset_part_map_by_address(set, &pmap, Regions[1].addr) ||
	    pmemset_remove_part_map(set, &pmap))
		return fail("removing the log");
	if (update(h, "the log removed"))
		return 1;

	/* counters change values, not the tree: no callback */
	memset(Regions[2].addr, 0xab, 4096);
	pmemset_persist(set, Regions[2].addr, 4096);
	if (update(h, "a write persisted"))
		return 1;
	struct pmemset_stat_map *set_map;
	uint64_t calls, bytes, parts;
	const uint64_t *ids;
	size_t nids;
	char name[32];
	if (pmemset_stat_map_get_uint64_array(root, "set_ids", &ids, &nids) ||
	    nids != 1)
		return fail("set_ids");
	snprintf(name, sizeof(name), "set/%" PRIu64, ids[0]);
	if (pmemset_stat_map_get_map(root, name, &set_map) ||
	    pmemset_stat_map_get_uint64(set_map, "parts", &parts) ||
	    pmemset_stat_map_get_uint64(set_map, "persist_calls", &calls) ||
	    pmemset_stat_map_get_uint64(set_map, "persist_bytes", &bytes))
		return fail("reading the set's values");
	printf("set: %" PRIu64 " parts, %" PRIu64 " persist call(s), %"
		PRIu64 " bytes\n", parts, calls, bytes);

	/* the view holds no pointer into the set: deleting it is fine */
	pmemset_delete(&set);
	if (update(h, "the set deleted"))
		return 1;
	size_t left;
	pmemset_stat_map_size(root, &left);
	printf("root now holds %zu values and no set\n", left);
	pmemset_stat_close(&h);
	pmemset_source_delete(&src);
	if (scratch)
		unlink(path);
	return 0;
}
