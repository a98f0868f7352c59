// SPDX-License-Identifier: BSD-3-Clause
/*
 * fuzz_publication.c -- the reader of live publications
 * (tools/publication_reader.c) on arbitrary bytes: parsing must give a
 * status and a reason, never a crash, and whatever parses must print in
 * every format. Under libFuzzer (scripts/fuzz.sh) and, through
 * replay_main.c, in every ctest configuration.
 *
 * The first byte chooses how the rest is used: even, as the file's bytes;
 * odd, with a header made plausible (magic, version, header size, an even
 * sequence count), so that the fuzzer spends its time on the records.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "publication_reader.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
void fuzz_calls_stats(FILE *out);

static size_t Parsed, Rejected;

static void
print_all(const struct pubr_snapshot *s)
{
	static FILE *sink;
	if (sink == NULL)
		sink = fopen("/dev/null", "w");
	if (sink == NULL)
		abort();
	char *const pat[] = {"*/part/*"};
	struct pubr_filter m = {pat, 1};
	pubr_print_text(sink, s, NULL);
	pubr_print_json(sink, s, &m);
	pubr_print_openmetrics(sink, s, 1, NULL);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 0)
		return 0;
	bool plausible = data[0] & 1;
	size_t len = size - 1;
	/* a copy of its own: ASan sees any read past the end */
	uint8_t *buf = malloc(len ? len : 1);
	if (buf == NULL)
		return 0;
	memcpy(buf, data + 1, len);
	if (plausible && len >= sizeof(struct pub_header)) {
		struct pub_header h;
		memcpy(&h, buf, sizeof(h));
		memcpy(h.magic, PUB_MAGIC, PUB_MAGIC_LEN);
		h.version = PUB_VERSION;
		h.header_size = sizeof(h);
		h.seq &= ~(uint64_t)1;
		h.program[PUB_PROGRAM_LEN - 1] = '\0';
		h.library_version[PUB_NAME_LEN - 1] = '\0';
		if (h.data_size > len - sizeof(h))
			h.data_size = len - sizeof(h);
		memcpy(buf, &h, sizeof(h));
	}
	struct pubr_snapshot s;
	char why[256];
	enum pubr_status st = pubr_parse(buf, len, &s, why, sizeof(why));
	if (st == PUBR_OK) {
		Parsed++;
		print_all(&s);
		pubr_free(&s);
	} else {
		Rejected++;
		if (why[0] == '\0')
			abort();	/* every failure says why */
	}
	free(buf);
	return 0;
}

/* what replay_main.c prints at the end (its name is the call fuzzer's) */
void
fuzz_calls_stats(FILE *out)
{
	fprintf(out, "publications parsed %zu, rejected %zu\n", Parsed,
		Rejected);
}
