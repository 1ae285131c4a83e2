#!/usr/bin/env python3
"""A webhook receiver for Almanac, standard library only.

Almanac POSTs a JSON body to each webhook after the commit it reports (events SERIES_REVISED and
RUN_FINISHED), with these headers:
  X-Almanac-Event      the event name
  X-Almanac-Delivery   the delivery id (the same on every retry of one delivery: use it to drop repeats)
  X-Almanac-Timestamp  seconds since the epoch when this attempt was sent
  X-Almanac-Signature  sha256=<hex of HMAC-SHA256 of the body's bytes, keyed by the webhook's secret>
Answer 2xx at once and do the work later: an attempt that takes longer than almanac.webhooks.timeout (10 s)
counts as failed and is retried with backoff.

  ALMANAC_WEBHOOK_SECRET=<secret from createWebhook> python3 webhook_receiver.py [port]

The webhook's URL host must be in the crawler's almanac.webhooks.allowed-hosts (ALMANAC_WEBHOOKS_ALLOWED_HOSTS).
"""
import hashlib
import hmac
import json
import os
import sys
from http.server import BaseHTTPRequestHandler, HTTPServer

SECRET = os.environ.get("ALMANAC_WEBHOOK_SECRET", "").encode()
seen = set()  # delivery ids already handled (keep them in a database in a real receiver)


def valid(body: bytes, header: str) -> bool:
    expected = "sha256=" + hmac.new(SECRET, body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, header or "")


class Receiver(BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        if not valid(body, self.headers.get("X-Almanac-Signature")):
            self.send_response(401)
            self.end_headers()
            return
        self.send_response(204)
        self.end_headers()
        delivery = self.headers.get("X-Almanac-Delivery")
        if delivery in seen:
            return
        seen.add(delivery)
        event = json.loads(body)
        if event["event"] == "SERIES_REVISED":
            for series in event["series"]:
                print(f"series {series['id']}: {series['points']} points, vintages {series['vintageDates']}",
                      flush=True)
        elif event["event"] == "RUN_FINISHED":
            run = event["run"]
            print(f"run {run['id']} {run['status']}: {run['recordsIngested']} ingested, "
                  f"{run['recordsFailed']} failed", flush=True)

    def log_message(self, *args):
        pass


if __name__ == "__main__":
    if not SECRET:
        sys.exit("set ALMANAC_WEBHOOK_SECRET to the secret createWebhook returned")
    port = int(sys.argv[1]) if len(sys.argv) > 1 else 8088
    print(f"listening on http://127.0.0.1:{port}/", flush=True)
    HTTPServer(("127.0.0.1", port), Receiver).serve_forever()
