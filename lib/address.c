/*
 * address.c - the RFC 5322 address-list parser for From: and friends.
 *
 * Implements RFC 5322 3.2 (quoted-pair, FWS, CFWS with nested comments,
 * atom, dot-atom, quoted-string), 3.4 (address-list, mailbox, name-addr,
 * angle-addr, group, addr-spec, domain-literal) and the obsolete forms of
 * 4.1 and 4.4 (obs-phrase, obs-local-part, obs-domain, obs-route,
 * obs-addr-list, obs-mbox-list and obs-group-list with empty elements,
 * obs-qtext, obs-ctext, obs-dtext, obs-qp), with RFC 6532 3.2 UTF-8 in
 * atext, qtext, ctext and dtext.
 *
 * A lexer turns the text into tokens (atom, quoted-string, domain
 * literal, one special) with the CFWS before each one skipped, and a
 * recursive descent with one token of look-ahead, one function per rule,
 * builds the addresses.  Comments nest iteratively up to
 * COMMENT_DEPTH_MAX and groups cannot nest, so nothing recurses deeper
 * than mailbox-in-group; every byte is looked at a bounded number of
 * times.  Hostile bytes are syntax errors, never guesses: NUL, a CR or LF
 * that is not a fold, invalid UTF-8, a quoted-pair of NUL, CR or LF
 * (obs-qp allows them; the header is not honest mail if it needs them).
 * A fold may be CRLF or a bare LF followed by white space, since MTAs
 * hand milters header values with LF line ends (message.h).
 *
 * The lenient am_address_find_domains() is in address_find.c.
 *
 * Results are carved from the caller's arena; scratch strings live in
 * am_buf and are freed before return.  No state: safe from any thread
 * with its own arena.
 */
#include "autoconfig.h"

#include <string.h>
#include <strings.h>

#include "address.h"
#include "buf.h"
#include "idna.h"
#include "ip.h"

/* Comments nested deeper are a syntax error, not a stack to grow. */
#define COMMENT_DEPTH_MAX 32

enum tok_type {
	T_ERROR, /* the lexer failed; why is set */
	T_END,
	T_ATOM,	   /* 1*atext */
	T_QUOTED,  /* quoted-string; s, len: the text between the quotes */
	T_LITERAL, /* domain-literal; s, len: the text between [ and ] */
	T_SPECIAL, /* one of < > : ; @ , . in c */
};

struct token {
	enum tok_type type;
	char c;
	const char *s;
	size_t len;
	bool space; /* CFWS came before it */
};

struct parser {
	struct am_arena *arena;
	const char *s;
	size_t len, pos;
	struct token tok; /* the look-ahead, when peeked */
	bool peeked;
	const char *why; /* the first error */
	struct am_buf display, local, domain;
	struct am_address_list *out;
	size_t max, cap;
};

/* Records the first error (later ones are its consequences). */
static bool
fail(struct parser *p, const char *why)
{
	if (p->why == NULL)
		p->why = why;
	return false;
}

static bool
is_wsp(char c)
{
	return c == ' ' || c == '\t';
}

/* RFC 5322 3.2.3 atext (RFC 6532 adds UTF-8, handled by the caller). */
static bool
is_atext(unsigned char c)
{
	return am_idna_name_char(c) ||
	    (c != '\0' && strchr("!#$%&'*+/=?^`{|}~", c) != NULL);
}

/*
 * Length of the line break at s[i] when it is part of a fold (RFC 5322
 * 3.2.2: CRLF followed by WSP; a bare LF as MTAs deliver it), else 0.
 */
static size_t
fold_at(const char *s, size_t len, size_t i)
{
	size_t n = 0;

	if (s[i] == '\n')
		n = 1;
	else if (s[i] == '\r' && i + 1 < len && s[i + 1] == '\n')
		n = 2;
	return n > 0 && i + n < len && is_wsp(s[i + n]) ? n : 0;
}

/*
 * Length of the character at s[i] inside a comment, quoted-string or
 * domain literal, or as the second half of a quoted-pair: any ASCII but
 * NUL, CR and LF (obs-ctext, obs-qtext, obs-dtext take the other
 * controls), or a well-formed UTF-8 character.  0 and why on error.
 */
static size_t
text_char(struct parser *p, size_t i)
{
	uint32_t cp;
	size_t n;

	if (p->s[i] == '\0')
		fail(p, "NUL byte");
	else if (p->s[i] == '\r' || p->s[i] == '\n')
		fail(p, "bare CR or LF");
	else if ((n = am_idna_utf8_decode(p->s + i, p->len - i, &cp)) == 0)
		fail(p, "invalid UTF-8");
	else
		return n;
	return 0;
}

/* A nested '(' (RFC 5322 3.2.2 ccontent), bounded. */
static bool
open_comment(struct parser *p, size_t *depth)
{
	if (++*depth > COMMENT_DEPTH_MAX)
		return fail(p, "comments nested too deeply");
	p->pos++;
	return true;
}

/*
 * Skips a comment, quoted-string or domain literal, p->pos at its opening
 * character, to just past its close.  RFC 5322 3.2.2, 3.2.4, 3.4.1: FWS,
 * quoted-pairs and text; comments nest; '[' cannot appear in a literal.
 */
static bool
scan_text(struct parser *p, char close, const char *unterminated)
{
	size_t depth = 1, n;
	char c;

	p->pos++;
	while (p->pos < p->len) {
		c = p->s[p->pos];
		if (c == close) {
			p->pos++;
			if (--depth == 0)
				return true;
			continue;
		}
		if (c == '(' && close == ')') {
			if (!open_comment(p, &depth))
				return false;
			continue;
		}
		if (c == '[' && close == ']')
			return fail(p, "'[' inside a domain literal");
		if (c == '\\') {
			/* quoted-pair: whatever follows is taken as text */
			if (++p->pos == p->len)
				break;
		} else if ((n = fold_at(p->s, p->len, p->pos)) > 0) {
			p->pos += n;
			continue;
		}
		if ((n = text_char(p, p->pos)) == 0)
			return false;
		p->pos += n;
	}
	return fail(p, unterminated);
}

/* RFC 5322 3.2.2 CFWS (and obs-FWS); sets *any when something was there. */
static bool
skip_cfws(struct parser *p, bool *any)
{
	size_t n;
	char c;

	for (; p->pos < p->len; *any = true) {
		c = p->s[p->pos];
		if (is_wsp(c))
			p->pos++;
		else if ((n = fold_at(p->s, p->len, p->pos)) > 0)
			p->pos += n;
		else if (c == '\r' || c == '\n')
			return fail(p, "bare CR or LF");
		else if (c == '(') {
			if (!scan_text(p, ')', "unterminated comment"))
				return false;
		} else
			return true;
	}
	return true;
}

/* RFC 5322 3.2.3 1*atext with RFC 6532 UTF8-non-ascii. */
static bool
lex_atom(struct parser *p, struct token *t)
{
	size_t start = p->pos, n;
	unsigned char c;
	uint32_t cp;

	while (p->pos < p->len) {
		c = (unsigned char)p->s[p->pos];
		if (c >= 0x80) {
			n = am_idna_utf8_decode(
			    p->s + p->pos, p->len - p->pos, &cp);
			if (n == 0)
				return fail(p, "invalid UTF-8");
			p->pos += n;
		} else if (is_atext(c))
			p->pos++;
		else
			break;
	}
	if (p->pos == start) /* what is left cannot start any token */
		return fail(
		    p, p->s[start] == '\0' ? "NUL byte" : "control character");
	t->type = T_ATOM;
	t->s = p->s + start;
	t->len = p->pos - start;
	return true;
}

/* A quoted-string or domain literal, as the raw text inside. */
static bool
lex_delimited(struct parser *p, struct token *t)
{
	size_t start = p->pos;
	bool quoted = p->s[start] == '"';

	if (!scan_text(p, quoted ? '"' : ']',
		quoted ? "unterminated quoted string"
		       : "unterminated domain literal"))
		return false;
	t->type = quoted ? T_QUOTED : T_LITERAL;
	t->s = p->s + start + 1;
	t->len = p->pos - start - 2;
	return true;
}

static bool
lex(struct parser *p, struct token *t)
{
	char c;

	t->space = false;
	if (!skip_cfws(p, &t->space))
		return false;
	if (p->pos == p->len) {
		t->type = T_END;
		return true;
	}
	c = p->s[p->pos];
	if (c == '"' || c == '[')
		return lex_delimited(p, t);
	if (c != '\0' && strchr("<>:;@,.", c) != NULL) {
		t->type = T_SPECIAL;
		t->c = c;
		p->pos++;
		return true;
	}
	if (c == ')')
		return fail(p, "unbalanced ')'");
	if (c == ']')
		return fail(p, "unbalanced ']'");
	if (c == '\\')
		return fail(p, "'\\' outside a quoted string");
	return lex_atom(p, t);
}

/* The look-ahead token; T_ERROR (with why set) fails every rule. */
static const struct token *
peek(struct parser *p)
{
	if (!p->peeked) {
		if (!lex(p, &p->tok))
			p->tok.type = T_ERROR;
		p->peeked = true;
	}
	return &p->tok;
}

static void
consume(struct parser *p)
{
	p->peeked = false;
}

static bool
is_special(const struct token *t, char c)
{
	return t->type == T_SPECIAL && t->c == c;
}

/*
 * Appends the inside of a quoted-string or literal, already checked by
 * scan_text(): quoted-pairs lose their backslash, folds their line break
 * (RFC 5322 3.2.4: the CRLF of FWS in a quoted-string is invisible).
 */
static void
add_unquoted(struct am_buf *b, const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		if (s[i] == '\\')
			i++;
		else if (s[i] == '\r' || s[i] == '\n')
			continue;
		am_buf_addc(b, s[i]);
	}
}

/* A word or dot of a phrase or local-part, without quotes. */
static void
add_token_text(struct am_buf *b, const struct token *t)
{
	if (t->type == T_SPECIAL)
		am_buf_addc(b, t->c);
	else if (t->type == T_ATOM)
		am_buf_add(b, t->s, t->len);
	else
		add_unquoted(b, t->s, t->len);
}

/*
 * What a run of words and dots can be: which one it is shows only at the
 * token after it ('<' or ':' after a phrase, '@' after a local-part).
 */
struct words {
	size_t n;	/* words and dots read */
	bool phrase;	/* RFC 5322 3.2.5 phrase / 4.4 obs-phrase */
	bool local;	/* RFC 5322 3.4.1 local-part / 4.4 obs-local-part */
	bool want_word; /* in a local-part, a word must come next */
};

/*
 * Reads word *(word / "." / CFWS) into p->display (words separated by one
 * space where CFWS separated them, RFC 5322 3.2.2) and p->local (words
 * and dots, CFWS removed, RFC 5322 4.4 obs-local-part).
 */
static void
read_words(struct parser *p, struct words *w)
{
	const struct token *t;
	bool word;

	memset(w, 0, sizeof(*w));
	w->local = w->want_word = true;
	am_buf_reset(&p->display);
	am_buf_reset(&p->local);
	for (;; w->n++, consume(p)) {
		t = peek(p);
		word = t->type == T_ATOM || t->type == T_QUOTED;
		if (!word && !is_special(t, '.'))
			break;
		if (w->n == 0)
			w->phrase = word; /* obs-phrase starts with a word */
		if (word != w->want_word)
			w->local = false;
		w->want_word = !word;
		if (w->n > 0 && t->space)
			am_buf_addc(&p->display, ' ');
		add_token_text(&p->display, t);
		add_token_text(&p->local, t);
	}
	if (w->want_word) /* empty, or ends with a dot */
		w->local = false;
}

/*
 * RFC 5322 3.4.1 domain = dot-atom / domain-literal, 4.4 obs-domain:
 * atoms joined by dots with CFWS around them.  Into p->domain.
 */
static bool
parse_domain(struct parser *p, bool *literal)
{
	const struct token *t = peek(p);

	am_buf_reset(&p->domain);
	*literal = t->type == T_LITERAL;
	if (*literal) {
		add_unquoted(&p->domain, t->s, t->len);
		consume(p);
		return true;
	}
	for (;;) {
		if (t->type != T_ATOM)
			return fail(p,
			    p->domain.len == 0 ? "missing domain"
					       : "invalid domain");
		am_buf_add(&p->domain, t->s, t->len);
		consume(p);
		if (!is_special(peek(p), '.'))
			return true;
		consume(p);
		am_buf_addc(&p->domain, '.');
		t = peek(p);
	}
}

/* Room for one more address in the arena array. */
static bool
grow(struct parser *p)
{
	struct am_address *addrs;
	size_t cap;

	if (p->out->count < p->cap)
		return true;
	cap = p->cap == 0 ? 4 : p->cap * 2;
	if (cap > p->max)
		cap = p->max;
	addrs = am_arena_alloc(p->arena, cap * sizeof(*addrs));
	if (addrs == NULL)
		return false;
	if (p->out->count > 0)
		memcpy(addrs, p->out->addrs, p->out->count * sizeof(*addrs));
	p->out->addrs = addrs;
	p->cap = cap;
	return true;
}

static const char *
buf_dup(struct parser *p, const struct am_buf *b)
{
	return am_arena_strndup(p->arena, am_buf_str(b), b->len);
}

/* Stores p->local @ p->domain, or counts it past max. */
static bool
add_address(struct parser *p, const char *display, bool literal, bool in_group)
{
	struct am_address *a;

	if (p->out->count == p->max) {
		p->out->truncated = true;
		return true;
	}
	if (am_buf_failed(&p->local) || am_buf_failed(&p->domain) || !grow(p))
		return fail(p, "out of memory");
	a = &p->out->addrs[p->out->count];
	a->display = display;
	a->local = buf_dup(p, &p->local);
	a->domain = buf_dup(p, &p->domain);
	a->domain_len = p->domain.len;
	a->literal = literal;
	a->in_group = in_group;
	if (a->local == NULL || a->domain == NULL)
		return fail(p, "out of memory");
	p->out->count++;
	return true;
}

/* Keeps the display name read last, unless the address will not be. */
static bool
dup_display(struct parser *p, const char **display)
{
	if (p->out->count == p->max)
		return true;
	if (am_buf_failed(&p->display) ||
	    (*display = buf_dup(p, &p->display)) == NULL)
		return fail(p, "out of memory");
	return true;
}

/* RFC 5322 3.4.1 addr-spec: its local-part read as w, at the '@'. */
static bool
addr_spec_tail(struct parser *p, const struct words *w, bool *literal)
{
	if (!is_special(peek(p), '@'))
		return fail(p, "missing '@'");
	if (!w->local)
		return fail(p, "invalid local-part");
	consume(p);
	return parse_domain(p, literal);
}

/*
 * RFC 5322 4.4 obs-route = obs-domain-list ":", with obs-domain-list =
 * *(CFWS / ",") "@" domain *("," [CFWS] ["@" domain]).  The domains are
 * an old source route: checked, then ignored, as 4.4 says.
 */
static bool
parse_route(struct parser *p)
{
	bool literal;

	while (is_special(peek(p), ','))
		consume(p);
	if (!is_special(peek(p), '@'))
		return fail(p, "invalid route");
	for (;;) {
		if (is_special(peek(p), '@')) {
			consume(p);
			if (!parse_domain(p, &literal))
				return false;
		}
		if (!is_special(peek(p), ','))
			break;
		consume(p);
	}
	if (!is_special(peek(p), ':'))
		return fail(p, "invalid route");
	consume(p);
	return true;
}

/* RFC 5322 3.4 angle-addr and 4.4 obs-angle-addr, at the '<'. */
static bool
parse_angle(struct parser *p, const char *display, bool in_group)
{
	struct words w;
	bool literal;

	consume(p);
	if ((is_special(peek(p), '@') || is_special(peek(p), ',')) &&
	    !parse_route(p))
		return false;
	read_words(p, &w);
	if (w.n == 0 && is_special(peek(p), '>'))
		return fail(p, "empty angle address");
	if (!addr_spec_tail(p, &w, &literal))
		return false;
	if (!is_special(peek(p), '>'))
		return fail(p, "unbalanced '<'");
	consume(p);
	return add_address(p, display, literal, in_group);
}

/* Why the words read are not followed by what makes them an address. */
static const char *
no_address_why(const struct words *w, const struct token *t)
{
	if (is_special(t, '>'))
		return "unbalanced '>'";
	if (is_special(t, ':'))
		return "group without a name";
	if (t->type == T_LITERAL)
		return "domain literal without '@'";
	if (w->n == 0)
		return "expected an address";
	return w->local ? "missing '@'" : "display name without an address";
}

static bool parse_group(struct parser *p);

/*
 * RFC 5322 3.4 address = mailbox / group, mailbox = name-addr /
 * addr-spec.  A group member cannot be a group (3.4: group-list is a
 * mailbox-list), which also bounds the recursion.
 */
static bool
parse_address(struct parser *p, bool in_group)
{
	const struct token *t;
	const char *display = NULL;
	struct words w;
	bool literal;

	read_words(p, &w);
	t = peek(p);
	if (is_special(t, '<')) {
		if (w.n > 0 && !w.phrase)
			return fail(p, "invalid display name");
		if (w.n > 0 && !dup_display(p, &display))
			return false;
		return parse_angle(p, display, in_group);
	}
	if (is_special(t, ':') && w.phrase) {
		if (in_group)
			return fail(p, "group inside a group");
		consume(p);
		return parse_group(p);
	}
	if (is_special(t, '@')) {
		if (!addr_spec_tail(p, &w, &literal))
			return false;
		return add_address(p, NULL, literal, in_group);
	}
	return fail(p, no_address_why(&w, t));
}

/*
 * RFC 5322 3.4 group after its ':': [group-list] ";" [CFWS], where
 * group-list = mailbox-list / CFWS / obs-group-list and 4.4 allows empty
 * elements ("a@b.example, , c@d.example").
 */
static bool
parse_group(struct parser *p)
{
	const struct token *t;

	for (;;) {
		t = peek(p);
		if (is_special(t, ';')) {
			consume(p);
			return true;
		}
		if (is_special(t, ',')) {
			consume(p);
			continue;
		}
		if (t->type == T_END)
			return fail(p, "unterminated group");
		if (!parse_address(p, true))
			return false;
		t = peek(p);
		if (!is_special(t, ',') && !is_special(t, ';'))
			return fail(p,
			    t->type == T_END
				? "unterminated group"
				: "expected ',' or ';' in a group");
	}
}

/* Where a complete address must be followed by ',' or the end. */
static bool
after_address(struct parser *p)
{
	const struct token *t = peek(p);

	if (t->type == T_END || is_special(t, ','))
		return true;
	return fail(p,
	    is_special(t, '>') ? "unbalanced '>'"
			       : "expected ',' between addresses");
}

/*
 * RFC 5322 3.4 address-list and 4.4 obs-addr-list: addresses separated
 * by commas, with empty elements anywhere, at least one address.
 */
bool
am_address_parse_list(struct am_arena *arena, const char *text, size_t len,
    size_t max, struct am_address_list *out, const char **why)
{
	struct parser p;
	bool any = false;

	memset(&p, 0, sizeof(p));
	memset(out, 0, sizeof(*out));
	p.arena = arena;
	p.s = text;
	p.len = len;
	p.out = out;
	p.max = max;
	am_buf_init(&p.display, 0);
	am_buf_init(&p.local, 0);
	am_buf_init(&p.domain, 0);
	for (;;) {
		if (is_special(peek(&p), ',')) {
			consume(&p);
			continue;
		}
		if (peek(&p)->type == T_END)
			break;
		if (!parse_address(&p, false) || !after_address(&p))
			break;
		any = true;
	}
	if (!any)
		fail(&p, "empty address list");
	am_buf_release(&p.display);
	am_buf_release(&p.local);
	am_buf_release(&p.domain);
	*why = p.why;
	return p.why == NULL;
}

bool
am_address_ip_literal(const char *s, size_t len)
{
	struct am_ip ip;

	if (len > 5 && strncasecmp(s, "IPv6:", 5) == 0)
		return am_ip_parse(s + 5, len - 5, &ip) &&
		    ip.family == AM_IP_V6;
	return am_ip_parse(s, len, &ip) && ip.family == AM_IP_V4;
}
