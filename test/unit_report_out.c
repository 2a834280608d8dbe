/* unit_report_out.c - what leaves the site: the RFC 9990 document (its
 * element order, escaping of hostile values, the encoded lists decoded,
 * the override types), gzip and base64, the rua=/ruf= URI lists, the
 * Report-ID, file name and Subject (3.5.1, 3.5.2), and the failure
 * report's fields (RFC 6591, RFC 9991 4). */
#include "autoconfig.h"

#include <stdlib.h>
#include <string.h>

#include <zlib.h>

#include "testlib.h"
#include "base64.h"
#include "buf.h"
#include "gzip.h"
#include "report_mail.h"
#include "report_uri.h"
#include "report_xml.h"

/* needles appear in hay in this order */
static void
in_order(const char *hay, const char *const *needles)
{
	const char *at = hay, *p;

	for (; *needles != NULL; needles++) {
		if ((p = strstr(at, *needles)) == NULL)
			fail_msg("\"%s\" missing or out of order in:\n%s",
			    *needles, hay);
		at = p + strlen(*needles);
	}
}

static const struct am_report_meta meta = {"Example Org", "dmarc@example.net",
    NULL, "1700000000.example.com@mx.example.net", 1699920000, 1700006399,
    NULL, "authmilter test"};
static const struct am_report_policy policy = {"example.com", "reject",
    NULL, "quarantine", "r", "s", "n", "1:d"};

static void
out_xml_follows_the_schema_order(void **state)
{
	struct am_report_record r = {"192.0.2.7", 12, "quarantine", "fail",
	    "pass", "list\tlist mail: List-Id\n", "example.com", "esp.example",
	    "example.com\tsel\tfail\nother.example\ts2\tpass\n", "esp.example",
	    "mfrom", "pass"};
	static const char *const order[] = {
	    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>",
	    "<feedback xmlns=\"urn:ietf:params:xml:ns:dmarc-2.0\">",
	    "<version>1.0</version>", "<report_metadata>",
	    "<org_name>Example Org</org_name>",
	    "<email>dmarc@example.net</email>",
	    "<report_id>1700000000.example.com@mx.example.net</report_id>",
	    "<begin>1699920000</begin>", "<end>1700006399</end>",
	    "<generator>authmilter test</generator>", "</report_metadata>",
	    "<policy_published>", "<domain>example.com</domain>",
	    "<p>reject</p>", "<np>quarantine</np>", "<aspf>s</aspf>",
	    "<fo>1:d</fo>", "</policy_published>", "<record>", "<row>",
	    "<source_ip>192.0.2.7</source_ip>", "<count>12</count>",
	    "<policy_evaluated>", "<disposition>quarantine</disposition>",
	    "<dkim>fail</dkim>", "<spf>pass</spf>", "<reason>",
	    "<type>mailing_list</type>",
	    "<comment>list mail: List-Id</comment>", "</policy_evaluated>",
	    "</row>", "<identifiers>", "<header_from>example.com</header_from>",
	    "<envelope_from>esp.example</envelope_from>", "</identifiers>",
	    "<auth_results>", "<dkim>", "<domain>example.com</domain>",
	    "<selector>sel</selector>", "<result>fail</result>", "</dkim>",
	    "<dkim>", "<domain>other.example</domain>", "</dkim>", "<spf>",
	    "<domain>esp.example</domain>", "<scope>mfrom</scope>",
	    "<result>pass</result>", "</spf>", "</auth_results>", "</record>",
	    "</feedback>", NULL};
	struct am_buf b;

	(void)state;
	am_buf_init(&b, 0);
	am_report_xml_head(&b, &meta, &policy);
	am_report_xml_record(&b, &r);
	am_report_xml_tail(&b);
	in_order(am_buf_str(&b), order);
	assert_null(strstr(am_buf_str(&b), "<sp>"));
	assert_null(strstr(am_buf_str(&b), "extra_contact_info"));
	am_buf_release(&b);
}

static void
out_xml_escapes_and_drops_what_does_not_decode(void **state)
{
	struct am_report_record r = {"192.0.2.7", 1, "bogus", "maybe", "pass",
	    "forwarder\t<a&b>\"\nnotab\narc\t\nnew-rule\tsaid \xff\n",
	    "ex<am>ple.com", "", "x.example\ts\tweird\nonly\ttwo\n"
				 "d.example\ts<1>\tpass\n",
	    NULL, NULL, NULL};
	struct am_buf b;
	const char *x;

	(void)state;
	am_buf_init(&b, 0);
	am_report_xml_record(&b, &r);
	x = am_buf_str(&b);
	test_contains(x, "<disposition>none</disposition>");
	test_contains(x, "<dkim>fail</dkim>");
	test_contains(x, "<type>trusted_forwarder</type>\n"
		    "          <comment>&lt;a&amp;b&gt;&quot;</comment>");
	test_contains(x, "<type>trusted_forwarder</type>\n"
		    "          <comment>arc</comment>");
	test_contains(x, "<type>other</type>\n"
		    "          <comment>new-rule: said ?</comment>");
	assert_null(strstr(x, "notab"));
	test_contains(x, "<header_from>ex&lt;am&gt;ple.com</header_from>");
	test_contains(x, "<envelope_from></envelope_from>");
	assert_null(strstr(x, "x.example"));
	assert_null(strstr(x, "only"));
	test_contains(x, "<selector>s&lt;1&gt;</selector>");
	assert_null(strstr(x, "<spf>\n")); /* no SPF result: no element */
	am_buf_release(&b);
}

static void
out_override_types(void **state)
{
	static const char *const map[][2] = {{"list", "mailing_list"},
	    {"forwarder", "trusted_forwarder"}, {"srs", "trusted_forwarder"},
	    {"arc", "trusted_forwarder"}, {"test-mode", "policy_test_mode"},
	    {"dry-run", "local_policy"}, {"mode", "local_policy"},
	    {"trusted-network", "local_policy"}, {"pinned", "other"},
	    {"temperror", "other"}};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(map) / sizeof(*map); i++)
		assert_string_equal(am_report_override_type(map[i][0],
					strlen(map[i][0])), map[i][1]);
}

static void
out_gzip_inflates_back(void **state)
{
	char text[20000], back[20000];
	struct am_buf gz;
	z_stream z;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(text); i++)
		text[i] = (char)('a' + i % 7);
	am_buf_init(&gz, 0);
	assert_true(am_gzip(text, sizeof(text), &gz));
	assert_true(gz.len < 1000);
	assert_int_equal((unsigned char)gz.data[0], 0x1f); /* RFC 1952 ID */
	assert_int_equal((unsigned char)gz.data[1], 0x8b);
	memset(&z, 0, sizeof(z));
	assert_int_equal(inflateInit2(&z, 15 + 16), Z_OK);
	z.next_in = (unsigned char *)gz.data;
	z.avail_in = (unsigned)gz.len;
	z.next_out = (unsigned char *)back;
	z.avail_out = sizeof(back);
	assert_int_equal(inflate(&z, Z_FINISH), Z_STREAM_END);
	assert_int_equal(z.total_out, sizeof(text));
	inflateEnd(&z);
	assert_memory_equal(text, back, sizeof(text));
	am_buf_release(&gz);
}

static void
out_base64_lines(void **state)
{
	unsigned char data[100];
	struct am_buf b;
	size_t i;

	(void)state;
	am_buf_init(&b, 0);
	am_base64_encode_mime(&b, "foobar", 6);
	am_base64_encode_mime(&b, "fo", 2);
	assert_string_equal(am_buf_str(&b), "Zm9vYmFy\nZm8=\n");
	am_buf_reset(&b);
	for (i = 0; i < sizeof(data); i++)
		data[i] = (unsigned char)i;
	am_base64_encode_mime(&b, data, sizeof(data));
	assert_int_equal(strchr(am_buf_str(&b), '\n') - am_buf_str(&b), 76);
	assert_int_equal(b.len, 136 + 2);
	am_buf_release(&b);
}

struct uri_case {
	const char *name, *list;
	size_t n;
	unsigned ignored;
	const char *address0, *host0, *uri0;
};

static const struct uri_case uri_cases[] = {
	{"one mailto", "mailto:d@example.com", 1, 0, "d@example.com",
	    "example.com", "mailto:d@example.com"},
	{"two, with white space", "mailto:a@x.example , mailto:b@y.example",
	    2, 0, "a@x.example", "x.example", "mailto:a@x.example"},
	{"the obsolete size is dropped", "mailto:d@example.com!10m", 1, 0,
	    "d@example.com", "example.com", "mailto:d@example.com"},
	{"percent escapes", "mailto:d%2Bx@Example.COM", 1, 0, "d+x@Example.COM",
	    "example.com", "mailto:d%2Bx@Example.COM"},
	{"another scheme is ignored", "https://r.example/dmarc", 0, 1, NULL,
	    NULL, NULL},
	{"the scheme is case-insensitive", "MAILTO:d@example.com", 1, 0,
	    "d@example.com", "example.com", "MAILTO:d@example.com"},
	{"header fields are dropped", "mailto:d@example.com?subject=x", 1, 0,
	    "d@example.com", "example.com", "mailto:d@example.com"},
	{"no local part", "mailto:@example.com", 0, 1, NULL, NULL, NULL},
	{"no domain", "mailto:d", 0, 1, NULL, NULL, NULL},
	{"a single-label domain", "mailto:d@localhost", 0, 1, NULL, NULL,
	    NULL},
	{"a bad escape", "mailto:d%zz@example.com", 0, 1, NULL, NULL, NULL},
	{"an encoded comma is not a list", "mailto:a%2Cb@example.com", 0, 1,
	    NULL, NULL, NULL},
	{"empty items are skipped", " , mailto:d@example.com,", 1, 0,
	    "d@example.com", "example.com", "mailto:d@example.com"},
	{"a bad one among good ones", "mailto:x, mailto:d@example.com", 1, 1,
	    "d@example.com", "example.com", "mailto:d@example.com"},
};

static void
out_uris(void **state)
{
	const struct uri_case *c = *state;
	struct am_arena *arena = am_arena_new();
	struct am_report_uri u[AM_REPORT_URIS_MAX];
	unsigned ignored = 99;
	size_t n;

	n = am_report_uris(arena, c->list, strlen(c->list), u,
	    AM_REPORT_URIS_MAX, &ignored);
	assert_int_equal(n, c->n);
	assert_int_equal(ignored, c->ignored);
	if (n > 0) {
		assert_string_equal(u[0].address, c->address0);
		assert_string_equal(u[0].host, c->host0);
		assert_string_equal(u[0].uri, c->uri0);
	}
	am_arena_free(arena);
}

static void
out_uris_keep_to_the_limit(void **state)
{
	struct am_arena *arena = am_arena_new();
	struct am_report_uri u[2];
	const char *list = "mailto:a@x.example,mailto:b@x.example,"
			   "mailto:c@x.example";
	unsigned ignored;

	(void)state;
	assert_int_equal(am_report_uris(arena, list, strlen(list), u, 2,
			     &ignored), 2);
	assert_int_equal(ignored, 1);
	am_arena_free(arena);
}

struct id_case {
	const char *name, *format;
	unsigned chunk;
	const char *want; /* NULL: refused */
};

static const struct id_case id_cases[] = {
	{"the default", "%b.%d@%s", 0,
	    "1700000000.example.com@mx.example.net"},
	{"a chunk goes before the @", "%b.%d@%s", 2,
	    "1700000000.example.com.2@mx.example.net"},
	{"no @", "%d-%b-%e", 0, "example.com-1700000000-1700086399"},
	{"a chunk without @ is appended", "%d-%b", 3,
	    "example.com-1700000000.3"},
	{"a percent sign", "r%%%b", 0, "r%1700000000"},
	{"an unknown directive", "%x", 0, NULL},
	{"two @", "%b@%d@%s", 0, NULL},
	{"a space", "%b %d", 0, NULL},
	{"a double dot", "%b..%d", 0, NULL},
	{"empty", "", 0, NULL},
};

static void
out_report_id(void **state)
{
	const struct id_case *c = *state;
	const char *why = NULL;
	struct am_buf b;
	bool ok;

	am_buf_init(&b, 0);
	ok = am_report_id(&b, c->format, "example.com", 1700000000,
	    1700086399, "mx.example.net", c->chunk, &why);
	if (c->want == NULL) {
		assert_false(ok);
		assert_non_null(why);
		assert_false(am_report_id_format_valid(c->format, &why));
	} else {
		assert_true(ok);
		assert_string_equal(am_buf_str(&b), c->want);
	}
	am_buf_release(&b);
}

static void
out_filename_and_date(void **state)
{
	struct am_buf b;

	(void)state;
	am_buf_init(&b, 0);
	am_report_filename(&b, "mail.receiver.example", "example.com",
	    1013662812, 1013749130, 0);
	/* RFC 9990 3.5.2's own example */
	assert_string_equal(am_buf_str(&b), "mail.receiver.example!example.com"
					    "!1013662812!1013749130.xml.gz");
	am_buf_reset(&b);
	am_report_filename(&b, "r.example", "example.com", 1, 2, 3);
	assert_string_equal(am_buf_str(&b), "r.example!example.com!1!2!3.xml.gz");
	am_buf_reset(&b);
	am_report_date(&b, 1795420800);
	assert_string_equal(am_buf_str(&b), "Mon, 23 Nov 2026 08:00:00 +0000");
	am_buf_release(&b);
}

static void
out_aggregate_message(void **state)
{
	struct am_report_mail m = {"dmarc@example.net", "d@example.com",
	    "Example Org", "example.com", "mx.example.net",
	    "1700000000.example.com@mx.example.net", 1700090000, 1700000000,
	    1700086399, "mx.example.net!example.com!1700000000!1700086399"
			 ".xml.gz",
	    "\x1f\x8b", 2};
	static const char *const order[] = {"From: dmarc@example.net\n",
	    "To: d@example.com\n", "Date: ", "MIME-Version: 1.0\n",
	    "Subject: Report Domain: example.com\n Submitter: mx.example.net\n"
	    " Report-ID: <1700000000.example.com@mx.example.net>\n",
	    "Message-ID: <1700000000.example.com@mx.example.net>\n",
	    "Content-Type: multipart/mixed; boundary=\"",
	    "Content-Type: text/plain", "Example Org",
	    "Content-Type: application/gzip; name=\"mx.example.net!example.com"
	    "!1700000000!1700086399.xml.gz\"\n",
	    "Content-Disposition: attachment; filename=\"mx.example.net!",
	    "Content-Transfer-Encoding: base64\n\nH4s=\n", NULL};
	struct am_buf b;

	(void)state;
	am_buf_init(&b, 0);
	am_report_mail_aggregate(&b, &m);
	in_order(am_buf_str(&b), order);
	am_buf_release(&b);
}

static void
out_failure_message(void **state)
{
	struct am_report_failure f;
	struct am_report_fmail m = {"dmarc@example.net", "f@example.com",
	    "authmilter/test", "failure.7.1700000000@mx.example.net",
	    1700000100, "v=spf1 ip4:192.0.2.0/24 \"-all"};
	static const char *const order[] = {"Subject: DMARC failure report "
					    "(dmarc) for example.com from "
					    "203.0.113.5\n",
	    "Message-ID: <failure.7.1700000000@mx.example.net>\n",
	    "multipart/report; report-type=feedback-report;",
	    "Content-Type: message/feedback-report\n",
	    "Feedback-Type: auth-failure\nUser-Agent: authmilter/test\n"
	    "Version: 1\nAuth-Failure: dmarc\n",
	    "Authentication-Results: mx; dmarc=fail header.from=example.com\n",
	    "Identity-Alignment: dkim, spf\n", "DKIM-Domain: example.com\n",
	    "DKIM-Identity: @example.com\n", "DKIM-Selector: sel\n",
	    "SPF-DNS: txt : example.com : \"v=spf1 ip4:192.0.2.0/24 \\\"-all\"\n",
	    "Original-Envelope-Id: 4Xk2p1\n",
	    "Original-Mail-From: <redacted@example.com>\n", "Arrival-Date: ",
	    "Source-IP: 203.0.113.5\n", "Reported-Domain: example.com\n",
	    "Delivery-Result: reject\n", "Content-Type: text/rfc822-headers\n",
	    "From: redacted@example.com\nSubject: hi\n", NULL};
	struct am_buf b;

	(void)state;
	memset(&f, 0, sizeof(f));
	f.received = 1700000000;
	f.policy_domain = f.header_from = "example.com";
	f.source_ip = "203.0.113.5";
	f.kind = f.auth_failure = "dmarc";
	f.identity_alignment = "dkim, spf";
	f.authres = "mx; dmarc=fail header.from=example.com";
	f.dkim_domain = "example.com";
	f.dkim_selector = "sel";
	f.dkim_identity = "@example.com";
	f.spf_domain = "example.com";
	f.mail_from = "<redacted@example.com>";
	f.queue_id = "4Xk2p1";
	f.delivery = "reject";
	f.headers = "From: redacted@example.com\r\nSubject: hi\r\n";
	am_buf_init(&b, 0);
	am_report_mail_failure(&b, &f, &m);
	in_order(am_buf_str(&b), order);
	assert_null(strchr(am_buf_str(&b), '\r'));
	am_buf_release(&b);
}

#define NELEM(a) (sizeof(a) / sizeof(*(a)))

int
main(void)
{
	static const struct CMUnitTest fixed[] = {
		cmocka_unit_test(out_xml_follows_the_schema_order),
		cmocka_unit_test(out_xml_escapes_and_drops_what_does_not_decode),
		cmocka_unit_test(out_override_types),
		cmocka_unit_test(out_gzip_inflates_back),
		cmocka_unit_test(out_base64_lines),
		cmocka_unit_test(out_uris_keep_to_the_limit),
		cmocka_unit_test(out_filename_and_date),
		cmocka_unit_test(out_aggregate_message),
		cmocka_unit_test(out_failure_message),
	};
	enum { NTESTS = NELEM(uri_cases) + NELEM(id_cases) + NELEM(fixed) };
	static struct CMUnitTest tests[NTESTS];
	static char names[NTESTS][160];
	size_t n = 0, i;

	test_add_rows(tests, &n, names, "uri: ", uri_cases, NELEM(uri_cases),
	    sizeof(uri_cases[0]), out_uris);
	test_add_rows(tests, &n, names, "report-id: ", id_cases,
	    NELEM(id_cases), sizeof(id_cases[0]), out_report_id);
	for (i = 0; i < NELEM(fixed); i++)
		tests[n++] = fixed[i];
	return _cmocka_run_group_tests("report_out", tests, n, NULL, NULL);
}
