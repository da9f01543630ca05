/* SPDX-License-Identifier: BSD-3-Clause */
/* src/defs_apigateway.c - the apigateway family: private REST APIs (get-rest-apis) and their custom domain names (get-domain-names), and what they name of the VPC endpoints. */
#include "config.h"
#include "defs.h"

#include "arena.h"
#include "diag.h"
#include "dname.h"
#include "doc.h"

#include <string.h>

/** An endpointConfiguration as written. */
struct endpoint_config_in {
	const char **types, **vpce_ids;
	unsigned n_types, n_vpce_ids;
};

static const struct defs_field endpoint_config_fields[] = {
	DEFS_L(struct endpoint_config_in, "types", types, n_types, NULL),
	DEFS_L(struct endpoint_config_in, "vpcEndpointIds", vpce_ids, n_vpce_ids, NULL),
	DEFS_IGNORED("ipAddressType"),
	DEFS_END
};
static const struct defs_object endpoint_config_object = { "an endpointConfiguration",
	endpoint_config_fields };

/** A RestApi (get-rest-apis items, get-rest-api) as written. */
struct rest_api_in {
	const char *id;
	const struct doc_node *config;
};

static const struct defs_field rest_api_fields[] = {
	DEFS_R(struct rest_api_in, "id", DEFS_STR, id),
	DEFS_F(struct rest_api_in, "endpointConfiguration", DEFS_MAP, config),
	DEFS_IGNORED("name"), DEFS_IGNORED("description"), DEFS_IGNORED("createdDate"),
	DEFS_IGNORED("version"), DEFS_IGNORED("warnings"), DEFS_IGNORED("binaryMediaTypes"),
	DEFS_IGNORED("minimumCompressionSize"), DEFS_IGNORED("apiKeySource"),
	DEFS_IGNORED("policy"), DEFS_IGNORED("tags"), DEFS_IGNORED("disableExecuteApiEndpoint"),
	DEFS_IGNORED("rootResourceId"), DEFS_IGNORED("securityPolicy"),
	DEFS_IGNORED("endpointAccessMode"), DEFS_IGNORED("apiStatus"),
	DEFS_IGNORED("apiStatusMessage"),
	DEFS_END
};
static const struct defs_object rest_api_object = { "a REST API", rest_api_fields };

/** A DomainName (get-domain-names items, get-domain-name) as written. */
struct domain_in {
	const char *name;
	const struct doc_node *config;
};

static const struct defs_field domain_fields[] = {
	DEFS_R(struct domain_in, "domainName", DEFS_STR, name),
	DEFS_F(struct domain_in, "endpointConfiguration", DEFS_MAP, config),
	DEFS_IGNORED("domainNameId"), DEFS_IGNORED("domainNameArn"),
	DEFS_IGNORED("certificateName"), DEFS_IGNORED("certificateArn"),
	DEFS_IGNORED("certificateUploadDate"), DEFS_IGNORED("regionalDomainName"),
	DEFS_IGNORED("regionalHostedZoneId"), DEFS_IGNORED("regionalCertificateName"),
	DEFS_IGNORED("regionalCertificateArn"), DEFS_IGNORED("distributionDomainName"),
	DEFS_IGNORED("distributionHostedZoneId"), DEFS_IGNORED("domainNameStatus"),
	DEFS_IGNORED("domainNameStatusMessage"), DEFS_IGNORED("securityPolicy"),
	DEFS_IGNORED("endpointAccessMode"), DEFS_IGNORED("tags"),
	DEFS_IGNORED("mutualTlsAuthentication"),
	DEFS_IGNORED("ownershipVerificationCertificateArn"), DEFS_IGNORED("managementPolicy"),
	DEFS_IGNORED("policy"), DEFS_IGNORED("routingMode"),
	DEFS_END
};
static const struct defs_object domain_object = { "an API Gateway domain name", domain_fields };

/* The types and endpoints of an endpointConfiguration into a. */
static void
read_config(struct reader *r, const struct doc_node *v, struct topo_rest_api *a)
{
	struct endpoint_config_in c = { NULL, NULL, 0, 0 };
	if (!v || !defs_read_object(r, v, &endpoint_config_object, &c))
		return;
	for (unsigned i = 0; i < c.n_types; i++)
		if (strcmp(c.types[i], "PRIVATE") == 0)
			a->private_api = true;
	a->vpce_ids = c.vpce_ids;
	a->n_vpce_ids = c.n_vpce_ids;
}

static struct topo_rest_api *
api_new(struct reader *r, const struct doc_node *n)
{
	struct topo_rest_api *a = defs_alloc(r, n, sizeof(*a));
	if (!a)
		return NULL;
	a->src = defs_src_at(r, n);
	*r->t->rest_apis_tail = a;
	r->t->rest_apis_tail = &a->next;
	return a;
}

static void
read_rest_api(struct reader *r, const struct doc_node *n)
{
	struct rest_api_in in = { NULL, NULL };
	if (!defs_read_object(r, n, &rest_api_object, &in) || !in.id)
		return;
	struct topo_rest_api *a = api_new(r, n);
	if (!a)
		return;
	a->id = in.id;
	read_config(r, in.config, a);
	if (a->n_vpce_ids && !a->private_api)
		diag_warn(r->d, r->file, n->line, "REST API %s names vpcEndpointIds but is not "
			"PRIVATE: API Gateway associates VPC endpoints with private APIs only",
			in.id);
}

static void
read_domain(struct reader *r, const struct doc_node *n)
{
	struct domain_in in = { NULL, NULL };
	char text[NAME_TEXT_MAX];
	if (!defs_read_object(r, n, &domain_object, &in) || !in.name)
		return;
	if (!dname_canonical_text(in.name, text, sizeof(text))) {
		diag_error(r->d, r->file, doc_get(n, "domainName")->line, "API Gateway domain "
			"name '%s' is not a domain name", in.name);
		return;
	}
	struct topo_rest_api *a = api_new(r, n);
	if (a && (a->domain_name = defs_copy_str(r, text)))
		read_config(r, in.config, a);
}

/* get-rest-apis, get-domain-names and get-domain-name-access-associations
 * all print {items: […]}: an entry says by its fields which it is. */
static void
read_item(struct reader *r, const struct doc_node *n, const struct doc_node *doc)
{
	(void)doc;
	if (!defs_expect_map(r, n, "an items entry"))
		return;
	if (doc_get(n, "domainNameAccessAssociationArn"))
		return;	/* the association of a VPC endpoint: DNS is the consumer's zone */
	if (doc_get(n, "domainName"))
		read_domain(r, n);
	else if (doc_get(n, "id") && (doc_get(n, "rootResourceId") ||
		 doc_get(n, "endpointConfiguration") || doc_get(n, "createdDate")))
		read_rest_api(r, n);
	else
		diag_warn(r->d, r->file, n->line, "an items entry that is not get-rest-apis, "
			"get-domain-names or get-domain-name-access-associations output: skipped");
}

/* get-rest-api and get-domain-name print the object itself. */
static bool
read_document(struct reader *r, const struct doc_node *doc)
{
	if (!doc_get(doc, "endpointConfiguration") || doc_get(doc, "items"))
		return false;
	if (doc_get(doc, "domainName"))
		read_domain(r, doc);
	else if (doc_get(doc, "id"))
		read_rest_api(r, doc);
	else
		return false;
	return true;
}

/* ---- checks, once the endpoints and hosted zones are known ---- */

static bool
is_execute_api(const struct topo_endpoint *ep)
{
	size_t n = ep->service_name ? strlen(ep->service_name) : 0;
	return n > 12 && strcmp(ep->service_name + n - 12, ".execute-api") == 0;
}

static void
check_api_endpoints(struct topology *t, const struct topo_rest_api *a, struct diag *d)
{
	for (unsigned i = 0; i < a->n_vpce_ids; i++) {
		const struct topo_endpoint *ep = strmap_get(&t->endpoint_by_id, a->vpce_ids[i]);
		if (!ep)
			diag_warn(d, a->src.file, a->src.line, "REST API %s is associated with VPC "
				"endpoint %s, which no definition describes: its name %s-%s.execute-api."
				"<region>.amazonaws.com is not answered", a->id, a->vpce_ids[i], a->id,
				a->vpce_ids[i]);
		else if (!is_execute_api(ep))
			diag_warn(d, a->src.file, a->src.line, "REST API %s is associated with VPC "
				"endpoint %s, an endpoint to %s, not to execute-api: its alias name is "
				"not answered", a->id, ep->id, ep->service_name ? ep->service_name : "?");
	}
}

/* API Gateway creates no DNS record for a private custom domain name: the
 * consumer creates a private hosted zone with an alias record to the
 * execute-api endpoint (Route 53 Developer Guide, "Routing traffic to an
 * Amazon API Gateway API by using your domain name": "Private API
 * endpoint: You create a Route 53 alias record that routes traffic to
 * your private API endpoint using an interface VPC endpoint for API
 * Gateway in a private hosted zone"). */
static void
check_domain(struct topology *t, const struct topo_rest_api *a, struct diag *d)
{
	for (const struct topo_hosted_zone *z = t->zones; z; z = z->next)
		for (const struct topo_rr *rr = z->rrs; z->private_zone && rr; rr = rr->next)
			if (strcmp(rr->name, a->domain_name) == 0)
				return;
	diag_warn(d, a->src.file, a->src.line, "private API custom domain name %s: API Gateway "
		"creates no DNS record for it, and no private hosted zone here holds one (create "
		"one with an alias record to the execute-api VPC endpoint, as the API Gateway "
		"Developer Guide's \"Custom domain names for private APIs\" has consumers do): it "
		"is not answered", a->domain_name);
}

static void
apigateway_resolve(struct topology *t, struct diag *d)
{
	for (const struct topo_rest_api *a = t->rest_apis; a; a = a->next) {
		if (a->id && a->private_api)
			check_api_endpoints(t, a, d);
		else if (a->domain_name && a->private_api)
			check_domain(t, a, d);
	}
}

static const struct defs_key apigateway_keys[] = {
	{ "items", read_item, NULL, true },
	{ "position", NULL, NULL, false },
	{ NULL, NULL, NULL, false }
};

const struct defs_family defs_family_apigateway = {
	.name = "apigateway",
	.keys = apigateway_keys,
	.document = read_document,
	.document_name = "get-rest-api output",
	.resolve = apigateway_resolve,
};
