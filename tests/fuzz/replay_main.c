// SPDX-License-Identifier: BSD-3-Clause
/*
 * replay_main.c -- runs fuzz_calls.c without libFuzzer: every file named on
 * the command line (a directory: every file in it), then, with
 * "--random N SEED", N inputs made by a small generator. So the seed corpus
 * and a few hundred random call sequences run in every ctest configuration
 * (plain, ASan, valgrind), with any compiler.
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
void fuzz_calls_stats(FILE *out);

#define REPLAY_MAX_INPUT 65536

static size_t Runs;

static void
run_file(const char *path)
{
	static uint8_t buf[REPLAY_MAX_INPUT];
	FILE *f = fopen(path, "rb");
	if (f == NULL) {
		perror(path);
		exit(2);
	}
	size_t n = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	LLVMFuzzerTestOneInput(buf, n);
	Runs++;
}

static void
run_path(const char *path)
{
	struct stat st;
	if (stat(path, &st) != 0) {
		perror(path);
		exit(2);
	}
	if (!S_ISDIR(st.st_mode)) {
		run_file(path);
		return;
	}
	struct dirent **names;
	int n = scandir(path, &names, NULL, alphasort);
	if (n < 0) {
		perror(path);
		exit(2);
	}
	for (int i = 0; i < n; i++) {
		if (names[i]->d_name[0] != '.') {
			char full[4096];
			snprintf(full, sizeof(full), "%s/%s", path,
					names[i]->d_name);
			run_file(full);
		}
		free(names[i]);
	}
	free(names);
}

/* xorshift: the same inputs for the same seed, everywhere */
static uint64_t
next_random(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

int
main(int argc, char *argv[])
{
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--random") == 0 && i + 2 < argc) {
			long count = atol(argv[i + 1]);
			uint64_t seed = strtoull(argv[i + 2], NULL, 0) | 1;
			i += 2;
			static uint8_t buf[1024];
			for (long k = 0; k < count; k++) {
				size_t n = 2 + next_random(&seed) % 600;
				for (size_t j = 0; j < n; j++)
					buf[j] = (uint8_t)next_random(&seed);
				LLVMFuzzerTestOneInput(buf, n);
				Runs++;
			}
			continue;
		}
		run_path(argv[i]);
	}
	printf("replayed %zu input(s): ", Runs);
	fuzz_calls_stats(stdout);
	return 0;
}
