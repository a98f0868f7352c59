// SPDX-License-Identifier: BSD-3-Clause
/*
 * publication_reader.c -- reading a live publication of another process
 * (see publication_reader.h and src/stat/publication_format.h) and
 * printing it.
 *
 * Nothing in the file is trusted: it is copied, then every count, length
 * and string is checked against the copy before use, so a corrupt,
 * truncated or foreign file gives a reason, never a crash (the fuzz target
 * tests/fuzz/fuzz_publication.c feeds pubr_parse arbitrary bytes). Strings
 * are made printable at parse time. The printers are the library's own
 * (see "printing" below).
 */
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "dump_writer.h"
#include "metrics.h"
#include "openmetrics_writer.h"
#include "publication_reader.h"
#include "utf8.h"

#define READ_TRIES 200
#define FILE_MAX ((size_t)1 << 30)	/* larger is not ours */

static enum pubr_status
why_set(char *why, size_t len, enum pubr_status st, const char *fmt, ...)
{
	if (why != NULL && len > 0) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(why, len, fmt, ap);
		va_end(ap);
	}
	return st;
}

/*
 * Control characters and bytes that are not UTF-8 become '?'; str[n] is
 * the NUL that ends it, where a sequence cut short stops being valid.
 */
static void
printable(char *str, size_t n)
{
	unsigned char *s = (unsigned char *)str;
	size_t i = 0;
	while (i < n) {
		size_t len = s[i] < 0x20 || s[i] == 0x7f ? 0 :
			stat_utf8_len(s + i);
		if (len == 0) {
			s[i++] = '?';
			continue;
		}
		i += len;
	}
}

/* a fixed-size name field: NUL-terminated inside, made printable */
static bool
name_ok(char *field, size_t size)
{
	size_t n = strnlen(field, size);
	if (n == size)
		return false;
	printable(field, n);
	return true;
}

static enum pubr_status
parse_header(const unsigned char *buf, size_t len, struct pub_header *h,
		char *why, size_t whylen)
{
	if (len < PUB_MAGIC_LEN || memcmp(buf, PUB_MAGIC, PUB_MAGIC_LEN) != 0)
		return why_set(why, whylen, PUBR_FOREIGN,
			"not a libpmemset publication (no magic)");
	if (len < PUB_MAGIC_LEN + sizeof(uint32_t))
		return why_set(why, whylen, PUBR_TRUNCATED,
			"truncated: %zu bytes, no format version", len);
	uint32_t version;
	memcpy(&version, buf + PUB_MAGIC_LEN, sizeof(version));
	if (version != PUB_VERSION)
		return why_set(why, whylen, PUBR_UNKNOWN_VERSION,
			"format version %" PRIu32 ", this pmemset-stat reads "
			"version %d only", version, PUB_VERSION);
	if (len < sizeof(*h))
		return why_set(why, whylen, PUBR_TRUNCATED,
			"truncated: %zu bytes, the header needs %zu", len,
			sizeof(*h));
	memcpy(h, buf, sizeof(*h));
	if (h->header_size != sizeof(*h))
		return why_set(why, whylen, PUBR_CORRUPT,
			"corrupt: header size %" PRIu32 ", expected %zu",
			h->header_size, sizeof(*h));
	if (h->seq % 2 != 0)
		return why_set(why, whylen, PUBR_BUSY,
			"the writer is in the middle of a pass");
	if (!name_ok(h->program, sizeof(h->program)) ||
			!name_ok(h->library_version,
				sizeof(h->library_version)))
		return why_set(why, whylen, PUBR_CORRUPT,
			"corrupt: unterminated name in the header");
	if (h->data_size > len - sizeof(*h))
		return why_set(why, whylen, PUBR_TRUNCATED,
			"truncated: %zu bytes of records, the header says "
			"%" PRIu64, len - sizeof(*h), h->data_size);
	return PUBR_OK;
}

static enum pubr_status
corrupt(char *why, size_t whylen, const char *what, uint64_t at)
{
	return why_set(why, whylen, PUBR_CORRUPT,
		"corrupt: %s (at record byte %" PRIu64 ")", what, at);
}

enum pubr_status
pubr_parse(const void *buf, size_t len, struct pubr_snapshot *snap,
		char *why, size_t whylen)
{
	memset(snap, 0, sizeof(*snap));
	struct pub_header h;
	enum pubr_status st = parse_header(buf, len, &h, why, whylen);
	if (st != PUBR_OK)
		return st;
	const unsigned char *data = (const unsigned char *)buf + sizeof(h);
	uint64_t size = h.data_size;
	/* counts bounded by what the records could hold: no huge calloc */
	if (h.nsets > size / sizeof(struct pub_set) ||
			h.nparts > size / sizeof(struct pub_part))
		return corrupt(why, whylen, "more records than bytes", 0);
	struct pubr_snapshot s;
	memset(&s, 0, sizeof(s));
	s.hdr = h;
	s.sets = calloc(h.nsets + 1, sizeof(*s.sets));
	s.parts = calloc(h.nparts + 1, sizeof(*s.parts));
	s.paths = malloc(size + 1);
	/* the printers' id and path arrays: no allocation while printing */
	s.ids = calloc((h.nsets > h.nparts ? h.nsets : h.nparts) + 1,
		sizeof(*s.ids));
	s.strs = calloc(h.nparts + 1, sizeof(*s.strs));
	if (s.sets == NULL || s.parts == NULL || s.paths == NULL ||
	    s.ids == NULL || s.strs == NULL) {
		pubr_free(&s);
		return why_set(why, whylen, PUBR_SYS, "out of memory");
	}
	uint64_t off = 0, pathoff = 0;
	size_t nparts = 0;
	for (uint64_t i = 0; i < h.nsets; i++) {
		struct pubr_set *set = &s.sets[i];
		if (size - off < sizeof(set->rec)) {
			pubr_free(&s);
			return corrupt(why, whylen, "a set runs past the end",
				off);
		}
		memcpy(&set->rec, data + off, sizeof(set->rec));
		off += sizeof(set->rec);
		if (!name_ok(set->rec.granularity, PUB_NAME_LEN) ||
		    !name_ok(set->rec.required_granularity, PUB_NAME_LEN) ||
		    !name_ok(set->rec.coalescing, PUB_NAME_LEN) ||
		    set->rec.nrecords > h.nparts - nparts) {
			pubr_free(&s);
			return corrupt(why, whylen, "a bad set record", off);
		}
		set->first = nparts;
		set->nparts = (size_t)set->rec.nrecords;
		for (size_t j = 0; j < set->nparts; j++) {
			struct pubr_part *p = &s.parts[nparts++];
			if (size - off < sizeof(p->rec)) {
				pubr_free(&s);
				return corrupt(why, whylen,
					"a part runs past the end", off);
			}
			memcpy(&p->rec, data + off, sizeof(p->rec));
			uint64_t rs = pub_part_record_size(p->rec.path_len);
			if (p->rec.path_len > PUB_PATH_MAX ||
			    size - off < rs ||
			    data[off + sizeof(p->rec) + p->rec.path_len] != 0 ||
			    !name_ok(p->rec.source, PUB_NAME_LEN) ||
			    !name_ok(p->rec.granularity, PUB_NAME_LEN) ||
			    !name_ok(p->rec.sds_state, 2 * PUB_NAME_LEN)) {
				pubr_free(&s);
				return corrupt(why, whylen,
					"a bad part record", off);
			}
			/* a NUL inside the path ends it early: harmless */
			p->path = s.paths + pathoff;
			memcpy(s.paths + pathoff, data + off + sizeof(p->rec),
				p->rec.path_len + 1);
			printable(s.paths + pathoff,
				strlen(s.paths + pathoff));
			pathoff += p->rec.path_len + 1;
			off += rs;
		}
	}
	if (nparts != h.nparts || off != size) {
		pubr_free(&s);
		return corrupt(why, whylen, "the counts do not match the "
			"records", off);
	}
	*snap = s;
	return PUBR_OK;
}

void
pubr_free(struct pubr_snapshot *snap)
{
	free(snap->sets);
	free(snap->parts);
	free(snap->paths);
	free(snap->ids);
	free(snap->strs);
	memset(snap, 0, sizeof(*snap));
}

static bool
read_seq(int fd, uint64_t *seq)
{
	return pread(fd, seq, sizeof(*seq),
		offsetof(struct pub_header, seq)) == (ssize_t)sizeof(*seq);
}

/* the whole file into buf (grown as needed); its length, or -1 */
static ssize_t
read_all(int fd, char **buf, size_t *cap)
{
	struct stat st;
	if (fstat(fd, &st) != 0)
		return -1;
	size_t size = (size_t)st.st_size;
	if (size > FILE_MAX) {
		errno = EFBIG;
		return -1;
	}
	if (size + 1 > *cap) {
		char *b = realloc(*buf, size + 1);
		if (b == NULL)
			return -1;
		*buf = b;
		*cap = size + 1;
	}
	size_t got = 0;
	while (got < size) {
		ssize_t n = pread(fd, *buf + got, size - got, (off_t)got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		if (n == 0)
			break;	/* shrank meanwhile */
		got += (size_t)n;
	}
	return (ssize_t)got;
}

enum pubr_status
pubr_read(const char *path, struct pubr_snapshot *snap, char *why,
		size_t whylen)
{
	memset(snap, 0, sizeof(*snap));
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0) {
		int e = errno;
		if (e == ENOENT)
			return why_set(why, whylen, PUBR_NOT_FOUND,
				"no such publication");
		if (e == EACCES || e == EPERM)
			return why_set(why, whylen, PUBR_NO_PERM,
				"permission denied: a publication can be "
				"read only by the user who runs the program");
		return why_set(why, whylen, PUBR_SYS, "%s",
			e == ELOOP ? "a symbolic link, not followed" :
			strerror(e));
	}
	struct stat st;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return why_set(why, whylen, PUBR_FOREIGN,
			"not a regular file");
	}
	char *buf = NULL;
	size_t cap = 0;
	/* not ours at all, or a format we do not know: no point retrying */
	struct pub_header h;
	ssize_t n0 = read_all(fd, &buf, &cap);
	enum pubr_status ret = parse_header((unsigned char *)buf,
		n0 < 0 ? 0 : (size_t)n0, &h, why, whylen);
	if (ret == PUBR_FOREIGN || ret == PUBR_UNKNOWN_VERSION ||
	    (ret == PUBR_TRUNCATED && (size_t)n0 < sizeof(h)) ||
	    (ret == PUBR_CORRUPT && h.header_size != sizeof(h))) {
		free(buf);
		close(fd);
		return ret;
	}
	ret = PUBR_BUSY;
	why_set(why, whylen, PUBR_BUSY, "the writer changed it at each of %d "
		"tries", READ_TRIES);
	for (int i = 0; i < READ_TRIES; i++) {
		uint64_t before, after;
		ssize_t n;
		if (!read_seq(fd, &before) || before % 2 != 0 ||
		    (n = read_all(fd, &buf, &cap)) < 0 ||
		    !read_seq(fd, &after) || after != before) {
			if (errno == EFBIG || errno == ENOMEM) {
				ret = why_set(why, whylen, PUBR_FOREIGN,
					"%s", strerror(errno));
				break;
			}
			/* the writer is in a pass: a pass is short */
			struct timespec t = {0, 1000000};
			nanosleep(&t, NULL);
			errno = 0;
			continue;
		}
		ret = pubr_parse(buf, (size_t)n, snap, why, whylen);
		if (ret != PUBR_BUSY)
			break;
	}
	/* enough to tell a writer killed in a pass from one that is slow */
	if (ret == PUBR_BUSY)
		snap->hdr = h;
	free(buf);
	close(fd);
	return ret;
}

int
pubr_dir(char *buf, size_t len)
{
	return pub_dir_path(buf, len, getenv("XDG_RUNTIME_DIR"), geteuid());
}

enum pubr_liveness
pubr_liveness(const struct pub_header *hdr)
{
	char path[64], buf[1024];
	snprintf(path, sizeof(path), "/proc/%" PRIu64 "/stat", hdr->pid);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return PUBR_GONE;
	ssize_t n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return PUBR_GONE;
	buf[n] = '\0';
	uint64_t start = pub_start_time(buf);
	if (start == 0)
		return PUBR_GONE;
	return start == hdr->start_time ? PUBR_ALIVE : PUBR_REUSED;
}

/* --- printing ----------------------------------------------------------- */

/*
 * A published tree is printed by the library's own writers
 * (src/stat/dump_writer.c, openmetrics_writer.c) from the library's table
 * of values (src/stat/metrics.c): what differs from pmemset_stat_dump(3)
 * is only what a publication adds (the process: pid, program, updated_ns,
 * the pid label) or lacks (the application's USR values).
 */

static bool
uri_matches(const struct pubr_filter *m, const char *uri)
{
	if (m == NULL || m->n == 0)
		return true;
	for (size_t i = 0; i < m->n; i++)
		if (fnmatch(m->patterns[i], uri, 0) == 0)
			return true;
	return false;
}

static void
set_uri(char *buf, size_t len, const struct pubr_set *set)
{
	snprintf(buf, len, "/pmemset/set/%" PRIu64, set->rec.id);
}

static void
part_uri(char *buf, size_t len, const struct pubr_set *set,
		const struct pubr_part *p)
{
	snprintf(buf, len, "/pmemset/set/%" PRIu64 "/part/%" PRIu64,
		set->rec.id, p->rec.id);
}

static bool
part_shown(const struct pubr_filter *m, const struct pubr_set *set,
		const struct pubr_part *p)
{
	char uri[96];
	part_uri(uri, sizeof(uri), set, p);
	return uri_matches(m, uri);
}

/* a set is shown when it matches or holds a part that does */
static bool
set_shown(const struct pubr_filter *m, const struct pubr_snapshot *s,
		const struct pubr_set *set)
{
	char uri[64];
	set_uri(uri, sizeof(uri), set);
	if (uri_matches(m, uri))
		return true;
	for (size_t j = 0; j < set->nparts; j++)
		if (part_shown(m, set, &s->parts[set->first + j]))
			return true;
	return false;
}

/* one map of a published tree: the set and part it is (NULL above) */
struct pub_map {
	const struct pubr_snapshot *s;
	const struct pubr_filter *m;
	const struct pubr_set *set;
	const struct pubr_part *part;
};

static size_t
shown_set_ids(const struct pub_map *pm)
{
	size_t n = 0;
	for (size_t i = 0; i < pm->s->hdr.nsets; i++)
		if (set_shown(pm->m, pm->s, &pm->s->sets[i]))
			pm->s->ids[n++] = pm->s->sets[i].rec.id;
	return n;
}

static size_t
shown_part_ids(const struct pub_map *pm)
{
	size_t n = 0;
	for (size_t j = 0; j < pm->set->nparts; j++) {
		const struct pubr_part *p = &pm->s->parts[pm->set->first + j];
		if (part_shown(pm->m, pm->set, p))
			pm->s->ids[n++] = p->rec.id;
	}
	return n;
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* the distinct, non-empty paths of the shown parts, sorted, as values.c */
static size_t
shown_paths(const struct pub_map *pm)
{
	const char **paths = pm->s->strs;
	size_t k = 0;
	for (size_t j = 0; j < pm->set->nparts; j++) {
		const struct pubr_part *p = &pm->s->parts[pm->set->first + j];
		if (p->path[0] != '\0' && part_shown(pm->m, pm->set, p))
			paths[k++] = p->path;
	}
	qsort(paths, k, sizeof(*paths), cmp_str);
	size_t distinct = 0;
	for (size_t i = 0; i < k; i++)
		if (distinct == 0 || strcmp(paths[distinct - 1], paths[i]) != 0)
			paths[distinct++] = paths[i];
	return distinct;
}

static uint64_t
part_number(const struct pub_part *r, enum stat_metric_id id, bool *has)
{
	switch (id) {
	case PART_ID: return r->id;
	case PART_ADDRESS: return r->address;
	case PART_SIZE: return r->size;
	case PART_OFFSET: return r->offset;
	case PART_PART_MAP_ADDRESS: return r->part_map_address;
	case PART_PART_MAP_SIZE: return r->part_map_size;
	case PART_BADBLOCKS: return r->badblocks;
	default:
		*has = false;
		return 0;
	}
}

static uint64_t
set_number(const struct pub_set *r, const struct stat_metric *m, bool *has)
{
	switch (m->id) {
	case SET_ID: return r->id;
	case SET_PARTS: return r->parts;
	case SET_PART_MAPS: return r->part_maps;
	case SET_MAPPED_BYTES: return r->mapped_bytes;
	default:
		if (m->pub_counter >= 0 && m->pub_counter < PUB_COUNTERS)
			return r->counters[m->pub_counter];
		*has = false;
		return 0;
	}
}

/*
 * The value the table describes as m, from the publication; false when a
 * publication does not carry it (a value added to the table and not to the
 * format: the sameness test, publish_sameness_test, fails on it).
 */
static bool
pub_value(const struct pub_map *pm, const struct stat_metric *m,
		struct pmemset_stat_nv *nv)
{
	memset(nv, 0, sizeof(*nv));
	nv->name = m->name;
	nv->type = m->type;
	nv->kind = PMEMSET_STAT_KIND_SYS;
	nv->unit = m->unit;
	bool has = true;
	switch (m->id) {
	case ROOT_VERSION:
		nv->data.string = pm->s->hdr.library_version;
		break;
	case ROOT_SETS:
		nv->data.uint64 = shown_set_ids(pm);
		break;
	case ROOT_SET_IDS:
		nv->data.uint64_array.array = pm->s->ids;
		nv->data.uint64_array.length = shown_set_ids(pm);
		break;
	case SET_GRANULARITY:
		nv->data.string = pm->set->rec.granularity;
		break;
	case SET_REQUIRED_GRANULARITY:
		nv->data.string = pm->set->rec.required_granularity;
		break;
	case SET_COALESCING:
		nv->data.string = pm->set->rec.coalescing;
		break;
	case SET_PART_IDS:
		nv->data.uint64_array.array = pm->s->ids;
		nv->data.uint64_array.length = shown_part_ids(pm);
		break;
	case SET_SOURCE_PATHS:
		nv->data.string_array.array = pm->s->strs;
		nv->data.string_array.length = shown_paths(pm);
		break;
	case PART_SOURCE:
		nv->data.string = pm->part->rec.source;
		break;
	case PART_SOURCE_PATH:
		nv->data.string = pm->part->path;
		break;
	case PART_GRANULARITY:
		nv->data.string = pm->part->rec.granularity;
		break;
	case PART_SDS_STATE:
		nv->data.string = pm->part->rec.sds_state;
		break;
	default:
		if (pm->part != NULL)
			nv->data.uint64 = part_number(&pm->part->rec, m->id,
				&has);
		else if (pm->set != NULL)
			nv->data.uint64 = set_number(&pm->set->rec, m, &has);
		else
			has = false;
		break;
	}
	return has;
}

static enum stat_level
level_of(const struct pub_map *pm)
{
	return pm->part != NULL ? STAT_PART : pm->set != NULL ? STAT_SET :
		STAT_ROOT;
}

static void
number_nv(struct pmemset_stat_nv *nv, const char *name, uint64_t v)
{
	memset(nv, 0, sizeof(*nv));
	nv->name = name;
	nv->type = PMEMSET_STAT_TYPE_UINT64;
	nv->kind = PMEMSET_STAT_KIND_SYS;
	nv->data.uint64 = v;
}

/* the map's values: the table's, then (the root) the process's */
static void
write_values(const struct dump_writer *w, struct dump_map *dm,
		const struct pub_map *pm)
{
	size_t n;
	const struct stat_metric *t = stat_metrics(level_of(pm), &n);
	struct pmemset_stat_nv nv;
	for (size_t i = 0; i < n; i++)
		if (pub_value(pm, &t[i], &nv))
			dump_value(w, dm, &nv);
	if (level_of(pm) != STAT_ROOT)
		return;
	number_nv(&nv, "pid", pm->s->hdr.pid);
	dump_value(w, dm, &nv);
	nv.type = PMEMSET_STAT_TYPE_STRING;
	nv.name = "program";
	nv.data.string = pm->s->hdr.program;
	dump_value(w, dm, &nv);
	number_nv(&nv, "updated_ns", pm->s->hdr.updated_ns);
	dump_value(w, dm, &nv);
}

/* a map and the shown maps below it, as dump.c walks the in-process tree */
static void
write_map(const struct dump_writer *w, const struct pub_map *pm, int depth)
{
	char uri[96];
	if (pm->part != NULL)
		part_uri(uri, sizeof(uri), pm->set, pm->part);
	else if (pm->set != NULL)
		set_uri(uri, sizeof(uri), pm->set);
	else
		snprintf(uri, sizeof(uri), "/pmemset");
	struct dump_map dm;
	dump_map_begin(w, &dm, uri, depth);
	write_values(w, &dm, pm);
	dump_values_end(w, &dm);
	struct pub_map child = *pm;
	if (pm->set == NULL) {
		for (size_t i = 0; i < pm->s->hdr.nsets; i++) {
			child.set = &pm->s->sets[i];
			if (set_shown(pm->m, pm->s, child.set))
				write_map(w, &child, dump_child_begin(w, &dm));
		}
	} else if (pm->part == NULL) {
		for (size_t j = 0; j < pm->set->nparts; j++) {
			child.part = &pm->s->parts[pm->set->first + j];
			if (part_shown(pm->m, pm->set, child.part))
				write_map(w, &child, dump_child_begin(w, &dm));
		}
	}
	dump_map_end(w, &dm);
}

static void
print_tree(FILE *f, enum pmemset_stat_dump_format format,
		const struct pubr_snapshot *s, const struct pubr_filter *m)
{
	struct dump_writer w = {f, format};
	struct pub_map root = {s, m, NULL, NULL};
	write_map(&w, &root, 0);
	if (format == PMEMSET_STAT_DUMP_JSON)
		fputc('\n', f);
}

void
pubr_print_text(FILE *f, const struct pubr_snapshot *s,
		const struct pubr_filter *m)
{
	print_tree(f, PMEMSET_STAT_DUMP_TEXT, s, m);
}

void
pubr_print_json(FILE *f, const struct pubr_snapshot *s,
		const struct pubr_filter *m)
{
	print_tree(f, PMEMSET_STAT_DUMP_JSON, s, m);
}

/* --- OpenMetrics ------------------------------------------------------- */

/* as openmetrics.c writes a sample, with the pid label first */
static void
om_map_sample(struct om_writer *o, const struct pub_map *pm)
{
	om_sample_begin(o);
	om_label_u64(o, "pid", pm->s->hdr.pid);
	om_map_labels(o, level_of(pm), pm->set ? pm->set->rec.id : 0,
		pm->part ? pm->part->rec.id : 0,
		pm->part ? pm->part->path : NULL);
}

/* the info sample: the table's STAT_OM_INFO values, and the program */
static void
om_info(struct om_writer *o, const struct pub_map *pm)
{
	size_t n;
	const struct stat_metric *t = stat_metrics(level_of(pm), &n);
	om_map_sample(o, pm);
	struct pmemset_stat_nv nv;
	for (size_t i = 0; i < n; i++)
		if (t[i].om == STAT_OM_INFO && pub_value(pm, &t[i], &nv))
			om_label(o, nv.name, nv.data.string);
	if (level_of(pm) == STAT_ROOT)
		om_label(o, "program", pm->s->hdr.program);
	om_sample_end(o, 1);
}

/* metric NULL: the info sample */
static void
om_sample(struct om_writer *o, const struct pub_map *pm,
		const struct stat_metric *metric)
{
	struct pmemset_stat_nv nv;
	if (metric == NULL) {
		om_info(o, pm);
	} else if (pub_value(pm, metric, &nv)) {
		om_map_sample(o, pm);
		om_sample_end(o, nv.data.uint64);
	}
}

/* one family: its samples from every process, together as the format wants */
static void
om_samples(struct om_writer *o, enum stat_level level,
		const struct stat_metric *metric,
		const struct pubr_snapshot *snaps, size_t n,
		const struct pubr_filter *m)
{
	for (size_t k = 0; k < n; k++) {
		const struct pubr_snapshot *s = &snaps[k];
		struct pub_map pm = {s, m, NULL, NULL};
		if (level == STAT_ROOT) {
			om_sample(o, &pm, metric);
			continue;
		}
		for (size_t i = 0; i < s->hdr.nsets; i++) {
			pm.set = &s->sets[i];
			if (!set_shown(m, s, pm.set))
				continue;
			if (level == STAT_SET) {
				om_sample(o, &pm, metric);
				continue;
			}
			for (size_t j = 0; j < pm.set->nparts; j++) {
				pm.part = &s->parts[pm.set->first + j];
				if (part_shown(m, pm.set, pm.part))
					om_sample(o, &pm, metric);
			}
			pm.part = NULL;
		}
	}
}

void
pubr_print_openmetrics(FILE *f, const struct pubr_snapshot *s, size_t n,
		const struct pubr_filter *m)
{
	struct om_writer o;
	memset(&o, 0, sizeof(o));
	o.f = f;
	for (int l = STAT_ROOT; l <= STAT_PART; l++) {
		enum stat_level level = (enum stat_level)l;
		om_info_family(&o, level);
		om_samples(&o, level, NULL, s, n, m);
		size_t nm;
		const struct stat_metric *t = stat_metrics(level, &nm);
		for (size_t i = 0; i < nm; i++) {
			if (t[i].om != STAT_OM_GAUGE &&
					t[i].om != STAT_OM_COUNTER)
				continue;
			om_metric_family(&o, level, &t[i]);
			om_samples(&o, level, &t[i], s, n, m);
		}
	}
	fputs("# EOF\n", f);
}
