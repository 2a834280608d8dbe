# corpus.sh - the messages that test/milterbench sends to the daemon
# (sourced by test/bench_daemon.sh, test/soak.sh and test/abuse.sh), made
# at run time against the DNS of test/data/e2e/test.zone, which the
# caller serves with nsd, its DKIM key made by corpus_dns.
#
#   corpus_dns DIR      makes the key of sel._domainkey.example.test and
#                       writes DIR/zones/*.zone (the test zones with it)
#   corpus_make DIR     writes the messages under DIR/msg/ and the corpus
#                       files DIR/everyday.corpus (the everyday case: a
#                       5 KB newsletter signed by its domain, SPF, DKIM
#                       and DMARC pass) and DIR/mixed.corpus (signed and
#                       unsigned, pass, fail, quarantine and reject, from
#                       300 bytes to 100 KB)
#
# Needs $top_builddir/test/e2e_sign.  Corpus lines are "CLIENT_IP
# MAIL_FROM VERDICT FILE" (test/milterbench.c).

corpus_dns() {
	mkdir -p "$1/zones" || return 1
	"$top_builddir/test/e2e_sign" key 2048 sel._domainkey.example.test. \
		"$1/key" >/dev/null || return 1
	cat "$top_srcdir/test/data/e2e/test.zone" "$1/key.zone" \
		>"$1/zones/test.zone" &&
		cp "$top_srcdir"/test/data/e2e/*.arpa.zone "$1/zones/"
}

# corpus_text FROM SUBJECT LINES: a message of about 60 bytes a line.
corpus_text() {
	printf 'From: %s\nTo: reader@dest.test\nSubject: %s\n' "$1" "$2"
	printf 'Date: Mon, 23 Nov 2026 10:00:00 +0000\n'
	printf 'Message-ID: <%s.%s@bench.test>\nMIME-Version: 1.0\n' "$3" "$RANDOM"
	printf 'Content-Type: text/plain; charset=us-ascii\n\n'
	for i in $(seq 1 "$3"); do
		printf 'Line %04d of the newsletter, long enough to look like text.\n' "$i"
	done
}

corpus_sign() {
	"$top_builddir/test/e2e_sign" sign "$1/key.pem" example.test sel "$2"
}

corpus_make() {
	local d=$1 m=$1/msg
	mkdir -p "$m" || return 1
	# the everyday case: 5.3 KB signed, from the domain's own server
	corpus_text news@example.test "November news" 78 >"$m/plain-5k.eml"
	corpus_sign "$d" "$m/plain-5k.eml" >"$m/signed-5k.eml" || return 1
	# a large one, 100 KB: two body chunks of the milter protocol
	corpus_text news@example.test "The long read" 1600 >"$m/plain-100k.eml"
	corpus_sign "$d" "$m/plain-100k.eml" >"$m/signed-100k.eml" || return 1
	# signed, then altered in transit (a tagged subject)
	sed 's/^Subject: /Subject: [EXTERNAL] /' "$m/signed-5k.eml" \
		>"$m/altered.eml"
	corpus_text news@example.test "Short note" 10 >"$m/plain-1k.eml"
	corpus_text news@other.test "Other news" 3 >"$m/other.eml"
	corpus_text news@nodmarc.test "No policy" 20 >"$m/nodmarc.eml"
	# a forged Authentication-Results claiming our authserv-id
	{
		printf 'Authentication-Results: mx.bench.test; dmarc=pass header.from=example.test\n'
		cat "$m/plain-1k.eml"
	} >"$m/forged.eml"
	# a list message from a p=reject domain: quarantined, not rejected
	{
		printf 'List-Id: <news.lists.example.net>\n'
		corpus_text news@example.test "[list] hello" 3
	} >"$m/list.eml"
	printf '192.0.2.7 <news@example.test> accept %s\n' "$m/signed-5k.eml" \
		>"$d/everyday.corpus"
	{
		printf '192.0.2.7 <news@example.test> accept %s\n' "$m/signed-5k.eml"
		printf '192.0.2.7 <news@example.test> accept %s\n' "$m/signed-100k.eml"
		printf '192.0.2.7 <news@example.test> accept %s\n' "$m/plain-1k.eml"
		printf '203.0.113.9 <news@example.test> reject %s\n' "$m/plain-1k.eml"
		printf '198.51.100.9 <b@esp.test> reject %s\n' "$m/altered.eml"
		printf '198.51.100.9 <b@esp.test> accept %s\n' "$m/signed-5k.eml"
		printf '203.0.113.9 <news@other.test> quarantine %s\n' "$m/other.eml"
		printf '192.0.2.7 <news@nodmarc.test> accept %s\n' "$m/nodmarc.eml"
		printf '192.0.2.7 <news@example.test> accept %s\n' "$m/forged.eml"
		printf '203.0.113.9 <news@example.test> quarantine %s\n' "$m/list.eml"
		printf '192.0.2.7 <> accept %s\n' "$m/signed-5k.eml"
	} >"$d/mixed.corpus"
}
