// Hive Gateway configuration for Almanac.
//
// Start (cwd = gateway-config/):  node node_modules/.bin/hive-gateway supergraph
// Pass no supergraph path on the command line: a CLI path makes the gateway ignore
// `supergraph` below (harmless today, since both name the same file, but one place is enough).
//
// Plain ESM importing no package, on purpose: it loads the same way on the machine's
// Node, under the npm package and in the gateway's container image, with no
// TypeScript transpile step. (`defineConfig` from '@graphql-hive/gateway' is an
// identity function; the JSDoc type below gives editors the same help.)
//
// Environment:
//   ALMANAC_FINANCIAL_URL / ALMANAC_CRAWLER_URL / ALMANAC_USERS_URL
//                           override the subgraph URLs baked into supergraph.graphql
//   ALMANAC_GATEWAY_PORT    listen port (default 4000)
//   ALMANAC_GATEWAY_HOST    listen address (default 127.0.0.1; use 0.0.0.0 in a container)
//   ALMANAC_CORS_ORIGINS    comma-separated allowed origins (default: any origin)
//
// Besides GraphQL, GET /export/* (the financial subgraph's file exports) is forwarded to the
// financial subgraph, so a user knows one origin (see exportForwarding below).

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

// Resolved against this file, not the cwd, so the gateway finds it however it is started.
const SUPERGRAPH = fileURLToPath(new URL('./supergraph.graphql', import.meta.url));

// Subgraph names as composed by schema/compose.mjs (the `name` of each join__graph).
const SUBGRAPH_URL_ENV = {
  financial: 'ALMANAC_FINANCIAL_URL',
  crawler: 'ALMANAC_CRAWLER_URL',
  users: 'ALMANAC_USERS_URL',
};

// Hive Gateway builds one transport entry per join__graph (kind "http", location =
// the composed URL) and deep-merges `transportEntries[subgraphName]` over it, so
// overriding `location` re-points a subgraph without touching the supergraph file.
function subgraphUrlOverrides() {
  const entries = {};
  for (const [subgraph, envName] of Object.entries(SUBGRAPH_URL_ENV)) {
    const value = process.env[envName]?.trim();
    if (!value) continue;
    let url;
    try {
      url = new URL(value);
    } catch {
      throw new Error(`${envName} is not a valid URL: ${JSON.stringify(value)}`);
    }
    entries[subgraph] = { location: url.toString() };
  }
  return entries;
}

// The financial subgraph's URL: ALMANAC_FINANCIAL_URL when set (as LocalStack sets it), else the
// join__graph url composed into the supergraph (the same two sources as its GraphQL transport); null
// when the supergraph has no financial subgraph.
function financialUrl() {
  const fromEnv = process.env[SUBGRAPH_URL_ENV.financial]?.trim();
  if (fromEnv) return new URL(fromEnv);
  const composed = /@join__graph\(name: "financial", url: "([^"]+)"\)/.exec(readFileSync(SUPERGRAPH, 'utf8'));
  return composed ? new URL(composed[1]) : null;
}

const EXPORT_PATH = '/export/';
// What a request carries upstream: the caller's key (the subgraph authenticates it, as for GraphQL) and
// the formats it accepts; nothing else of the client's headers (cookies, hop-by-hop headers).
const EXPORT_REQUEST_HEADERS = ['authorization', 'accept'];
// What comes back: the file's type and name, its length when known, and a refusal's Retry-After.
// Transfer-Encoding and Connection are the gateway's own; the body is passed on as a stream.
const EXPORT_RESPONSE_HEADERS = ['content-type', 'content-disposition', 'content-length', 'retry-after'];

function jsonError(fetchAPI, status, code, message, headers = {}) {
  return new fetchAPI.Response(JSON.stringify({ errors: [{ message, extensions: { code } }] }), {
    status,
    headers: { 'content-type': 'application/json', ...headers },
  });
}

/**
 * GET /export/* forwarded to the financial subgraph, which authenticates the caller and answers the
 * file or a refusal (GraphQL's error shape, its status); the gateway passes the answer through as it
 * arrives, never holding a whole file. A plugin's onRequest runs before GraphQL handling, so these
 * paths never reach the GraphQL endpoint. Unreachable subgraph: 502 with an INTERNAL error.
 */
function exportForwarding(upstream) {
  return {
    onRequest({ request, url, endResponse, fetchAPI }) {
      // The URL is parsed and dot segments resolved, so only paths under /export/ go upstream.
      if (!url.pathname.startsWith(EXPORT_PATH)) return undefined;
      if (request.method !== 'GET' && request.method !== 'HEAD') {
        endResponse(jsonError(fetchAPI, 405, 'BAD_USER_INPUT', `${request.method} is not allowed on exports; use GET`,
          { allow: 'GET, HEAD' }));
        return undefined;
      }
      const headers = {};
      for (const name of EXPORT_REQUEST_HEADERS) {
        const value = request.headers.get(name);
        if (value) headers[name] = value;
      }
      const target = new URL(url.pathname + url.search, upstream);
      return fetchAPI.fetch(target, { method: request.method, headers, signal: request.signal }).then(
        (answer) => {
          const passed = {};
          for (const name of EXPORT_RESPONSE_HEADERS) {
            const value = answer.headers.get(name);
            if (value) passed[name] = value;
          }
          endResponse(new fetchAPI.Response(answer.body, { status: answer.status, headers: passed }));
        },
        (error) => {
          console.error(`Export forwarding to ${target.origin} failed: ${error?.message ?? error}`);
          endResponse(jsonError(fetchAPI, 502, 'INTERNAL', 'The export service is unreachable'));
        },
      );
    },
  };
}

function port() {
  const raw = process.env.ALMANAC_GATEWAY_PORT?.trim();
  if (!raw) return 4000;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0 || value > 65535) {
    throw new Error(`ALMANAC_GATEWAY_PORT is not a port number: ${JSON.stringify(raw)}`);
  }
  return value;
}

function cors() {
  const origins = (process.env.ALMANAC_CORS_ORIGINS ?? '')
    .split(',')
    .map((origin) => origin.trim())
    .filter(Boolean);
  // No list (or "*"): reflect any Origin, which is what local tools and tests want.
  if (origins.length === 0 || origins.includes('*')) return { origin: '*' };
  return { origin: origins, credentials: true };
}

/** @type {import('@graphql-hive/gateway').GatewayConfig} */
export const gatewayConfig = {
  supergraph: SUPERGRAPH,
  transportEntries: subgraphUrlOverrides(),

  host: process.env.ALMANAC_GATEWAY_HOST?.trim() || '127.0.0.1',
  port: port(),

  // Subgraphs do their own authentication: hand them the caller's credentials as is.
  propagateHeaders: {
    fromClientToSubgraphs({ request }) {
      const authorization = request.headers.get('authorization');
      return authorization ? { authorization } : {};
    },
  },

  cors: cors(),

  // Exports exist only where a financial subgraph does (the benchmark's baseline gateway runs this file
  // over a supergraph of its own without one, and serves no exports).
  plugins: () => {
    const financial = financialUrl();
    if (!financial) {
      console.warn(`No financial subgraph in ${SUPERGRAPH}: GET /export/* is not forwarded`);
      return [];
    }
    return [exportForwarding(financial)];
  },

  // The built-in Hive Laboratory at GET /graphql: its JS is inlined in the page
  // (render-laboratory package), so it works with no network access.
  graphiql: { title: 'Almanac' },

  // Document limits (graphql-armor). They count the query text only, never variables,
  // so a bulkUpsertDataPoints of 100,000 points sent as $variables is unaffected.
  // Introspection (the Laboratory's schema fetch) is exempt from the depth limit.
  maxTokens: 5000,
  maxDepth: 15,

  // Request body size: the gateway runtime does not expose GraphQL Yoga's
  // `maxRequestBodySize`, so Yoga's default of 25,000,000 bytes applies. A 100k-point
  // upload as JSON variables is ~10-15 MB, well inside it.

  // Nothing phones home: Hive Gateway reports usage or traces only when given a Hive or
  // GraphOS token/target (config or HIVE_* / APOLLO_* env vars), and OpenTelemetry only
  // when enabled. None is set here; keep it that way.
};
