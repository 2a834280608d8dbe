/*
 * sigwait.h - the signals the daemon handles itself (SIGHUP, SIGTERM,
 * SIGINT), kept from libmilter's signal thread by sigwait.c.
 */
#ifndef AM_MILTER_SIGWAIT_H
#define AM_MILTER_SIGWAIT_H

/* Blocks the daemon's signals in the calling thread: every thread but
 * the main one calls it first, so that they reach the main thread. */
void sigwait_block_ours(void);

#endif
