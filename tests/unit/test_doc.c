/* SPDX-License-Identifier: BSD-3-Clause */
/* tests/unit/test_doc.c - unit tests of the YAML/JSON definitions parser. */
#include "config.h"
#include "doc.h"
#include "arena.h"
#include "diag.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* One parse: the arena, the documents and the first diagnostic line. */
struct fix {
	struct arena *a;
	struct doc_node **docs;
	size_t ndocs;
	unsigned errors;
	char msg[512];
	char out[4096];		/* render() result */
	size_t nout;
	enum doc_syntax syntax;	/* DOC_YAML (t.yaml) unless a test says DOC_JSON (t.json) */
};

static int
setup(void **state)
{
	struct fix *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	f->a = arena_create(0);
	assert_non_null(f->a);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fix *f = *state;

	arena_free(f->a);
	free(f);
	return 0;
}

/* Parse len bytes of text; keep the first message line in f->msg. */
static int
parse_len(struct fix *f, const char *text, size_t len)
{
	char *out = NULL, *nl;
	size_t outlen = 0;
	struct diag d;
	FILE *fp;
	int rc;

	fp = open_memstream(&out, &outlen);
	assert_non_null(fp);
	diag_init(&d, fp);
	if (f->syntax == DOC_JSON)
		rc = doc_parse_as(f->a, "t.json", text, len, DOC_JSON, &f->docs, &f->ndocs, &d);
	else
		rc = doc_parse(f->a, "t.yaml", text, len, &f->docs, &f->ndocs, &d);
	fclose(fp);
	snprintf(f->msg, sizeof(f->msg), "%s", out ? out : "");
	free(out);
	if ((nl = strchr(f->msg, '\n')) != NULL)
		*nl = 0;
	f->errors = d.errors;
	assert_int_equal(rc == -1, d.errors > 0);
	return rc;
}

static int
parse(struct fix *f, const char *text)
{
	return parse_len(f, text, strlen(text));
}

/* Parse text that must hold exactly one document; return its root. */
static struct doc_node *
root(struct fix *f, const char *text)
{
	int rc = parse(f, text);

	if (rc != 0)
		fail_msg("unexpected error: %s", f->msg);
	assert_int_equal(f->ndocs, 1);
	return f->docs[0];
}

static void
out_put(struct fix *f, const char *s, size_t n)
{
	assert_true(f->nout + n < sizeof(f->out));
	memcpy(f->out + f->nout, s, n);
	f->nout += n;
	f->out[f->nout] = 0;
}

/* Render n compactly: scalars in single quotes (\n, \t, \', \\, \xNN
 * escaped), [a,b], {k:v}; with lines, each node is prefixed "line@". */
static void
render_node(struct fix *f, const struct doc_node *n, bool lines)
{
	char tmp[32];
	size_t i;

	if (lines) {
		snprintf(tmp, sizeof(tmp), "%u@", n->line);
		out_put(f, tmp, strlen(tmp));
	}
	switch (n->kind) {
	case DOC_SCALAR:
		out_put(f, "'", 1);
		for (i = 0; i < n->len; i++) {
			unsigned char c = (unsigned char)n->str[i];

			if (c == '\n')
				snprintf(tmp, sizeof(tmp), "\\n");
			else if (c == '\t')
				snprintf(tmp, sizeof(tmp), "\\t");
			else if (c == '\'' || c == '\\')
				snprintf(tmp, sizeof(tmp), "\\%c", c);
			else if (c < 0x20 || c >= 0x7f)
				snprintf(tmp, sizeof(tmp), "\\x%02x", c);
			else
				snprintf(tmp, sizeof(tmp), "%c", c);
			out_put(f, tmp, strlen(tmp));
		}
		assert_int_equal(n->str[n->len], 0);
		out_put(f, "'", 1);
		break;
	case DOC_SEQ:
		out_put(f, "[", 1);
		for (i = 0; i < n->count; i++) {
			if (i)
				out_put(f, ",", 1);
			render_node(f, n->items[i], lines);
		}
		out_put(f, "]", 1);
		break;
	case DOC_MAP:
		out_put(f, "{", 1);
		for (i = 0; i < n->count; i++) {
			if (i)
				out_put(f, ",", 1);
			assert_int_equal(n->pairs[i].key->kind, DOC_SCALAR);
			render_node(f, n->pairs[i].key, lines);
			out_put(f, ":", 1);
			render_node(f, n->pairs[i].value, lines);
		}
		out_put(f, "}", 1);
		break;
	}
}

static const char *
render(struct fix *f, const struct doc_node *n, bool lines)
{
	f->nout = 0;
	f->out[0] = 0;
	render_node(f, n, lines);
	return f->out;
}

/* Assert that text parses into one document rendering as want. */
#define assert_tree(f, text, want) \
	assert_string_equal(render((f), root((f), (text)), false), (want))
#define assert_lines(f, text, want) \
	assert_string_equal(render((f), root((f), (text)), true), (want))

/* Assert that text is rejected with exactly this first message. */
#define assert_rejects(f, text, want) do { \
	assert_int_equal(parse((f), (text)), -1); \
	assert_string_equal((f)->msg, (want)); \
} while (0)

static const char aws_endpoints_json[] =
	"{\n"
	"    \"VpcEndpoints\": [\n"
	"        {\n"
	"            \"VpcEndpointId\": \"vpce-0123456789abcdef0\",\n"
	"            \"VpcEndpointType\": \"Interface\",\n"
	"            \"VpcId\": \"vpc-11112222\",\n"
	"            \"ServiceName\": \"com.amazonaws.us-east-2.monitoring\",\n"
	"            \"State\": \"available\",\n"
	"            \"PolicyDocument\": \"{\\n  \\\"Statement\\\": [\\n"
	"    {\\n      \\\"Action\\\": \\\"*\\\"\\n    }\\n  ]\\n}\",\n"
	"            \"RouteTableIds\": [],\n"
	"            \"SubnetIds\": [\n"
	"                \"subnet-aaaa\",\n"
	"                \"subnet-bbbb\"\n"
	"            ],\n"
	"            \"Groups\": [\n"
	"                {\n"
	"                    \"GroupId\": \"sg-1234\",\n"
	"                    \"GroupName\": \"default\"\n"
	"                }\n"
	"            ],\n"
	"            \"IpAddressType\": \"ipv4\",\n"
	"            \"DnsOptions\": {\n"
	"                \"DnsRecordIpType\": \"ipv4\",\n"
	"                \"PrivateDnsOnlyForInboundResolverEndpoint\": false\n"
	"            },\n"
	"            \"PrivateDnsEnabled\": true,\n"
	"            \"RequesterManaged\": false,\n"
	"            \"NetworkInterfaceIds\": [\n"
	"                \"eni-0a\",\n"
	"                \"eni-0b\"\n"
	"            ],\n"
	"            \"DnsEntries\": [\n"
	"                {\n"
	"                    \"DnsName\": \"vpce-0123456789abcdef0-x1y2z3"
	".monitoring.us-east-2.vpce.amazonaws.com\",\n"
	"                    \"HostedZoneId\": \"ZC8PG0KIFKBRI\"\n"
	"                },\n"
	"                {\n"
	"                    \"DnsName\": "
	"\"monitoring.us-east-2.amazonaws.com\",\n"
	"                    \"HostedZoneId\": \"Z06320943MMOWYG6MAVL9\"\n"
	"                }\n"
	"            ],\n"
	"            \"CreationTimestamp\": "
	"\"2024-03-01T12:34:56.789000+00:00\",\n"
	"            \"Tags\": [],\n"
	"            \"OwnerId\": \"123456789012\",\n"
	"            \"LastError\": null,\n"
	"            \"Weight\": 1.5e3\n"
	"        }\n"
	"    ]\n"
	"}\n";

static void
test_json_aws_endpoints(void **state)
{
	struct fix *f = *state;
	struct doc_node *r, *eps, *ep, *dns, *n;
	bool b;

	r = root(f, aws_endpoints_json);
	assert_int_equal(r->kind, DOC_MAP);
	assert_int_equal(r->line, 1);
	assert_int_equal(r->count, 1);
	assert_int_equal(r->pairs[0].key->line, 2);
	assert_true(r->pairs[0].key->quoted);
	eps = doc_get(r, "VpcEndpoints");
	assert_non_null(eps);
	assert_int_equal(eps->kind, DOC_SEQ);
	assert_int_equal(eps->line, 2);
	assert_int_equal(eps->count, 1);
	ep = eps->items[0];
	assert_int_equal(ep->kind, DOC_MAP);
	assert_int_equal(ep->line, 3);
	assert_int_equal(ep->count, 20);
	assert_string_equal(doc_str(doc_get(ep, "VpcEndpointId")),
		"vpce-0123456789abcdef0");
	assert_string_equal(doc_str(doc_get(ep, "PolicyDocument")),
		"{\n  \"Statement\": [\n    {\n      \"Action\": \"*\"\n    }"
		"\n  ]\n}");
	n = doc_get(ep, "RouteTableIds");
	assert_int_equal(n->kind, DOC_SEQ);
	assert_int_equal(n->count, 0);
	assert_string_equal(render(f, doc_get(ep, "SubnetIds"), true),
		"11@[12@'subnet-aaaa',13@'subnet-bbbb']");
	assert_string_equal(render(f, doc_get(ep, "Groups"), false),
		"[{'GroupId':'sg-1234','GroupName':'default'}]");
	assert_true(doc_bool(doc_get(doc_get(ep, "DnsOptions"),
		"PrivateDnsOnlyForInboundResolverEndpoint"), &b));
	assert_false(b);
	assert_true(doc_bool(doc_get(ep, "PrivateDnsEnabled"), &b));
	assert_true(b);
	dns = doc_get(ep, "DnsEntries");
	assert_int_equal(dns->count, 2);
	assert_int_equal(dns->line, 32);
	assert_int_equal(dns->items[1]->line, 37);
	assert_string_equal(doc_str(doc_get(dns->items[1], "DnsName")),
		"monitoring.us-east-2.amazonaws.com");
	assert_int_equal(doc_get(dns->items[1], "HostedZoneId")->line, 39);
	assert_true(doc_is_null(doc_get(ep, "LastError")));
	assert_false(doc_get(ep, "LastError")->quoted);
	assert_string_equal(doc_str(doc_get(ep, "Weight")), "1.5e3");
	assert_false(doc_get(ep, "Weight")->quoted);
	assert_string_equal(doc_str(doc_get(ep, "OwnerId")), "123456789012");
	assert_null(doc_get(ep, "vpcendpointid"));
}

static void
test_json_shapes(void **state)
{
	struct fix *f = *state;

	assert_tree(f,
		"{\"a\":1,\"b\":[true,false,null],\"c\":{\"d\":-1.5e+3}}",
		"{'a':'1','b':['true','false','null'],'c':{'d':'-1.5e+3'}}");
	assert_tree(f, "[]", "[]");
	assert_tree(f, "{}", "{}");
	assert_tree(f, "[[],[[]],{},[{}]]", "[[],[[]],{},[{}]]");
	assert_tree(f, "\"just a string\"", "'just a string'");
	assert_tree(f, "42\n", "'42'");
	assert_tree(f, "-0.5", "'-0.5'");
	assert_tree(f, "\t{\t\"a\"\t:\t[\t1\t,\t2\t]\t}\t\n",
		"{'a':['1','2']}");
	assert_tree(f,
		"{\r\n  \"a\" : \"x\",\r\n  \"b\" :\r\n [\r\n1\r\n]\r\n}\r\n",
		"{'a':'x','b':['1']}");
	assert_tree(f, "{\"a#b\": \"c: d\", \"e\": \"- f\", \"g\": \"[h]\"}",
		"{'a#b':'c: d','e':'- f','g':'[h]'}");
	assert_tree(f, "{\"\":\"\"}", "{'':''}");
	assert_tree(f, "\n\n  [1,\n2,\n\t3]\n\n", "['1','2','3']");
}

static void
test_json_escapes(void **state)
{
	struct fix *f = *state;
	struct doc_node *n;

	assert_tree(f, "[\"q\\\"b\\\\s\\/b\\bf\\fn\\nr\\rt\\t\"]",
		"['q\"b\\\\s/b\\x08f\\x0cn\\nr\\x0dt\\t']");
	assert_tree(f, "[\"\\u00e9\\u20AC\\ud83d\\ude00\"]",
		"['\\xc3\\xa9\\xe2\\x82\\xac\\xf0\\x9f\\x98\\x80']");
	/* a lone surrogate passes as its 3-byte form */
	assert_tree(f, "[\"\\ud800x\"]", "['\\xed\\xa0\\x80x']");
	/* \u0000 is kept; doc_str refuses it */
	n = root(f, "[\"a\\u0000b\"]")->items[0];
	assert_int_equal(n->len, 3);
	assert_memory_equal(n->str, "a\0b", 4);
	assert_null(doc_str(n));
	/* raw UTF-8 and invalid bytes go through as they are */
	assert_tree(f, "[\"\xc3\xa9\xff\"]", "['\\xc3\\xa9\\xff']");
}

static void
test_json_errors(void **state)
{
	struct fix *f = *state;

	assert_rejects(f, "{\"a\": 1}}",
		"t.yaml:1:9: error: unexpected '}' after the value");
	assert_rejects(f, "{\"a\": 1}\n{\"b\": 2}\n",
		"t.yaml:2:1: error: unexpected content after the document's "
		"root node");
	assert_rejects(f, "{\n  \"a\": [1,\n  2\n}\n",
		"t.yaml:4:1: error: expected ',' or ']', found '}'");
	assert_rejects(f, "{\n\"a\": 1,\n\"b\": 2\n",
		"t.yaml:1:1: error: unterminated flow mapping: missing '}'");
	assert_rejects(f, "{\"a\" 1}",
		"t.yaml:1:6: error: expected ',' or '}', found '1'");
	assert_rejects(f, "[\"abc\n",
		"t.yaml:1:2: error: unterminated double-quoted string");
	assert_rejects(f, "[\n\"\\ux\"]",
		"t.yaml:2:2: error: invalid escape '\\u': expected 4 hex digits");
	assert_rejects(f, "[\"\\q\"]",
		"t.yaml:1:3: error: invalid escape '\\' followed by 'q'");
	assert_rejects(f, "{\"a\": 1, \"a\": 2}",
		"t.yaml:1:10: error: duplicate key 'a' (first at line 1)");
	assert_rejects(f, "[1, 2] x",
		"t.yaml:1:8: error: unexpected 'x' after the value");
	assert_rejects(f, "[1,,2]", "t.yaml:1:4: error: unexpected ','");
}

static const char aws_cli_yaml[] =
	"VpcEndpoints:\n"
	"- CreationTimestamp: '2024-03-01T12:34:56.789000+00:00'\n"
	"  DnsEntries:\n"
	"  - DnsName: vpce-0123-x1y2.monitoring.us-east-2.vpce.amazonaws.com\n"
	"    HostedZoneId: ZC8PG0KIFKBRI\n"
	"  - DnsName: monitoring.us-east-2.amazonaws.com\n"
	"    HostedZoneId: Z06320943MMOWYG6MAVL9\n"
	"  DnsOptions:\n"
	"    DnsRecordIpType: ipv4\n"
	"  Groups:\n"
	"  - GroupId: sg-1234\n"
	"    GroupName: default\n"
	"  OwnerId: '123456789012'\n"
	"  PolicyDocument: '{\"Version\":\"2008-10-17\",\"Statement\":"
	"[{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"*\",\n"
	"    \"Resource\":\"*\"}]} it''s\n"
	"\n"
	"    long'\n"
	"  PrivateDnsEnabled: true\n"
	"  RouteTableIds: []\n"
	"  SubnetIds:\n"
	"  - subnet-aaaa\n"
	"  - subnet-bbbb\n"
	"  Tags: []\n"
	"  VpcEndpointId: vpce-0123\n"
	"  VpcId: vpc-1111\n"
	"- VpcEndpointId: vpce-4567\n"
	"  DnsEntries: []\n";

static void
test_yaml_aws_cli(void **state)
{
	struct fix *f = *state;
	struct doc_node *r, *eps, *ep;

	r = root(f, aws_cli_yaml);
	eps = doc_get(r, "VpcEndpoints");
	assert_int_equal(eps->kind, DOC_SEQ);
	assert_int_equal(eps->line, 2);
	assert_int_equal(eps->count, 2);
	ep = eps->items[0];
	assert_int_equal(ep->line, 2);
	assert_int_equal(ep->count, 12);
	assert_string_equal(render(f, doc_get(ep, "DnsEntries"), true),
		"4@[4@{4@'DnsName':"
		"4@'vpce-0123-x1y2.monitoring.us-east-2.vpce.amazonaws.com',"
		"5@'HostedZoneId':5@'ZC8PG0KIFKBRI'},"
		"6@{6@'DnsName':6@'monitoring.us-east-2.amazonaws.com',"
		"7@'HostedZoneId':7@'Z06320943MMOWYG6MAVL9'}]");
	assert_string_equal(doc_str(doc_get(ep, "PolicyDocument")),
		"{\"Version\":\"2008-10-17\",\"Statement\":[{\"Effect\":"
		"\"Allow\",\"Principal\":\"*\",\"Action\":\"*\", "
		"\"Resource\":\"*\"}]} it's\nlong");
	assert_true(doc_get(ep, "PolicyDocument")->quoted);
	assert_int_equal(doc_get(ep, "PolicyDocument")->line, 14);
	assert_int_equal(doc_get(ep, "PrivateDnsEnabled")->line, 18);
	assert_string_equal(doc_str(doc_get(ep, "OwnerId")), "123456789012");
	assert_string_equal(render(f, doc_get(ep, "SubnetIds"), false),
		"['subnet-aaaa','subnet-bbbb']");
	assert_string_equal(doc_str(doc_get(eps->items[1], "VpcEndpointId")),
		"vpce-4567");
	assert_int_equal(eps->items[1]->line, 26);
}

static void
test_yaml_block(void **state)
{
	struct fix *f = *state;

	assert_tree(f,
		"# a comment\n"
		"zone: example.com   # trailing comment\n"
		"ttl: 300\n"
		"records:\n"
		"  - name: www\n"
		"    addr:\n"
		"      - 192.0.2.1\n"
		"      - 192.0.2.2\n"
		"\n"
		"    # comment between entries, any indentation\n"
		"  - name: mail\n"
		"    empty:\n"
		"  -\n"
		"  - - nested\n"
		"    - seq\n"
		"  -   - wide\n"
		"      - dash\n"
		"nested:\n"
		"    deeper:\n"
		"        deepest: x\n"
		"    back: y\n"
		"last:\n",
		"{'zone':'example.com','ttl':'300','records':["
		"{'name':'www','addr':['192.0.2.1','192.0.2.2']},"
		"{'name':'mail','empty':''},'',['nested','seq'],"
		"['wide','dash']],"
		"'nested':{'deeper':{'deepest':'x'},'back':'y'},'last':''}");
	/* sequences at the key's indentation, as AWS CLI v2 prints them */
	assert_tree(f, "a:\n- 1\n- b:\n  - 2\n  c: 3\nd: 4\n",
		"{'a':['1',{'b':['2'],'c':'3'}],'d':'4'}");
	assert_tree(f, "\"quoted key\": 1\n'single': 2\n\"\": 3\n'a''b' :  4\n",
		"{'quoted key':'1','single':'2','':'3','a\\'b':'4'}");
	assert_tree(f, "- a\n- b\n", "['a','b']");
	assert_tree(f, "  indented: root\n  other: 1\n",
		"{'indented':'root','other':'1'}");
	assert_tree(f, "k:\n  -\n    x: 1\n  -\n", "{'k':[{'x':'1'},'']}");
	assert_tree(f, "a: 1\nb:\n\nc: 2", "{'a':'1','b':'','c':'2'}");
	/* tabs may separate, just not indent */
	assert_tree(f, "a:\t1\t# c\nb:\t[\tx\t]\n", "{'a':'1','b':['x']}");
	assert_tree(f, "-\tx\n-\ty:\tz\n", "['x',{'y':'z'}]");
}

static void
test_yaml_flow(void **state)
{
	struct fix *f = *state;

	assert_tree(f, "a: [b, c]\nd: {e: f, 'g': \"h\"}\n",
		"{'a':['b','c'],'d':{'e':'f','g':'h'}}");
	assert_tree(f, "a: [b,\n  c, [d,\n e]]   # comment\nf: 1\n",
		"{'a':['b','c',['d','e']],'f':'1'}");
	assert_tree(f, "[a b, c:d, http://x/y, -1, x#y]",
		"['a b','c:d','http://x/y','-1','x#y']");
	assert_tree(f, "[a: 1, b]", "[{'a':'1'},'b']");
	assert_tree(f, "{a, b: , c: d,}", "{'a':'','b':'','c':'d'}");
	assert_tree(f, "[a,\n  # comment\n  b,\n]", "['a','b']");
	assert_tree(f, "[multi\n  line,\n\n two]", "['multi line','two']");
	assert_tree(f, "- [a, {b: [c]}]\n- {}\n", "[['a',{'b':['c']}],{}]");
	assert_tree(f, "{\"a\":b, 'c':[d]}", "{'a':'b','c':['d']}");
}

static void
test_plain_scalars(void **state)
{
	struct fix *f = *state;

	assert_tree(f,
		"a: two words\n"
		"b: http://x.example/p?q=1#frag\n"
		"c: a:b\n"
		"d: x#y # real comment\n"
		"e: -dash\n"
		"f: ?q\n"
		"g: :colon\n"
		"h: 12:30\n",
		"{'a':'two words','b':'http://x.example/p?q=1#frag','c':'a:b',"
		"'d':'x#y','e':'-dash','f':'?q','g':':colon','h':'12:30'}");
	assert_tree(f, "k: x]y, {z}\n", "{'k':'x]y, {z}'}");
	assert_tree(f,
		"k: first\n"
		"  second   \n"
		"\n"
		"  third\n"
		"\n"
		"\n"
		"   fourth\n"
		"  # comment ends it\n"
		"l: 1\n",
		"{'k':'first second\\nthird\\n\\nfourth','l':'1'}");
	assert_tree(f, "- a\n  - b\n", "['a - b']");
	assert_tree(f, "top\nlevel\n", "'top level'");
	assert_lines(f, "a:\n  b\n  c\n", "1@{1@'a':2@'b c'}");
}

static void
test_quoted_scalars(void **state)
{
	struct fix *f = *state;
	struct doc_node *n;

	assert_tree(f, "a: 'it''s # not a comment: really'\n",
		"{'a':'it\\'s # not a comment: really'}");
	assert_tree(f, "a: '  keep  '\nb: ''\n", "{'a':'  keep  ','b':''}");
	assert_tree(f, "- '*.example.com'\n- \"&x !y\"\n",
		"['*.example.com','&x !y']");
	assert_tree(f, "a: 'one  \n   two\n\n  three\n\n\n  four'\n",
		"{'a':'one two\\nthree\\n\\nfour'}");
	assert_tree(f,
		"a: \"\\0\\a\\b\\t\\\t\\n\\v\\f\\r\\e\\ \\\"\\/\\\\\"\n",
		"{'a':'\\x00\\x07\\x08\\t\\t\\n\\x0b\\x0c\\x0d\\x1b \"/\\\\'}");
	assert_tree(f, "a: \"\\x41\\xe9\\u00e9\\U0001F600\\N\\_\\L\\P\"\n",
		"{'a':'A\\xc3\\xa9\\xc3\\xa9\\xf0\\x9f\\x98\\x80\\xc2\\x85"
		"\\xc2\\xa0\\xe2\\x80\\xa8\\xe2\\x80\\xa9'}");
	assert_tree(f, "a: \"fold  \n   ed\n\n  para\"\n",
		"{'a':'fold ed\\npara'}");
	assert_tree(f, "a: \"join\\\n   ed \\\n  kept\\t \n x\"\n",
		"{'a':'joined kept\\t x'}");
	assert_tree(f, "a: \"esc\\\n\n  nl\"\n", "{'a':'esc\\nnl'}");
	n = root(f, "- \"1\"\n- 1\n");
	assert_true(n->items[0]->quoted);
	assert_false(n->items[1]->quoted);
	assert_lines(f, "a: 'x\n  y'\nb: \"p\n  q\"\nc: 1\n",
		"1@{1@'a':1@'x y',3@'b':3@'p q',5@'c':5@'1'}");
}

static void
test_block_scalars(void **state)
{
	struct fix *f = *state;

	assert_tree(f, "a: |\n  l1\n   l2\n\n  l3\nb: 1\n",
		"{'a':'l1\\n l2\\n\\nl3\\n','b':'1'}");
	assert_tree(f, "a: >\n  f1\n  f2\n\n  f3\n    more\n  f4\nb: 1\n",
		"{'a':'f1 f2\\nf3\\n  more\\nf4\\n','b':'1'}");
	assert_tree(f, "a: |-\n  x\n\n\nb: |+\n  y\n\n\nc: |\n  z\n\n\nd: 1\n",
		"{'a':'x','b':'y\\n\\n\\n','c':'z\\n','d':'1'}");
	assert_tree(f, "a: >-\n  one\n  two\n", "{'a':'one two'}");
	assert_tree(f, "- |2\n    four\n   three\n- >+1\n  x\n",
		"['  four\\n three\\n',' x\\n']");
	assert_tree(f, "a: |-2 # comment\n    x\n", "{'a':'  x'}");
	assert_tree(f, "a: |\n\n\n  after blanks\n",
		"{'a':'\\n\\nafter blanks\\n'}");
	assert_tree(f, "a: |\nb: 1\n", "{'a':'','b':'1'}");
	assert_tree(f, "a: |+\n\nb: 1\n", "{'a':'\\n','b':'1'}");
	assert_tree(f, "a: |\n  # not a comment\n  #x\n",
		"{'a':'# not a comment\\n#x\\n'}");
	assert_tree(f, "a: |\n  at eof", "{'a':'at eof'}");
	assert_tree(f, "a: |\n  \ttab\n", "{'a':'\\ttab\\n'}");
	assert_tree(f, "a: >\n  x\n   \n  y\n", "{'a':'x\\n \\ny\\n'}");
	assert_tree(f, "--- |\nroot text\n  more\n", "'root text\\n  more\\n'");
	assert_tree(f, "a: |\r\n  crlf\r\n  lines\r\n",
		"{'a':'crlf\\nlines\\n'}");
	assert_lines(f, "a: |\n  x\nb: >\n  y\n",
		"1@{1@'a':1@'x\\n',3@'b':3@'y\\n'}");
	assert_true(root(f, "a: |\n  x\n")->pairs[0].value->quoted);
}

static void
test_documents(void **state)
{
	struct fix *f = *state;

	assert_int_equal(parse(f,
		"# leading comment\n"
		"---\n"
		"a: 1\n"
		"---\n"
		"- b\n"
		"...\n"
		"# between\n"
		"---\n"
		"---   # empty document\n"
		"...\n"
		"--- scalar doc\n"
		"--- {c: d}\n"
		"---\n"
		"\"e\"\n"
		"...\n"
		"bare: doc after end\n"), 0);
	assert_int_equal(f->ndocs, 6);
	assert_string_equal(render(f, f->docs[0], true), "3@{3@'a':3@'1'}");
	assert_string_equal(render(f, f->docs[1], true), "5@[5@'b']");
	assert_string_equal(render(f, f->docs[2], true), "11@'scalar doc'");
	assert_string_equal(render(f, f->docs[3], true), "12@{12@'c':12@'d'}");
	assert_string_equal(render(f, f->docs[4], true), "14@'e'");
	assert_string_equal(render(f, f->docs[5], false),
		"{'bare':'doc after end'}");
	assert_int_equal(parse(f, ""), 0);
	assert_int_equal(f->ndocs, 0);
	assert_int_equal(parse_len(f, NULL, 0), 0);
	assert_int_equal(f->ndocs, 0);
	assert_null(f->docs);
	assert_int_equal(parse(f, "# nothing\n\n   \n---\n...\n"), 0);
	assert_int_equal(f->ndocs, 0);
	assert_tree(f, "---x: 1\n", "{'---x':'1'}");
	/* an error in one document does not hide the next documents' errors */
	assert_int_equal(parse(f, "a: 1\na: 2\n---\nb: ok\n---\n- &x y\n"), -1);
	assert_int_equal(f->errors, 2);
	assert_string_equal(f->msg,
		"t.yaml:2:1: error: duplicate key 'a' (first at line 1)");
	assert_int_equal(f->ndocs, 1);
	assert_string_equal(render(f, f->docs[0], false), "{'b':'ok'}");
}

static void
test_bom_crlf(void **state)
{
	struct fix *f = *state;

	assert_lines(f, "\xef\xbb\xbf"
		"a: 1\r\nb:\r\n- x\r\n\r\n- 'y\r\n  z'\r\n",
		"1@{1@'a':1@'1',2@'b':3@[3@'x',5@'y z']}");
	assert_tree(f, "\xef\xbb\xbf{\"a\":1}", "{'a':'1'}");
	assert_lines(f, "a: 1\rb: 2\r", "1@{1@'a':1@'1',2@'b':2@'2'}");
	assert_rejects(f, "a: 1\r\nb: 'x\r\n",
		"t.yaml:2:4: error: unterminated single-quoted string");
}

static void
test_line_numbers(void **state)
{
	struct fix *f = *state;

	assert_lines(f,
		"# header\n"
		"\n"
		"zones:\n"
		"  # comment\n"
		"  - name: a.example\n"
		"    records: [x,\n"
		"      y]\n"
		"    text: |\n"
		"      t1\n"
		"\n"
		"      t2\n"
		"    after:\n"
		"      k: v\n"
		"\n"
		"other:\n"
		"\n"
		"  value\n",
		"3@{3@'zones':5@[5@{5@'name':5@'a.example',"
		"6@'records':6@[6@'x',7@'y'],"
		"8@'text':8@'t1\\n\\nt2\\n',12@'after':13@{13@'k':13@'v'}}],"
		"15@'other':17@'value'}");
	assert_lines(f, "key:\nnext: 1\n", "1@{1@'key':1@'',2@'next':2@'1'}");
	assert_lines(f, "-\n- x\n", "1@[1@'',2@'x']");
	assert_lines(f, "{a: 1,\n b: [\n\n c]}\n",
		"1@{1@'a':1@'1',2@'b':2@[4@'c']}");
}

static void
test_rejections(void **state)
{
	/* input, line and column of the error, message */
	static const struct {
		const char *text;
		unsigned line, col;
		const char *msg;
	} cases[] = {
		{ "a:\n\tb: 1\n", 2, 1, "tab character used for indentation" },
		{ "a:\n  b: 1\n\tc: 2\n", 3, 1,
		  "tab character used for indentation" },
		{ "- a\n\t- b\n", 2, 1, "tab character used for indentation" },
		{ "\tk: v\n", 1, 2, "tab character used for indentation" },
		{ "a: &anchor 1\n", 1, 4, "anchors (&) are not supported" },
		{ "a: 1\nb: *.example.com\n", 2, 4, "aliases (*) are not supported; "
		  "quote a value that starts with '*'" },
		{ "a: !x 1\n", 1, 4, "tags (!) are not supported" },
		{ "- !!str 1\n", 1, 3, "tags (!) are not supported" },
		{ "[!!int 1]\n", 1, 2, "tags (!) are not supported" },
		{ "? a\n: b\n", 1, 1,
		  "complex mapping keys (?) are not supported" },
		{ "%YAML 1.2\n---\na: 1\n", 1, 1,
		  "directives (%) are not supported" },
		{ "a: 1\nb: 2\na: 3\n", 3, 1,
		  "duplicate key 'a' (first at line 1)" },
		{ "x:\n  'k': 1\n  \"k\": 2\n", 3, 3,
		  "duplicate key 'k' (first at line 2)" },
		{ "{a: 1,\n b: 2,\n a: 3}\n", 3, 2,
		  "duplicate key 'a' (first at line 1)" },
		{ "a:\n    b: 1\n  c: 2\n", 3, 3,
		  "bad indentation of a mapping entry" },
		{ "- a\n  b: c\n", 2, 4, "mapping values are not allowed here" },
		{ "a: b: c\n", 1, 4, "mapping values are not allowed here" },
		{ "a: - b\n", 1, 4,
		  "block sequence entries are not allowed here" },
		{ "a:\n  - 1\n  b: 2\n", 3, 3,
		  "bad indentation of a mapping entry" },
		{ "a: 1\n- b\n", 2, 1,
		  "expected a mapping key, found a sequence entry" },
		{ "- a\nb: 1\n", 2, 1,
		  "unexpected content after the document's root node" },
		{ "a: 1\nb\n", 2, 1,
		  "could not find expected ':' after a mapping key" },
		{ "a: 'x\n", 1, 4, "unterminated single-quoted string" },
		{ "a: \"x\n\n", 1, 4, "unterminated double-quoted string" },
		{ "a: \"x\n---\nb: 1\n", 1, 4,
		  "unterminated double-quoted string" },
		{ "a: [1,\n 2\n", 1, 4,
		  "unterminated flow sequence: missing ']'" },
		{ "a:\n  b: {c: 1\n---\n", 2, 6,
		  "unterminated flow mapping: missing '}'" },
		{ "a: \"\\z\"\n", 1, 5, "invalid escape '\\' followed by 'z'" },
		{ "a: \"\\x4g\"\n", 1, 5,
		  "invalid escape '\\x': expected 2 hex digits" },
		{ "a: \"\\U00110000\"\n", 1, 5,
		  "invalid escape '\\U': beyond U+10FFFF" },
		{ "a: [1] x\n", 1, 8, "unexpected 'x' after the value" },
		{ "a: \"x\"y\n", 1, 7, "unexpected 'y' after the value" },
		{ "[a, b]: c\n", 1, 1,
		  "flow collections as mapping keys are not supported" },
		{ "{[a]: b}\n", 1, 2,
		  "flow collections as mapping keys are not supported" },
		{ "\"multi\n line\": 1\n", 1, 1,
		  "a mapping key must be on one line" },
		{ "a: |x\n", 1, 5, "invalid block scalar header" },
		{ "--- a: 1\n", 1, 5, "mapping values are not allowed here" },
		{ "...x: 1\n... junk\n", 2, 5, "unexpected 'j' after the value" },
		{ ": v\n", 1, 1, "unexpected ':'" },
		{ "a: @x\n", 1, 4, "unexpected '@'" },
		{ "a: `x`\n", 1, 4, "unexpected '`'" },
		{ "a: %x\n", 1, 4, "unexpected '%'" },
		{ "[a,#b]\n", 1, 4, "unexpected '#'" },
		{ "[- a]\n", 1, 2, "unexpected '-'" },
		{ "a: [|]\n", 1, 5, "unexpected '|'" },
	};
	struct fix *f = *state;
	char want[256];
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(want, sizeof(want), "t.yaml:%u:%u: error: %s",
			cases[i].line, cases[i].col, cases[i].msg);
		if (parse(f, cases[i].text) != -1)
			fail_msg("accepted: %s", cases[i].text);
		if (strcmp(f->msg, want) != 0)
			fail_msg("%s\n got: %s\nwant: %s", cases[i].text,
				f->msg, want);
	}
	/* NUL bytes, reported on their line */
	assert_int_equal(parse_len(f, "a: 1\nb: x\0y\n", 12), -1);
	assert_string_equal(f->msg, "t.yaml:2:5: error: NUL byte in input");
	assert_int_equal(parse_len(f, "\0", 1), -1);
	assert_string_equal(f->msg, "t.yaml:1:1: error: NUL byte in input");
}

static void
test_large_mapping(void **state)
{
	struct fix *f = *state;
	char *text = malloc(64 * 1024), *s;
	size_t i;
	struct doc_node *r;

	assert_non_null(text);
	for (s = text, i = 0; i < 2000; i++)
		s += sprintf(s, "key%zu: %zu\n", i, i * 2);
	r = root(f, text);
	assert_int_equal(r->count, 2000);
	assert_string_equal(doc_str(doc_get(r, "key1999")), "3998");
	assert_int_equal(doc_get(r, "key1999")->line, 2000);
	/* a repeated key far from the first one, found through the hash */
	sprintf(s, "key1234: again\n");
	assert_int_equal(parse(f, text), -1);
	assert_string_equal(f->msg,
		"t.yaml:2001:1: error: duplicate key 'key1234' "
		"(first at line 1235)");
	/* the same in flow style */
	s = text;
	*s++ = '{';
	for (i = 0; i < 100; i++)
		s += sprintf(s, "\"k%zu\":%zu,\n", i, i);
	sprintf(s, "\"k0\":1}");
	assert_int_equal(parse(f, text), -1);
	assert_string_equal(f->msg,
		"t.yaml:101:1: error: duplicate key 'k0' (first at line 1)");
	free(text);
}

#define DEEP(line, col) "t.yaml:" #line ":" #col ": error: nesting deeper than 64 levels"

static void
test_depth_limit(void **state)
{
	struct fix *f = *state;
	char text[4096], *s;
	struct doc_node *n;
	int i;

	memset(text, '[', 64);
	memset(text + 64, ']', 64);
	text[128] = 0;
	n = root(f, text);
	for (i = 1; i < 64; i++)
		n = n->items[0];
	assert_int_equal(n->count, 0);
	memset(text, '[', 65);
	memset(text + 65, ']', 65);
	text[130] = 0;
	assert_rejects(f, text, DEEP(1, 65));
	for (s = text, i = 0; i < 65; i++)
		s += sprintf(s, "%*sk:\n", i, "");
	assert_rejects(f, text, DEEP(65, 65));
	memset(text, 0, sizeof(text));
	for (i = 0; i < 65; i++)
		memcpy(text + 2 * i, "- ", 2);
	text[130] = 'x';
	assert_rejects(f, text, DEEP(1, 129));
}

static void
test_helpers(void **state)
{
	struct fix *f = *state;
	struct doc_node *r, *n;
	uint64_t u = 7;
	bool b = false;

	r = root(f,
		"t1: true\nt2: TRUE\nt3: 'True'\nf1: false\nf2: fAlSe\n"
		"n1: null\nn2: ~\nn3:\nn4: 'null'\nn5: NULL\nn6: nul\n"
		"u1: 0\nu2: 18446744073709551615\nu3: 18446744073709551616\n"
		"u4: -1\nu5: +1\nu6: 1.0\nu7: ''\nu8: 007\nu9: '65535'\n"
		"s: [x]\nm: {a: 1}\n");
	assert_true(doc_bool(doc_get(r, "t1"), &b) && b);
	assert_true(doc_bool(doc_get(r, "t2"), &b) && b);
	assert_true(doc_bool(doc_get(r, "t3"), &b) && b);
	assert_true(doc_bool(doc_get(r, "f1"), &b) && !b);
	assert_true(doc_bool(doc_get(r, "f2"), &b) && !b);
	assert_false(doc_bool(doc_get(r, "n1"), &b));
	assert_false(doc_bool(doc_get(r, "u1"), &b));
	assert_false(doc_bool(doc_get(r, "s"), &b));
	assert_false(doc_bool(NULL, &b));

	assert_true(doc_is_null(doc_get(r, "n1")));
	assert_true(doc_is_null(doc_get(r, "n2")));
	assert_true(doc_is_null(doc_get(r, "n3")));
	assert_false(doc_is_null(doc_get(r, "n4")));
	assert_true(doc_is_null(doc_get(r, "n5")));
	assert_false(doc_is_null(doc_get(r, "n6")));
	assert_false(doc_is_null(doc_get(r, "u7")));
	assert_false(doc_is_null(doc_get(r, "m")));
	assert_false(doc_is_null(NULL));

	assert_true(doc_uint(doc_get(r, "u1"), 10, &u));
	assert_int_equal(u, 0);
	assert_true(doc_uint(doc_get(r, "u2"), UINT64_MAX, &u));
	assert_true(u == UINT64_MAX);
	u = 7;
	assert_false(doc_uint(doc_get(r, "u2"), UINT64_MAX - 1, &u));
	assert_false(doc_uint(doc_get(r, "u3"), UINT64_MAX, &u));
	assert_false(doc_uint(doc_get(r, "u4"), 100, &u));
	assert_false(doc_uint(doc_get(r, "u5"), 100, &u));
	assert_false(doc_uint(doc_get(r, "u6"), 100, &u));
	assert_false(doc_uint(doc_get(r, "u7"), 100, &u));
	assert_false(doc_uint(doc_get(r, "s"), 100, &u));
	assert_int_equal(u, 7);
	assert_true(doc_uint(doc_get(r, "u8"), 7, &u));
	assert_int_equal(u, 7);
	assert_true(doc_uint(doc_get(r, "u9"), 65535, &u));
	assert_int_equal(u, 65535);
	assert_false(doc_uint(doc_get(r, "u9"), 65534, &u));

	n = doc_get(r, "m");
	assert_string_equal(doc_str(doc_get(n, "a")), "1");
	assert_null(doc_get(n, "b"));
	assert_null(doc_get(doc_get(r, "s"), "x"));
	assert_null(doc_get(NULL, "x"));
	assert_null(doc_str(n));
	assert_null(doc_str(NULL));
	assert_string_equal(doc_str(doc_get(r, "n3")), "");
	assert_string_equal(doc_kind_name(DOC_MAP), "mapping");
	assert_string_equal(doc_kind_name(DOC_SEQ), "sequence");
	assert_string_equal(doc_kind_name(DOC_SCALAR), "scalar");
}

/* Parse a copy (exactly len bytes, so overreads trip the sanitizers and
 * valgrind) in a fresh arena and check that the result is consistent. */
static void
parse_copy(struct fix *f, const char *text, size_t len)
{
	char *copy = malloc(len ? len : 1);
	int rc;

	assert_non_null(copy);
	arena_free(f->a);
	f->a = arena_create(0);
	assert_non_null(f->a);
	memcpy(copy, text, len);
	rc = parse_len(f, copy, len);
	assert_true(rc == 0 || rc == -1);
	if (rc == 0)
		assert_int_equal(f->errors, 0);
	free(copy);
}

static void
test_never_crashes(void **state)
{
	static const char *const samples[] = {
		aws_endpoints_json, aws_cli_yaml,
		"a: |+2\n    x\n\n  y\nb: >-\n  z\n  w\n---\n- 'q''q\n  r'\n"
		"- \"\\u00e9\\\n  \\x41\\U0001F600\"\n"
		"- [a, {b: c}, d: e]\n...\n",
		"k:\n- - x\n  - y: [1,\n 2]\n    z: \"#\"  # c\n"
		"-  ? \n\t&a *b !c %d\n"
	};
	static const char flips[] = "\0\t\n\r :-#'\"[]{},|>\\&*!?%";
	struct fix *f = *state;
	size_t i, len, cut, k;
	char *buf;

	for (i = 0; i < sizeof(samples) / sizeof(samples[0]); i++) {
		len = strlen(samples[i]);
		for (cut = 0; cut <= len; cut++)
			parse_copy(f, samples[i], cut);
		buf = malloc(len);
		assert_non_null(buf);
		for (cut = 0; cut < len; cut += 3) {
			for (k = 0; k < sizeof(flips); k++) {
				memcpy(buf, samples[i], len);
				buf[cut] = flips[k];
				parse_copy(f, buf, len);
			}
		}
		free(buf);
	}
	/* the valid ones still parse after all that */
	assert_int_equal(parse(f, aws_endpoints_json), 0);
	assert_int_equal(parse(f, aws_cli_yaml), 0);
	assert_int_equal(parse(f, samples[2]), 0);
	assert_int_equal(f->ndocs, 2);
	assert_string_equal(render(f, f->docs[0], false),
		"{'a':'  x\\n\\ny\\n','b':'z w'}");
	assert_string_equal(render(f, f->docs[1], false),
		"['q\\'q r','\\xc3\\xa9A\\xf0\\x9f\\x98\\x80',['a',{'b':'c'},"
		"{'d':'e'}]]");
}

/* Two trees alike to the byte: kinds, lines, values, quoting. */
static void
assert_same_tree(const struct doc_node *a, const struct doc_node *b)
{
	assert_int_equal(a->kind, b->kind);
	assert_int_equal(a->line, b->line);
	assert_int_equal(a->count, b->count);
	if (a->kind == DOC_SCALAR) {
		assert_int_equal(a->len, b->len);
		assert_memory_equal(a->str, b->str, a->len + 1);
		assert_int_equal(a->quoted, b->quoted);
	}
	for (size_t i = 0; i < a->count; i++) {
		if (a->kind == DOC_SEQ) {
			assert_same_tree(a->items[i], b->items[i]);
		} else {
			assert_same_tree(a->pairs[i].key, b->pairs[i].key);
			assert_same_tree(a->pairs[i].value, b->pairs[i].value);
		}
	}
}

/* A file that is one JSON value takes the JSON fast path; "--- " in
 * front makes the same text go through the YAML parser. Both must give
 * the same tree, and the same message for the same mistake. */
static void
test_json_fast_path_matches_yaml(void **state)
{
	static const char *const texts[] = {
		"{\"VpcEndpoints\": [{\"VpcEndpointId\": \"vpce-0a\",\n"
		"  \"PrivateDnsEnabled\": true, \"Tags\": [], \"Count\": -1.5e3,\n"
		"\t\"None\": null, \"Empty\": \"\", \"Map\": {}}\r\n]}\n",
		"[1, \"two\", [3, [4, {\"five\": false}]],\n\n\n \"six\"]",
		"{\"esc\": \"a\\\"b\\u00e9\\n\\/\\ud83d\\ude00\\t\", \"k\": \"v\"}",	/* escapes */
		"{\"yaml-only\": \"\\x41\\e\"}",	/* YAML's escapes: the YAML parser's */
		"{\"a\": 1} # comment",
		"{\"a\": yes, \"b\": 0x10, \"c\": .5}",
		"{\"lone\": \"cr\",\r\"x\": 1}",
		"# saved from aws ec2 describe-vpcs\n  # on Monday\n{\"Vpcs\": []}\n",
		"{\"a\": [1]} # a trailing comment: YAML's",
	};
	struct fix *f = *state;
	char yaml[512];

	for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		struct doc_node *json = root(f, texts[i]);
		snprintf(yaml, sizeof(yaml), "--- %s", texts[i]);
		assert_same_tree(json, root(f, yaml));
	}
	static const char *const bad[] = {
		"{\"a\": 1,\n \"b\": 2,\n \"a\": 3}",
		"[{\"x\": [1, 2}]",
		"{\"a\": 1}\n{\"b\": 2}",
	};
	/* the YAML parser reads the first line four columns to the right */
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char first[512], shifted[512];
		unsigned line, col;
		int at = 0;
		assert_int_equal(parse(f, bad[i]), -1);
		snprintf(first, sizeof(first), "%s", f->msg);
		assert_int_equal(sscanf(first, "t.yaml:%u:%u: %n", &line, &col, &at), 2);
		snprintf(shifted, sizeof(shifted), "t.yaml:%u:%u: %s", line,
			col + (line == 1 ? 4 : 0), first + at);
		snprintf(yaml, sizeof(yaml), "--- %s", bad[i]);
		assert_int_equal(parse(f, yaml), -1);
		assert_string_equal(shifted, f->msg);
	}
}

/* A .json file is strict JSON (RFC 8259): what the AWS CLI prints loads
 * as it does through the YAML reader, anything else is an error at its
 * line and column that says what to write instead. */
static void
test_json_strict(void **state)
{
	static const struct {
		const char *text;
		const char *msg;
	} cases[] = {
		{ "{\"a\": 1,}", "1:8: error: trailing comma: JSON allows no ',' before '}'" },
		{ "{\"a\": [1, 2,\n  ]\n}", "1:12: error: trailing comma: JSON allows no ',' "
		  "before ']'" },
		{ "{\n  \"a\": 1, // note\n  \"b\": 2\n}", "2:11: error: comments are not allowed "
		  "in JSON (a .yaml file may have them)" },
		{ "# saved from aws\n{\"a\":1}", "1:1: error: comments are not allowed in JSON (a "
		  ".yaml file may have them)" },
		{ "{\"a\": 1}\n/* x */", "2:1: error: comments are not allowed in JSON (a .yaml "
		  "file may have them)" },
		{ "{'a': 1}", "1:2: error: strings in JSON take double quotes, not single ones" },
		{ "{\"a\": 'x'}", "1:7: error: strings in JSON take double quotes, not single ones" },
		{ "{a: 1}", "1:2: error: object keys in JSON are strings in double quotes, found 'a'" },
		{ "{\"a\": yes}", "1:7: error: 'yes' is not a JSON value (strings take double "
		  "quotes; the literals are true, false and null)" },
		{ "{\"a\": True}", "1:7: error: 'True' is not a JSON value (strings take double "
		  "quotes; the literals are true, false and null)" },
		{ "[01]", "1:2: error: '01' is not a JSON number" },
		{ "[1.]", "1:2: error: '1.' is not a JSON number" },
		{ "[1e+]", "1:2: error: '1e+' is not a JSON number" },
		{ "[0x10]", "1:2: error: '0x10' is not a JSON number" },
		{ "[-]", "1:2: error: '-' is not a JSON number" },
		{ "{\"a\": 1}{\"b\": 2}", "1:9: error: unexpected '{' after the JSON value (a .json "
		  "file holds one value; several documents need a .yaml file and '---')" },
		{ "{\"a\": 1}\n---\n{\"b\": 2}", "2:1: error: unexpected '-' after the JSON value "
		  "(a .json file holds one value; several documents need a .yaml file and '---')" },
		{ "", "1:1: error: the file holds no JSON value (the AWS CLI prints an object: "
		  "{\xe2\x80\xa6})" },
		{ "{\"a\": \"x\ny\"}", "1:7: error: unterminated string (a string ends on its own "
		  "line; a line break in it is written \\n)" },
		{ "{\"a\": \"x\ty\"}", "1:9: error: control character 0x09 in a string: JSON "
		  "wants it escaped (\\t, \\u00XX)" },
		{ "[\"\\x41\"]", "1:3: error: invalid escape '\\x' (JSON has \\\" \\\\ \\/ \\b \\f "
		  "\\n \\r \\t and \\uXXXX)" },
		{ "[\"\\u12\"]", "1:3: error: invalid escape '\\u': expected 4 hex digits" },
		{ "{\"a\" 1}", "1:6: error: expected ':' after the key \"a\", found '1'" },
		{ "{\"a\": 1 \"b\": 2}", "1:9: error: missing ',' before this member" },
		{ "[1 2]", "1:4: error: missing ',' before this value" },
		{ "[1; 2]", "1:3: error: expected ',' or ']', found ';'" },
		{ "{\"a\": 1", "1:8: error: the file ends inside the object opened at line 1, "
		  "column 1: expected ',' or '}'" },
		{ "{\n  \"a\": [1, 2", "2:13: error: the file ends inside the array opened at line "
		  "2, column 8: expected ',' or ']'" },
		{ "{\"a\"", "1:5: error: the file ends inside the object opened at line 1, column 1: "
		  "expected ':'" },
		{ "[", "1:2: error: the file ends inside the array opened at line 1, column 1: "
		  "expected a value" },
		{ "{\"a\": 1, \"a\": 2}", "1:10: error: duplicate key 'a' (first at line 1)" },
		{ "{\n\t\"a\": @}", "2:7: error: expected a value, found '@'" },
		{ "{\"a\":\r\n 1,,}", "2:4: error: object keys in JSON are strings in double "
		  "quotes, found ','" },
	};
	struct fix *f = *state;
	char want[512];

	f->syntax = DOC_JSON;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(want, sizeof(want), "t.json:%s", cases[i].msg);
		if (parse(f, cases[i].text) != -1)
			fail_msg("accepted: %s", cases[i].text);
		if (strcmp(f->msg, want) != 0)
			fail_msg("%s\n got: %s\nwant: %s", cases[i].text, f->msg, want);
		assert_int_equal(f->errors, 1);
	}
	/* 64 levels are JSON, 65 too deep */
	char deep[256];
	memset(deep, '[', 65);
	memset(deep + 65, ']', 65);
	deep[130] = 0;
	assert_rejects(f, deep, "t.json:1:65: error: nesting deeper than 64 levels");
	deep[129] = 0;
	assert_non_null(root(f, deep + 1));
	/* what RFC 8259 allows: any value at the top, white space, escapes, a BOM */
	assert_tree(f, "\"str\"", "'str'");
	assert_tree(f, " -0.5e-3 ", "'-0.5e-3'");
	assert_tree(f, "\xef\xbb\xbf{\"a\":null}\r\n", "{'a':'null'}");
	assert_tree(f, "{\"k\": \"\\ud83d\\ude00\\u00e9\\n\\/\\\"\"}",
		"{'k':'\\xf0\\x9f\\x98\\x80\\xc3\\xa9\\n/\"'}");
}

/* Strict JSON gives the tree the YAML reader gives for the same text:
 * the same values, lines and columns. */
static void
test_json_strict_matches_yaml(void **state)
{
	struct fix *f = *state;
	struct doc_node *yaml, *json;
	char a[4096];

	yaml = root(f, aws_endpoints_json);
	snprintf(a, sizeof(a), "%s", render(f, yaml, true));
	f->syntax = DOC_JSON;
	json = root(f, aws_endpoints_json);
	assert_string_equal(a, render(f, json, true));
	/* columns: each node where its text starts */
	json = root(f, "{\"Vpcs\": [\n  {\"VpcId\": \"vpc-1\",\n   \"N\": -1}]}");
	assert_int_equal(json->col, 1);
	const struct doc_node *seq = doc_get(json, "Vpcs"), *vpc = seq->items[0];
	assert_int_equal(json->pairs[0].key->col, 2);
	assert_int_equal(seq->col, 10);
	assert_int_equal(vpc->line, 2);
	assert_int_equal(vpc->col, 3);
	assert_int_equal(vpc->pairs[0].key->col, 4);
	assert_int_equal(vpc->pairs[0].value->col, 13);
	assert_int_equal(vpc->pairs[1].key->line, 3);
	assert_int_equal(vpc->pairs[1].key->col, 4);
	assert_int_equal(vpc->pairs[1].value->col, 9);
	/* the YAML reader's columns for the same in block style */
	f->syntax = DOC_YAML;
	yaml = root(f, "Vpcs:\n  - VpcId: vpc-1\n    N: 'x'\n");
	vpc = doc_get(yaml, "Vpcs")->items[0];
	assert_int_equal(yaml->pairs[0].key->col, 1);
	assert_int_equal(vpc->col, 5);
	assert_int_equal(vpc->pairs[0].value->col, 12);
	assert_int_equal(vpc->pairs[1].key->col, 5);
	assert_int_equal(vpc->pairs[1].value->col, 8);
}

/* The syntax follows the name. */
static void
test_syntax_of(void **state)
{
	(void)state;
	assert_int_equal(doc_syntax_of("a/b.json"), DOC_JSON);
	assert_int_equal(doc_syntax_of(".json"), DOC_JSON);
	assert_int_equal(doc_syntax_of("b.yaml"), DOC_YAML);
	assert_int_equal(doc_syntax_of("b.yml"), DOC_YAML);
	assert_int_equal(doc_syntax_of("b.JSON"), DOC_YAML);
	assert_int_equal(doc_syntax_of("json"), DOC_YAML);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_json_aws_endpoints),
		T(test_json_shapes),
		T(test_json_escapes),
		T(test_json_errors),
		T(test_yaml_aws_cli),
		T(test_yaml_block),
		T(test_yaml_flow),
		T(test_plain_scalars),
		T(test_quoted_scalars),
		T(test_block_scalars),
		T(test_documents),
		T(test_bom_crlf),
		T(test_line_numbers),
		T(test_rejections),
		T(test_large_mapping),
		T(test_depth_limit),
		T(test_helpers),
		T(test_never_crashes),
		T(test_json_fast_path_matches_yaml),
		T(test_json_strict),
		T(test_json_strict_matches_yaml),
		T(test_syntax_of),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
