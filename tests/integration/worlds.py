# tests/integration/worlds.py - generated VPC worlds and the answers AWS would give in them.
"""A World is a set of VPCs with subnets, interface endpoints, private
hosted zones and Resolver rules, written as the AWS CLI prints it (EC2
families as `describe-*` JSON, Route 53 and Resolver in dnsd's documented
hand-written YAML), together with a model of what each VPC's resolver
answers. Tests build worlds of fixed sizes or at random and check dnsd's
answers against the model from inside each VPC (see netns.py).

Addressing: VPC i owns 10.(i // 64).((i % 64) * 4).0/22; its subnets are
the first three /24s, its test client sends from the fourth.
"""
import hashlib
import ipaddress
import json
import os
import random

REGION = "us-east-2"
AZS = ("us-east-2a", "us-east-2b", "us-east-2c")
# services whose private DNS name is <label>.<region>.amazonaws.com (src/catalog.c)
SERVICES = ("sqs", "kms", "monitoring", "ssm", "sns", "logs", "sts", "secretsmanager")
OWNER = "111122223333"
RFC1918 = ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16")


def hexid(prefix, *parts):
    h = hashlib.blake2b(":".join(map(str, (prefix,) + parts)).encode(), digest_size=9).hexdigest()
    return f"{prefix}-0{h[:16]}"


def suffix8(*parts):
    h = hashlib.blake2b(":".join(map(str, parts)).encode(), digest_size=8).digest()
    return "".join("abcdefghijklmnopqrstuvwxyz0123456789"[b % 36] for b in h)


class Endpoint:
    def __init__(self, vpc, service, n, private_dns=True, state="available", azs=AZS):
        self.vpc = vpc
        self.service = service
        self.id = hexid("vpce", vpc.index, service, n)
        self.suffix = suffix8(vpc.index, service, n)
        self.private_dns = private_dns
        self.state = state
        self.base = f"{service}.{REGION}.vpce.amazonaws.com"
        self.enis = []      # (eni id, az, subnet id, address)
        for az in azs:
            k = AZS.index(az)
            sub = vpc.subnets[k]
            addr = str(sub[2].network_address + 10 + len(vpc.endpoints) * 4 + n)
            self.enis.append((hexid("eni", vpc.index, service, n, az), az, sub[0], addr))

    @property
    def regional(self):
        return f"{self.id}-{self.suffix}.{self.base}"

    def zonal(self, az):
        return f"{self.id}-{self.suffix}-{az}.{self.base}"

    @property
    def private_name(self):
        return f"{self.service}.{REGION}.amazonaws.com"

    def addrs(self, az=None):
        return sorted(a for _, z, _, a in self.enis if az is None or z == az)

    # What each State gives in DNS (dnsd's choice where the AWS PrivateLink
    # guide is silent; README "Endpoint states"): every name while available,
    # pending or partial; the regional and zonal names only while
    # pendingAcceptance; nothing when rejected, failed, expired, deleting or
    # deleted.
    @property
    def serves(self):
        return self.state in ("available", "pending", "partial", "pendingAcceptance")

    @property
    def serves_private(self):
        return self.state in ("available", "pending", "partial")


class Instance:
    """An EC2 instance: its IP name always answers A; its resource name
    answers A (and AAAA) as its PrivateDnsNameOptions say (EC2 User Guide,
    "Amazon EC2 instance hostname types")."""

    def __init__(self, vpc, n, rn_a=False, hostname_type="ip-name", public=None):
        self.vpc = vpc
        self.id = hexid("i", vpc.index, n)
        sub = vpc.subnets[n % len(vpc.subnets)]
        self.subnet = sub[0]
        self.addr = str(sub[2].network_address + 100 + n // len(vpc.subnets))
        self.rn_a = rn_a
        self.hostname_type = hostname_type
        self.public = public    # a public IPv4 address, or None

    @property
    def ip_name(self):
        return "ip-" + self.addr.replace(".", "-") + f".{REGION}.compute.internal"

    @property
    def resource_name(self):
        return f"{self.id}.{REGION}.compute.internal"

    @property
    def public_name(self):
        return "ec2-" + self.public.replace(".", "-") + f".{REGION}.compute.amazonaws.com"


class Vpc:
    def __init__(self, index, dns_support=True, dns_hostnames=True):
        self.index = index
        self.id = hexid("vpc", index)
        base = ipaddress.ip_address(f"10.{index // 64}.{(index % 64) * 4}.0")
        self.cidr = ipaddress.ip_network(f"{base}/22")
        self.client = str(base + 3 * 256 + 10)
        self.subnets = [(hexid("subnet", index, k), az, ipaddress.ip_network(f"{base + k * 256}/24"))
                        for k, az in enumerate(AZS)]
        self.dns_support = dns_support
        self.dns_hostnames = dns_hostnames
        self.endpoints = []
        self.instances = []

    def add_endpoint(self, service, **kw):
        ep = Endpoint(self, service, sum(e.service == service for e in self.endpoints), **kw)
        self.endpoints.append(ep)
        return ep

    def add_instance(self, **kw):
        i = Instance(self, len(self.instances), **kw)
        self.instances.append(i)
        return i

    @property
    def private_dns_on(self):
        return self.dns_support and self.dns_hostnames


# Regions by great-circle distance from REGION (Ohio), nearest first
# (src/awsregion.c): what latency records of a VPC in REGION choose by.
REGIONS_BY_DISTANCE = ("us-east-2", "us-east-1", "us-west-2", "eu-west-1", "ap-northeast-1")


class RecordSet:
    """One record set of a routing policy group (Route 53 Developer Guide,
    "Choosing a routing policy"); healthy is what its health check says."""

    def __init__(self, set_id, addrs, healthy=True, health_check=None, **policy):
        self.id = set_id
        self.addrs = addrs
        self.healthy = healthy
        self.health_check = health_check
        self.policy = policy    # {"Failover": "PRIMARY"} / {"Region": r} / {"MultiValueAnswer": True}


def routed_answer(sets):
    """What a query from a VPC of REGION gets from a group: failover by
    health, latency by distance then health, multivalue (eight or fewer
    sets) every healthy set, all when none is."""
    kind = next(iter(sets[0].policy))
    if kind == "Failover":
        pri = [s for s in sets if s.policy["Failover"] == "PRIMARY"]
        sec = [s for s in sets if s.policy["Failover"] == "SECONDARY"]
        if pri and pri[0].healthy:
            return pri[0].addrs
        if sec and sec[0].healthy:
            return sec[0].addrs
        return (pri or sec)[0].addrs
    if kind == "Region":
        order = sorted(sets, key=lambda s: REGIONS_BY_DISTANCE.index(s.policy["Region"]))
        return next((s for s in order if s.healthy), order[0]).addrs
    healthy = [s for s in sets if s.healthy] or sets
    return [a for s in healthy for a in s.addrs]


class HostedZone:
    def __init__(self, name, vpcs, records, routed=None):
        self.id = "Z" + hashlib.blake2b(name.encode(), digest_size=8).hexdigest().upper()
        self.name = name            # without the final dot
        self.vpcs = vpcs
        self.records = records      # owner -> [address]
        self.routed = routed or {}  # owner -> [RecordSet]


class Rule:
    def __init__(self, domain, rtype, vpcs, target=None):
        self.id = hexid("rslvr-rr", domain, rtype)
        self.domain = domain
        self.type = rtype
        self.vpcs = vpcs
        self.target = target        # (host, port) of a FORWARD rule


class World:
    def __init__(self):
        self.vpcs = []
        self.zones = []
        self.rules = []

    def add_vpc(self, **kw):
        v = Vpc(len(self.vpcs), **kw)
        self.vpcs.append(v)
        return v

    # ---- what the resolver of a VPC answers (the model) ----

    def endpoints(self):
        return [e for v in self.vpcs for e in v.endpoints]

    def _rules_for(self, vpc, name, rtype):
        return [r for r in self.rules if vpc in r.vpcs and r.type == rtype and
                (name == r.domain or name.endswith("." + r.domain))]

    def _forward_rule(self, vpc, name):
        """The most specific FORWARD rule for name, unless a SYSTEM rule at
        least as specific hands the name back to normal resolution."""
        fwd = max(self._rules_for(vpc, name, "FORWARD"), key=lambda r: len(r.domain), default=None)
        if fwd and any(len(s.domain) >= len(fwd.domain)
                       for s in self._rules_for(vpc, name, "SYSTEM")):
            return None
        return fwd

    def _zone_for(self, vpc, name):
        """The most specific private zone (hosted or hidden) of the VPC
        covering name: both need both DNS attributes (VPC User Guide, "DNS
        attributes for your VPC"; Route 53 Developer Guide, "Considerations
        when working with a private hosted zone")."""
        best = None
        for z in self.zones:
            if vpc in z.vpcs and vpc.private_dns_on and (name == z.name or name.endswith("." + z.name)):
                if best is None or len(z.name) > len(best[0]):
                    best = (z.name, z)
        for e in vpc.endpoints:
            if e.serves_private and e.private_dns and vpc.private_dns_on:
                n = e.private_name
                if (name == n or name.endswith("." + n)) and (best is None or len(n) > len(best[0])):
                    best = (n, e)
        return best

    def _ec2(self, vpc, name):
        """EC2 names (VPC User Guide, "DNS hostnames"): None when the name is
        not one, else the outcome. IP names of RFC 1918 addresses answer in
        every VPC of the Region; resource and public names in their own."""
        domain = f".{REGION}.compute.internal"
        if name.endswith(domain):
            label = name[:-len(domain)]
            if label.startswith("ip-"):
                addr = label[3:].replace("-", ".")
                try:
                    a = ipaddress.ip_address(addr)
                    ok = a in vpc.cidr or any(a in ipaddress.ip_network(n) for n in RFC1918)
                except ValueError:
                    ok = False
                return ("addrs", [addr]) if ok else ("nxdomain",)
            for i in vpc.instances:
                if i.resource_name == name and i.rn_a:
                    return ("addrs", [i.addr])
            return ("nxdomain",)
        for i in vpc.instances:
            if i.public and i.public_name == name:
                return ("addrs", [i.addr])
        return None

    def expect(self, vpc, name):
        """What an A query for name from inside vpc gets: ("addrs", [sorted
        addresses]), ("nxdomain",), ("forward", target or None), or ("drop",)
        when the VPC has enableDnsSupport off (VPC User Guide, "DNS attributes
        for your VPC": queries to the Amazon DNS server succeed only when on)."""
        if not vpc.dns_support:
            return ("drop",)
        zone = self._zone_for(vpc, name)
        rule = self._forward_rule(vpc, name)
        # the most specific of zone and FORWARD rule decides, the rule on a
        # tie; SYSTEM rules only take names back from FORWARD rules (facts §7)
        if rule and (zone is None or len(rule.domain) >= len(zone[0])):
            return ("forward", rule.target)
        if zone:
            obj = zone[1]
            if isinstance(obj, Endpoint):
                return ("addrs", obj.addrs()) if name == obj.private_name else ("nxdomain",)
            if name in obj.routed:
                return ("addrs", sorted(set(routed_answer(obj.routed[name]))))
            recs = obj.records.get(name)
            return ("addrs", sorted(recs)) if recs else ("nxdomain",)
        ec2 = self._ec2(vpc, name) if vpc.private_dns_on else None
        if ec2:
            return ec2
        for e in self.endpoints():      # public endpoint names answer every client
            if not e.serves:
                continue
            if name == e.regional:
                return ("addrs", e.addrs())
            for az in AZS:
                if name == e.zonal(az) and e.addrs(az):
                    return ("addrs", e.addrs(az))
        return ("forward", None)

    # ---- files ----

    def write(self, d, form="cli"):
        os.makedirs(d, exist_ok=True)
        if form == "cli":
            self._write_cli(d)
        else:
            self._write_yaml(d)
        self._write_route53(d)

    def _dump(self, d, name, obj):
        with open(os.path.join(d, name), "w") as f:
            json.dump(obj, f, indent=4)

    def _write_cli(self, d):
        self._dump(d, "describe-vpcs.json", {"Vpcs": [
            {"CidrBlock": str(v.cidr), "State": "available", "VpcId": v.id, "OwnerId": OWNER,
             "InstanceTenancy": "default", "IsDefault": False,
             "CidrBlockAssociationSet": [{"AssociationId": hexid("vpc-cidr-assoc", v.index),
                                          "CidrBlock": str(v.cidr),
                                          "CidrBlockState": {"State": "associated"}}]}
            for v in self.vpcs]})
        self._dump(d, "describe-subnets.json", {"Subnets": [
            {"AvailabilityZone": az, "CidrBlock": str(c), "State": "available", "SubnetId": sid,
             "VpcId": v.id, "OwnerId": OWNER, "Ipv6CidrBlockAssociationSet": []}
            for v in self.vpcs for sid, az, c in v.subnets]})
        for v in self.vpcs:
            for attr, val in (("enableDnsSupport", v.dns_support),
                              ("enableDnsHostnames", v.dns_hostnames)):
                key = attr[0].upper() + attr[1:]
                self._dump(d, f"describe-vpc-attribute-{v.index:05d}-{attr}.json",
                           {"VpcId": v.id, key: {"Value": val}})
        eps = []
        for e in self.endpoints():
            entries = [{"DnsName": e.regional, "HostedZoneId": "ZC8PG0KIFKBRI"}]
            entries += [{"DnsName": e.zonal(az), "HostedZoneId": "ZC8PG0KIFKBRI"}
                        for _, az, _, _ in e.enis]
            eps.append({"VpcEndpointId": e.id, "VpcEndpointType": "Interface", "VpcId": e.vpc.id,
                        "ServiceName": f"com.amazonaws.{REGION}.{e.service}", "State": e.state,
                        "SubnetIds": [s for _, _, s, _ in e.enis], "IpAddressType": "ipv4",
                        "DnsOptions": {"DnsRecordIpType": "ipv4"},
                        "PrivateDnsEnabled": e.private_dns, "RequesterManaged": False,
                        "NetworkInterfaceIds": [i for i, _, _, _ in e.enis],
                        "DnsEntries": entries, "OwnerId": OWNER})
        self._dump(d, "describe-vpc-endpoints.json", {"VpcEndpoints": eps})
        self._dump(d, "describe-network-interfaces.json", {"NetworkInterfaces": [
            {"AvailabilityZone": az, "Description": f"VPC Endpoint Interface {e.id}",
             "InterfaceType": "vpc_endpoint", "Ipv6Addresses": [], "NetworkInterfaceId": eni,
             "OwnerId": OWNER, "PrivateIpAddress": addr,
             "PrivateIpAddresses": [{"Primary": True, "PrivateIpAddress": addr}],
             "RequesterManaged": True, "Status": "in-use", "SubnetId": sub, "VpcId": e.vpc.id}
            for e in self.endpoints() for eni, az, sub, addr in e.enis]})
        self._dump(d, "describe-instances.json", {"Reservations": [
            {"Groups": [], "OwnerId": OWNER, "ReservationId": hexid("r", v.index),
             "Instances": [self._instance(i) for i in v.instances]}
            for v in self.vpcs if v.instances]})

    @staticmethod
    def _instance(i):
        """An Instance as describe-instances prints it (the fields DNS needs
        and some it does not)."""
        out = {"InstanceId": i.id, "InstanceType": "t3.micro", "VpcId": i.vpc.id,
               "SubnetId": i.subnet, "PrivateIpAddress": i.addr,
               "PrivateDnsName": i.ip_name, "PublicDnsName": "", "StateTransitionReason": "",
               "State": {"Code": 16, "Name": "running"},
               "PrivateDnsNameOptions": {"HostnameType": i.hostname_type,
                                         "EnableResourceNameDnsARecord": i.rn_a,
                                         "EnableResourceNameDnsAAAARecord": False}}
        if i.public:
            out["PublicIpAddress"] = i.public
            out["PublicDnsName"] = i.public_name
        return out

    def _write_yaml(self, d):
        lines = ["Vpcs:"]
        for v in self.vpcs:
            lines += [f"  - VpcId: {v.id}", f"    CidrBlock: {v.cidr}",
                      f"    EnableDnsSupport: {str(v.dns_support).lower()}",
                      f"    EnableDnsHostnames: {str(v.dns_hostnames).lower()}", "    Subnets:"]
            lines += [f"      - {{SubnetId: {sid}, AvailabilityZone: {az}, CidrBlock: {c}}}"
                      for sid, az, c in v.subnets]
            if v.endpoints:
                lines.append("    VpcEndpoints:")
            for e in v.endpoints:
                lines += [f"      - VpcEndpointId: {e.id}",
                          f"        ServiceName: com.amazonaws.{REGION}.{e.service}",
                          f"        State: {e.state}",
                          f"        PrivateDnsEnabled: {str(e.private_dns).lower()}",
                          f"        DnsEntries: [{{DnsName: {e.regional}}}]",
                          "        NetworkInterfaces:"]
                lines += [f"          - {{NetworkInterfaceId: {i}, SubnetId: {s}, PrivateIpAddress: {a}}}"
                          for i, _, s, a in e.enis]
        with open(os.path.join(d, "vpcs.yaml"), "w") as f:
            f.write("\n".join(lines) + "\n")
        insts = [i for v in self.vpcs for i in v.instances]
        if insts:
            with open(os.path.join(d, "instances.yaml"), "w") as f:
                f.write("Reservations:\n  - Instances:\n" + "".join(
                    "      - " + json.dumps(self._instance(i)) + "\n" for i in insts))

    def _write_route53(self, d):
        if self.zones:
            lines = ["HostedZones:"]
            for z in self.zones:
                lines += [f"  - Id: /hostedzone/{z.id}", f"    Name: {z.name}.",
                          "    Config: {PrivateZone: true}",
                          "    VPCIds: [" + ", ".join(v.id for v in z.vpcs) + "]",
                          "    ResourceRecordSets:"]
                for owner, addrs in z.records.items():
                    rr = ", ".join(f"{{Value: {a}}}" for a in addrs)
                    lines.append(f"      - {{Name: {owner}., Type: A, TTL: 300, ResourceRecords: [{rr}]}}")
                for owner, sets in z.routed.items():
                    for rs in sets:
                        rr = ", ".join(f"{{Value: {a}}}" for a in rs.addrs)
                        pol = ", ".join(f"{k}: {str(v).lower() if v is True else v}"
                                        for k, v in rs.policy.items())
                        hc = f", HealthCheckId: {rs.health_check}" if rs.health_check else ""
                        lines.append(f"      - {{Name: {owner}., Type: A, TTL: 60, SetIdentifier: "
                                     f"{rs.id}, {pol}{hc}, ResourceRecords: [{rr}]}}")
            # health checks' status, as overrides layered over the definitions
            down = [rs.health_check for z in self.zones for sets in z.routed.values()
                    for rs in sets if rs.health_check and not rs.healthy]
            if down:
                lines += ["---", "Dnsd:", "  Health:"]
                lines += [f"    - {{HealthCheckId: {h}, Healthy: false}}" for h in down]
            with open(os.path.join(d, "route53.yaml"), "w") as f:
                f.write("\n".join(lines) + "\n")
        if self.rules:
            lines = ["ResolverRules:"]
            for r in self.rules:
                lines += [f"  - Id: {r.id}", f"    DomainName: {r.domain}.", f"    RuleType: {r.type}",
                          "    VPCIds: [" + ", ".join(v.id for v in r.vpcs) + "]"]
                if r.type == "FORWARD":
                    lines.append(f"    TargetIps: [{{Ip: {r.target[0]}, Port: {r.target[1]}}}]")
            with open(os.path.join(d, "resolver.yaml"), "w") as f:
                f.write("\n".join(lines) + "\n")


def vpcs_with_endpoints(n_vpcs, services=("sqs",), extra_every=2, extra="kms"):
    """n VPCs, each with an endpoint to every service, and every
    extra_every-th one also to `extra` (so that its private name is private
    to some VPCs only)."""
    w = World()
    for i in range(n_vpcs):
        v = w.add_vpc()
        for s in services:
            v.add_endpoint(s)
        if extra_every and i % extra_every == 1:
            v.add_endpoint(extra)
    return w


def random_routed(rnd, zone, k):
    """Routing policy groups whose answer a VPC of REGION can predict:
    failover, latency and multivalue (up to eight sets), some health checks
    failing."""
    out = {}
    for j, host in enumerate(rnd.sample(("fo", "lat", "mv"), rnd.randint(0, 3))):
        n = 2 if host == "fo" else rnd.randint(1, 8)
        sets = []
        for i in range(n):
            hc = f"{hashlib.blake2b(f'{zone}{host}{i}'.encode(), digest_size=16).hexdigest()}"
            hc = f"{hc[:8]}-{hc[8:12]}-{hc[12:16]}-{hc[16:20]}-{hc[20:32]}"
            policy = ({"Failover": ("PRIMARY", "SECONDARY")[i]} if host == "fo" else
                      {"Region": REGIONS_BY_DISTANCE[i % len(REGIONS_BY_DISTANCE)]}
                      if host == "lat" else {"MultiValueAnswer": True})
            if host == "lat" and i >= len(REGIONS_BY_DISTANCE):
                break
            with_hc = rnd.random() < 0.7
            sets.append(RecordSet(f"s{i}", [f"10.210.{k * 8 + j}.{i + 1}"],
                                  healthy=not with_hc or rnd.random() < 0.6,
                                  health_check=hc if with_hc else None, **policy))
        out[f"{host}.{zone}"] = sets
    return out


def random_world(seed, target):
    """A random topology (VPCs, endpoints, attributes, hosted zones, rules)
    whose objects are added in random order; `target` is where FORWARD rules
    send (a fake upstream that names itself in its answers)."""
    rnd = random.Random(seed)
    w = World()
    for _ in range(rnd.choice((1, 2, 3, 5, 15, 16, 17, 33))):
        w.add_vpc(dns_support=rnd.random() > 0.1, dns_hostnames=rnd.random() > 0.15)
    for v in w.vpcs:
        for k in range(rnd.choice((0, 0, 1, 3))):
            v.add_instance(rn_a=rnd.random() > 0.5,
                           hostname_type=rnd.choice(("ip-name", "resource-name")),
                           public=f"203.0.{v.index % 256}.{k + 1}" if rnd.random() > 0.5 else None)
        for s in rnd.sample(SERVICES, rnd.randint(0, 4)):
            azs = tuple(sorted(rnd.sample(AZS, rnd.randint(1, 3))))
            v.add_endpoint(s, private_dns=rnd.random() > 0.25,
                           state=rnd.choice(("available",) * 6 + (
                               "pending", "pendingAcceptance", "rejected", "failed", "deleting",
                               "deleted", "expired", "partial")), azs=azs)
    for k in range(rnd.randint(0, 6)):
        name = rnd.choice(("corp.internal", "svc.corp.internal", f"z{k}.example", "db.example"))
        if any(z.name == name for z in w.zones):
            continue
        vpcs = rnd.sample(w.vpcs, rnd.randint(1, len(w.vpcs)))
        recs = {f"{h}.{name}": [f"10.200.{k}.{i + 1}" for i in range(rnd.randint(1, 3))]
                for h in rnd.sample(("www", "db", "api", "mail"), rnd.randint(1, 3))}
        w.zones.append(HostedZone(name, vpcs, recs, random_routed(rnd, name, k)))
    for k in range(rnd.randint(0, 4)):
        domain = rnd.choice(("corp.internal", "example", "onprem.example", "api.corp.internal"))
        if any(r.domain == domain for r in w.rules):
            continue
        rtype = rnd.choice(("FORWARD", "FORWARD", "SYSTEM"))
        w.rules.append(Rule(domain, rtype, rnd.sample(w.vpcs, rnd.randint(1, len(w.vpcs))),
                            target if rtype == "FORWARD" else None))
    rnd.shuffle(w.zones)
    rnd.shuffle(w.rules)
    return w
