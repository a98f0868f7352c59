// SPDX-License-Identifier: BSD-3-Clause
/*
 * values.c -- the values of a map: the library's SYS values (a snapshot
 * taken by the last update, described by metrics.c's table per level),
 * the application's USR values, and sub-maps; reading them by name, putting
 * and removing USR values, and the access rule for SYS values.
 */
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "array.h"
#include "children.h"
#include "status.h"
#include "uri.h"
#include "values.h"

#define USR_NAME_MAX 255

static const struct stat_metric *
sys_table(const struct pmemset_stat_map *map, size_t *n)
{
	return stat_metrics(map->level, n);
}

size_t
values_sys_count(const struct pmemset_stat_map *map)
{
	size_t n;
	(void) sys_table(map, &n);
	return n;
}

static const struct stat_metric *
sys_find(const struct pmemset_stat_map *map, const char *name)
{
	size_t n;
	const struct stat_metric *t = sys_table(map, &n);
	for (size_t i = 0; i < n; i++)
		if (strcmp(t[i].name, name) == 0)
			return &t[i];
	return NULL;
}

const char *
values_granularity_name(bool fixed, enum pmem2_granularity g)
{
	if (!fixed)
		return "unset";
	switch (g) {
	case PMEM2_GRANULARITY_BYTE:
		return "byte";
	case PMEM2_GRANULARITY_CACHE_LINE:
		return "cache_line";
	case PMEM2_GRANULARITY_PAGE:
		return "page";
	default:
		return "unknown";
	}
}

const char *
values_coalescing_name(enum pmemset_coalescing c)
{
	switch (c) {
	case PMEMSET_COALESCING_NONE:
		return "none";
	case PMEMSET_COALESCING_OPPORTUNISTIC:
		return "opportunistic";
	case PMEMSET_COALESCING_FULL:
		return "full";
	default:
		return "unknown";
	}
}

const char *
values_sds_state_name(int state)
{
	switch (state) {
	case 0:
		return "none";
	case PMEMSET_PART_STATE_INDETERMINATE:
		return "indeterminate";
	case PMEMSET_PART_STATE_OK:
		return "ok";
	case PMEMSET_PART_STATE_OK_BUT_ALREADY_OPEN:
		return "ok_but_already_open";
	case PMEMSET_PART_STATE_OK_BUT_INTERRUPTED:
		return "ok_but_interrupted";
	case PMEMSET_PART_STATE_CORRUPTED:
		return "corrupted";
	default:
		return "unknown";
	}
}

void
values_children_changed(struct pmemset_stat_map *map)
{
	mem_free(map->ids);
	map->ids = NULL;
	map->nids = 0;
	map->ids_valid = false;
	mem_free(map->paths);
	map->paths = NULL;
	map->npaths = 0;
	map->paths_valid = false;
}

static enum pmemset_stat_status
build_ids(struct pmemset_stat_map *map, const char *func)
{
	if (map->ids_valid)
		return PMEMSET_STAT_S_OK;
	size_t n = map->children.live;
	uint64_t *ids = mem_alloc((n ? n : 1) * sizeof(*ids));
	if (ids == NULL)
		return stat_fail(PMEMSET_STAT_S_NO_MEM,
			"%s: out of memory building the ids of %s", func,
			map->uri);
	size_t pos = 0, i = 0;
	struct pmemset_stat_map *child;
	while ((child = tree_next_child(map, &pos)) != NULL)
		ids[i++] = child->id;
	map->ids = ids;
	map->nids = i;
	map->ids_valid = true;
	return PMEMSET_STAT_S_OK;
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* the distinct, non-empty source paths of the parts, sorted */
static enum pmemset_stat_status
build_paths(struct pmemset_stat_map *map, const char *func)
{
	if (map->paths_valid)
		return PMEMSET_STAT_S_OK;
	size_t n = map->children.live;
	const char **paths = mem_alloc((n ? n : 1) * sizeof(*paths));
	if (paths == NULL)
		return stat_fail(PMEMSET_STAT_S_NO_MEM,
			"%s: out of memory listing the sources of %s",
			func, map->uri);
	size_t pos = 0, k = 0;
	struct pmemset_stat_map *child;
	while ((child = tree_next_child(map, &pos)) != NULL)
		if (child->snap.part.source_path[0] != '\0')
			paths[k++] = child->snap.part.source_path;
	qsort(paths, k, sizeof(*paths), cmp_str);
	size_t distinct = 0;
	for (size_t i = 0; i < k; i++)
		if (distinct == 0 || strcmp(paths[distinct - 1], paths[i]) != 0)
			paths[distinct++] = paths[i];
	map->paths = paths;
	map->npaths = distinct;
	map->paths_valid = true;
	return PMEMSET_STAT_S_OK;
}

enum pmemset_stat_status
values_sys_readable(struct pmemset_stat_map *map, const char *what)
{
	if (map->h->phase == PHASE_RESTRICTED)
		return stat_fail(PMEMSET_STAT_S_INVAL_STATE,
			"SYS value \"%s\" of %s cannot be read from a TREE_ADD, "
			"TREE_REM, DATA_REM or destroy callback (only from "
			"DATA_ADD)", what, map->uri);
	if (!map->has_data)
		return stat_fail(PMEMSET_STAT_S_INVAL_STATE,
			"SYS value \"%s\" of %s: the map has no data (outside "
			"DATA_ADD ... DATA_REM)", what, map->uri);
	return PMEMSET_STAT_S_OK;
}

uint64_t
values_set_number(const struct core_set_info *s, enum stat_metric_id id)
{
	switch (id) {
	case SET_ID: return s->id;
	case SET_PARTS: return s->parts;
	case SET_PART_MAPS: return s->part_maps;
	case SET_MAPPED_BYTES: return s->mapped_bytes;
	case SET_PERSIST_CALLS: return s->persist_calls;
	case SET_PERSIST_BYTES: return s->persist_bytes;
	case SET_FLUSH_CALLS: return s->flush_calls;
	case SET_FLUSH_BYTES: return s->flush_bytes;
	case SET_DRAIN_CALLS: return s->drain_calls;
	case SET_COPY_CALLS: return s->copy_calls;
	case SET_COPY_BYTES: return s->copy_bytes;
	case SET_MOVE_CALLS: return s->move_calls;
	case SET_MOVE_BYTES: return s->move_bytes;
	case SET_SET_CALLS: return s->set_calls;
	case SET_SET_BYTES: return s->set_bytes;
	default: return 0;
	}
}

static uint64_t
part_number(const struct pmemset_stat_map *map, enum stat_metric_id id)
{
	const struct stat_part_snap *p = &map->snap.part;
	switch (id) {
	case PART_ID: return map->id;
	case PART_ADDRESS: return p->address;
	case PART_SIZE: return p->size;
	case PART_OFFSET: return p->offset;
	case PART_PART_MAP_ADDRESS: return p->part_map->v[SHARED_PM_ADDRESS];
	case PART_PART_MAP_SIZE: return p->part_map->v[SHARED_PM_SIZE];
	case PART_BADBLOCKS:
		return p->source_values->v[SHARED_SRC_BADBLOCKS];
	default: return 0;
	}
}

static enum pmemset_stat_status
sys_value(struct pmemset_stat_map *map, const struct stat_metric *def,
		struct pmemset_stat_nv *nv, const char *func)
{
	enum pmemset_stat_status st = values_sys_readable(map, def->name);
	if (st != PMEMSET_STAT_S_OK)
		return st;
	struct pmemset_stat_nv v;
	memset(&v, 0, sizeof(v));
	v.name = def->name;
	v.type = def->type;
	v.kind = PMEMSET_STAT_KIND_SYS;
	v.unit = def->unit;
	const struct core_set_info *s = &map->snap.set;
	const struct stat_part_snap *p = &map->snap.part;
	switch (def->id) {
	case ROOT_VERSION:
		v.data.string = PMEMSET_STAT_VERSION_STRING;
		break;
	case ROOT_SETS:
		v.data.uint64 = map->children.live;
		break;
	case ROOT_SET_IDS:
	case SET_PART_IDS:
		if ((st = build_ids(map, func)) != PMEMSET_STAT_S_OK)
			return st;
		v.data.uint64_array.array = map->ids;
		v.data.uint64_array.length = map->nids;
		break;
	case SET_SOURCE_PATHS:
		if ((st = build_paths(map, func)) != PMEMSET_STAT_S_OK)
			return st;
		v.data.string_array.array = map->paths;
		v.data.string_array.length = map->npaths;
		break;
	case SET_GRANULARITY:
		v.data.string = values_granularity_name(s->granularity_fixed,
				s->granularity);
		break;
	case SET_REQUIRED_GRANULARITY:
		v.data.string = values_granularity_name(true,
				s->required_granularity);
		break;
	case SET_COALESCING:
		v.data.string = values_coalescing_name(s->coalescing);
		break;
	case PART_SOURCE:
		v.data.string = p->source;
		break;
	case PART_SOURCE_PATH:
		v.data.string = p->source_path;
		break;
	case PART_GRANULARITY:
		v.data.string = values_granularity_name(true, p->granularity);
		break;
	case PART_SDS_STATE:
		v.data.string = values_sds_state_name(
			(int)p->source_values->v[SHARED_SRC_SDS_STATE]);
		break;
	default:
		v.data.uint64 = map->level == STAT_SET ?
			values_set_number(s, def->id) : part_number(map, def->id);
		break;
	}
	*nv = v;
	return PMEMSET_STAT_S_OK;
}

enum pmemset_stat_status
values_sys_at(struct pmemset_stat_map *map, size_t i,
		struct pmemset_stat_nv *nv, const char *func)
{
	size_t n;
	const struct stat_metric *t = sys_table(map, &n);
	return sys_value(map, &t[i], nv, func);
}

void
values_usr_nv(const struct pmemset_stat_map *map, size_t i,
		struct pmemset_stat_nv *nv)
{
	const struct stat_usr *u = &map->usr[i];
	memset(nv, 0, sizeof(*nv));
	nv->name = u->name;
	nv->type = u->type;
	nv->kind = PMEMSET_STAT_KIND_USR;
	nv->unit = PMEMSET_STAT_UNIT_NONE;
	switch (u->type) {
	case PMEMSET_STAT_TYPE_UINT64:
		nv->data.uint64 = u->v.u64;
		break;
	case PMEMSET_STAT_TYPE_STRING:
		nv->data.string = u->v.str;
		break;
	case PMEMSET_STAT_TYPE_UINT64_ARRAY:
		nv->data.uint64_array.array = u->v.u64s.v;
		nv->data.uint64_array.length = u->v.u64s.n;
		break;
	case PMEMSET_STAT_TYPE_STRING_ARRAY:
		nv->data.string_array.array =
			(const char *const *)u->v.strs.v;
		nv->data.string_array.length = u->v.strs.n;
		break;
	default:
		break;
	}
}

void
values_child_nv(struct pmemset_stat_map *child, struct pmemset_stat_nv *nv)
{
	memset(nv, 0, sizeof(*nv));
	nv->name = child->name;
	nv->type = PMEMSET_STAT_TYPE_MAP;
	nv->kind = PMEMSET_STAT_KIND_MAP;
	nv->data.map = child;
}

static long
usr_find(const struct pmemset_stat_map *map, const char *name)
{
	for (size_t i = 0; i < map->nusr; i++)
		if (strcmp(map->usr[i].name, name) == 0)
			return (long)i;
	return -1;
}

static struct pmemset_stat_map *
child_by_name(const struct pmemset_stat_map *map, const char *name)
{
	uint64_t id;
	if (map->level == STAT_PART ||
	    !uri_parse_name(name, map->level + 1, &id))
		return NULL;
	return tree_child(map, id);
}

static enum pmemset_stat_status
get_value(struct pmemset_stat_map *map, const char *name,
		struct pmemset_stat_nv *nv, const char *func)
{
	const struct stat_metric *def = sys_find(map, name);
	if (def != NULL)
		return sys_value(map, def, nv, func);
	long i = usr_find(map, name);
	if (i >= 0) {
		values_usr_nv(map, (size_t)i, nv);
		return PMEMSET_STAT_S_OK;
	}
	struct pmemset_stat_map *child = child_by_name(map, name);
	if (child != NULL) {
		values_child_nv(child, nv);
		return PMEMSET_STAT_S_OK;
	}
	return stat_fail(PMEMSET_STAT_S_NOT_FOUND, "%s: %s has no value "
		"named \"%s\"", func, map->uri, name);
}

enum pmemset_stat_status
pmemset_stat_map_get(struct pmemset_stat_map *map, const char *name,
		struct pmemset_stat_nv *nv)
{
	if (map == NULL)
		return STAT_NULL_ARG("map");
	if (name == NULL)
		return STAT_NULL_ARG("name");
	if (nv == NULL)
		return STAT_NULL_ARG("nv");
	return get_value(map, name, nv, __func__);
}

static const char *
type_name(enum pmemset_stat_value_type t)
{
	switch (t) {
	case PMEMSET_STAT_TYPE_MAP: return "a map";
	case PMEMSET_STAT_TYPE_UINT64: return "a uint64";
	case PMEMSET_STAT_TYPE_UINT64_ARRAY: return "a uint64 array";
	case PMEMSET_STAT_TYPE_STRING: return "a string";
	case PMEMSET_STAT_TYPE_STRING_ARRAY: return "a string array";
	default: return "unknown";
	}
}

/* the value, if it exists, is readable and has the wanted type */
static enum pmemset_stat_status
get_typed(struct pmemset_stat_map *map, const char *name, void *out,
		enum pmemset_stat_value_type want, struct pmemset_stat_nv *nv,
		const char *func)
{
	if (map == NULL)
		return STAT_NULL_ARG("map");
	if (name == NULL)
		return STAT_NULL_ARG("name");
	if (out == NULL)
		return stat_fail(PMEMSET_STAT_S_INVAL_ARG,
			"%s: the output pointer is NULL", func);
	enum pmemset_stat_status st = get_value(map, name, nv, func);
	if (st != PMEMSET_STAT_S_OK)
		return st;
	if (nv->type != want)
		return stat_fail(PMEMSET_STAT_S_INVAL_TYPE,
			"%s: \"%s\" of %s is %s, not %s", func, name, map->uri,
			type_name(nv->type), type_name(want));
	return PMEMSET_STAT_S_OK;
}

enum pmemset_stat_status
pmemset_stat_map_get_uint64(struct pmemset_stat_map *map, const char *name,
		uint64_t *value)
{
	struct pmemset_stat_nv nv;
	enum pmemset_stat_status st = get_typed(map, name, value,
			PMEMSET_STAT_TYPE_UINT64, &nv, __func__);
	if (st == PMEMSET_STAT_S_OK)
		*value = nv.data.uint64;
	return st;
}

enum pmemset_stat_status
pmemset_stat_map_get_string(struct pmemset_stat_map *map, const char *name,
		const char **value)
{
	struct pmemset_stat_nv nv;
	enum pmemset_stat_status st = get_typed(map, name, value,
			PMEMSET_STAT_TYPE_STRING, &nv, __func__);
	if (st == PMEMSET_STAT_S_OK)
		*value = nv.data.string;
	return st;
}

enum pmemset_stat_status
pmemset_stat_map_get_uint64_array(struct pmemset_stat_map *map,
		const char *name, const uint64_t **values, size_t *length)
{
	if (length == NULL)
		return STAT_NULL_ARG("length");
	struct pmemset_stat_nv nv;
	enum pmemset_stat_status st = get_typed(map, name, values,
			PMEMSET_STAT_TYPE_UINT64_ARRAY, &nv, __func__);
	if (st == PMEMSET_STAT_S_OK) {
		*values = nv.data.uint64_array.array;
		*length = nv.data.uint64_array.length;
	}
	return st;
}

enum pmemset_stat_status
pmemset_stat_map_get_string_array(struct pmemset_stat_map *map,
		const char *name, const char *const **values, size_t *length)
{
	if (length == NULL)
		return STAT_NULL_ARG("length");
	struct pmemset_stat_nv nv;
	enum pmemset_stat_status st = get_typed(map, name, values,
			PMEMSET_STAT_TYPE_STRING_ARRAY, &nv, __func__);
	if (st == PMEMSET_STAT_S_OK) {
		*values = nv.data.string_array.array;
		*length = nv.data.string_array.length;
	}
	return st;
}

enum pmemset_stat_status
pmemset_stat_map_get_map(struct pmemset_stat_map *map, const char *name,
		struct pmemset_stat_map **sub_map)
{
	struct pmemset_stat_nv nv;
	enum pmemset_stat_status st = get_typed(map, name, sub_map,
			PMEMSET_STAT_TYPE_MAP, &nv, __func__);
	if (st == PMEMSET_STAT_S_OK)
		*sub_map = nv.data.map;
	return st;
}

enum pmemset_stat_status
pmemset_stat_map_size(struct pmemset_stat_map *map, size_t *count)
{
	if (map == NULL)
		return STAT_NULL_ARG("map");
	if (count == NULL)
		return STAT_NULL_ARG("count");
	*count = values_sys_count(map) + map->nusr + map->children.live;
	return PMEMSET_STAT_S_OK;
}

static void
usr_clear(struct stat_usr *u)
{
	switch (u->type) {
	case PMEMSET_STAT_TYPE_STRING:
		mem_free(u->v.str);
		break;
	case PMEMSET_STAT_TYPE_UINT64_ARRAY:
		mem_free(u->v.u64s.v);
		break;
	case PMEMSET_STAT_TYPE_STRING_ARRAY:
		for (size_t i = 0; i < u->v.strs.n; i++)
			mem_free(u->v.strs.v[i]);
		mem_free(u->v.strs.v);
		break;
	default:
		break;
	}
	mem_free(u->name);
}

void
values_free(struct pmemset_stat_map *map)
{
	for (size_t i = 0; i < map->nusr; i++)
		usr_clear(&map->usr[i]);
	mem_free(map->usr);
	map->usr = NULL;
	map->nusr = 0;
	values_children_changed(map);
}

static enum pmemset_stat_status
check_usr_name(struct pmemset_stat_map *map, const char *name,
		const char *func)
{
	if (map == NULL)
		return STAT_NULL_ARG("map");
	if (name == NULL)
		return STAT_NULL_ARG("name");
	size_t len = strlen(name);
	if (len == 0 || len > USR_NAME_MAX || strchr(name, '/') != NULL)
		return stat_fail(PMEMSET_STAT_S_INVAL_ARG,
			"%s: invalid name \"%s\" (1 to %d characters, no '/')",
			func, name, USR_NAME_MAX);
	if (sys_find(map, name) != NULL)
		return stat_fail(PMEMSET_STAT_S_NO_PERM,
			"%s: \"%s\" of %s is a SYS value: only the library "
			"changes it", func, name, map->uri);
	return PMEMSET_STAT_S_OK;
}

/* stores a fully built value under its name, replacing an old one */
static enum pmemset_stat_status
usr_store(struct pmemset_stat_map *map, struct stat_usr *u, const char *func)
{
	long i = usr_find(map, u->name);
	if (i >= 0) {
		usr_clear(&map->usr[i]);
		map->usr[i] = *u;
	} else {
		if (!stat_grow((void **)&map->usr, &map->usr_cap,
				map->nusr + 1, sizeof(map->usr[0]))) {
			usr_clear(u);
			return stat_fail(PMEMSET_STAT_S_NO_MEM,
				"%s: out of memory", func);
		}
		map->usr[map->nusr++] = *u;
	}
	map->modcount++;
	return PMEMSET_STAT_S_OK;
}

static enum pmemset_stat_status
usr_begin(struct pmemset_stat_map *map, const char *name,
		enum pmemset_stat_value_type type, struct stat_usr *u,
		const char *func)
{
	enum pmemset_stat_status st = check_usr_name(map, name, func);
	if (st != PMEMSET_STAT_S_OK)
		return st;
	memset(u, 0, sizeof(*u));
	u->type = type;
	u->name = mem_strdup(name);
	if (u->name == NULL)
		return stat_fail(PMEMSET_STAT_S_NO_MEM, "%s: out of memory",
				func);
	return PMEMSET_STAT_S_OK;
}

enum pmemset_stat_status
pmemset_stat_map_put_uint64(struct pmemset_stat_map *map, const char *name,
		uint64_t value)
{
	struct stat_usr u;
	enum pmemset_stat_status st = usr_begin(map, name,
			PMEMSET_STAT_TYPE_UINT64, &u, __func__);
	if (st != PMEMSET_STAT_S_OK)
		return st;
	u.v.u64 = value;
	return usr_store(map, &u, __func__);
}

enum pmemset_stat_status
pmemset_stat_map_put_string(struct pmemset_stat_map *map, const char *name,
		const char *value)
{
	if (value == NULL)
		return STAT_NULL_ARG("value");
	struct stat_usr u;
	enum pmemset_stat_status st = usr_begin(map, name,
			PMEMSET_STAT_TYPE_STRING, &u, __func__);
	if (st != PMEMSET_STAT_S_OK)
		return st;
	u.v.str = mem_strdup(value);
	if (u.v.str == NULL) {
		usr_clear(&u);
		return stat_fail(PMEMSET_STAT_S_NO_MEM, "%s: out of memory",
				__func__);
	}
	return usr_store(map, &u, __func__);
}

enum pmemset_stat_status
pmemset_stat_map_put_uint64_array(struct pmemset_stat_map *map,
		const char *name, const uint64_t *values, size_t length)
{
	if (values == NULL && length > 0)
		return STAT_NULL_ARG("values");
	if (length > SIZE_MAX / sizeof(uint64_t))
		return stat_fail(PMEMSET_STAT_S_INVAL_ARG,
			"%s: length %zu is too large", __func__, length);
	struct stat_usr u;
	enum pmemset_stat_status st = usr_begin(map, name,
			PMEMSET_STAT_TYPE_UINT64_ARRAY, &u, __func__);
	if (st != PMEMSET_STAT_S_OK)
		return st;
	u.v.u64s.v = mem_alloc((length ? length : 1) * sizeof(uint64_t));
	if (u.v.u64s.v == NULL) {
		usr_clear(&u);
		return stat_fail(PMEMSET_STAT_S_NO_MEM, "%s: out of memory",
				__func__);
	}
	if (length > 0)
		memcpy(u.v.u64s.v, values, length * sizeof(uint64_t));
	u.v.u64s.n = length;
	return usr_store(map, &u, __func__);
}

enum pmemset_stat_status
pmemset_stat_map_put_string_array(struct pmemset_stat_map *map,
		const char *name, const char *const *values, size_t length)
{
	if (values == NULL && length > 0)
		return STAT_NULL_ARG("values");
	if (length > SIZE_MAX / sizeof(char *))
		return stat_fail(PMEMSET_STAT_S_INVAL_ARG,
			"%s: length %zu is too large", __func__, length);
	for (size_t i = 0; i < length; i++)
		if (values[i] == NULL)
			return stat_fail(PMEMSET_STAT_S_INVAL_ARG,
				"%s: values[%zu] is NULL", __func__, i);
	struct stat_usr u;
	enum pmemset_stat_status st = usr_begin(map, name,
			PMEMSET_STAT_TYPE_STRING_ARRAY, &u, __func__);
	if (st != PMEMSET_STAT_S_OK)
		return st;
	u.v.strs.v = mem_zalloc((length ? length : 1) * sizeof(char *));
	if (u.v.strs.v == NULL)
		goto nomem;
	for (size_t i = 0; i < length; i++) {
		u.v.strs.v[i] = mem_strdup(values[i]);
		if (u.v.strs.v[i] == NULL)
			goto nomem;
		u.v.strs.n++;
	}
	return usr_store(map, &u, __func__);
nomem:
	usr_clear(&u);
	return stat_fail(PMEMSET_STAT_S_NO_MEM, "%s: out of memory",
			__func__);
}

enum pmemset_stat_status
pmemset_stat_map_remove(struct pmemset_stat_map *map, const char *name)
{
	if (map == NULL)
		return STAT_NULL_ARG("map");
	if (name == NULL)
		return STAT_NULL_ARG("name");
	long i = usr_find(map, name);
	if (i < 0) {
		if (sys_find(map, name) != NULL || child_by_name(map, name))
			return stat_fail(PMEMSET_STAT_S_NO_PERM,
				"%s: \"%s\" of %s belongs to the library",
				__func__, name, map->uri);
		return stat_fail(PMEMSET_STAT_S_NOT_FOUND,
			"%s: %s has no USR value named \"%s\"", __func__,
			map->uri, name);
	}
	usr_clear(&map->usr[i]);
	memmove(&map->usr[i], &map->usr[i + 1],
		(map->nusr - (size_t)i - 1) * sizeof(map->usr[0]));
	map->nusr--;
	map->modcount++;
	return PMEMSET_STAT_S_OK;
}
