// SPDX-License-Identifier: BSD-3-Clause
/*
 * match.c -- the matchers given at open: exact strings, fnmatch(3) globs and
 * POSIX extended regular expressions over map URIs. Patterns are copied and
 * regexes compiled once, at open, so a bad pattern fails there.
 */
#include <fnmatch.h>
#include <regex.h>
#include <string.h>

#include "alloc.h"
#include "match.h"
#include "status.h"

struct stat_matcher {
	enum pmemset_stat_match type;
	char *pattern;
	bool compiled;
	regex_t re;
};

void
match_free(struct stat_matcher *m, size_t n)
{
	if (m == NULL)
		return;
	for (size_t i = 0; i < n; i++) {
		if (m[i].compiled)
			regfree(&m[i].re);
		mem_free(m[i].pattern);
	}
	mem_free(m);
}

enum pmemset_stat_status
match_compile(const struct pmemset_stat_matcher *in, size_t n,
		struct stat_matcher **out)
{
	*out = NULL;
	if (n == 0)
		return PMEMSET_STAT_S_OK;
	if (in == NULL)
		return stat_fail(PMEMSET_STAT_S_INVAL_ARG,
			"pmemset_stat_open: matchers is NULL but nmatchers is "
			"%zu", n);
	for (size_t i = 0; i < n; i++) {
		if (in[i].pattern == NULL)
			return stat_fail(PMEMSET_STAT_S_INVAL_ARG,
				"pmemset_stat_open: matchers[%zu].pattern is "
				"NULL", i);
		if (in[i].type != PMEMSET_STAT_MATCH_STRING &&
		    in[i].type != PMEMSET_STAT_MATCH_GLOB &&
		    in[i].type != PMEMSET_STAT_MATCH_REGEX)
			return stat_fail(PMEMSET_STAT_S_INVAL_ARG,
				"pmemset_stat_open: matchers[%zu].type %d is "
				"not a pmemset_stat_match (valid: "
				"PMEMSET_STAT_MATCH_STRING (%d), _GLOB (%d), "
				"_REGEX (%d))", i, (int)in[i].type,
				PMEMSET_STAT_MATCH_STRING,
				PMEMSET_STAT_MATCH_GLOB,
				PMEMSET_STAT_MATCH_REGEX);
	}
	if (n > SIZE_MAX / sizeof(struct stat_matcher))
		return stat_fail(PMEMSET_STAT_S_INVAL_ARG,
			"pmemset_stat_open: nmatchers %zu is too large", n);
	struct stat_matcher *m = mem_zalloc(n * sizeof(*m));
	if (m == NULL)
		goto nomem;
	for (size_t i = 0; i < n; i++) {
		m[i].type = in[i].type;
		m[i].pattern = mem_strdup(in[i].pattern);
		if (m[i].pattern == NULL)
			goto nomem;
		if (m[i].type != PMEMSET_STAT_MATCH_REGEX)
			continue;
		int ret = regcomp(&m[i].re, in[i].pattern,
				REG_EXTENDED | REG_NOSUB);
		if (ret != 0) {
			char why[128];
			regerror(ret, &m[i].re, why, sizeof(why));
			match_free(m, n);
			if (ret == REG_ESPACE)
				return stat_fail(PMEMSET_STAT_S_NO_MEM,
					"pmemset_stat_open: out of memory "
					"compiling matchers[%zu]", i);
			return stat_fail(PMEMSET_STAT_S_INVAL_ARG,
				"pmemset_stat_open: matchers[%zu].pattern "
				"\"%s\" is not a valid regex: %s", i,
				in[i].pattern, why);
		}
		m[i].compiled = true;
	}
	*out = m;
	return PMEMSET_STAT_S_OK;
nomem:
	match_free(m, n);
	return stat_fail(PMEMSET_STAT_S_NO_MEM,
		"pmemset_stat_open: out of memory copying the matchers");
}

bool
match_uri(const struct stat_matcher *m, size_t n, const char *uri)
{
	if (n == 0)
		return true;
	for (size_t i = 0; i < n; i++) {
		switch (m[i].type) {
		case PMEMSET_STAT_MATCH_STRING:
			if (strcmp(m[i].pattern, uri) == 0)
				return true;
			break;
		case PMEMSET_STAT_MATCH_GLOB:
			if (fnmatch(m[i].pattern, uri, 0) == 0)
				return true;
			break;
		case PMEMSET_STAT_MATCH_REGEX:
			if (regexec(&m[i].re, uri, 0, NULL, 0) == 0)
				return true;
			break;
		}
	}
	return false;
}
