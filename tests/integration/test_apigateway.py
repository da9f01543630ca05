# tests/integration/test_apigateway.py - API Gateway private APIs' DNS names, against the real dnsd.
"""Private REST APIs (`aws apigateway get-rest-apis`) and the execute-api
interface endpoints in the VPCs, as the API Gateway Developer Guide's
"Invoking your private API" page describes their names:

- {rest-api-id}-{vpce-id}.execute-api.{region}.amazonaws.com, the Route 53
  alias API Gateway creates when an endpoint is associated with the API,
  answers the endpoint's addresses for any client ("Accessing your
  private API using a Route53 alias"); inside a VPC whose execute-api
  endpoint has private DNS the hidden zone's wildcard answers it, as it
  answers every *.execute-api name there;
- {rest-api-id}.execute-api.{region}.amazonaws.com follows private DNS
  ("Invoking your private API using private DNS names"), and resolves to
  the same addresses as the endpoint's own name, which is the check the
  AWS Knowledge Center article on private API connection problems has
  users run (nslookup both, compare);
- a private API's custom domain name (get-domain-names, PRIVATE) has no
  DNS of API Gateway's making: a private hosted zone with an alias record
  to the endpoint answers it ("Routing traffic to an Amazon API Gateway
  API by using your domain name", Route 53 Developer Guide).
"""
import json

from tests.integration.harness import Dnsd, World, addresses, dig, rcode

REGION = "us-east-2"
API = "a1b2c3d4e5"
PUBLIC_API = "z9y8x7w6v5"
VPC_A, VPC_B, VPC_C = "vpc-0aaaaaaaaaaaaaaa1", "vpc-0bbbbbbbbbbbbbbb2", "vpc-0ccccccccccccccc3"
EP_A, EP_B = "vpce-01234567abcdef012", "vpce-0fedcba9876543210"
REGIONAL_A = f"{EP_A}-01234567.execute-api.{REGION}.vpce.amazonaws.com."
ADDRS_A = ["10.1.1.20", "10.1.2.20"]
ADDRS_B = ["10.2.1.30"]

DEFS = f"""Vpcs:
  - VpcId: {VPC_A}
    CidrBlock: 10.1.0.0/16
    EnableDnsSupport: true
    EnableDnsHostnames: true
    Subnets:
      - {{SubnetId: subnet-0aaaaaaaaaaaaaaa1, AvailabilityZone: {REGION}a, CidrBlock: 10.1.1.0/24}}
      - {{SubnetId: subnet-0aaaaaaaaaaaaaaa2, AvailabilityZone: {REGION}b, CidrBlock: 10.1.2.0/24}}
    VpcEndpoints:
      - VpcEndpointId: {EP_A}
        ServiceName: com.amazonaws.{REGION}.execute-api
        DnsEntries: [{{DnsName: {REGIONAL_A[:-1]}}}]
        NetworkInterfaces:
          - {{SubnetId: subnet-0aaaaaaaaaaaaaaa1, PrivateIpAddress: {ADDRS_A[0]}}}
          - {{SubnetId: subnet-0aaaaaaaaaaaaaaa2, PrivateIpAddress: {ADDRS_A[1]}}}
  - VpcId: {VPC_B}
    CidrBlock: 10.2.0.0/16
    EnableDnsSupport: true
    EnableDnsHostnames: true
    Subnets:
      - {{SubnetId: subnet-0bbbbbbbbbbbbbbb1, AvailabilityZone: {REGION}a, CidrBlock: 10.2.1.0/24}}
    VpcEndpoints:
      - VpcEndpointId: {EP_B}
        ServiceName: com.amazonaws.{REGION}.execute-api
        PrivateDnsEnabled: false
        NetworkInterfaces:
          - {{SubnetId: subnet-0bbbbbbbbbbbbbbb1, PrivateIpAddress: {ADDRS_B[0]}}}
  - VpcId: {VPC_C}
    CidrBlock: 10.3.0.0/16
    EnableDnsSupport: true
    EnableDnsHostnames: true
"""

# `aws apigateway get-rest-apis`, as the CLI prints it
REST_APIS = {"items": [
    {"id": API, "name": "orders", "createdDate": "2024-05-01T10:00:00+00:00",
     "apiKeySource": "HEADER", "endpointConfiguration": {
         "types": ["PRIVATE"], "ipAddressType": "ipv4",
         "vpcEndpointIds": [EP_A, EP_B, "vpce-0999999999999999a"]},
     "policy": "{\\\"Version\\\":\\\"2012-10-17\\\"}", "disableExecuteApiEndpoint": False,
     "rootResourceId": "abc123"},
    {"id": PUBLIC_API, "name": "public", "createdDate": "2024-05-01T10:00:00+00:00",
     "endpointConfiguration": {"types": ["REGIONAL"], "ipAddressType": "ipv4"},
     "rootResourceId": "def456"}]}

DOMAIN_NAMES = {"items": [
    {"domainName": "api.private.example", "domainNameId": "abcd1234",
     "domainNameArn": "arn:aws:apigateway:us-east-2:111122223333:/domainnames/api.private.example+abcd1234",
     "certificateArn": "arn:aws:acm:us-east-2:111122223333:certificate/x",
     "endpointConfiguration": {"types": ["PRIVATE"], "ipAddressType": "ipv4"},
     "domainNameStatus": "AVAILABLE", "securityPolicy": "TLS_1_2"},
    {"domainName": "orphan.private.example", "domainNameId": "efgh5678",
     "endpointConfiguration": {"types": ["PRIVATE"]}}]}

# the consumer's private hosted zone for the custom domain name: an alias
# to the execute-api endpoint's regional name
ROUTE53 = f"""HostedZones:
  - Id: /hostedzone/Z0PRIVATEEXAMPLE00001
    Name: private.example.
    VPCIds: [{VPC_A}]
    ResourceRecordSets:
      - Name: api.private.example.
        Type: A
        AliasTarget: {{HostedZoneId: ZC8PG0KIFKBRI, DNSName: {REGIONAL_A}, EvaluateTargetHealth: false}}
"""


def world():
    return World({"vpcs.yaml": DEFS, "get-rest-apis.json": json.dumps(REST_APIS),
                  "get-domain-names.json": json.dumps(DOMAIN_NAMES), "route53.yaml": ROUTE53,
                  # output of a command dnsd does not read, with the same key
                  "get-resources.json": json.dumps({"items": [
                      {"id": "abc123", "path": "/", "resourceMethods": {"GET": {}}}]})})


def start(w):
    # listeners: outside every VPC, then inside A, B and C
    return Dnsd(zones=w.dir, listen=("127.0.0.1:0", f"127.0.0.1:0={VPC_A}",
                                     f"127.0.0.1:0={VPC_B}", f"127.0.0.1:0={VPC_C}"))


def ask(d, name, where, rtype="A"):
    return d.query(name, rtype, addr=d.addrs[where])


OUTSIDE, IN_A, IN_B, IN_C = range(4)
ALIAS_A = f"{API}-{EP_A}.execute-api.{REGION}.amazonaws.com."
ALIAS_B = f"{API}-{EP_B}.execute-api.{REGION}.amazonaws.com."


def test_alias_names_answer_the_endpoint_for_any_client__apigateway_private_api_test_invoke_url():
    with world() as w, start(w) as d:
        for where in (OUTSIDE, IN_B, IN_C):
            assert sorted(addresses(ask(d, ALIAS_A, where))) == ADDRS_A, where
        for where in (OUTSIDE, IN_C):
            assert addresses(ask(d, ALIAS_B, where)) == ADDRS_B, where
        # dig, from outside every VPC: the alias takes the endpoint name's TTL
        out = dig("+noall", "+answer", ALIAS_A, "A", port=d.addrs[OUTSIDE][1])
        assert sorted(l.split()[4] for l in out.splitlines() if l) == ADDRS_A
        assert {l.split()[1] for l in out.splitlines() if l} == {"60"}
        # no AAAA for an IPv4 endpoint; the name exists
        r = ask(d, ALIAS_A, OUTSIDE, "AAAA")
        assert rcode(r) == "NOERROR" and not r.answer


def test_private_dns_wildcard_answers_inside_the_vpc__apigateway_private_api_test_invoke_url():
    """Inside VPC A, whose endpoint has private DNS, the hidden zone
    *.execute-api.us-east-2.amazonaws.com answers every name under it: the
    API's own name, and the alias names too (with A's endpoint)."""
    with world() as w, start(w) as d:
        own = sorted(addresses(ask(d, f"{API}.execute-api.{REGION}.amazonaws.com.", IN_A)))
        endpoint = sorted(addresses(ask(d, REGIONAL_A, IN_A)))
        # the Knowledge Center check: both resolve to the endpoint's addresses
        assert own == endpoint == ADDRS_A
        assert sorted(addresses(ask(d, ALIAS_A, IN_A))) == ADDRS_A
        assert sorted(addresses(ask(d, ALIAS_B, IN_A))) == ADDRS_A
        # a public API's default name also lands on the endpoint there (HTTP 403, KC403)
        assert sorted(addresses(ask(d, f"{PUBLIC_API}.execute-api.{REGION}.amazonaws.com.",
                                    IN_A))) == ADDRS_A


def test_api_name_without_private_dns_is_public__apigateway_private_api_test_invoke_url():
    """Without private DNS (VPC B) or without an endpoint (VPC C), the API's
    default name is the public one: forwarded (here to a dead upstream)."""
    with world() as w, start(w) as d:
        for where in (IN_B, IN_C, OUTSIDE):
            r = ask(d, f"{API}.execute-api.{REGION}.amazonaws.com.", where)
            assert rcode(r) == "SERVFAIL", where
        # nor is every execute-api name answered: only the alias names
        assert rcode(ask(d, f"{API}-vpce-0999999999999999a.execute-api.{REGION}.amazonaws.com.",
                         OUTSIDE)) == "SERVFAIL"


def test_private_custom_domain_name_from_a_hosted_zone__routing_to_api_gateway():
    with world() as w, start(w) as d:
        assert sorted(addresses(ask(d, "api.private.example.", IN_A))) == ADDRS_A
        log = d.log()
        assert "private API custom domain name orphan.private.example.: API Gateway creates " \
               "no DNS record for it" in log
        assert "api.private.example.: API Gateway creates" not in log
        assert f"REST API {API} is associated with VPC endpoint vpce-0999999999999999a, which " \
               "no definition describes" in log
        assert "an items entry that is not get-rest-apis, get-domain-names or " \
               "get-domain-name-access-associations output: skipped" in log
