/*
 * callbacks.h - the libmilter callback table.
 */
#ifndef AM_MILTER_CALLBACKS_H
#define AM_MILTER_CALLBACKS_H

#include <libmilter/mfapi.h>

/* The filter description handed to smfi_register(). */
extern struct smfiDesc callbacks_desc;

#endif
