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
 * are made printable at parse time, so the printers need escape only
 * quotes and backslashes.
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

#include "publication_reader.h"

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

/* the length of the UTF-8 sequence at s (at most n bytes), 0 if invalid */
static size_t
utf8_len(const unsigned char *s, size_t n)
{
	size_t len;
	uint32_t cp, min;
	if (s[0] < 0x80)
		return 1;
	if ((s[0] & 0xe0) == 0xc0)
		len = 2, min = 0x80, cp = s[0] & 0x1fu;
	else if ((s[0] & 0xf0) == 0xe0)
		len = 3, min = 0x800, cp = s[0] & 0x0fu;
	else if ((s[0] & 0xf8) == 0xf0)
		len = 4, min = 0x10000, cp = s[0] & 0x07u;
	else
		return 0;
	if (len > n)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3fu);
	}
	if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return len;
}

/* control characters and bytes that are not UTF-8 become '?' */
static void
printable(char *str, size_t n)
{
	unsigned char *s = (unsigned char *)str;
	size_t i = 0;
	while (i < n) {
		size_t len = s[i] < 0x20 || s[i] == 0x7f ? 0 :
			utf8_len(s + i, n - i);
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
	if (s.sets == NULL || s.parts == NULL || s.paths == NULL) {
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

/* a quoted string: after printable(), only " and \ need escaping */
static void
quoted(FILE *f, const char *str)
{
	fputc('"', f);
	for (; *str; str++) {
		if (*str == '"' || *str == '\\')
			fputc('\\', f);
		fputc(*str, f);
	}
	fputc('"', f);
}

enum vkind { V_NUM, V_ADDR, V_STR };

struct printer {
	FILE *f;
	bool json;
	int nvalues;	/* in the current object */
};

static void
value_begin(struct printer *o, const char *name)
{
	if (o->json)
		fprintf(o->f, "%s\n      ", o->nvalues ? "," : "");
	else
		fprintf(o->f, "\t%-24s ", name);
	if (o->json)
		fprintf(o->f, "\"%s\": ", name);
	o->nvalues++;
}

static void
value_num(struct printer *o, const char *name, uint64_t v, enum vkind k)
{
	value_begin(o, name);
	if (k == V_ADDR && !o->json)
		fprintf(o->f, "0x%" PRIx64, v);
	else
		fprintf(o->f, "%" PRIu64, v);
	if (!o->json)
		fputc('\n', o->f);
}

static void
value_str(struct printer *o, const char *name, const char *v)
{
	value_begin(o, name);
	if (o->json)
		quoted(o->f, v);
	else
		fputs(v, o->f);
	if (!o->json)
		fputc('\n', o->f);
}

/* JSON: a set holds its parts in "maps", as pmemset_stat_dump(3) nests */
static void
map_begin(struct printer *o, const char *uri, bool first, const char *pad)
{
	o->nvalues = 0;
	if (o->json)
		fprintf(o->f, "%s\n%s{\"uri\": \"%s\", \"values\": {",
			first ? "" : ",", pad, uri);
	else
		fprintf(o->f, "\n%s\n", uri);
}

static const char *const Counter_names[PUB_COUNTERS] = PUB_COUNTER_NAMES;

static void
print_set(struct printer *o, const struct pubr_set *set, bool first)
{
	char uri[64];
	set_uri(uri, sizeof(uri), set);
	map_begin(o, uri, first, "    ");
	const struct pub_set *r = &set->rec;
	value_num(o, "id", r->id, V_NUM);
	value_str(o, "granularity", r->granularity);
	value_str(o, "required_granularity", r->required_granularity);
	value_str(o, "coalescing", r->coalescing);
	value_num(o, "parts", r->parts, V_NUM);
	value_num(o, "part_maps", r->part_maps, V_NUM);
	value_num(o, "mapped_bytes", r->mapped_bytes, V_NUM);
	for (int i = 0; i < PUB_COUNTERS; i++)
		value_num(o, Counter_names[i], r->counters[i], V_NUM);
	if (o->json)
		fputs("},\n      \"maps\": [", o->f);
}

static void
print_part(struct printer *o, const struct pubr_set *set,
		const struct pubr_part *p, bool first)
{
	char uri[96];
	part_uri(uri, sizeof(uri), set, p);
	map_begin(o, uri, first, "        ");
	const struct pub_part *r = &p->rec;
	value_num(o, "id", r->id, V_NUM);
	value_num(o, "address", r->address, V_ADDR);
	value_num(o, "size", r->size, V_NUM);
	value_str(o, "source", r->source);
	value_str(o, "source_path", p->path);
	value_num(o, "offset", r->offset, V_NUM);
	value_str(o, "granularity", r->granularity);
	value_num(o, "part_map_address", r->part_map_address, V_ADDR);
	value_num(o, "part_map_size", r->part_map_size, V_NUM);
	value_str(o, "sds_state", r->sds_state);
	value_num(o, "badblocks", r->badblocks, V_NUM);
	if (o->json)
		fputs("}}", o->f);
}

static size_t
sets_shown(const struct pubr_snapshot *s, const struct pubr_filter *m)
{
	size_t n = 0;
	for (size_t i = 0; i < s->hdr.nsets; i++)
		n += set_shown(m, s, &s->sets[i]);
	return n;
}

/* the root, then each set followed by its parts: flat, in tree order */
static void
print_tree(struct printer *o, const struct pubr_snapshot *s,
		const struct pubr_filter *m)
{
	if (o->json)
		fputs("{\"uri\": \"/pmemset\", \"values\": {", o->f);
	else
		fputs("/pmemset\n", o->f);
	o->nvalues = 0;
	value_str(o, "version", s->hdr.library_version);
	value_num(o, "pid", s->hdr.pid, V_NUM);
	value_str(o, "program", s->hdr.program);
	value_num(o, "updated_ns", s->hdr.updated_ns, V_NUM);
	value_num(o, "sets", sets_shown(s, m), V_NUM);
	if (o->json)
		fputs("\n  },\n  \"maps\": [", o->f);
	bool first = true;
	for (size_t i = 0; i < s->hdr.nsets; i++) {
		const struct pubr_set *set = &s->sets[i];
		if (!set_shown(m, s, set))
			continue;
		print_set(o, set, first);
		first = false;
		bool first_part = true;
		for (size_t j = 0; j < set->nparts; j++) {
			const struct pubr_part *p = &s->parts[set->first + j];
			if (!part_shown(m, set, p))
				continue;
			print_part(o, set, p, first_part);
			first_part = false;
		}
		if (o->json)
			fputs("]}", o->f);
	}
	fputs(o->json ? "\n  ]\n}\n" : "", o->f);
}

void
pubr_print_text(FILE *f, const struct pubr_snapshot *s,
		const struct pubr_filter *m)
{
	struct printer o = {f, false, 0};
	print_tree(&o, s, m);
}

void
pubr_print_json(FILE *f, const struct pubr_snapshot *s,
		const struct pubr_filter *m)
{
	struct printer o = {f, true, 0};
	print_tree(&o, s, m);
}

/* --- OpenMetrics ------------------------------------------------------- */

enum om_level { OM_ROOT, OM_SET, OM_PART };

struct om_family {
	enum om_level level;
	const char *name;	/* the family, units included */
	const char *type;
	const char *unit;
	const char *help;
	int field;		/* which number (see om_number) */
};

enum {
	F_SETS = -1, F_PARTS = -2, F_PART_MAPS = -3, F_MAPPED = -4,
	F_ADDRESS = -5, F_SIZE = -6, F_OFFSET = -7, F_PM_ADDRESS = -8,
	F_PM_SIZE = -9, F_BADBLOCKS = -10, F_INFO = -11
};

static const struct om_family Families[] = {
	{OM_ROOT, "pmemset", "info", NULL, "The library's version and the "
		"program.", F_INFO},
	{OM_ROOT, "pmemset_sets", "gauge", NULL, "Sets of the process.",
		F_SETS},
	{OM_SET, "pmemset_set", "info", NULL, "A set's granularities and "
		"coalescing mode.", F_INFO},
	{OM_SET, "pmemset_set_parts", "gauge", NULL, "Parts mapped.",
		F_PARTS},
	{OM_SET, "pmemset_set_part_maps", "gauge", NULL, "Part maps.",
		F_PART_MAPS},
	{OM_SET, "pmemset_set_mapped_bytes", "gauge", "bytes", "Bytes mapped "
		"by all parts.", F_MAPPED},
	{OM_SET, "pmemset_set_persist_calls", "counter", NULL,
		"pmemset_persist calls.", 0},
	{OM_SET, "pmemset_set_persist_bytes", "counter", "bytes",
		"Bytes given to pmemset_persist.", 1},
	{OM_SET, "pmemset_set_flush_calls", "counter", NULL,
		"pmemset_flush calls.", 2},
	{OM_SET, "pmemset_set_flush_bytes", "counter", "bytes",
		"Bytes given to pmemset_flush.", 3},
	{OM_SET, "pmemset_set_drain_calls", "counter", NULL,
		"pmemset_drain calls.", 4},
	{OM_SET, "pmemset_set_copy_calls", "counter", NULL,
		"pmemset_memcpy calls.", 5},
	{OM_SET, "pmemset_set_copy_bytes", "counter", "bytes",
		"Bytes copied by pmemset_memcpy.", 6},
	{OM_SET, "pmemset_set_move_calls", "counter", NULL,
		"pmemset_memmove calls.", 7},
	{OM_SET, "pmemset_set_move_bytes", "counter", "bytes",
		"Bytes moved by pmemset_memmove.", 8},
	{OM_SET, "pmemset_set_set_calls", "counter", NULL,
		"pmemset_memset calls.", 9},
	{OM_SET, "pmemset_set_set_bytes", "counter", "bytes",
		"Bytes set by pmemset_memset.", 10},
	{OM_PART, "pmemset_part", "info", NULL, "A part's source kind, "
		"granularity and shutdown state.", F_INFO},
	{OM_PART, "pmemset_part_address", "gauge", NULL, "Address the part "
		"is mapped at.", F_ADDRESS},
	{OM_PART, "pmemset_part_size_bytes", "gauge", "bytes", "Size of the "
		"part.", F_SIZE},
	{OM_PART, "pmemset_part_offset_bytes", "gauge", "bytes", "Offset of "
		"the part in its source file.", F_OFFSET},
	{OM_PART, "pmemset_part_part_map_address", "gauge", NULL, "Address "
		"of the part map holding the part.", F_PM_ADDRESS},
	{OM_PART, "pmemset_part_part_map_size_bytes", "gauge", "bytes",
		"Size of the part map holding the part.", F_PM_SIZE},
	{OM_PART, "pmemset_part_badblocks", "gauge", NULL, "Bad blocks "
		"found in the part's source.", F_BADBLOCKS},
};

struct om {
	FILE *f;
	const struct om_family *fam;
	bool header_done;
};

static void
om_sample(struct om *o, const struct pubr_snapshot *s,
		const struct pubr_set *set, const struct pubr_part *p,
		uint64_t value)
{
	const struct om_family *fam = o->fam;
	if (!o->header_done) {
		fprintf(o->f, "# TYPE %s %s\n", fam->name, fam->type);
		if (fam->unit != NULL)
			fprintf(o->f, "# UNIT %s %s\n", fam->name, fam->unit);
		fprintf(o->f, "# HELP %s %s\n", fam->name, fam->help);
		o->header_done = true;
	}
	const char *suffix = strcmp(fam->type, "counter") == 0 ? "_total" :
		strcmp(fam->type, "info") == 0 ? "_info" : "";
	fprintf(o->f, "%s%s{pid=\"%" PRIu64 "\"", fam->name, suffix,
		s->hdr.pid);
	if (set != NULL)
		fprintf(o->f, ",set=\"%" PRIu64 "\"", set->rec.id);
	if (p != NULL) {
		fprintf(o->f, ",part=\"%" PRIu64 "\",path=", p->rec.id);
		quoted(o->f, p->path);
	}
	if (fam->field == F_INFO) {
		if (p != NULL) {
			fputs(",source=", o->f);
			quoted(o->f, p->rec.source);
			fputs(",granularity=", o->f);
			quoted(o->f, p->rec.granularity);
			fputs(",sds_state=", o->f);
			quoted(o->f, p->rec.sds_state);
		} else if (set != NULL) {
			fputs(",granularity=", o->f);
			quoted(o->f, set->rec.granularity);
			fputs(",required_granularity=", o->f);
			quoted(o->f, set->rec.required_granularity);
			fputs(",coalescing=", o->f);
			quoted(o->f, set->rec.coalescing);
		} else {
			fputs(",version=", o->f);
			quoted(o->f, s->hdr.library_version);
			fputs(",program=", o->f);
			quoted(o->f, s->hdr.program);
		}
	}
	fprintf(o->f, "} %" PRIu64 "\n", value);
}

static uint64_t
om_number(int field, const struct pubr_set *set, const struct pubr_part *p)
{
	if (field >= 0)
		return set->rec.counters[field];
	switch (field) {
	case F_PARTS: return set->rec.parts;
	case F_PART_MAPS: return set->rec.part_maps;
	case F_MAPPED: return set->rec.mapped_bytes;
	case F_ADDRESS: return p->rec.address;
	case F_SIZE: return p->rec.size;
	case F_OFFSET: return p->rec.offset;
	case F_PM_ADDRESS: return p->rec.part_map_address;
	case F_PM_SIZE: return p->rec.part_map_size;
	case F_BADBLOCKS: return p->rec.badblocks;
	default: return 1;	/* an info sample */
	}
}

/* one family: its samples from every process, together as the format wants */
static void
om_family(struct om *o, const struct pubr_snapshot *snaps, size_t n,
		const struct pubr_filter *m)
{
	for (size_t k = 0; k < n; k++) {
		const struct pubr_snapshot *s = &snaps[k];
		if (o->fam->level == OM_ROOT) {
			om_sample(o, s, NULL, NULL, o->fam->field == F_SETS ?
				sets_shown(s, m) : 1);
			continue;
		}
		for (size_t i = 0; i < s->hdr.nsets; i++) {
			const struct pubr_set *set = &s->sets[i];
			if (!set_shown(m, s, set))
				continue;
			if (o->fam->level == OM_SET) {
				om_sample(o, s, set, NULL,
					om_number(o->fam->field, set, NULL));
				continue;
			}
			for (size_t j = 0; j < set->nparts; j++) {
				const struct pubr_part *p =
					&s->parts[set->first + j];
				if (part_shown(m, set, p))
					om_sample(o, s, set, p, om_number(
						o->fam->field, set, p));
			}
		}
	}
}

void
pubr_print_openmetrics(FILE *f, const struct pubr_snapshot *s, size_t n,
		const struct pubr_filter *m)
{
	for (size_t i = 0; i < sizeof(Families) / sizeof(Families[0]); i++) {
		struct om o = {f, &Families[i], false};
		om_family(&o, s, n, m);
	}
	fputs("# EOF\n", f);
}
