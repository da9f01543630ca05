/* SPDX-License-Identifier: BSD-3-Clause */
/* tests/unit/test_tsig.c - TSIG: base64 keys, reading, verifying and signing against dnspython's bytes. */
#include "config.h"
#include "tsig.h"
#include "wire.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*
 * Made by dnspython 2.3 (Debian 12) with key "test-key." (HMAC-SHA256,
 * secret bytes 0..31), time signed 1700000000, fudge 300:
 *   q = dns.message.make_query("example.", "SOA", use_edns=False); q.id = 0x1234
 *   q.use_tsig(keyring, keyname="test-key.", algorithm=dns.tsig.HMAC_SHA256)
 *   r = dns.message.make_response(q); r.flags |= dns.flags.AA
 * and both printed with to_wire() while time.time() returned 1700000000.
 */
static const char query_hex[] =
	"123401000001000000000001076578616d706c65000006000108746573742d6b65790000fa00ff0000"
	"0000003d0b686d61632d7368613235360000006553f100012c00201f4e3933ee605ce38f2ca2db1969"
	"1074fdfffc6c6553ba4491491b242544daa0123400000000";
static const char response_hex[] =
	"123485000001000000000001076578616d706c65000006000108746573742d6b65790000fa00ff0000"
	"0000003d0b686d61632d7368613235360000006553f100012c00201e78f74766d4200fb0cef2bf835e"
	"bdf9cffd06823c39def9d2f18994c6d23de6123400000000";
#define TIME_SIGNED 1700000000ull
#define TSIG_AT 25	/* header 12 + "example." 9 + type and class 4 */

static size_t
from_hex(const char *hex, uint8_t *out)
{
	size_t n = strlen(hex) / 2;
	for (size_t i = 0; i < n; i++)
		assert_int_equal(sscanf(hex + 2 * i, "%2hhx", &out[i]), 1);
	return n;
}

static void
test_key(struct tsig_key *k)
{
	memset(k, 0, sizeof(*k));
	memcpy(k->name, "\010test-key", 10);
	k->name_len = 10;
	k->alg = TSIG_HMAC_SHA256;
	for (int i = 0; i < 32; i++)
		k->secret[i] = (uint8_t)i;
	k->secret_len = 32;
}

static void
test_base64(void **state)
{
	uint8_t out[64];
	(void)state;
	assert_int_equal(tsig_base64_decode("", out, sizeof(out)), 0);
	assert_int_equal(tsig_base64_decode("Zg==", out, sizeof(out)), 1);
	assert_int_equal(out[0], 'f');
	assert_int_equal(tsig_base64_decode("Zm9v", out, sizeof(out)), 3);
	assert_memory_equal(out, "foo", 3);
	assert_int_equal(tsig_base64_decode("Zm9v\n YmFy", out, sizeof(out)), 6);
	assert_memory_equal(out, "foobar", 6);
	assert_int_equal(tsig_base64_decode("Zm9vYg==", out, sizeof(out)), 4);
	assert_int_equal(tsig_base64_decode("Zm9vYmE=", out, sizeof(out)), 5);
	assert_int_equal(tsig_base64_decode("Zm9", out, sizeof(out)), -1);	/* length */
	assert_int_equal(tsig_base64_decode("Zm9v!A==", out, sizeof(out)), -1);	/* character */
	assert_int_equal(tsig_base64_decode("Zg==Zg==", out, sizeof(out)), -1);	/* after padding */
	assert_int_equal(tsig_base64_decode("Zh==", out, sizeof(out)), -1);	/* stray bits */
	assert_int_equal(tsig_base64_decode("Zm9vYmFy", out, 5), -1);		/* room */
}

static void
test_algorithms(void **state)
{
	(void)state;
	assert_int_equal(tsig_alg_from_text("hmac-sha256"), TSIG_HMAC_SHA256);
	assert_int_equal(tsig_alg_from_text("HMAC-SHA512."), TSIG_HMAC_SHA512);
	assert_int_equal(tsig_alg_from_text("hmac-sha1"), TSIG_HMAC_SHA1);
	assert_int_equal(tsig_alg_from_text("hmac-md5"), -1);
	assert_int_equal(tsig_alg_from_text("hmac-sha25"), -1);
	assert_int_equal(tsig_mac_size(TSIG_HMAC_SHA384), 48);
	assert_string_equal(tsig_alg_text(TSIG_HMAC_SHA224), "hmac-sha224");
}

static void
test_parse_and_verify(void **state)
{
	uint8_t q[256];
	struct tsig_key k;
	struct tsig_rr t;
	(void)state;
	size_t len = from_hex(query_hex, q);
	test_key(&k);
	assert_true(tsig_parse(q, len, TSIG_AT, &t));
	assert_int_equal(t.key_len, 10);
	assert_int_equal(tsig_rr_alg(&t), TSIG_HMAC_SHA256);
	assert_int_equal(t.time, TIME_SIGNED);
	assert_int_equal(t.fudge, 300);
	assert_int_equal(t.mac_len, 32);
	assert_int_equal(t.orig_id, 0x1234);
	assert_int_equal(tsig_verify(&k, q, &t, TIME_SIGNED), TSIG_NOERROR);
	assert_int_equal(tsig_verify(&k, q, &t, TIME_SIGNED + 300), TSIG_NOERROR);
	assert_int_equal(tsig_verify(&k, q, &t, TIME_SIGNED - 300), TSIG_NOERROR);
	assert_int_equal(tsig_verify(&k, q, &t, TIME_SIGNED + 301), TSIG_BADTIME);
	assert_int_equal(tsig_verify(&k, q, &t, TIME_SIGNED - 301), TSIG_BADTIME);
	k.secret[0] ^= 1;	/* another secret */
	assert_int_equal(tsig_verify(&k, q, &t, TIME_SIGNED), TSIG_BADSIG);
	k.secret[0] ^= 1;
	q[19] ^= 0x20;		/* "examplE." was not what was signed */
	assert_int_equal(tsig_verify(&k, q, &t, TIME_SIGNED), TSIG_BADSIG);
	q[19] ^= 0x20;
	/* BADSIG is decided before BADTIME (RFC 8945 §5.2) */
	q[2] ^= 0x01;
	assert_int_equal(tsig_verify(&k, q, &t, TIME_SIGNED + 1000), TSIG_BADSIG);
}

static void
test_parse_rejects(void **state)
{
	uint8_t q[256];
	struct tsig_rr t;
	(void)state;
	size_t len = from_hex(query_hex, q);
	assert_false(tsig_parse(q, len - 1, TSIG_AT, &t));	/* cut short */
	assert_false(tsig_parse(q, len, TSIG_AT + 1, &t));	/* not at a record */
	uint8_t longer[300];
	memcpy(longer, q, len);
	longer[len] = 0;
	assert_false(tsig_parse(longer, len + 1, TSIG_AT, &t));	/* bytes after it */
	q[TSIG_AT + 10 + 2] = 0x01;	/* class IN */
	assert_false(tsig_parse(q, len, TSIG_AT, &t));
}

/* A MAC shorter than 10 bytes or half the hash is malformed (FORMERR). */
static void
test_short_mac(void **state)
{
	uint8_t q[256], s[256];
	struct tsig_key k;
	struct tsig_rr t;
	(void)state;
	size_t len = from_hex(query_hex, q);
	test_key(&k);
	/* the MAC starts after owner (10), fixed part (10), algorithm (13),
	 * time (6), fudge (2), MAC size (2) */
	size_t mac_size_at = TSIG_AT + 10 + 10 + 13 + 6 + 2;
	memcpy(s, q, mac_size_at);
	wire_put16(s + mac_size_at, 8);
	memcpy(s + mac_size_at + 2, q + mac_size_at + 2, 8);
	memcpy(s + mac_size_at + 10, q + mac_size_at + 2 + 32, len - (mac_size_at + 2 + 32));
	size_t slen = len - 24;
	wire_put16(s + TSIG_AT + 18, (uint16_t)(wire_get16(q + TSIG_AT + 18) - 24));
	assert_true(tsig_parse(s, slen, TSIG_AT, &t));
	assert_int_equal(t.mac_len, 8);
	assert_int_equal(tsig_verify(&k, s, &t, TIME_SIGNED), -1);
}

/* The signed answer is byte for byte what dnspython makes. */
static void
test_sign_response(void **state)
{
	uint8_t q[256], want[256], msg[512];
	struct tsig_key k;
	struct tsig_rr t;
	struct tsig_signer s;
	(void)state;
	size_t qlen = from_hex(query_hex, q);
	size_t wlen = from_hex(response_hex, want);
	test_key(&k);
	assert_true(tsig_parse(q, qlen, TSIG_AT, &t));
	tsig_signer_init(&s, &k, &t);
	memcpy(msg, want, TSIG_AT);
	wire_put16(msg + 10, 0);
	size_t len = tsig_sign(&s, msg, TSIG_AT, sizeof(msg), TIME_SIGNED, TSIG_NOERROR);
	assert_int_equal(len, wlen);
	assert_memory_equal(msg, want, wlen);
	/* no room: nothing */
	memcpy(msg, want, TSIG_AT);
	wire_put16(msg + 10, 0);
	tsig_signer_init(&s, &k, &t);
	assert_int_equal(tsig_sign(&s, msg, TSIG_AT, wlen - 1, TIME_SIGNED, 0), 0);
}

/* BADTIME: signed, the request's time, ours as Other Data (RFC 8945 §5.2.3). */
static void
test_badtime_answer(void **state)
{
	uint8_t q[256], msg[512];
	struct tsig_key k;
	struct tsig_rr t, r;
	struct tsig_signer s;
	(void)state;
	size_t qlen = from_hex(query_hex, q);
	test_key(&k);
	assert_true(tsig_parse(q, qlen, TSIG_AT, &t));
	tsig_signer_init(&s, &k, &t);
	s.time = t.time;
	memcpy(msg, q, TSIG_AT);
	wire_put16(msg + 2, 0x8000 | DNS_RCODE_NOTAUTH);
	wire_put16(msg + 10, 0);
	size_t len = tsig_sign(&s, msg, TSIG_AT, sizeof(msg), TIME_SIGNED + 1000, TSIG_BADTIME);
	assert_true(len > 0);
	assert_true(tsig_parse(msg, len, TSIG_AT, &r));
	assert_int_equal(r.error, TSIG_BADTIME);
	assert_int_equal(r.time, TIME_SIGNED);
	assert_int_equal(r.other_len, 6);
	assert_int_equal(wire_get32(r.other + 2), (uint32_t)(TIME_SIGNED + 1000));
	assert_int_equal(r.mac_len, 32);
	/* and the client can check it with its request's MAC */
	assert_true(tsig_verify_response(&k, t.mac, t.mac_len, msg, len, TIME_SIGNED));
}

/* BADKEY and BADSIG go out unsigned: names, time, error; no MAC. */
static void
test_error_unsigned(void **state)
{
	uint8_t q[256], msg[512];
	struct tsig_rr t, r;
	(void)state;
	size_t qlen = from_hex(query_hex, q);
	assert_true(tsig_parse(q, qlen, TSIG_AT, &t));
	memcpy(msg, q, TSIG_AT);
	wire_put16(msg + 10, 0);
	size_t len = tsig_append_error(&t, msg, TSIG_AT, sizeof(msg), TSIG_BADKEY);
	assert_int_equal(wire_get16(msg + 10), 1);
	assert_true(tsig_parse(msg, len, TSIG_AT, &r));
	assert_int_equal(r.error, TSIG_BADKEY);
	assert_int_equal(r.mac_len, 0);
	assert_int_equal(r.time, TIME_SIGNED);
	assert_memory_equal(r.key, t.key, t.key_len);
	assert_int_equal(tsig_append_error(&t, msg, TSIG_AT, len - 1, TSIG_BADKEY), 0);
}

/* A NOTIFY dnsd signs, and the answer it accepts. */
static void
test_request_and_response(void **state)
{
	uint8_t req[512], resp[512], mac[TSIG_MAX_MAC];
	size_t mac_len;
	struct tsig_key k;
	struct tsig_rr t;
	struct tsig_signer s;
	(void)state;
	test_key(&k);
	memset(req, 0, DNS_HEADER_SIZE);
	wire_put16(req, 0x4242);
	wire_put16(req + 2, DNS_OPCODE_NOTIFY << 11);
	wire_put16(req + 4, 1);
	memcpy(req + 12, "\007example\0\0\6\0\1", 13);
	size_t len = tsig_sign_request(&k, req, 25, sizeof(req), TIME_SIGNED, mac, &mac_len);
	assert_true(len > 25);
	assert_int_equal(mac_len, 32);
	assert_true(tsig_parse(req, len, 25, &t));
	assert_int_equal(tsig_verify(&k, req, &t, TIME_SIGNED), TSIG_NOERROR);
	/* the secondary's answer, signed over our MAC */
	tsig_signer_init(&s, &k, &t);
	memcpy(resp, req, 25);
	wire_put16(resp + 2, 0x8000 | (DNS_OPCODE_NOTIFY << 11));
	wire_put16(resp + 10, 0);
	size_t rlen = tsig_sign(&s, resp, 25, sizeof(resp), TIME_SIGNED + 1, 0);
	assert_true(tsig_verify_response(&k, mac, mac_len, resp, rlen, TIME_SIGNED + 1));
	assert_false(tsig_verify_response(&k, mac, mac_len, resp, rlen, TIME_SIGNED + 400));
	mac[0] ^= 1;	/* an answer to another request */
	assert_false(tsig_verify_response(&k, mac, mac_len, resp, rlen, TIME_SIGNED + 1));
	mac[0] ^= 1;
	resp[3] |= DNS_RCODE_REFUSED;	/* changed on the way */
	assert_false(tsig_verify_response(&k, mac, mac_len, resp, rlen, TIME_SIGNED + 1));
}

/* Every algorithm signs and verifies with its own MAC length. */
static void
test_every_algorithm(void **state)
{
	(void)state;
	for (int a = 0; a < TSIG_N_ALGS; a++) {
		uint8_t req[512], mac[TSIG_MAX_MAC];
		size_t mac_len;
		struct tsig_key k;
		struct tsig_rr t;
		test_key(&k);
		k.alg = (enum tsig_alg)a;
		memset(req, 0, DNS_HEADER_SIZE);
		wire_put16(req + 4, 1);
		memcpy(req + 12, "\007example\0\0\6\0\1", 13);
		size_t len = tsig_sign_request(&k, req, 25, sizeof(req), TIME_SIGNED, mac, &mac_len);
		assert_int_equal(mac_len, tsig_mac_size((enum tsig_alg)a));
		assert_true(tsig_parse(req, len, 25, &t));
		assert_int_equal(tsig_rr_alg(&t), a);
		assert_int_equal(tsig_verify(&k, req, &t, TIME_SIGNED), TSIG_NOERROR);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_base64),
		cmocka_unit_test(test_algorithms),
		cmocka_unit_test(test_parse_and_verify),
		cmocka_unit_test(test_parse_rejects),
		cmocka_unit_test(test_short_mac),
		cmocka_unit_test(test_sign_response),
		cmocka_unit_test(test_badtime_answer),
		cmocka_unit_test(test_error_unsigned),
		cmocka_unit_test(test_request_and_response),
		cmocka_unit_test(test_every_algorithm),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
