#!/usr/bin/env python3
"""A minimal Almanac crawler in Python, standard library only.

Creates a provider and a series if they do not exist, uploads a small batch of points with a batch id over
the crawler API's HTTP bulk path, and reads the series back through the gateway.

    python3 examples/python/crawler.py [--gateway URL] [--crawler URL] [--key KEY]

Defaults: $ALMANAC_GATEWAY_URL or http://127.0.0.1:4000, $ALMANAC_CRAWLER_URL or http://127.0.0.1:4002,
$ALMANAC_KEY (a CRAWLER or ADMIN key; `./almanac start` prints one). Exits 0 when the points read back are
the points sent, 1 otherwise.
"""
import argparse
import datetime
import json
import os
import sys
import urllib.error
import urllib.parse
import urllib.request

PROVIDER = "Example Crawler (Python)"
SERIES = "EXAMPLE_PYTHON"


def fail(message):
    print("crawler: " + message, file=sys.stderr)
    sys.exit(1)


def post(url, key, body, content_type):
    request = urllib.request.Request(url, data=body, method="POST", headers={
        "Authorization": "Bearer " + key, "Content-Type": content_type})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return json.load(response)
    except urllib.error.HTTPError as e:
        fail("%s answered HTTP %d: %s" % (url, e.code, e.read().decode("utf-8", "replace")))
    except urllib.error.URLError as e:
        fail("%s is unreachable: %s" % (url, e.reason))


def graphql(gateway, key, query, variables):
    answer = post(gateway + "/graphql", key, json.dumps({"query": query, "variables": variables}).encode("utf-8"),
                  "application/json")
    if answer.get("errors"):
        fail("GraphQL errors: %s" % json.dumps(answer["errors"]))
    return answer["data"]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gateway", default=os.environ.get("ALMANAC_GATEWAY_URL", "http://127.0.0.1:4000"))
    parser.add_argument("--crawler", default=os.environ.get("ALMANAC_CRAWLER_URL", "http://127.0.0.1:4002"))
    parser.add_argument("--key", default=os.environ.get("ALMANAC_KEY"))
    args = parser.parse_args()
    if not args.key:
        fail("give --key KEY or set ALMANAC_KEY (a CRAWLER or ADMIN key)")

    # 1. The provider: found by name, else created.
    nodes = graphql(args.gateway, args.key, "query($s: String) { providers(search: $s) { nodes { id name } } }",
                    {"s": PROVIDER})["providers"]["nodes"]
    provider_id = next((n["id"] for n in nodes if n["name"] == PROVIDER), None)
    if provider_id is None:
        provider_id = graphql(args.gateway, args.key,
                              "mutation($n: String!) { createProvider(input: {name: $n, type: API}) { id } }",
                              {"n": PROVIDER})["createProvider"]["id"]

    # 2. The series: upsertSeries creates it or updates its metadata (identified by provider + external id).
    series_id = graphql(args.gateway, args.key, """
        mutation($p: ID!, $x: String!) { upsertSeries(input: [{providerId: $p, externalId: $x,
          title: "Example series (Python crawler)", frequency: MONTHLY, units: "Index"}]) { series { id } } }""",
                        {"p": provider_id, "x": SERIES})["upsertSeries"]["series"][0]["id"]

    # 3. A small batch over HTTP, as NDJSON. The batch id makes a retry safe: re-sent, it writes nothing
    #    and answers the first result ("replayed": true).
    today = datetime.date.today().isoformat()
    values = ["200.5", "201.25", "199.75"]
    lines = [json.dumps({"providerId": provider_id, "externalId": SERIES, "date": "2024-%02d-01" % (i + 1),
                         "value": v, "revisionDate": today}) for i, v in enumerate(values)]
    batch_id = "example-python-" + today
    result = post(args.crawler + "/bulk/points?batchId=" + urllib.parse.quote(batch_id), args.key,
                  ("\n".join(lines) + "\n").encode("utf-8"), "application/x-ndjson")
    print("Upload %s: %s" % (batch_id, json.dumps(result)))
    if result["status"] == "REJECTED":
        fail("the upload was refused")

    # 4. Read it back through the gateway.
    series = graphql(args.gateway, args.key, """
        query($id: ID!) { series(id: $id) { title observations(from: "2024-01-01", to: "2024-03-01") {
          nodes { date value } } } }""", {"id": series_id})["series"]
    read = [n["value"] for n in series["observations"]["nodes"]]
    print("Read back: %s" % json.dumps(series))
    if read != values:
        fail("read back %s, sent %s" % (read, values))
    print("OK: series %s holds the %d points sent." % (series_id, len(values)))


if __name__ == "__main__":
    main()
