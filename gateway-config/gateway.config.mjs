// Hive Gateway configuration for Almanac.
//
// Start (cwd = gateway-config/):  node node_modules/.bin/hive-gateway supergraph
// Pass no supergraph path on the command line: a CLI path makes the gateway ignore
// `supergraph` below (harmless today, since both name the same file, but one place is enough).
//
// Plain ESM with no static import of a package, on purpose: it loads the same way on the machine's
// Node, under the npm package and in the gateway's container image, with no
// TypeScript transpile step. (`defineConfig` from '@graphql-hive/gateway' is an
// identity function; the JSDoc type below gives editors the same help.) The one package it uses,
// the Rust query planner, is imported dynamically and optional (see queryPlanner below).
//
// Environment:
//   ALMANAC_FINANCIAL_URL / ALMANAC_CRAWLER_URL / ALMANAC_USERS_URL
//                           override the subgraph URLs baked into supergraph.graphql
//   ALMANAC_GATEWAY_PORT    listen port (default 4000)
//   ALMANAC_GATEWAY_HOST    listen address (default 127.0.0.1; use 0.0.0.0 in a container)
//   ALMANAC_CORS_ORIGINS    comma-separated allowed origins (default: any origin)
//   ALMANAC_UPSTREAM_TIMEOUT milliseconds a subgraph may take to answer one query request (default
//                           10000); past it that subgraph's part of the answer is null with an
//                           UNAVAILABLE error, and an export not started by then is answered 504 UNAVAILABLE
//   ALMANAC_UPSTREAM_MUTATION_TIMEOUT  the same for a mutation (default 60000): an upload returns after
//                           its commit, and a large one on a busy machine may rightly take longer than a read
//   ALMANAC_GATEWAY_QUERY_PLANNER  "rust" (default): Hive Router's query planner and executor
//                           (@graphql-hive/router-runtime); "js": Hive Gateway's own (stitching) runtime.
//                           Without the package installed the gateway logs it and uses "js".
//   ALMANAC_GATEWAY_PASSTHROUGH  "true" (default): with the "rust" planner, a query one subgraph answers whole is
//                           sent there by the gateway and an answer without errors returned as its bytes
//                           (passthrough.mjs); "false": every operation through the planner.
//   ALMANAC_GATEWAY_RATE_LIMIT_ENABLED  "true" to limit requests per key and per client address (default off;
//                           see rateLimits below), with
//   ALMANAC_GATEWAY_RATE_LIMIT_PER_KEY / _PER_KEY_BURST           requests per minute / burst (600 / 60)
//   ALMANAC_GATEWAY_RATE_LIMIT_PER_ADDRESS / _PER_ADDRESS_BURST   requests per minute / burst (1200 / 120)
//
// Besides GraphQL, GET /export/* (the financial subgraph's file exports) is forwarded to the
// financial subgraph, so a user knows one origin (see exportForwarding below). Metrics at GET /metrics
// and correlation ids (X-Correlation-Id): observability.mjs, with its own variables.

import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { chartPage } from './chart.mjs';
import { exampleCollections } from './examples.mjs';
import { CORRELATION_HEADER, correlationIds, prometheusOptions } from './observability.mjs';
import { operationOf, passThroughEnabled, singleFetchPassThrough } from './passthrough.mjs';

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

/**
 * The supergraph's subgraphs as composed in the file now (its join__Graph enum): value (FINANCIAL) ->
 * { name (financial), url }, the URL overridden by the subgraph's ALMANAC_*_URL when set (as LocalStack sets
 * them; the same two sources as the gateway's GraphQL transport).
 */
function joinGraphs() {
  return new Map([...readFileSync(SUPERGRAPH, 'utf8')
    .matchAll(/^\s*([A-Za-z0-9_]+) @join__graph\(name: "([^"]+)", url: "([^"]+)"\)/gm)]
    .map(([, value, name, composed]) => {
      const fromEnv = SUBGRAPH_URL_ENV[name] && process.env[SUBGRAPH_URL_ENV[name]]?.trim();
      return [value, { name, url: new URL(fromEnv || composed) }];
    }));
}

/** A subgraph's URL by its composed name (see joinGraphs); null when the supergraph has no such subgraph. */
function subgraphUrl(name) {
  return [...joinGraphs().values()].find((graph) => graph.name === name)?.url ?? null;
}

const EXPORT_PATH = '/export/';
// Longest export path + query forwarded (characters): under the financial subgraph's 64 KiB request-header
// limit with room for the other headers. The gateway itself reads request lines and headers up to
// MAX_HEADER_SIZE (its `maxHeaderSize` below; Hive's default is 16 KiB); beyond that it answers 431.
const MAX_EXPORT_TARGET = 60 * 1024;
const MAX_HEADER_SIZE = 1024 * 1024;
// What a request carries upstream: the caller's key (the subgraph authenticates it, as for GraphQL) and
// the formats it accepts; nothing else of the client's headers (cookies, hop-by-hop headers).
const EXPORT_REQUEST_HEADERS = ['authorization', 'accept', CORRELATION_HEADER];
// What comes back: the file's type and name, its length when known, and a refusal's Retry-After.
// Transfer-Encoding and Connection are the gateway's own; the body is passed on as a stream.
const EXPORT_RESPONSE_HEADERS = ['content-type', 'content-disposition', 'content-length', 'retry-after'];

// Almanac's codes of the HTTP statuses a refusal can have (subgraph-common's ErrorCode).
const HTTP_STATUS_CODES = { 400: 'BAD_USER_INPUT', 401: 'UNAUTHENTICATED', 403: 'FORBIDDEN', 404: 'NOT_FOUND',
  409: 'CONFLICT', 413: 'LIMIT_EXCEEDED', 429: 'LIMIT_EXCEEDED' };

/** A refusal in Almanac's error shape; `more` adds to `extensions` (`subgraph`, `retryAfter`). */
function jsonError(fetchAPI, status, code, message, headers = {}, more = {}) {
  const extensions = { code, ...more };
  return new fetchAPI.Response(JSON.stringify({ errors: [{ message, extensions }] }), {
    status,
    headers: { 'content-type': 'application/json', ...headers },
  });
}

/**
 * GET /export/* forwarded to the financial subgraph, which authenticates the caller and answers the
 * file or a refusal (GraphQL's error shape, its status); the gateway passes the answer through as it
 * arrives, never holding a whole file. A plugin's onRequest runs before GraphQL handling, so these
 * paths never reach the GraphQL endpoint. Bounded like GraphQL's subgraph requests: no answer (status
 * and headers) within `timeoutMs` is 504 UNAVAILABLE, a refused connection 503 UNAVAILABLE, and a body
 * that stops arriving for `timeoutMs` is cut off (the client sees a truncated transfer, not a hang).
 */
function exportForwarding(upstream, timeoutMs) {
  return {
    onRequest({ request, url, endResponse, fetchAPI, serverContext }) {
      // The URL is parsed and dot segments resolved, so only paths under /export/ go upstream.
      if (!url.pathname.startsWith(EXPORT_PATH)) return undefined;
      if (request.method !== 'GET' && request.method !== 'HEAD') {
        endResponse(jsonError(fetchAPI, 405, 'BAD_USER_INPUT', `${request.method} is not allowed on exports; use GET`,
          { allow: 'GET, HEAD' }));
        return undefined;
      }
      const wanted = url.pathname.length + url.search.length;
      if (wanted > MAX_EXPORT_TARGET) {
        // Refused here, in our shape: the financial subgraph (Tomcat) reads request lines up to 64 KiB and
        // would close the connection on a longer one, which the client would see as a reset, not an answer.
        endResponse(jsonError(fetchAPI, 414, 'LIMIT_EXCEEDED', `The export URL is ${wanted} characters; at most `
          + `${MAX_EXPORT_TARGET} are accepted: ask for fewer ids or dates per request`));
        return undefined;
      }
      const headers = {};
      for (const name of EXPORT_REQUEST_HEADERS) {
        const value = request.headers.get(name);
        if (value) headers[name] = value;
      }
      const target = new URL(url.pathname + url.search, upstream);
      // One controller for the whole exchange: the client going away, no headers in time, or a
      // stalled body all abort the upstream request, so nothing is left reading from the subgraph.
      const upstreamAbort = new AbortController();
      const onClientAbort = () => upstreamAbort.abort(request.signal.reason);
      request.signal?.addEventListener('abort', onClientAbort, { once: true });
      let timedOut = false;
      const headersTimer = setTimeout(() => {
        timedOut = true;
        upstreamAbort.abort(new Error(`no answer within ${timeoutMs} ms`));
      }, timeoutMs);
      // Node's own fetch (undici), not fetchAPI's: when the subgraph's connection broke in the middle of a body,
      // fetchAPI's node-http client emitted an 'error' event nobody could listen to and the gateway process
      // exited; undici rejects the pending read instead, which idleBounded passes on as a cut-off body.
      return fetch(target, { method: request.method, headers, signal: upstreamAbort.signal }).then(
        (answer) => {
          clearTimeout(headersTimer);
          if (answer.status >= 400) {
            return answer.text().then((text) => endResponse(refusal(fetchAPI, answer, text)));
          }
          const passed = {};
          for (const name of EXPORT_RESPONSE_HEADERS) {
            const value = answer.headers.get(name);
            if (value) passed[name] = value;
          }
          const body = idleBounded(answer.body, timeoutMs, () => upstreamAbort.abort(new Error('export stalled')));
          endResponse(new fetchAPI.Response(cutOffOnError(body, serverContext, request), { status: answer.status, headers: passed }));
        },
        (error) => {
          clearTimeout(headersTimer);
          request.signal?.removeEventListener('abort', onClientAbort);
          console.error(`Export forwarding to ${target.origin} failed [${request.headers.get(CORRELATION_HEADER)}]: ${timedOut ? `no answer within ${timeoutMs} ms`
            : error?.cause?.code ?? error?.message ?? error}`);
          endResponse(timedOut
            ? jsonError(fetchAPI, 504, 'UNAVAILABLE', `The financial subgraph did not answer the export within ${timeoutMs} ms; retry later`,
              {}, { subgraph: 'financial' })
            : jsonError(fetchAPI, 503, 'UNAVAILABLE', 'The financial subgraph (exports) is unreachable; retry later', {},
              { subgraph: 'financial' }));
        },
      );
    },
  };
}

/**
 * An export refusal as the client gets it: the subgraph's own when it is in the GraphQL error shape with a
 * code (HttpErrorHandler's), else one made here from the status, since a refusal made below Almanac's
 * handlers (Tomcat's HTML page for an encoded slash in the path, Spring's JSON for an unknown path) has
 * no code. A 5xx without a code is UNAVAILABLE.
 */
function refusal(fetchAPI, answer, text) {
  try {
    const body = JSON.parse(text);
    if (Array.isArray(body?.errors) && body.errors.every((error) => error?.extensions?.code)) {
      const headers = { 'content-type': 'application/json' };
      const retryAfter = answer.headers.get('retry-after');
      if (retryAfter) headers['retry-after'] = retryAfter;
      return new fetchAPI.Response(text, { status: answer.status, headers });
    }
  } catch {
    // not JSON: coded below
  }
  return answer.status >= 500
    ? jsonError(fetchAPI, 503, 'UNAVAILABLE', `The financial subgraph failed the export (HTTP ${answer.status}); retry later`,
      {}, { subgraph: 'financial' })
    : jsonError(fetchAPI, answer.status, HTTP_STATUS_CODES[answer.status] ?? 'BAD_USER_INPUT',
      `The export request was refused (HTTP ${answer.status}): check the path and parameters`);
}

/**
 * The body as a Node stream whose failure (the subgraph's connection broken, or idle past the timeout) cuts
 * the client's connection off, so the client sees a truncated transfer, never a file that looks complete.
 * The server adapter pipes a Node stream without listening for its errors, and an 'error' event without a
 * listener ends the process: this listener is what keeps the gateway up.
 */
function cutOffOnError(body, serverContext, request) {
  if (!body) return body;
  const stream = Readable.fromWeb(body);
  stream.on('error', (error) => {
    console.error(`Export body cut off [${request.headers.get(CORRELATION_HEADER)}]: ${error?.cause?.code ?? error?.message ?? error}`);
    serverContext?.res?.destroy();
  });
  return stream;
}

/**
 * `body` passed on chunk by chunk, failing (and calling `abort`) when no chunk arrives for `timeoutMs`:
 * a subgraph paused in the middle of a file must not hold the client's connection forever.
 */
function idleBounded(body, timeoutMs, abort) {
  if (!body) return body;
  const reader = body.getReader();
  return new ReadableStream({
    pull(controller) {
      return new Promise((resolve) => {
        const timer = setTimeout(() => {
          abort();
          controller.error(new Error(`export stalled for ${timeoutMs} ms`));
          resolve();
        }, timeoutMs);
        reader.read().then(
          ({ done, value }) => {
            clearTimeout(timer);
            if (done) controller.close();
            else controller.enqueue(value);
            resolve();
          },
          (error) => {
            clearTimeout(timer);
            controller.error(error);
            resolve();
          },
        );
      });
    },
    cancel(reason) {
      abort();
      return reader.cancel(reason);
    },
  });
}

// Codes Hive Gateway's HTTP transport and upstream timeout give a subgraph request that failed (as
// opposed to the errors a subgraph answers with, which carry Almanac's codes).
const TRANSPORT_FAILURE_CODES = new Set(['TIMEOUT_ERROR', 'GATEWAY_TIMEOUT', 'RESPONSE_VALIDATION_FAILED']);

/** True for an error the gateway made because it got no usable answer from a subgraph. */
function isTransportFailure(error) {
  const extensions = error?.extensions ?? {};
  if (TRANSPORT_FAILURE_CODES.has(extensions.code)) return true;
  // The transport attaches the upstream request (URL, body) to its own errors; a subgraph's never have it.
  if (extensions.request) return true;
  const original = error?.originalError;
  return original != null && original.name !== 'GraphQLError';
}

function failureReason(error, timeoutMs) {
  const extensions = error?.extensions ?? {};
  if (extensions.code === 'TIMEOUT_ERROR' || extensions.code === 'GATEWAY_TIMEOUT'
    || error?.originalError?.name === 'TimeoutError' || error?.name === 'TimeoutError') {
    return `no answer within ${timeoutMs} ms`;
  }
  const status = extensions.response?.status;
  if (status) return `it answered HTTP ${status}`;
  if (extensions.code === 'RESPONSE_VALIDATION_FAILED') return 'it gave no GraphQL answer';
  return 'the connection failed';
}

/**
 * The error a client sees for a subgraph that is down or too slow: code UNAVAILABLE, `subgraph` naming
 * it as composed (financial, crawler, users). Everything else the transport attached (the upstream
 * URL, request body, response headers, an HTTP status that would turn a partial answer into a 5xx) is
 * dropped. The GraphQLError is changed in place so it keeps its path; with no original error left it
 * is a deliberate error, which the gateway's error masking passes through.
 */
function unavailable(subgraph, error, timeoutMs) {
  const message = `The ${subgraph} subgraph is unavailable (${failureReason(error, timeoutMs)}); `
    + 'the fields it resolves are null in this answer. Retry later.';
  const extensions = { code: 'UNAVAILABLE', subgraph };
  if (error && typeof error === 'object' && error.name === 'GraphQLError') {
    error.message = message;
    error.extensions = extensions;
    error.originalError = undefined;
    return error;
  }
  return { message, extensions };
}

// graphql-java's messages for a variable or literal its scalar refused (subgraph-common gives these
// BAD_USER_INPUT itself; this is the backstop for a subgraph that does not).
const INVALID_VARIABLE = /^Variable '([^']+)' has an invalid value: ?(.*)$/s;
const INVALID_LITERAL = /argument '([^']+)' with value .* is not a valid '([^']+)'(?: - (.*))?$/s;
// graphql-java's AST toString in its messages (`StringValue{value='x'}`): shown as the value it holds.
const AST_VALUE = /\b[A-Z][A-Za-z]*Value\{(?:value|name)=('?)([^{}]*?)\1\}/g;

/** The name of the first argument in `document` whose value uses variable `name`, if any. */
function argumentUsing(document, name) {
  let found;
  const visit = (node, argument) => {
    if (found || node == null || typeof node !== 'object') return;
    if (Array.isArray(node)) {
      node.forEach((child) => visit(child, argument));
      return;
    }
    if (node.kind === 'Argument') {
      visit(node.value, node.name.value);
      return;
    }
    if (node.kind === 'Variable' && argument && node.name?.value === name) {
      found = argument;
      return;
    }
    for (const [key, child] of Object.entries(node)) {
      if (key !== 'loc') visit(child, argument);
    }
  };
  visit(document, undefined);
  return found;
}

/**
 * Gives a subgraph's error without `extensions.code` a documented code instead of the gateway's
 * DOWNSTREAM_SERVICE_ERROR: a refused variable or literal is BAD_USER_INPUT naming the argument, any
 * other validation error GRAPHQL_VALIDATION_FAILED, anything else INTERNAL.
 */
function codeUncoded(error, request) {
  const extensions = error.extensions ?? {};
  if (extensions.code) return;
  const variable = INVALID_VARIABLE.exec(error.message ?? '');
  const literal = variable ? null : INVALID_LITERAL.exec(error.message ?? '');
  if (variable) {
    const argument = argumentUsing(request?.document, variable[1]) ?? variable[1];
    error.message = `Invalid value for argument '${argument}' (variable $${variable[1]}): `
      + variable[2].replace(AST_VALUE, '$2');
    error.extensions = { code: 'BAD_USER_INPUT', argument, variable: variable[1] };
  } else if (literal) {
    const reason = literal[3]?.replace(AST_VALUE, '$2') ?? `not a valid ${literal[2]}`;
    error.message = `Invalid value for argument '${literal[1]}': ${reason}`;
    error.extensions = { code: 'BAD_USER_INPUT', argument: literal[1] };
  } else if (extensions.classification === 'ValidationError') {
    error.extensions = { code: 'GRAPHQL_VALIDATION_FAILED' };
  } else {
    error.extensions = { ...extensions, code: 'INTERNAL' };
  }
}

/** The response keys of the root fields of the operation in `document`. */
function rootKeys(document) {
  const operation = document?.definitions?.find((definition) => definition.kind === 'OperationDefinition');
  return (operation?.selectionSet?.selections ?? [])
    .filter((selection) => selection.kind === 'Field')
    .map((field) => field.alias?.value ?? field.name.value);
}

/**
 * A subgraph whose non-null root field failed answers `data: null`, losing the other root fields of the
 * same request without an error of their own; the gateway would then report them as an unexpected
 * (masked, INTERNAL) error. Each such field gets a copy of the cause instead (its code and argument), so
 * the client reads why (e.g. one bad cursor among several searches: BAD_USER_INPUT for each).
 */
function explainLostRootFields(result, request) {
  if (result.data != null || result.errors.length === 0) return;
  const failed = new Set(result.errors.map((error) => error.path?.[0]).filter((key) => key !== undefined));
  // Errors without a path (a failed request, a refused variable) already apply to every field.
  if (failed.size === 0) return;
  const cause = result.errors.find((error) => error.path && error.extensions?.code) ?? result.errors[0];
  for (const key of rootKeys(request?.document)) {
    if (failed.has(key)) continue;
    result.errors.push(copyOfError(cause, `Not answered because another field of the same request failed: ${cause.message}`,
      [key], { ...cause.extensions }));
  }
}

/**
 * A copy of `error` (a GraphQLError as the subgraph transport made it, so the gateway's error masking keeps
 * it as a deliberate error rather than an "Unexpected error.") with its own message, path and extensions.
 */
function copyOfError(error, message, path, extensions) {
  const copy = Object.create(Object.getPrototypeOf(error));
  Object.defineProperties(copy, Object.getOwnPropertyDescriptors(error));
  Object.assign(copy, { message, path, extensions, locations: undefined });
  return copy;
}

/**
 * One error per path: the gateway folds several errors at one field into an AggregateError, which its
 * error masking turns into an INTERNAL "Unexpected error."; the first keeps its code, the messages are
 * joined.
 */
function oneErrorPerPath(errors) {
  const byPath = new Map();
  const kept = [];
  for (const error of errors) {
    const key = JSON.stringify(error.path ?? null);
    const first = byPath.get(key);
    if (first) {
      if (!first.message.includes(error.message)) first.message = `${first.message}; ${error.message}`;
      continue;
    }
    byPath.set(key, error);
    kept.push(error);
  }
  return kept;
}

/**
 * Subgraph failures as named errors. Wraps each subgraph request (outside the upstream timeout, which
 * Hive Gateway installs before user plugins): a request that failed or timed out becomes a result with
 * one UNAVAILABLE error naming the subgraph, so the gateway answers everything the other subgraphs
 * served and nulls only that subgraph's (nullable) fields. Errors a subgraph answered with keep their
 * code; one without a code gets one (codeUncoded). `stashed(context, subgraph)` is what the single-fetch
 * pass-through already got from that subgraph for this request (its answer with errors, or its failure):
 * used instead of asking again.
 */
function subgraphFailures(timeoutOf, stashed = () => undefined) {
  const relabel = (subgraph, result, request) => {
    if (result && Array.isArray(result.errors)) {
      result.errors = result.errors.map((error) => {
        if (isTransportFailure(error)) return unavailable(subgraph, error, timeoutOf(request));
        codeUncoded(error, request);
        return error;
      });
      explainLostRootFields(result, request);
      result.errors = oneErrorPerPath(result.errors);
    }
    return result;
  };
  const failed = (subgraph, error, request) => ({ errors: [unavailable(subgraph, error, timeoutOf(request))] });
  return {
    onSubgraphExecute({ subgraphName, executor, setExecutor }) {
      setExecutor((request) => {
        const known = stashed(request.context, subgraphName);
        if (known) return known.error ? failed(subgraphName, known.error, request) : relabel(subgraphName, known.answer, request);
        let result;
        try {
          result = executor(request);
        } catch (error) {
          return failed(subgraphName, error, request);
        }
        if (result && typeof result.then === 'function') {
          return result.then((answer) => relabel(subgraphName, answer, request), (error) => failed(subgraphName, error, request));
        }
        return relabel(subgraphName, result, request);
      });
    },
  };
}

// graphql-js's refusals of a variable at the gateway (an enum value, Int or non-null it checks itself):
// 'Variable "$f" got invalid value ...', 'Variable "$id" of required type "ID!" was not provided.'
const GATEWAY_VARIABLE = /^Variable "\$([^"]+)"/;
// graphql-armor's document limits (maxDepth, maxTokens, ...), reported as syntax errors without a code.
const DOCUMENT_LIMIT = /^Syntax Error: (?:Query depth limit|Token limit|.*\blimit of \d+)/;

function requestError(error, extensions, status) {
  error.extensions = { ...extensions, http: { status } };
}

/**
 * An executed operation answered with errors and no `data` at all (Hive Router's executor leaves `data` out
 * when no subgraph request returned any, e.g. a subgraph refused an argument) gets what graphql-js gives a
 * field error at the root: each root field null, or `data: null` when one of them is non-null (null
 * propagation) or the root selects fragments. Clients see one shape whichever query planner runs.
 */
function nullsForUnansweredRoot(result, args) {
  if (result.data !== undefined || !result.errors?.length) return;
  const operation = args.document?.definitions?.find((definition) => definition.kind === 'OperationDefinition'
    && (!args.operationName || definition.name?.value === args.operationName));
  const rootType = operation && args.schema?.getRootType(operation.operation);
  if (!rootType) return;
  const fields = rootType.getFields();
  const data = {};
  for (const selection of operation.selectionSet.selections) {
    const type = selection.kind === 'Field' ? fields[selection.name.value]?.type : undefined;
    if (!type || String(type).endsWith('!')) {
      result.data = null;
      return;
    }
    data[selection.alias?.value ?? selection.name.value] = null;
  }
  result.data = data;
}

/**
 * Every error the gateway answers by itself gets a documented code (the README's "Errors" table):
 * a refused variable BAD_USER_INPUT naming the argument that uses it, a document over the depth or
 * token limit LIMIT_EXCEEDED, an unreadable request (bad JSON, no query, an operation name the document
 * does not define) BAD_USER_INPUT, a body over
 * Yoga's limit LIMIT_EXCEEDED (still 413), the masked "Unexpected error." INTERNAL. Codes it already
 * gives (GRAPHQL_PARSE_FAILED, GRAPHQL_VALIDATION_FAILED) and the subgraphs' codes are kept. Yoga's bare
 * refusals get a body: a path the gateway serves nothing at is 404 NOT_FOUND naming what is served, an Accept
 * no answer matches 406 BAD_USER_INPUT naming the types it serves.
 */
function gatewayErrorCodes() {
  const codeVariableErrors = (result, document) => {
    for (const error of result?.errors ?? []) {
      if (error.extensions?.code) continue;
      const variable = GATEWAY_VARIABLE.exec(error.message ?? '');
      if (!variable) continue;
      const argument = argumentUsing(document, variable[1]) ?? variable[1];
      requestError(error, { code: 'BAD_USER_INPUT', argument, variable: variable[1] }, 400);
    }
  };
  // The document of each request's operation: Hive Router's executor refuses a variable by throwing before
  // execution, so its error arrives at onResultProcess, where the argument using the variable is looked up.
  const documents = new WeakMap();
  const codeRequestErrors = (result, document) => {
    for (const error of result?.errors ?? []) {
      const code = error.extensions?.code;
      const message = error.message ?? '';
      if (DOCUMENT_LIMIT.test(message)) {
        error.message = message.replace(/^Syntax Error: /, '');
        requestError(error, { code: 'LIMIT_EXCEEDED' }, 400);
      } else if (code === 'REQUEST_ENTITY_TOO_LARGE') {
        requestError(error, { code: 'LIMIT_EXCEEDED' }, 413);
      } else if (code === 'BAD_REQUEST' || code === 'OPERATION_RESOLUTION_FAILURE') {
        requestError(error, { code: 'BAD_USER_INPUT' }, 400);
      } else if (code === 'INTERNAL_SERVER_ERROR') {
        error.extensions = { ...error.extensions, code: 'INTERNAL' };
      } else if (!code) {
        const variable = GATEWAY_VARIABLE.exec(message);
        if (variable) {
          const argument = argumentUsing(document, variable[1]) ?? variable[1];
          requestError(error, { code: 'BAD_USER_INPUT', argument, variable: variable[1] }, 400);
        } else if (result.data === undefined) {
          requestError(error, { code: 'BAD_USER_INPUT' }, 400);
        } else {
          error.extensions = { ...error.extensions, code: 'INTERNAL' };
        }
      }
    }
  };
  return {
    onExecute({ args }) {
      if (args.contextValue?.request) documents.set(args.contextValue.request, args.document);
      return {
        onExecuteDone({ result }) {
          if (!result || Symbol.asyncIterator in result) return;
          codeVariableErrors(result, args.document);
          nullsForUnansweredRoot(result, args);
        },
      };
    },
    onResultProcess({ request, result }) {
      if (!result || Symbol.asyncIterator in result) return;
      const document = documents.get(request);
      for (const one of Array.isArray(result) ? result : [result]) codeRequestErrors(one, document);
    },
    onResponse({ request, response, setResponse, fetchAPI }) {
      // Only Yoga's own bare refusals (an export's refusal is JSON from the financial subgraph, kept as it is).
      if (response.status < 400 || response.headers.get('content-type')) return;
      const path = new URL(request.url).pathname;
      const shown = path.length > 200 ? `${path.slice(0, 200)}...` : path;
      const refusal = response.status === 404
        ? jsonError(fetchAPI, 404, 'NOT_FOUND', `No endpoint at ${shown}: GraphQL is at /graphql (GET in a browser for `
          + `the explorer), exports at ${EXPORT_PATH}..., the chart at /chart`)
        : response.status === 406
          ? jsonError(fetchAPI, 406, 'BAD_USER_INPUT', `No representation of ${shown} matches the Accept header `
            + `${JSON.stringify((request.headers.get('accept') ?? '').slice(0, 100))}: accept application/json or `
            + 'application/graphql-response+json', {}, { argument: 'Accept' })
          : jsonError(fetchAPI, response.status, HTTP_STATUS_CODES[response.status]
            ?? (response.status >= 500 ? 'INTERNAL' : 'BAD_USER_INPUT'), `Refused with HTTP ${response.status}`);
      // The request and correlation ids other plugins set stay on the answer, and so does Allow.
      for (const [name, value] of response.headers) {
        if (name !== 'content-length' && name !== 'transfer-encoding') refusal.headers.set(name, value);
      }
      setResponse(refusal);
    },
  };
}

/** A positive whole number from the environment variable `name`, or `fallback`. */
function positive(name, fallback) {
  const raw = process.env[name]?.trim();
  if (!raw) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0) {
    throw new Error(`${name} is not a positive whole number: ${JSON.stringify(raw)}`);
  }
  return value;
}

// Buckets kept per limit; past it full buckets are forgotten (a full bucket is the same as none), and if
// none is full every bucket starts afresh: a flood of distinct addresses costs bounded memory.
const MAX_BUCKETS = 100_000;

/**
 * Token buckets by name: `perMinute` tokens a minute, at most `burst` held; a request takes one.
 * `take` answers 0 when taken, else the milliseconds until a token is there.
 */
function tokenBuckets(perMinute, burst) {
  const buckets = new Map();
  const perMs = perMinute / 60_000;
  const level = (bucket, now) => Math.min(burst, bucket.tokens + (now - bucket.at) * perMs);
  return {
    take(name, now) {
      let bucket = buckets.get(name);
      if (!bucket) {
        if (buckets.size >= MAX_BUCKETS) {
          for (const [key, old] of buckets) if (level(old, now) >= burst) buckets.delete(key);
          if (buckets.size >= MAX_BUCKETS) buckets.clear();
        }
        bucket = { tokens: burst, at: now };
        buckets.set(name, bucket);
      }
      bucket.tokens = level(bucket, now);
      bucket.at = now;
      if (bucket.tokens >= 1) {
        bucket.tokens -= 1;
        return 0;
      }
      return Math.max(1, Math.ceil((1 - bucket.tokens) / perMs));
    },
  };
}

/**
 * The gateway's rate limit, a first line before the subgraphs' (which know each key's role): every
 * request to /graphql (but the Laboratory page) and to /export/* takes a token from its client address's
 * bucket and, when it carries an `Authorization` header, from that key's bucket (keyed by a SHA-256 of the
 * header: the key itself is neither kept nor logged). Counted per request, in this process's memory (N
 * gateways allow N times the budget). A refusal is 429 with `Retry-After` (whole seconds, >= 1) and the
 * error shape of the gateway's other refusals, `extensions.code` LIMIT_EXCEEDED and `extensions.retryAfter`,
 * for GraphQL and exports alike. Hive Gateway's own rate-limit plugin counts per field or type, not per
 * request, and cannot key on the client's address; hence this plugin.
 */
function rateLimits() {
  const perKey = positive('ALMANAC_GATEWAY_RATE_LIMIT_PER_KEY', 600);
  const perKeyBurst = positive('ALMANAC_GATEWAY_RATE_LIMIT_PER_KEY_BURST', 60);
  const perAddress = positive('ALMANAC_GATEWAY_RATE_LIMIT_PER_ADDRESS', 1200);
  const perAddressBurst = positive('ALMANAC_GATEWAY_RATE_LIMIT_PER_ADDRESS_BURST', 120);
  const keys = tokenBuckets(perKey, perKeyBurst);
  const addresses = tokenBuckets(perAddress, perAddressBurst);
  const refuse = (fetchAPI, waitMs, message) => {
    const retryAfter = Math.max(1, Math.ceil(waitMs / 1000));
    return jsonError(fetchAPI, 429, 'LIMIT_EXCEEDED', `${message}; retry in ${retryAfter} s`,
      { 'retry-after': String(retryAfter) }, { retryAfter });
  };
  return {
    onRequest({ request, url, serverContext, endResponse, fetchAPI }) {
      const graphql = url.pathname === '/graphql'
        && !(request.method === 'GET' && (request.headers.get('accept') ?? '').includes('text/html'));
      if (!graphql && !url.pathname.startsWith(EXPORT_PATH)) return;
      const now = performance.now();
      const address = serverContext?.req?.socket?.remoteAddress ?? 'unknown';
      const addressWait = addresses.take(address, now);
      if (addressWait > 0) {
        endResponse(refuse(fetchAPI, addressWait, `Rate limit exceeded: a client address may send ${perAddress} `
          + `requests per minute (bursts of ${perAddressBurst}; ALMANAC_GATEWAY_RATE_LIMIT_PER_ADDRESS)`));
        return;
      }
      const authorization = request.headers.get('authorization');
      if (!authorization) return;
      const key = createHash('sha256').update(authorization).digest('base64');
      const keyWait = keys.take(key, now);
      if (keyWait > 0) {
        endResponse(refuse(fetchAPI, keyWait, `Rate limit exceeded: a key may send ${perKey} requests per minute `
          + `(bursts of ${perKeyBurst}; ALMANAC_GATEWAY_RATE_LIMIT_PER_KEY)`));
      }
    },
  };
}

/** The longest `Authorization` header forwarded: an API key is 60 characters, an OIDC token a few KiB. */
const MAX_AUTHORIZATION = 16_384;

/**
 * Refuses an `Authorization` header over MAX_AUTHORIZATION characters with 401 UNAUTHENTICATED, on every
 * path: forwarded, it would make a subgraph's Tomcat refuse the request line (400 before any handler), which
 * reached clients as the subgraph being UNAVAILABLE. Always on.
 */
function credentialSize() {
  return {
    onRequest({ request, endResponse, fetchAPI }) {
      const length = request.headers.get('authorization')?.length ?? 0;
      if (length <= MAX_AUTHORIZATION) return;
      endResponse(jsonError(fetchAPI, 401, 'UNAUTHENTICATED', `The Authorization header is ${length} characters; `
        + `Almanac's credentials (an API key, an identity provider's token) are at most ${MAX_AUTHORIZATION}`));
    },
  };
}

/** A timeout in milliseconds from the environment variable `name`, or `fallback`. */
function millis(name, fallback) {
  const raw = process.env[name]?.trim();
  if (!raw) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0) {
    throw new Error(`${name} is not a positive number of milliseconds: ${JSON.stringify(raw)}`);
  }
  return value;
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
  // A browser page may read the correlation id of its requests (to quote it in a bug report).
  const exposedHeaders = [CORRELATION_HEADER];
  // No list (or "*"): reflect any Origin, which is what local tools and tests want.
  if (origins.length === 0 || origins.includes('*')) return { origin: '*', exposedHeaders };
  return { origin: origins, credentials: true, exposedHeaders };
}

const UPSTREAM_TIMEOUT = millis('ALMANAC_UPSTREAM_TIMEOUT', 10_000);
const UPSTREAM_MUTATION_TIMEOUT = millis('ALMANAC_UPSTREAM_MUTATION_TIMEOUT', 60_000);

/** The bound of one subgraph request: a mutation's (an upload waits for its commit) or a read's. */
function upstreamTimeoutOf(executionRequest) {
  return executionRequest?.operationType === 'mutation' ? UPSTREAM_MUTATION_TIMEOUT : UPSTREAM_TIMEOUT;
}

/**
 * How the gateway plans and runs an operation: Hive Router's Rust query planner with its executor
 * (`@graphql-hive/router-runtime`), or Hive Gateway's default stitching runtime. Measured on the
 * 2,520-point `data` read (bench/README.md, G1): the stitching runtime re-executes the subgraph's
 * answer with graphql-js (a completeValue and an instanceOf per list element) where the router
 * runtime projects it in one pass; with it the gateway's CPU per read fell by about a tenth (median of nine
 * paired rounds; from none to 22%).
 * Imported here rather than with the CLI's --hive-router-runtime, so every way of starting the
 * gateway (LocalStack, the benchmark's baseline, the container) gets it from this one file.
 */
async function queryPlanner() {
  const choice = process.env.ALMANAC_GATEWAY_QUERY_PLANNER?.trim() || 'rust';
  if (choice === 'js') return {};
  if (choice !== 'rust') {
    throw new Error(`ALMANAC_GATEWAY_QUERY_PLANNER must be "rust" or "js": ${JSON.stringify(choice)}`);
  }
  try {
    const { unifiedGraphHandler } = await import('@graphql-hive/router-runtime');
    return { unifiedGraphHandler };
  } catch (error) {
    console.warn(`@graphql-hive/router-runtime could not be loaded (${error?.code ?? error?.message ?? error}); `
      + 'using Hive Gateway\'s default query planner');
    return {};
  }
}

const PLANNER = await queryPlanner();

/**
 * What the plugins below use of the gateway's own dependencies: graphql's print and getVariableValues,
 * @envelop/core's documentStringMap, @graphql-tools/utils' createGraphQLError (the one its HTTP transport makes
 * a subgraph's errors with). Imported here, not statically, like the planner: null when one cannot be loaded,
 * and then the pass-through and runtimeGaps' last three answers are off.
 */
async function gatewayPackages() {
  try {
    const [{ print, getVariableValues }, { documentStringMap }, { createGraphQLError }] = await Promise.all([
      import('graphql'), import('@envelop/core'), import('@graphql-tools/utils')]);
    if (print && getVariableValues && documentStringMap && createGraphQLError) {
      return { print, getVariableValues, documentStringMap, createGraphQLError };
    }
    console.warn('graphql, @envelop/core or @graphql-tools/utils lacks what the gateway uses of it');
  } catch (error) {
    console.warn(`graphql, @envelop/core or @graphql-tools/utils could not be loaded (${error?.code ?? error?.message ?? error})`);
  }
  console.warn('Every query goes through the query planner; escapes above U+FFFF reach it as sent; subscriptions '
    + 'and non-JSON GET variables are answered 500');
  return null;
}
const PACKAGES = await gatewayPackages();

/**
 * The single-fetch pass-through's options (passthrough.mjs), or null when it is off: ALMANAC_GATEWAY_PASSTHROUGH
 * "false", the JS planner (the pass-through was checked against Hive Router's subgraph requests), or no
 * PACKAGES.
 */
function passThroughOptions() {
  if (!PLANNER.unifiedGraphHandler || !passThroughEnabled() || !PACKAGES) return null;
  return {
    subgraphs: joinGraphs,
    headersOf: (request) => ({ ...credentialsOf(request), [CORRELATION_HEADER]: request.headers.get(CORRELATION_HEADER) }),
    timeoutMs: UPSTREAM_TIMEOUT,
    createGraphQLError: PACKAGES.createGraphQLError,
    getVariableValues: PACKAGES.getVariableValues,
  };
}
const PASS_THROUGH = passThroughOptions();

/**
 * Whether @skip/@include leave no field at all in the operation's root selection, read with the request's
 * variables (a variable without a boolean value: false, left to the planner to refuse or answer).
 */
function rootAllSkipped(document, operation, variables) {
  const fragments = new Map(document.definitions.filter((definition) => definition.kind === 'FragmentDefinition')
    .map((fragment) => [fragment.name.value, fragment]));
  const defaults = new Map((operation.variableDefinitions ?? [])
    .map((definition) => [definition.variable.name.value, definition.defaultValue]));
  const flag = (value) => {
    if (value?.kind === 'BooleanValue') return value.value;
    if (value?.kind !== 'Variable') return undefined;
    const name = value.name.value;
    if (variables && Object.hasOwn(variables, name)) return typeof variables[name] === 'boolean' ? variables[name] : undefined;
    return defaults.get(name)?.kind === 'BooleanValue' ? defaults.get(name).value : undefined;
  };
  // true: left out; false: kept; undefined: cannot tell
  const excluded = (node) => {
    for (const directive of node.directives ?? []) {
      const name = directive.name.value;
      if (name !== 'skip' && name !== 'include') continue;
      const value = flag(directive.arguments?.find((argument) => argument.name.value === 'if')?.value);
      if (value === undefined) return undefined;
      if (name === 'skip' ? value : !value) return true;
    }
    return false;
  };
  const empty = (selectionSet, seen) => selectionSet.selections.every((selection) => {
    const out = excluded(selection);
    if (out !== false) return out === true;
    if (selection.kind === 'Field') return false;
    const fragment = selection.kind === 'FragmentSpread' ? fragments.get(selection.name.value) : selection;
    if (!fragment || seen.has(fragment) || (selection.kind === 'FragmentSpread' && excluded(fragment) !== false)) return false;
    return empty(fragment.selectionSet, new Set(seen).add(fragment));
  });
  return empty(operation.selectionSet, new Set());
}

// Escapes GraphQL allows in a string literal that Hive Router's planner refuses when it parses the client's text
// again: a character above U+FFFF as a surrogate pair (\ud83d\ude00) or in braces (\u{1F600}).
const ESCAPE_THE_PLANNER_REFUSES = /\\u(?:\{|[dD][89a-fA-F])/;

/**
 * Answers the gateway's runtime got wrong for requests that are not mistakes or are the client's, given here
 * instead (each seen in a hostile-input probe of the gateway):
 * - an operation whose root fields @skip/@include all leave out: graphql-js and the subgraphs answer
 *   `{"data": {}}`; Hive Router's runtime answered 500 INTERNAL (a literal condition) or no `data` at all (a
 *   variable);
 * - a document with an escape Hive Router's parser refuses (ESCAPE_THE_PLANNER_REFUSES): it parses the
 *   client's text again (Yoga keeps it beside the parsed document), and answered 500 INTERNAL; it is given
 *   the document printed instead (graphql-js prints such characters as themselves), which means the same;
 * - a subscription (the supergraph has none): 500 INTERNAL; now 400 GRAPHQL_VALIDATION_FAILED;
 * - `variables` or `extensions` that are not JSON in a GET's query string or a form body: Yoga's parser threw
 *   a SyntaxError, answered 500 INTERNAL; now 400 BAD_USER_INPUT saying both must be JSON objects;
 * - a JSON body declaring another charset than UTF-8: Yoga read it as UTF-8 anyway; now 415 BAD_USER_INPUT;
 * - a request no request parser reads: Yoga answered 415 with an empty body; now, in our error shape with
 *   BAD_USER_INPUT, 415 naming the type and what to send for a POST of another media type (`text/plain`,
 *   `application/xml`, ...), 405 for another method than GET or POST (this hook runs after Yoga's own parsers
 *   have chosen, so no parser here means none matched).
 * `packages` is PACKAGES; without them the subscription, not-JSON and escape answers are left as they were.
 */
function runtimeGaps(packages) {
  const refusal = (message, code) => packages.createGraphQLError(message, { extensions: { code, http: { status: 400 } } });
  return {
    onRequestParse({ request, requestParser, setRequestParser, endResponse, fetchAPI }) {
      if (requestParser === undefined && fetchAPI && typeof endResponse === 'function') {
        endResponse(unreadableRequest(request, fetchAPI));
        return;
      }
      const charset = otherJsonCharset(request);
      if (charset && fetchAPI && typeof endResponse === 'function') {
        endResponse(jsonError(fetchAPI, 415, 'BAD_USER_INPUT', `A JSON request body is UTF-8 (RFC 8259), not charset=${charset}: `
          + 'send it as UTF-8 (with `charset=utf-8` or no charset)', {}, { argument: 'Content-Type' }));
        return;
      }
      if (!packages || typeof requestParser !== 'function') return;
      setRequestParser((request) => {
        let parsed;
        try {
          parsed = requestParser(request);
        } catch (error) {
          throw notJson(error);
        }
        return typeof parsed?.then === 'function' ? parsed.then(undefined, (error) => {
          throw notJson(error);
        }) : parsed;
      });
      function notJson(error) {
        return error instanceof SyntaxError ? refusal(`A parameter of the request is not valid JSON (${error.message}): `
          + '`variables` and `extensions` must be JSON objects', 'BAD_USER_INPUT') : error;
      }
    },
    onSubscribe({ args, setResultAndStopExecution }) {
      if (packages && !args.schema.getSubscriptionType()) {
        setResultAndStopExecution({ errors: [refusal('This API has no subscriptions: send a query or a mutation (for '
          + 'updates, poll `seriesUpdates` or register a webhook)', 'GRAPHQL_VALIDATION_FAILED')] });
      }
    },
    onExecute({ args, setResultAndStopExecution }) {
      const operation = operationOf(args.document, args.operationName);
      if (operation && rootAllSkipped(args.document, operation, args.variableValues)) {
        setResultAndStopExecution({ data: {} });
        return;
      }
      const text = packages?.documentStringMap.get(args.document);
      if (text && ESCAPE_THE_PLANNER_REFUSES.test(text)) {
        packages.documentStringMap.set(args.document, packages.print(args.document));
      }
    },
  };
}

/**
 * The charset a JSON request body declares when it is not UTF-8 (quoted, at most 40 characters), else null.
 * Yoga decodes every body as UTF-8 whatever it declares, so a Latin-1 body's accented letters would arrive
 * as replacement characters: refused instead, as the crawler's NDJSON uploads refuse it.
 */
function otherJsonCharset(request) {
  const type = request.headers.get('content-type') ?? '';
  if (request.method !== 'POST' || !/json/i.test(type.split(';')[0])) return null;
  const charset = /;\s*charset\s*=\s*"?([^";]*)/i.exec(type)?.[1]?.trim();
  return charset === undefined || /^utf-?8$/i.test(charset) ? null : JSON.stringify(charset.slice(0, 40));
}

/**
 * A request no GraphQL request parser reads, refused in the error shape of every other refusal: another method
 * than GET or POST is 405 (as on exports), a POST body of another media type 415.
 */
function unreadableRequest(request, fetchAPI) {
  if (request.method !== 'POST') {
    return jsonError(fetchAPI, 405, 'BAD_USER_INPUT',
      `${request.method} is not allowed on the GraphQL endpoint; use POST (a JSON body) or GET (\`query\` in the URL)`,
      { allow: 'GET, POST' });
  }
  const type = (request.headers.get('content-type') || '').split(';')[0].trim().slice(0, 100) || '(none)';
  return jsonError(fetchAPI, 415, 'BAD_USER_INPUT', `Content-Type ${type} is not a GraphQL request body this `
    + 'endpoint reads: POST JSON with `Content-Type: application/json`, or send a GET with `query` in the URL');
}

/** What a subgraph request carries of the client's: its credentials as sent (subgraphs authenticate). */
function credentialsOf(request) {
  const authorization = request.headers.get('authorization');
  return authorization ? { authorization } : {};
}

/** @type {import('@graphql-hive/gateway').GatewayConfig} */
export const gatewayConfig = {
  supergraph: SUPERGRAPH,
  ...PLANNER,
  transportEntries: subgraphUrlOverrides(),

  host: process.env.ALMANAC_GATEWAY_HOST?.trim() || '127.0.0.1',
  port: port(),
  // Long export URLs are read whole and refused as 414 in our error shape (see MAX_EXPORT_TARGET) rather
  // than cut off at Hive's 16 KiB default with an empty 431.
  maxHeaderSize: MAX_HEADER_SIZE,

  // Subgraphs do their own authentication: hand them the caller's credentials as is.
  propagateHeaders: {
    fromClientToSubgraphs: ({ request }) => credentialsOf(request),
  },

  cors: cors(),

  // GET /metrics (see observability.mjs).
  prometheus: prometheusOptions(),

  // Every subgraph request is bounded; subgraphFailures turns a late or failed one into UNAVAILABLE.
  upstreamTimeout: ({ executionRequest }) => upstreamTimeoutOf(executionRequest),
  // Subgraph errors name their subgraph as `subgraph` (as UNAVAILABLE does); an error without a code
  // gets one in subgraphFailures before this default could apply.
  subgraphErrors: { errorCode: 'INTERNAL', subgraphNameProp: 'subgraph' },

  // Exports exist only where a financial subgraph does (the benchmark's baseline gateway runs this file
  // over a supergraph of its own without one, and serves no exports).
  // The rate limit comes first: its onRequest refuses before exports are forwarded or GraphQL parsed.
  // The single-fetch pass-through (passthrough.mjs) comes last, so every other plugin's onExecute has run
  // when it answers; only with Hive Router's runtime, whose subgraph requests it was checked against.
  plugins: () => {
    const limits = [correlationIds(), credentialSize(),
      ...(process.env.ALMANAC_GATEWAY_RATE_LIMIT_ENABLED?.trim() === 'true' ? [rateLimits()] : []), chartPage()];
    const passThrough = PASS_THROUGH && singleFetchPassThrough(PASS_THROUGH);
    const failures = subgraphFailures(upstreamTimeoutOf, passThrough?.stashed);
    const financial = subgraphUrl('financial');
    const exports = financial ? [exportForwarding(financial, UPSTREAM_TIMEOUT)] : [];
    if (!financial) console.warn(`No financial subgraph in ${SUPERGRAPH}: GET /export/* is not forwarded`);
    return [...limits, failures, gatewayErrorCodes(), ...exports, runtimeGaps(PACKAGES),
      ...(passThrough ? [passThrough.plugin] : [])];
  },

  // The built-in Hive Laboratory at GET /graphql: its JS is inlined in the page
  // (render-laboratory package), so it works with no network access. It opens with the example
  // operations of examples/ as a collection (examples.mjs); the chart page is GET /chart (chart.mjs).
  graphiql: { title: 'Almanac', defaultCollections: exampleCollections() },

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
