/*
 * arcsign.c - test-only ARC sealing and checking from message text (see
 * arcsign.h).
 */
#include "autoconfig.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "arcsign.h"

struct am_arc_sealer *
arcsign_sealer(const struct dkimsign_key *key, const char *domain,
    const char *selector)
{
	char path[] = "/tmp/arcsign.XXXXXX", err[256];
	struct am_arc_sealer *s;
	FILE *fp;
	int fd;

	if ((fd = mkstemp(path)) < 0 || (fp = fdopen(fd, "w")) == NULL) {
		perror(path);
		return NULL;
	}
	fputs(key->private_pem, fp);
	fclose(fp);
	if ((s = am_arc_sealer_new(path, domain, selector, err,
		 sizeof(err))) == NULL)
		fprintf(stderr, "arcsign: %s\n", err);
	unlink(path);
	return s;
}

struct am_header *
arcsign_field(struct am_arena *arena, struct am_header *next, const char *name,
    const char *value)
{
	struct am_header *h = am_arena_zalloc(arena, sizeof(*h));

	if (h == NULL)
		return next;
	h->name = name;
	h->name_len = strlen(name);
	h->value = value;
	h->value_len = strlen(value);
	h->next = next;
	return h;
}

struct collect {
	struct am_arena *arena;
	struct am_header *list, **tail;
	struct am_buf *body;
};

static void
on_header(void *arg, const char *name, size_t name_len, const char *value,
    size_t value_len)
{
	struct collect *c = arg;
	struct am_header *h = am_arena_zalloc(c->arena, sizeof(*h));

	if (h == NULL)
		return;
	h->name = am_arena_strndup(c->arena, name, name_len);
	h->name_len = name_len;
	h->value = am_arena_strndup(c->arena, value, value_len);
	h->value_len = value_len;
	*c->tail = h;
	c->tail = &h->next;
}

static void
on_body(void *arg, const unsigned char *chunk, size_t len)
{
	struct collect *c = arg;

	am_buf_add(c->body, chunk, len);
}

struct am_header *
arcsign_headers(struct am_arena *arena, const char *msg, struct am_buf *body)
{
	struct collect c = {arena, NULL, NULL, body};
	struct dkimsign_sink sink = {on_header, on_body, &c};

	c.tail = &c.list;
	dkimsign_split(msg, strlen(msg), 0, &sink);
	return c.list;
}

struct am_arc *
arcsign_check(const struct am_ctx *ctx, struct am_dns_session *dns,
    struct am_arena *arena, const char *msg, struct am_arc_result *out)
{
	struct am_arc *arc = am_arc_new(ctx, dns, arena, NULL, true);
	const struct am_header *h, *list;
	struct am_buf body;

	am_buf_init(&body, 0);
	list = arcsign_headers(arena, msg, &body);
	for (h = list; h != NULL; h = h->next)
		am_arc_header(arc, h);
	am_arc_end_headers(arc);
	/* in two pieces: the body hash must not depend on chunking */
	am_arc_body(arc, (const unsigned char *)body.data, body.len / 2);
	am_arc_body(arc, (const unsigned char *)body.data + body.len / 2,
	    body.len - body.len / 2);
	am_arc_finish(arc, list, false, out);
	am_buf_release(&body);
	return arc;
}

/* "Name: value" with the value's LF folds made CRLF. */
static void
add_field(struct am_buf *b, const char *name, const char *value)
{
	am_buf_printf(b, "%s: ", name);
	for (; *value != '\0'; value++) {
		if (*value == '\n')
			am_buf_addc(b, '\r');
		am_buf_addc(b, *value);
	}
	am_buf_adds(b, "\r\n");
}

char *
arcsign_seal(const struct am_ctx *ctx, struct am_dns_session *dns,
    struct am_arena *arena, const struct am_arc_sealer *sealer,
    const char *authres, const char *msg)
{
	struct am_arc_result res;
	struct am_arc_seal seal;
	struct am_arc *arc = arcsign_check(ctx, dns, arena, msg, &res);
	struct am_buf b;
	char *out = NULL;

	am_arc_seal(arc, sealer, &res, authres, NULL, &seal);
	am_arc_free(arc);
	if (seal.aar == NULL) {
		fprintf(stderr, "arcsign: not sealed: %s\n", seal.why_not);
		return NULL;
	}
	am_buf_init(&b, 0);
	add_field(&b, "ARC-Seal", seal.as);
	add_field(&b, "ARC-Message-Signature", seal.ams);
	add_field(&b, "ARC-Authentication-Results", seal.aar);
	am_buf_adds(&b, msg);
	if (!am_buf_failed(&b))
		out = strdup(am_buf_str(&b));
	am_buf_release(&b);
	return out;
}
