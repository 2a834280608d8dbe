/*
 * sigwait.c - keeps libmilter's signal thread away from the signals the
 * daemon handles itself.
 *
 * smfi_main() starts a thread that sigwait()s for SIGHUP, SIGTERM and
 * SIGINT and stops the milter for good on any of them (no new
 * connection is accepted again).  main.c handles those three in the main
 * thread instead (reload, graceful stop) and keeps them blocked in every
 * thread libmilter starts.  Blocking is not enough: while a thread waits
 * in sigwait() the kernel counts the awaited signals as unblocked for
 * it, so a process-directed signal can be handed to that thread rather
 * than to the main thread -- it happens under a burst of SIGHUPs, when
 * threads of a runtime being replaced exit while a signal is pending.
 * Measured: a few hundred SIGHUPs sent back to back left a daemon that
 * ran on but refused every connection.
 *
 * libmilter has no option to go without its signal thread, so this
 * definition of sigwait() in the executable takes the place of the C
 * library's for the whole process (the dynamic linker binds libmilter's
 * call here): the three signals are removed from the awaited set, and a
 * thread left with nothing to wait for sleeps for ever with them
 * blocked.  Any other set is handed to the C library's sigwait().
 */
#include "autoconfig.h"

#include <dlfcn.h>
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include "sigwait.h"

typedef int (*sigwait_fn)(const sigset_t *, int *);

static const int ours[] = {SIGHUP, SIGTERM, SIGINT};

void
sigwait_block_ours(void)
{
	sigset_t set;
	size_t i;

	sigemptyset(&set);
	for (i = 0; i < sizeof(ours) / sizeof(*ours); i++)
		sigaddset(&set, ours[i]);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
}

int
sigwait(const sigset_t *set, int *sig)
{
	sigset_t rest = *set;
	sigwait_fn next;
	size_t i;

	for (i = 0; i < sizeof(ours) / sizeof(*ours); i++)
		sigdelset(&rest, ours[i]);
	if (!sigisemptyset(&rest)) {
		if ((next = (sigwait_fn)dlsym(RTLD_NEXT, "sigwait")) == NULL)
			return ENOSYS;
		return next(&rest, sig);
	}
	for (;;)
		pause();
}
