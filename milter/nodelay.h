/*
 * nodelay.h - TCP_NODELAY for the milter connections (see nodelay.c).
 */
#ifndef AM_MILTER_NODELAY_H
#define AM_MILTER_NODELAY_H

/* Sets TCP_NODELAY on every listening TCP socket of the process; call
 * right after smfi_opensocket(), when libmilter's is the only one.
 * Returns how many were set. */
int nodelay_listeners(void);

#endif
