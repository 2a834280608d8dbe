/*
 * replay.c - runs a libFuzzer target over files, without libFuzzer.
 *
 * `make check` builds every fuzz target with this main() and feeds it its
 * seed corpus (and any crash reproducer added there), so the corpora are
 * replayed by gcc builds and under ASan + UBSan without clang.
 *
 * Usage: replay_X FILE|DIR ...   Prints the number of inputs run.
 */
#include "autoconfig.h"

#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int
run_file(const char *path)
{
	FILE *fp = fopen(path, "rb");
	unsigned char *data = NULL;
	size_t len = 0, cap = 0, n;

	if (fp == NULL) {
		perror(path);
		return -1;
	}
	do {
		if (cap - len < 65536) {
			unsigned char *p = realloc(data, cap + 65536);

			if (p == NULL) {
				free(data);
				fclose(fp);
				return -1;
			}
			data = p;
			cap += 65536;
		}
		n = fread(data + len, 1, cap - len, fp);
		len += n;
	} while (n > 0);
	fclose(fp);
	LLVMFuzzerTestOneInput(data, len);
	free(data);
	return 1;
}

static int
run_path(const char *path)
{
	struct dirent **names;
	struct stat st;
	char child[4096];
	int i, n, total = 0;

	if (stat(path, &st) != 0) {
		perror(path);
		return -1;
	}
	if (!S_ISDIR(st.st_mode))
		return run_file(path);
	if ((n = scandir(path, &names, NULL, alphasort)) < 0) {
		perror(path);
		return -1;
	}
	for (i = 0; i < n; i++) {
		if (names[i]->d_name[0] != '.') {
			snprintf(child, sizeof(child), "%s/%s", path,
			    names[i]->d_name);
			if (run_file(child) < 0)
				total = -1;
			else if (total >= 0)
				total++;
		}
		free(names[i]);
	}
	free(names);
	return total;
}

int
main(int argc, char **argv)
{
	int i, n, total = 0;

	for (i = 1; i < argc; i++) {
		if ((n = run_path(argv[i])) < 0)
			return 1;
		total += n;
	}
	printf("%d inputs\n", total);
	return total > 0 ? 0 : 1;
}
