/*
 * arc_trust.h - the trusted-sealer rule: may a passing ARC chain override
 * an Author Domain's DMARC failure (RFC 8617 7.2.1)?  See arc_trust.c.
 */
#ifndef AM_ARC_TRUST_H
#define AM_ARC_TRUST_H

#include "arc.h"
#include "dmarc.h"
#include "policy.h"

/*
 * The trusted sealer (opt->trusted_sealers) whose passing chain vouches
 * for the failed DMARC outcome d, or NULL.  Lookups for alignment go
 * through dns; strings from arena; trace may be NULL.
 */
const char *am_arc_vouch(struct am_dns_session *dns, struct am_arena *arena,
    const struct am_policy_options *opt, const struct am_arc_result *arc,
    const struct am_dmarc_outcome *d, struct am_trace *trace);

#endif
