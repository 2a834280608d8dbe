/*
 * eom.h - the end of a message: one verdict, handed to one list of
 * consumers in order.
 *
 * cb_eom() asks lib/ for the verdict and runs the consumers of
 * eom.c's table; each reads the verdict and the message's context and
 * does one thing with it (change the headers, answer the MTA, count,
 * log; later record for reports, seal).  A consumer that must defer
 * the message sets status to SMFIS_TEMPFAIL; those after it see that.
 * Adding a consumer is adding one row to the table.
 */
#ifndef AM_MILTER_EOM_H
#define AM_MILTER_EOM_H

#include <stdbool.h>

#include <libmilter/mfapi.h>

#include "runtime.h"
#include "verdict.h"

struct eom {
	SMFICTX *ctx;
	const struct runtime *rt;     /* the connection's configuration */
	const struct am_verdict *v;   /* borrowed from the message */
	const char *qid;	      /* the MTA's queue id, or "NOQUEUE" */
	const char *client;	      /* the client's address, as text */
	bool leadspc;		      /* SMFIP_HDR_LEADSPC was negotiated */
	sfsistat status;	      /* the answer to end of message */
	bool header_refused;	      /* the MTA refused a header change */
};

/* Runs every consumer on e (status starts as SMFIS_ACCEPT) and returns
 * the answer to end of message. */
sfsistat eom_run(struct eom *e);

#endif
