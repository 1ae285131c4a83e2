// Headless Chromium for the browser checks (check-graphiql.mjs, check-chart.mjs): a fresh profile, and a
// network closed to everything but this machine and the gateway's host. Every request elsewhere is recorded
// and aborted, so a page that is not self-contained shows up in the check instead of leaking traffic.
//
// Environment: CHROMIUM_PATH (default /usr/bin/chromium; `apt-get install -y chromium`).

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);

/**
 * A browser to be launched that may reach only loopback addresses and `host`: `{ foreignRequests, launch({
 * viewport, timeout }) -> BrowserContext, close() }`. `foreignRequests` lists the URLs the pages tried to
 * reach elsewhere (blob: and data: URLs have no host and are fine). `close` may be called at any time, also
 * before or during `launch`, and removes the profile.
 */
export function offlineBrowser(host, profilePrefix) {
  const allowedHosts = new Set([...LOOPBACK_HOSTS, host]);
  const isForeign = (url) => {
    let parsed;
    try {
      parsed = new URL(url);
    } catch {
      return false;
    }
    return ['http:', 'https:', 'ws:', 'wss:'].includes(parsed.protocol) && !allowedHosts.has(parsed.hostname);
  };
  const userDataDir = mkdtempSync(join(tmpdir(), profilePrefix));
  const foreignRequests = [];
  let context;
  return {
    foreignRequests,
    async launch({ viewport, timeout }) {
      context = await chromium.launchPersistentContext(userDataDir, {
        executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
        headless: true,
        args: CHROMIUM_ARGS,
        viewport,
        timeout,
      });
      context.on('request', (request) => {
        if (isForeign(request.url())) foreignRequests.push(request.url());
      });
      await context.route((url) => isForeign(url.toString()), (route) => route.abort('blockedbyclient'));
      return context;
    },
    async close() {
      try {
        await context?.close();
      } catch {
        // already gone
      }
      rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}
