// SPDX-License-Identifier: BSD-3-Clause
/*
 * env_probe.c -- a small program that uses the library the way a
 * privileged helper might: one call that fails (and so logs, when logging
 * is on). setuid_env_test.sh runs setuid copies of it as nobody. It prints
 * its real and effective ids so the test knows the setuid bit took effect.
 */
#include <stdio.h>
#include <unistd.h>

#include <libpmemset.h>

/*
 * In ASan builds: LeakSanitizer cannot inspect a set-group-ID process (it
 * is not dumpable), and such a process ignores LSAN_OPTIONS, so the probe
 * turns the leak check off itself. Other builds never call this.
 */
int __lsan_is_turned_off(void);

int
__lsan_is_turned_off(void)
{
	return 1;
}

int
main(int argc, char *argv[])
{
	const char *missing = argc > 1 ? argv[1] :
		"/nonexistent/pmemset-env-probe";
	struct pmemset_source *src;
	int ret = pmemset_source_from_file(&src, missing);
	printf("ruid=%u euid=%u rgid=%u egid=%u ret=%d\n",
		(unsigned)getuid(), (unsigned)geteuid(), (unsigned)getgid(),
		(unsigned)getegid(), ret);
	return ret < 0 ? 0 : 1;
}
