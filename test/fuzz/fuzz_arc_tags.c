/*
 * fuzz_arc_tags.c - the parsers under ARC on arbitrary bytes: tag lists
 * (strict and lenient), the tags of an ARC-Message-Signature and of an
 * ARC-Seal, the AAR instance, key records, base64, and header and body
 * canonicalization.  Accept or refuse, never crash, never point outside
 * the input, and keep the invariants: a refusal says why, base64 that
 * decodes encodes back to itself (without white space), relaxed body
 * canonicalization never outgrows simple.
 */
#include "autoconfig.h"

#include <stdint.h>
#include <string.h>

#include "arc_internal.h"
#include "base64.h"
#include "bodycanon.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool
inside(const struct am_tagval *v, const char *in, size_t size)
{
	return v->p == NULL || (v->p >= in && v->len <= size &&
				   v->p + v->len <= in + size);
}

static void
check_lists(const char *in, size_t size)
{
	static const unsigned flags[] = {0, AM_TAGLIST_LENIENT,
	    AM_TAGLIST_UTF8, AM_TAGLIST_LENIENT | AM_TAGLIST_UTF8};
	struct am_taglist l;
	size_t k, f;

	for (f = 0; f < sizeof(flags) / sizeof(flags[0]); f++) {
		if (!am_taglist_parse(in, size, flags[f], &l)) {
			if (l.why[0] == '\0')
				__builtin_trap();
			continue;
		}
		for (k = 0; k < l.n; k++)
			if (!inside(&l.tag[k].name, in, size) ||
			    !inside(&l.tag[k].value, in, size) ||
			    l.tag[k].raw_start > l.tag[k].raw_end ||
			    l.tag[k].raw_end > size)
				__builtin_trap();
	}
}

static void
check_signatures(const char *in, size_t size)
{
	struct am_arc_sigtags t;
	struct am_arc_keyrec r;
	size_t payload;
	int kind;

	for (kind = AM_ARC_AMS; kind <= AM_ARC_AS; kind++) {
		if (!am_arc_sigtags_parse((enum am_arc_kind)kind, in, size,
			&t)) {
			if (t.why[0] == '\0')
				__builtin_trap();
		} else if (t.instance < 1 || t.instance > AM_ARC_MAX_SETS ||
		    !inside(&t.d, in, size) || !inside(&t.s, in, size) ||
		    t.b_end > size || t.blen == 0)
			__builtin_trap();
	}
	if (am_arc_aar_instance(in, size, &payload) > 0 && payload > size)
		__builtin_trap();
	if (am_arc_keyrec_parse(in, size, &r) && !inside(&r.p, in, size))
		__builtin_trap();
}

static void
check_base64(const char *in, size_t size)
{
	unsigned char out[4096];
	struct am_buf b;
	size_t n, k, m = 0;

	if (size > 5000 || !am_base64_decode(in, size, out, sizeof(out), &n))
		return;
	am_buf_init(&b, 0);
	am_base64_encode(&b, out, n);
	for (k = 0; k < size; k++)
		if (strchr(" \t\r\n", in[k]) == NULL) {
			if (m >= b.len || b.data[m] != in[k])
				__builtin_trap();
			m++;
		}
	if (m != b.len)
		__builtin_trap();
	am_buf_release(&b);
}

static void
check_canon(const uint8_t *data, size_t size)
{
	struct am_bodycanon s, r;
	struct am_buf h;

	am_bodycanon_init(&s, false, NULL, NULL, NULL, 0);
	am_bodycanon_init(&r, true, NULL, NULL, NULL, 0);
	am_bodycanon_add(&s, data, size / 3);
	am_bodycanon_add(&s, data + size / 3, size - size / 3);
	am_bodycanon_add(&r, data, size);
	am_bodycanon_finish(&s);
	am_bodycanon_finish(&r);
	if (r.total > s.total || s.total > (uint64_t)size + 2)
		__builtin_trap();
	am_buf_init(&h, 0);
	am_canon_header(&h, true, "X", 1, (const char *)data, size, size / 2,
	    size / 2 + size / 4, true);
	if (h.len > size + 4)
		__builtin_trap();
	am_buf_release(&h);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	check_lists((const char *)data, size);
	check_signatures((const char *)data, size);
	check_base64((const char *)data, size);
	check_canon(data, size);
	return 0;
}
