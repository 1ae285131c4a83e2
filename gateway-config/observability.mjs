// The gateway's observability: Prometheus metrics (Hive Gateway's built-in plugin) and correlation ids.
// Plain ESM importing no package, like gateway.config.mjs: the gateway's CLI loads its own Prometheus
// plugin for the `prometheus` option, so this file loads the same way from npm and in the container image.
//
// Environment:
//   ALMANAC_GATEWAY_METRICS_ENDPOINT   path of the metrics (default /metrics); "off" serves none (metrics
//                                       are then not collected either)
//   ALMANAC_GATEWAY_METRICS_OPERATION_NAMES  "false" drops the operationName label: the names are the
//                                       clients' own, so on a public gateway any client can add series

import { randomUUID } from 'node:crypto';

/** Header of the correlation id, as the subgraphs read and return it (subgraph-common's CorrelationIds). */
export const CORRELATION_HEADER = 'x-correlation-id';
// The subgraphs accept exactly this; anything else is replaced, never cut or escaped.
const ACCEPTABLE_ID = /^[A-Za-z0-9._:-]{1,64}$/;

/** The id of a request: the client's when acceptable, else a new UUID. */
export function correlationIdOf(sent) {
  return typeof sent === 'string' && ACCEPTABLE_ID.test(sent) ? sent : randomUUID();
}

/**
 * Correlation ids: every request gets one (the client's `X-Correlation-Id` when it is 1 to 64 characters of
 * A-Z a-z 0-9 . _ : -, else a new UUID), every subgraph request it causes carries it, and the response
 * returns it (refusals made here and exports too). First in the plugin list, so every later plugin sees the
 * id in the request's headers: export forwarding passes that header on.
 */
export function correlationIds() {
  const ids = new WeakMap();
  return {
    onRequest({ request }) {
      const sent = request.headers.get(CORRELATION_HEADER);
      const id = correlationIdOf(sent);
      ids.set(request, id);
      if (sent !== id) request.headers.set(CORRELATION_HEADER, id);
    },
    onFetch({ context, options, setOptions }) {
      const id = context?.request ? ids.get(context.request) : undefined;
      if (!id) return;
      const headers = options.headers instanceof Headers
        ? Object.fromEntries(options.headers.entries()) : { ...(options.headers ?? {}) };
      headers[CORRELATION_HEADER] = id;
      setOptions({ ...options, headers });
    },
    onResponse({ request, response }) {
      const id = ids.get(request);
      if (id) response.headers.set(CORRELATION_HEADER, id);
    },
  };
}

function metricsEndpoint() {
  const raw = process.env.ALMANAC_GATEWAY_METRICS_ENDPOINT?.trim();
  if (!raw) return '/metrics';
  if (raw === 'off') return null;
  if (!raw.startsWith('/')) throw new Error(`ALMANAC_GATEWAY_METRICS_ENDPOINT must be a path or "off": ${JSON.stringify(raw)}`);
  return raw;
}

/**
 * Options of Hive Gateway's `prometheus` (its @graphql-mesh/plugin-prometheus), or false. Series as prom-client
 * names them (counters without a _total suffix; histograms in seconds, buckets 5 ms to 10 s):
 *   graphql_envelop_request            client operations (operationName, operationType)
 *   graphql_envelop_request_duration   their duration (histogram)
 *   graphql_envelop_error_result       operations answered with errors (phase, operationName, operationType)
 *   graphql_envelop_phase_parse / _validate / _context / _execute / _subscribe   time per phase (histograms)
 *   graphql_envelop_schema_change      supergraph reloads
 *   graphql_gateway_subgraph_execute_duration, graphql_gateway_subgraph_execute_errors
 *                                      per subgraph request (subgraphName, operationName, operationType)
 *   graphql_gateway_fetch_duration     HTTP requests to subgraphs (url, method, statusCode, ...)
 * Left off: graphql_yoga_http_duration (its `url` label is the full request URL, query string included: one
 * series per distinct GET query) and the request-time summary (the histogram gives the same).
 */
export function prometheusOptions() {
  const endpoint = metricsEndpoint();
  if (!endpoint) return false;
  const operationNames = process.env.ALMANAC_GATEWAY_METRICS_OPERATION_NAMES?.trim() !== 'false';
  return {
    endpoint,
    skipIntrospection: true,
    labels: { operationName: operationNames, subgraphName: true },
    metrics: {
      graphql_envelop_request: true,
      graphql_envelop_request_duration: true,
      graphql_envelop_request_time_summary: false,
      graphql_envelop_error_result: true,
      graphql_envelop_phase_parse: true,
      graphql_envelop_phase_validate: true,
      graphql_envelop_phase_context: true,
      graphql_envelop_phase_execute: true,
      graphql_envelop_deprecated_field: false,
      graphql_envelop_schema_change: true,
      graphql_yoga_http_duration: false,
      graphql_gateway_subgraph_execute_duration: true,
      graphql_gateway_subgraph_execute_errors: true,
      graphql_gateway_fetch_duration: true,
    },
  };
}
