// SPDX-License-Identifier: BSD-3-Clause
/*
 * uri.c -- the URIs of the tree (/pmemset, /pmemset/set/<n>,
 * /pmemset/set/<n>/part/<k>): making and parsing them, and percent-encoding
 * of one URI component. Finding the map of a URI is the tree's (tree.c).
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "core_view.h"
#include "status.h"
#include "uri.h"

void
uri_of(char *buf, size_t len, enum stat_level level, uint64_t set_id,
		uint64_t part_id)
{
	switch (level) {
	case STAT_ROOT:
		snprintf(buf, len, STAT_URI_ROOT);
		break;
	case STAT_SET:
		snprintf(buf, len, STAT_URI_ROOT "/set/%" PRIu64, set_id);
		break;
	case STAT_PART:
		snprintf(buf, len, STAT_URI_ROOT "/set/%" PRIu64 "/part/%"
			PRIu64, set_id, part_id);
		break;
	}
}

/* a decimal id as the tree spells it: no sign, no leading zero */
static bool
parse_id(const char *s, size_t len, uint64_t *id)
{
	if (len == 0 || len > 20 || (s[0] == '0' && len > 1))
		return false;
	uint64_t v = 0;
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		unsigned d = (unsigned)(s[i] - '0');
		if (v > (UINT64_MAX - d) / 10)
			return false;
		v = v * 10 + d;
	}
	*id = v;
	return true;
}

static const char *
level_word(enum stat_level level)
{
	return level == STAT_SET ? "set" : "part";
}

bool
uri_parse_name(const char *name, enum stat_level level, uint64_t *id)
{
	const char *word = level_word(level);
	size_t wlen = strlen(word);
	if (strncmp(name, word, wlen) != 0 || name[wlen] != '/')
		return false;
	const char *digits = name + wlen + 1;
	return parse_id(digits, strlen(digits), id);
}

static bool
is_unreserved(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		(c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' ||
		c == '~';
}

enum pmemset_stat_status
pmemset_stat_uri_encode(const char *str, char *buf, size_t buflen)
{
	if (str == NULL)
		return STAT_NULL_ARG("str");
	if (buf == NULL)
		return STAT_NULL_ARG("buf");
	size_t need = 1;
	for (const unsigned char *p = (const unsigned char *)str; *p; p++)
		need += is_unreserved(*p) ? 1 : 3;
	if (need > buflen)
		return stat_fail(PMEMSET_STAT_S_NO_SPACE,
			"pmemset_stat_uri_encode: encoding \"%s\" needs %zu "
			"bytes, buflen is %zu", str, need, buflen);
	static const char hex[] = "0123456789ABCDEF";
	char *out = buf;
	for (const unsigned char *p = (const unsigned char *)str; *p; p++) {
		if (is_unreserved(*p)) {
			*out++ = (char)*p;
		} else {
			*out++ = '%';
			*out++ = hex[*p >> 4];
			*out++ = hex[*p & 0xf];
		}
	}
	*out = '\0';
	return PMEMSET_STAT_S_OK;
}

static int
hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/*
 * Decodes len bytes of s into out (if not NULL); returns the decoded length,
 * or -1 with *bad set to the offset of a malformed escape or of a %00.
 */
static long
decode(const char *s, size_t len, char *out, size_t *bad)
{
	size_t n = 0;
	for (size_t i = 0; i < len; i++) {
		char c = s[i];
		if (c == '%') {
			int hi = i + 2 < len ? hex_value(s[i + 1]) : -1;
			int lo = i + 2 < len ? hex_value(s[i + 2]) : -1;
			if (hi < 0 || lo < 0 || (hi == 0 && lo == 0)) {
				*bad = i;
				return -1;
			}
			c = (char)(hi * 16 + lo);
			i += 2;
		}
		if (out != NULL)
			out[n] = c;
		n++;
	}
	return (long)n;
}

enum pmemset_stat_status
pmemset_stat_uri_decode(const char *str, char *buf, size_t buflen)
{
	if (str == NULL)
		return STAT_NULL_ARG("str");
	if (buf == NULL)
		return STAT_NULL_ARG("buf");
	size_t bad = 0;
	long n = decode(str, strlen(str), NULL, &bad);
	if (n < 0)
		return stat_fail(PMEMSET_STAT_S_INVAL_ARG,
			"pmemset_stat_uri_decode: \"%s\" has an invalid escape "
			"at offset %zu (%%XX with two hex digits, not %%00)",
			str, bad);
	if ((size_t)n + 1 > buflen)
		return stat_fail(PMEMSET_STAT_S_NO_SPACE,
			"pmemset_stat_uri_decode: decoding \"%s\" needs %ld "
			"bytes, buflen is %zu", str, n + 1, buflen);
	(void) decode(str, strlen(str), buf, &bad);
	buf[n] = '\0';
	return PMEMSET_STAT_S_OK;
}

/* the next '/'-separated component of *p, decoded into seg */
static bool
next_segment(const char **p, char *seg, size_t seglen)
{
	if (**p != '/')
		return false;
	const char *start = *p + 1;
	const char *end = strchr(start, '/');
	if (end == NULL)
		end = start + strlen(start);
	size_t bad;
	long n = decode(start, (size_t)(end - start), NULL, &bad);
	if (n < 0 || (size_t)n + 1 > seglen)
		return false;
	(void) decode(start, (size_t)(end - start), seg, &bad);
	seg[n] = '\0';
	*p = end;
	return true;
}

bool
uri_parse(const char *uri, uint64_t ids[2], size_t *depth)
{
	char seg[32];
	const char *p = uri;
	if (!next_segment(&p, seg, sizeof(seg)) ||
	    strcmp(seg, STAT_URI_ROOT_WORD) != 0)
		return false;
	size_t d = 0;
	enum stat_level level = STAT_SET;
	while (*p != '\0') {
		if (level > STAT_PART ||
		    !next_segment(&p, seg, sizeof(seg)) ||
		    strcmp(seg, level_word(level)) != 0 ||
		    !next_segment(&p, seg, sizeof(seg)) ||
		    !parse_id(seg, strlen(seg), &ids[d]))
			return false;
		d++;
		level++;
	}
	*depth = d;
	return true;
}

enum pmemset_stat_status
pmemset_stat_set_uri(struct pmemset *set, char *buf, size_t buflen)
{
	if (set == NULL)
		return STAT_NULL_ARG("set");
	if (buf == NULL)
		return STAT_NULL_ARG("buf");
	/* found by pointer among the live sets, never dereferenced first */
	uint64_t id = core_set_id(set);
	if (id == 0)
		return stat_fail(PMEMSET_STAT_S_INVAL_ARG,
			"pmemset_stat_set_uri: set %p is not a live set",
			(void *)set);
	char uri[STAT_URI_MAX];
	uri_of(uri, sizeof(uri), STAT_SET, id, 0);
	size_t need = strlen(uri) + 1;
	if (need > buflen)
		return stat_fail(PMEMSET_STAT_S_NO_SPACE,
			"pmemset_stat_set_uri: the URI %s needs %zu bytes, "
			"buflen is %zu", uri, need, buflen);
	memcpy(buf, uri, need);
	return PMEMSET_STAT_S_OK;
}
