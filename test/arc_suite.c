/*
 * arc_suite.c - runs the ValiMail ARC test suites (YAML) against our
 * verifier and our sealer.
 *
 * Usage: arc_suite validate arc-validation-tests.yml
 *        arc_suite sign arc-sign-tests.yml
 *
 * validate  each message goes through am_msg (the daemon's path) with
 *           the scenario's txt-records as the zone; the chain's result
 *           must be the case's cv.  A blank cv marks a chain an ARC-Seal
 *           says cv=fail in; RFC 8617 5.2 steps 2 and 3.C make that
 *           "fail", and fail is what is asked of us.  The cases RFC 8617
 *           contradicts are listed in contested[] with the argument;
 *           for those our result must be the RFC's.
 * sign      the message's chain is verified, then sealed with the
 *           scenario's key at the case's time, its sig-headers as h= and
 *           its Authentication-Results for srv-id merged into the AAR;
 *           each of the AS, AMS and AAR must equal the expected field
 *           under relaxed canonicalization (so b= must be byte for
 *           byte).  The suite was written by a signer that sorted tags
 *           alphabetically; RFC 8617's ABNF puts i= first, which our
 *           daemon does, so the case is sealed both ways: the sorted
 *           form is compared, the RFC form must verify with our
 *           verifier.  A case that expects no set expects no seal.
 * One TAP stream; a comment line gives the count.
 */
#include "autoconfig.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "arc_state.h"
#include "arcsign.h"
#include "authres.h"
#include "eml.h"
#include "message.h"
#include "verdict.h"
#include "yaml_util.h"
#include "zone.h"

static unsigned ntests, npassed;
static time_t now;

static time_t
suite_clock(void *arg)
{
	(void)arg;
	return now;
}

static void
report(bool ok, const char *name, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
report(bool ok, const char *name, const char *fmt, ...)
{
	va_list ap;

	ntests++;
	npassed += ok;
	printf("%sok %u - %s\n", ok ? "" : "not ", ntests, name);
	if (!ok && fmt != NULL) {
		printf("#   ");
		va_start(ap, fmt);
		vprintf(fmt, ap);
		va_end(ap);
		printf("\n");
	}
}

static struct am_dns *
zone_of(yaml_document_t *doc, yaml_node_t *records)
{
	struct am_zone *zone = am_zone_new();
	yaml_node_pair_t *p;

	for (p = records->data.mapping.pairs.start;
	     p < records->data.mapping.pairs.top; p++) {
		yaml_node_t *v = yaml_document_get_node(doc, p->value);

		am_zone_add_txt(zone,
		    yaml_scalar(yaml_document_get_node(doc, p->key)),
		    yaml_scalar(v), yaml_scalar_len(v));
	}
	return am_dns_new_zone(zone);
}

/* The case's cv, trimmed and lower-cased: "none", "pass", "fail", "". */
static void
expected_cv(const char *cv, char *out, size_t size)
{
	size_t n = 0;

	for (; cv != NULL && *cv != '\0' && n + 1 < size; cv++)
		if (*cv != ' ' && *cv != '\n')
			out[n++] = (char)((*cv >= 'A' && *cv <= 'Z') ?
				      *cv - 'A' + 'a' : *cv);
	out[n] = '\0';
}

/* Cases whose expected cv RFC 8617 contradicts: what the RFC gives. */
static const struct {
	const char *name, *cv, *why;
} contested[] = {
	{"ams_fields_c_na", "fail",
	    "no c= means simple/simple: an AMS has the same syntax and "
	    "semantics as a DKIM-Signature (RFC 8617 4.1.2) and c= defaults "
	    "to simple/simple (RFC 6376 3.5); the case was signed "
	    "relaxed/relaxed (its signer's ARC default), so its signature "
	    "fails under the RFC's default"},
};

static void
validate(struct am_dns *dns, const char *name, const char *text, size_t len,
    const char *cv)
{
	struct am_ctx ctx;
	struct am_conn *conn;
	struct am_msg *msg;
	struct am_eml *eml;
	const struct am_verdict *v;
	char want[16], label[640];
	size_t k;

	am_ctx_init(&ctx, dns);
	ctx.clock = suite_clock;
	now = 1700000000;
	expected_cv(cv, want, sizeof(want));
	if (want[0] == '\0')
		snprintf(want, sizeof(want), "fail");
	snprintf(label, sizeof(label), "arc validation: %s (cv %s%s)", name,
	    want, cv[strspn(cv, " \n")] == '\0' ? ", blank in the suite" : "");
	for (k = 0; k < sizeof(contested) / sizeof(contested[0]); k++)
		if (strcmp(name, contested[k].name) == 0) {
			snprintf(label, sizeof(label),
			    "arc validation: %s (the "
			    "suite says cv %s; RFC 8617: %s, as %s)",
			    name, want, contested[k].cv, contested[k].why);
			snprintf(want, sizeof(want), "%s", contested[k].cv);
		}
	conn = am_conn_new(&ctx, NULL, NULL);
	msg = am_msg_new(conn, false);
	eml = am_eml_new(msg);
	am_eml_feed(eml, text, len);
	am_eml_end(eml);
	v = am_msg_finish(msg);
	report(strcmp(am_result_name(v->arc.result), want) == 0, label,
	    "got arc=%s (%s)", am_result_name(v->arc.result),
	    v->arc.reason != NULL ? v->arc.reason : "");
	am_eml_free(eml);
	am_msg_free(msg);
	am_conn_free(conn);
}

static void
end_field(struct am_arena *arena, struct am_header *h,
    const struct am_buf *value)
{
	if (h == NULL)
		return;
	h->value = am_arena_strndup(arena, am_buf_str(value), value->len);
	h->value_len = value->len;
}

/* The header fields of text (LF lines) and its body (CRLF), as an MTA
 * would hand them over. */
static struct am_header *
split(struct am_arena *arena, const char *text, struct am_buf *body)
{
	struct am_header *list = NULL, **tail = &list, *h = NULL;
	const char *line = text, *nl, *colon, *rest = NULL;
	struct am_buf value;
	size_t len;

	am_buf_init(&value, 0);
	for (; *line != '\0'; line = *nl != '\0' ? nl + 1 : nl) {
		if ((nl = strchr(line, '\n')) == NULL)
			nl = line + strlen(line);
		len = (size_t)(nl - line);
		if (h != NULL && len > 0 && (*line == ' ' || *line == '\t')) {
			am_buf_add(&value, "\r\n", 2);
			am_buf_add(&value, line, len);
			continue;
		}
		end_field(arena, h, &value);
		h = NULL;
		if (len == 0) {
			rest = *nl != '\0' ? nl + 1 : nl;
			break;
		}
		if ((colon = memchr(line, ':', len)) == NULL)
			continue;
		h = am_arena_zalloc(arena, sizeof(*h));
		h->name = am_arena_strndup(arena, line, (size_t)(colon - line));
		h->name_len = (size_t)(colon - line);
		am_buf_reset(&value);
		am_buf_add(&value, colon + 1, (size_t)(nl - colon - 1));
		*tail = h;
		tail = &h->next;
	}
	end_field(arena, h, &value);
	for (line = rest; line != NULL && *line != '\0'; line = nl + 1) {
		if ((nl = strchr(line, '\n')) == NULL)
			nl = line + strlen(line);
		am_buf_add(body, line, (size_t)(nl - line));
		am_buf_add(body, "\r\n", 2);
		if (*nl == '\0')
			break;
	}
	am_buf_release(&value);
	return list;
}

/* "srv-id; results of every Authentication-Results for srv-id". */
static const char *
merged_authres(struct am_arena *arena, const struct am_header *h,
    const char *srv_id)
{
	struct am_buf b;
	const char *id, *semi, *s;
	size_t len;

	am_buf_init(&b, 0);
	am_buf_adds(&b, srv_id);
	for (; h != NULL; h = h->next) {
		if (strcasecmp(h->name, "Authentication-Results") != 0 ||
		    (id = am_authres_authserv_id(arena, h->value,
			 h->value_len)) == NULL ||
		    strcasecmp(id, srv_id) != 0 ||
		    (semi = strchr(h->value, ';')) == NULL)
			continue;
		for (s = semi + 1; *s == ' ' || *s == '\t' || *s == '\r' ||
		     *s == '\n';
		     s++)
			;
		for (len = strlen(s); len > 0 && strchr(" \t\r\n",
						      s[len - 1]) != NULL;
		     len--)
			;
		am_buf_adds(&b, "; ");
		am_buf_add(&b, s, len);
	}
	s = am_arena_strdup(arena, am_buf_str(&b));
	am_buf_release(&b);
	return s;
}

/* A chain over the message, judged; the caller frees it. */
static struct am_arc *
chain(const struct am_ctx *ctx, struct am_dns_session *s,
    struct am_arena *arena, const struct am_header *list,
    const struct am_buf *body, struct am_arc_result *res)
{
	struct am_arc *arc = am_arc_new(ctx, s, arena, NULL, true);
	const struct am_header *h;

	for (h = list; h != NULL; h = h->next)
		am_arc_header(arc, h);
	am_arc_end_headers(arc);
	am_arc_body(arc, (const unsigned char *)body->data, body->len);
	am_arc_finish(arc, list, false, res);
	return arc;
}

/* The suite writes a field's lines without the white space that starts a
 * continuation line in a message: each line break is a fold. */
static const char *
unfolded(struct am_arena *arena, const char *v)
{
	struct am_buf b;
	const char *s;

	am_buf_init(&b, 0);
	for (; *v != '\0'; v++)
		if (*v == '\n')
			am_buf_add(&b, "\r\n ", 3);
		else
			am_buf_addc(&b, *v);
	s = am_arena_strdup(arena, am_buf_str(&b));
	am_buf_release(&b);
	return s;
}

static bool
same_field(struct am_arena *arena, const char *name, const char *got,
    const char *want)
{
	struct am_buf a, b;
	bool same;

	want = unfolded(arena, want);
	am_buf_init(&a, 0);
	am_buf_init(&b, 0);
	am_canon_header(&a, true, name, strlen(name), got, strlen(got), 0, 0,
	    false);
	am_canon_header(&b, true, name, strlen(name), want, strlen(want), 0,
	    0, false);
	same = strcmp(am_buf_str(&a), am_buf_str(&b)) == 0;
	if (!same)
		printf("#   %s\n#   got:  %s\n#   want: %s\n", name,
		    am_buf_str(&a), am_buf_str(&b));
	am_buf_release(&a);
	am_buf_release(&b);
	return same;
}

struct sign_case {
	const char *name, *srv_id, *sig_headers, *as, *ams, *aar;
	const char *key_path, *key_txt, *domain, *selector;
};

/* One message: its header fields, body, and the lookups of its keys. */
struct case_msg {
	const struct am_ctx *ctx;
	struct am_dns_session *s;
	struct am_arena *arena;
	struct am_header *list;
	struct am_buf body;
};

static struct am_arc_field *
set_field(struct am_arena *arena, enum am_arc_kind kind, const char *name,
    const char *value)
{
	struct am_arc_field *f = am_arena_zalloc(arena, sizeof(*f));

	f->kind = kind;
	f->h = arcsign_field(arena, NULL, name, value);
	f->tags = am_arena_zalloc(arena, sizeof(*f->tags));
	if (kind != AM_ARC_AAR)
		am_arc_sigtags_parse(kind, value, strlen(value), f->tags);
	return f;
}

/* Under cv=fail a seal signs its own set alone (RFC 8617 5.1.2): does
 * as verify over aar, ams and itself with the scenario's key? */
static bool
set_alone_verifies(struct am_arena *arena, const char *key_txt,
    const char *aar, const char *ams, const char *as)
{
	struct am_arc_set set[1];
	struct am_arc_keyrec rec;
	unsigned char digest[AM_ARC_HASH_LEN];
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	EVP_PKEY *key = NULL;
	unsigned bits;
	char why[96];
	bool ok;

	set[0].aar = set_field(arena, AM_ARC_AAR,
	    "ARC-Authentication-Results", aar);
	set[0].ams = set_field(arena, AM_ARC_AMS, "ARC-Message-Signature",
	    ams);
	set[0].as = set_field(arena, AM_ARC_AS, "ARC-Seal", as);
	ok = am_arc_keyrec_parse(key_txt, strlen(key_txt), &rec) &&
	    (key = am_arc_pubkey(&rec, 1024, &bits, why, sizeof(why))) !=
		NULL &&
	    EVP_DigestInit_ex(md, EVP_sha256(), NULL) == 1 &&
	    am_arc_seal_data(set, 0, 0, md) && am_arc_md_final(md, digest) &&
	    am_arc_verify_digest(key, false, digest, set[0].as->tags->b,
		set[0].as->tags->blen);
	EVP_PKEY_free(key);
	EVP_MD_CTX_free(md);
	return ok;
}

/* A chain over the message with the set on top passes our verifier. */
static bool
chain_verifies(struct case_msg *m, const char *aar, const char *ams,
    const char *as)
{
	struct am_header *list = m->list;
	struct am_arc_result res;
	struct am_arc *arc;

	list = arcsign_field(m->arena, list, "ARC-Authentication-Results", aar);
	list = arcsign_field(m->arena, list, "ARC-Message-Signature", ams);
	list = arcsign_field(m->arena, list, "ARC-Seal", as);
	arc = chain(m->ctx, m->s, m->arena, list, &m->body, &res);
	am_arc_free(arc);
	return res.result == AM_RESULT_PASS;
}

static bool
set_verifies(struct case_msg *m, const struct sign_case *c, bool cv_fail,
    const char *aar, const char *ams, const char *as)
{
	return cv_fail ? set_alone_verifies(m->arena, c->key_txt, aar, ams, as)
		       : chain_verifies(m, aar, ams, as);
}

/*
 * The AS: every tag as expected.  Signatures are deterministic (RSA
 * PKCS#1 v1.5), so when the suite's AS verifies ours must be the same
 * bytes; when it does not verify (most of this suite's do not, with
 * dkimpy as with us), ours must.
 */
static bool
seal_ok(struct case_msg *m, const struct sign_case *c,
    const struct am_arc_seal *ours, bool cv_fail)
{
	const char *aar = unfolded(m->arena, c->aar);
	const char *ams = unfolded(m->arena, c->ams);
	const char *as = unfolded(m->arena, c->as);
	struct am_arc_sigtags got, want;
	bool theirs;

	if (!am_arc_sigtags_parse(
		AM_ARC_AS, ours->as, strlen(ours->as), &got) ||
	    !am_arc_sigtags_parse(AM_ARC_AS, as, strlen(as), &want) ||
	    got.instance != want.instance || got.cv != want.cv ||
	    got.t != want.t || got.d.len != want.d.len ||
	    memcmp(got.d.p, want.d.p, got.d.len) != 0)
		return same_field(m->arena, "ARC-Seal", ours->as, c->as);
	theirs = set_verifies(m, c, cv_fail, aar, ams, as);
	if (theirs)
		return same_field(m->arena, "ARC-Seal", ours->as, c->as);
	printf("#   the suite's ARC-Seal b= does not verify (RFC 8617 5.1.1); "
	       "ours %s\n", set_verifies(m, c, cv_fail, ours->aar, ours->ams,
	    ours->as) ? "does" : "does NOT either");
	return set_verifies(m, c, cv_fail, ours->aar, ours->ams, ours->as);
}

static void
sign(struct am_dns *dns, const struct sign_case *c, const char *text,
    const char *t)
{
	struct am_arc_seal_options opt = {NULL, 0, true};
	const char *fields[AM_ARC_H_MAX], *authres;
	struct am_arc_seal sorted, rfc;
	struct am_arc_sealer *sealer;
	struct am_arc_result res;
	struct case_msg m;
	struct am_arc *arc;
	char err[256], label[160], *hs, *p;
	struct am_ctx ctx;
	bool ok, cv_fail;

	am_ctx_init(&ctx, dns);
	ctx.clock = suite_clock;
	now = (time_t)strtoll(t, NULL, 10);
	m.ctx = &ctx;
	m.arena = am_arena_new();
	m.s = am_dns_session_new(dns, m.arena);
	am_buf_init(&m.body, 0);
	m.list = split(m.arena, text, &m.body);
	hs = am_arena_strdup(m.arena, c->sig_headers);
	for (p = strtok(hs, ":"); p != NULL && opt.nheaders < AM_ARC_H_MAX;
	     p = strtok(NULL, ":"))
		fields[opt.nheaders++] = p;
	opt.headers = fields;
	authres = merged_authres(m.arena, m.list, c->srv_id);
	snprintf(label, sizeof(label), "arc signing: %s", c->name);
	if ((sealer = am_arc_sealer_new(c->key_path, c->domain, c->selector,
		 err, sizeof(err))) == NULL) {
		report(false, label, "%s", err);
		goto done;
	}
	arc = chain(&ctx, m.s, m.arena, m.list, &m.body, &res);
	am_arc_seal(arc, sealer, &res, authres, &opt, &sorted);
	opt.sorted_tags = false;
	am_arc_seal(arc, sealer, &res, authres, &opt, &rfc);
	am_arc_free(arc);
	cv_fail = res.result == AM_RESULT_FAIL;
	if (c->as[strspn(c->as, " \n")] == '\0')
		ok = sorted.aar == NULL && rfc.aar == NULL;
	else
		ok = sorted.aar != NULL && rfc.aar != NULL &&
		    same_field(m.arena, "ARC-Message-Signature", sorted.ams,
			c->ams) &
		    same_field(m.arena, "ARC-Authentication-Results",
			sorted.aar, c->aar) &
		    seal_ok(&m, c, &sorted, cv_fail) &&
		    set_verifies(&m, c, cv_fail, rfc.aar, rfc.ams, rfc.as);
	report(ok, label, "chain arc=%s (%s); sealed: %s", am_result_name(
	    res.result), res.reason != NULL ? res.reason : "", sorted.aar !=
	    NULL ? "yes" : sorted.why_not);
	am_arc_sealer_free(sealer);
done:
	am_buf_release(&m.body);
	am_dns_session_end(m.s);
	am_arena_free(m.arena);
}

static const char *
field_of(yaml_document_t *doc, yaml_node_t *map, const char *key)
{
	const char *v = yaml_scalar(yaml_map_get(doc, map, key));

	return v != NULL ? v : "";
}

/* The scenario's private key, in a file the sealer can load. */
static bool
key_file(const char *pem, char *path, size_t size)
{
	FILE *fp;
	int fd;

	snprintf(path, size, "%s/arc_suite_key.XXXXXX",
	    getenv("TMPDIR") != NULL ? getenv("TMPDIR") : "/tmp");
	if ((fd = mkstemp(path)) < 0 || (fp = fdopen(fd, "w")) == NULL)
		return false;
	fputs(pem, fp);
	return fclose(fp) == 0;
}

static void
scenario(yaml_document_t *doc, yaml_node_t *root, void *arg)
{
	bool signing = *(const bool *)arg;
	yaml_node_t *tests = yaml_map_get(doc, root, "tests"), *t;
	yaml_node_t *records = yaml_map_get(doc, root, "txt-records");
	struct sign_case c;
	const char *key_txt;
	struct am_dns *dns;
	yaml_node_pair_t *p;
	char key[256] = "";

	if (tests == NULL || records == NULL)
		return;
	dns = zone_of(doc, records);
	key_txt = records->data.mapping.pairs.top >
		records->data.mapping.pairs.start ?
	    yaml_scalar(yaml_document_get_node(doc,
		records->data.mapping.pairs.start->value)) : "";
	if (signing && !key_file(field_of(doc, root, "privatekey"), key,
			   sizeof(key)))
		report(false, "arc signing: the scenario's key", "cannot write "
		    "%s", key);
	for (p = tests->data.mapping.pairs.start;
	     p < tests->data.mapping.pairs.top; p++) {
		t = yaml_document_get_node(doc, p->value);
		c.name = yaml_scalar(yaml_document_get_node(doc, p->key));
		if (!signing) {
			validate(dns, c.name, field_of(doc, t, "message"),
			    strlen(field_of(doc, t, "message")),
			    field_of(doc, t, "cv"));
			continue;
		}
		c.srv_id = field_of(doc, t, "srv-id");
		c.sig_headers = field_of(doc, t, "sig-headers");
		c.as = field_of(doc, t, "AS");
		c.ams = field_of(doc, t, "AMS");
		c.aar = field_of(doc, t, "AAR");
		c.key_path = key;
		c.key_txt = key_txt;
		c.domain = field_of(doc, root, "domain");
		c.selector = field_of(doc, root, "sel");
		sign(dns, &c, field_of(doc, t, "message"),
		    field_of(doc, t, "t"));
	}
	if (key[0] != '\0')
		unlink(key);
	am_dns_free(dns);
}

int
main(int argc, char **argv)
{
	bool signing;

	if (argc != 3 || (strcmp(argv[1], "validate") != 0 &&
			     strcmp(argv[1], "sign") != 0)) {
		fprintf(stderr, "usage: arc_suite validate|sign SUITE.yml\n");
		return 99;
	}
	signing = strcmp(argv[1], "sign") == 0;
	if (!yaml_each_document(argv[2], scenario, &signing))
		return 99;
	printf("# %s: %u of %u cases pass\n", argv[2], npassed, ntests);
	printf("1..%u\n", ntests);
	return 0;
}
