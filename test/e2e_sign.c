/*
 * e2e_sign.c - DKIM keys and signatures for the end-to-end suite
 * (test/e2e.sh), made at test time with the same signer as the unit
 * tests (dkimsign.c: OpenSSL keys, libopendkim's signer).
 *
 *   e2e_sign key BITS OWNER PREFIX
 *	writes PREFIX.pem (a fresh RSA private key) and PREFIX.zone, the key
 *	record as a zone file line for OWNER (split into character-strings),
 *	and PREFIX.pkcs1.zone, the same key as a bare PKCS#1 RSAPublicKey
 *   e2e_sign sign PREFIX.pem DOMAIN SELECTOR [FILE]
 *	prints FILE (default: standard input) with a DKIM-Signature field
 *	(rsa-sha256, relaxed/relaxed, every field signed) on top, every line
 *	ending in LF (swaks sends CRLF)
 *
 * Exit status 0, or 1 with the reason on standard error.
 */
#include "autoconfig.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "dkimsign.h"

static int
usage(void)
{
	fprintf(stderr,
	    "usage: e2e_sign key BITS OWNER PREFIX\n"
	    "       e2e_sign sign KEY.pem DOMAIN SELECTOR [FILE]\n");
	return 1;
}

/* The whole of fp, NUL-terminated; NULL on a read error. */
static char *
slurp(FILE *fp)
{
	struct am_buf b;
	char chunk[4096], *s = NULL;
	size_t n;

	am_buf_init(&b, 0);
	while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0)
		am_buf_add(&b, chunk, n);
	if (!ferror(fp) && !am_buf_failed(&b) &&
	    (s = malloc(b.len + 1)) != NULL) {
		memcpy(s, am_buf_str(&b), b.len);
		s[b.len] = '\0';
	}
	am_buf_release(&b);
	return s;
}

static char *
slurp_file(const char *path)
{
	FILE *fp = strcmp(path, "-") == 0 ? stdin : fopen(path, "r");
	char *s;

	if (fp == NULL) {
		perror(path);
		return NULL;
	}
	s = slurp(fp);
	if (s == NULL)
		fprintf(stderr, "e2e_sign: cannot read %s\n", path);
	if (fp != stdin)
		fclose(fp);
	return s;
}

static bool
write_file(const char *prefix, const char *ext, const char *text)
{
	char path[4096];
	FILE *fp;
	int n = snprintf(path, sizeof(path), "%s%s", prefix, ext);

	if (n < 0 || (size_t)n >= sizeof(path)) {
		fprintf(stderr, "e2e_sign: %s: name too long\n", prefix);
		return false;
	}
	if ((fp = fopen(path, "w")) == NULL) {
		perror(path);
		return false;
	}
	fputs(text, fp);
	if (fclose(fp) != 0) {
		perror(path);
		return false;
	}
	return true;
}

static int
make_key(int argc, char **argv)
{
	struct dkimsign_key *key;
	struct am_buf zone, pkcs1;
	bool ok;

	if (argc != 5)
		return usage();
	if ((key = dkimsign_key_rsa((unsigned)strtoul(argv[2], NULL, 10))) ==
	    NULL)
		return 1;
	am_buf_init(&zone, 0);
	am_buf_init(&pkcs1, 0);
	dkimsign_zone_txt(&zone, argv[3], key->record);
	dkimsign_zone_txt(&pkcs1, argv[3], key->pkcs1_record);
	ok = !am_buf_failed(&zone) && !am_buf_failed(&pkcs1) &&
	    write_file(argv[4], ".pem", key->private_pem) &&
	    write_file(argv[4], ".zone", am_buf_str(&zone)) &&
	    write_file(argv[4], ".pkcs1.zone", am_buf_str(&pkcs1));
	am_buf_release(&zone);
	am_buf_release(&pkcs1);
	dkimsign_key_free(key);
	return ok ? 0 : 1;
}

/* Prints s with every CRLF made LF. */
static void
print_lf(const char *s)
{
	for (; *s != '\0'; s++)
		if (s[0] != '\r' || s[1] != '\n')
			putchar(*s);
}

static int
sign(int argc, char **argv)
{
	struct dkimsign_key key;
	struct dkimsign_opts opt;
	char *pem, *msg, *sig;
	bool ok;

	if (argc != 5 && argc != 6)
		return usage();
	if ((pem = slurp_file(argv[2])) == NULL)
		return 1;
	if ((msg = slurp_file(argc == 6 ? argv[5] : "-")) == NULL) {
		free(pem);
		return 1;
	}
	memset(&key, 0, sizeof(key));
	key.private_pem = pem;
	memset(&opt, 0, sizeof(opt));
	opt.domain = argv[3];
	opt.selector = argv[4];
	opt.alg = DKIM_SIGN_RSASHA256;
	opt.hcanon = opt.bcanon = DKIM_CANON_RELAXED;
	if ((ok = (sig = dkimsign_sign(&key, &opt, msg)) != NULL)) {
		print_lf(sig);
		putchar('\n');
		print_lf(msg);
		ok = fflush(stdout) == 0;
	}
	free(sig);
	free(msg);
	free(pem);
	return ok ? 0 : 1;
}

int
main(int argc, char **argv)
{
	if (argc >= 2 && strcmp(argv[1], "key") == 0)
		return make_key(argc, argv);
	if (argc >= 2 && strcmp(argv[1], "sign") == 0)
		return sign(argc, argv);
	return usage();
}
