/*
 * fuzz_config.c - the configuration loader (config_text.c's scan, then
 * libconfuse, then our value checks) on arbitrary bytes: a file either
 * loads, or is refused with a message naming it.
 *
 * The bytes are handed over as a file, the loader's only input: a memfd,
 * named through /proc/self/fd.  include() is skipped: it would read other
 * files of this machine, endless ones such as /dev/zero among them.
 */
#include "autoconfig.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int fd = -1;
	static char path[64];
	struct am_config *cfg;
	char err[512] = "";

	if (memmem(data, size, "include", 7) != NULL)
		return 0;
	if (fd < 0) {
		if ((fd = memfd_create("fuzz_config", 0)) < 0)
			return 0;
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	}
	if (ftruncate(fd, 0) != 0 ||
	    pwrite(fd, data, size, 0) != (ssize_t)size)
		return 0;
	cfg = am_config_load(path, err, sizeof(err));
	if (cfg == NULL && strncmp(err, path, strlen(path)) != 0 &&
	    strcmp(err, "out of memory") != 0)
		__builtin_trap(); /* refused without saying where */
	am_config_free(cfg);
	return 0;
}
