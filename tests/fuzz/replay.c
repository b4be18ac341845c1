// SPDX-License-Identifier: GPL-2.0
/*
 * main() for a fuzz target built without libFuzzer (tests/fuzz/run replay):
 * feed LLVMFuzzerTestOneInput() every file named on the command line, and
 * every file in each directory named, so the seed corpus runs under plain
 * cc with the sanitizers wherever clang is missing.
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Replay one file; 0, or -1 if it cannot be read. */
static int replay(const char *path)
{
	static uint8_t buf[1 << 20];
	FILE *f = fopen(path, "rb");
	size_t n;

	if (!f) {
		perror(path);
		return -1;
	}
	n = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	LLVMFuzzerTestOneInput(buf, n);
	return 0;
}

int main(int argc, char **argv)
{
	int done = 0, bad = 0;

	for (int i = 1; i < argc; i++) {
		struct stat st;
		struct dirent *e;
		DIR *dir;

		if (stat(argv[i], &st) == 0 && !S_ISDIR(st.st_mode)) {
			bad |= replay(argv[i]);
			done++;
			continue;
		}
		dir = opendir(argv[i]);
		if (!dir) {
			perror(argv[i]);
			return 1;
		}
		while ((e = readdir(dir))) {
			char path[4096];

			if (e->d_name[0] == '.')
				continue;
			snprintf(path, sizeof(path), "%s/%s", argv[i],
				 e->d_name);
			bad |= replay(path);
			done++;
		}
		closedir(dir);
	}
	printf("%d inputs replayed\n", done);
	return bad ? 1 : 0;
}
