// Single-fetch pass-through: a query whose every field one subgraph resolves is sent to that subgraph by
// the gateway itself, and an answer without errors goes back to the client as the bytes it came in.
// Plain ESM importing no package, like gateway.config.mjs.
//
// Why: for a query Hive Router's planner sends whole to one subgraph (most reads: `series(id) { data }`,
// `searchSeries`, `observations`), the normal path parses the subgraph's JSON, projects it over the
// operation and serializes it again, which for a 2,520-point `data` answer (53 KB) was most of the gateway's
// CPU per read (bench/README.md, G1). The answer it would build is the subgraph's own: the planner sends the
// client's selection (fragments inlined, names dropped), and with no errors there is nothing to project,
// relabel or null.
//
// What still runs for such a query: every onRequest plugin (correlation id, credential size, rate limit),
// Yoga's parsing, validation against the supergraph and its document limits (maxTokens, maxDepth), every
// plugin's onExecute before this one, metrics of the operation, and the response hooks. What does not: the
// planner and executor, and with them the per-subgraph metrics (graphql_gateway_subgraph_execute_*,
// graphql_gateway_fetch_duration).
//
// When the subgraph's answer has errors (or extensions), it is parsed and handed to the normal path as that
// subgraph's answer (`stashed`), so the client gets exactly what it got before (codes, paths, nulls) and the
// subgraph is asked once. No answer within the upstream timeout of a query is handed over the same way, as the
// subgraph's failure (one wait, not two). Anything else (a refused or broken connection, an HTTP status other
// than 200, an answer that is not JSON) is dropped and the normal path asks again.
//
// Environment:
//   ALMANAC_GATEWAY_PASSTHROUGH   "true" (default) or "false" (every operation through the planner)

import http from 'node:http';
import https from 'node:https';

/** Marks a result that holds the subgraph's answer as bytes ({ bytes, mediaType }), for onResultProcess. */
const RAW = Symbol('almanac.passthrough');
const REGULAR_MEDIA_TYPES = ['application/graphql-response+json', 'application/json'];

function argument(directive, name) {
  return directive.arguments?.find((a) => a.name.value === name)?.value;
}

/**
 * Which subgraphs can resolve each field of a supergraph, read from its join__ directives (Federation 2's
 * supergraph: a field without @join__field is resolved by every subgraph of its type's @join__type; one with
 * them only by the graphs named, and not where it is `external`, needs `requires`, or was overridden).
 * Null for a field no single fetch can answer (abstract types, contexts, unknown join__field arguments).
 * `names` maps the join__Graph enum's values (FINANCIAL) to the subgraphs' names (financial): the gateway's
 * schema keeps the directives but not that enum.
 */
function resolverIndex(schema, names) {
  const byType = new Map();
  const graphsOf = (directive) => {
    const graph = argument(directive, 'graph');
    return graph?.kind === 'EnumValue' ? names.get(graph.value) : undefined;
  };
  const typeGraphs = (type) => {
    let graphs = byType.get(type);
    if (!graphs) {
      graphs = new Set();
      for (const directive of type.astNode?.directives ?? []) {
        if (directive.name.value !== 'join__type') continue;
        const name = graphsOf(directive);
        if (name) graphs.add(name);
      }
      byType.set(type, graphs);
    }
    return graphs;
  };
  const fields = new WeakMap();
  return {
    /** The subgraph names that resolve `fieldName` of object type `type` themselves, or null. */
    fieldGraphs(type, fieldName) {
      let perType = fields.get(type);
      if (!perType) fields.set(type, perType = new Map());
      if (perType.has(fieldName)) return perType.get(fieldName);
      const field = type.getFields()[fieldName];
      let graphs = null;
      if (field) {
        const joins = (field.astNode?.directives ?? []).filter((d) => d.name.value === 'join__field');
        if (joins.length === 0) {
          graphs = typeGraphs(type);
        } else {
          graphs = new Set();
          for (const join of joins) {
            const unknown = (join.arguments ?? []).some((a) => !['graph', 'type', 'external', 'override', 'provides',
              'usedOverridden', 'requires'].includes(a.name.value));
            if (unknown) {
              graphs = null;
              break;
            }
            const name = graphsOf(join);
            const off = (key) => argument(join, key)?.value === true;
            if (!name || off('external') || off('usedOverridden') || argument(join, 'requires')) continue;
            graphs.add(name);
          }
        }
      }
      perType.set(fieldName, graphs);
      return graphs;
    },
  };
}

function namedType(type) {
  let named = type;
  while (named.ofType) named = named.ofType;
  return named;
}

/**
 * The subgraph that can answer the whole of `operation` in one request and the text to send it, or null. Only queries; only object
 * types (an interface or union, introspection, or a directive other than @skip/@include gives null).
 */
function singleSubgraph(schema, index, document, operation) {
  if (operation.operation !== 'query' || operation.directives?.length) return null;
  const fragments = new Map();
  for (const definition of document.definitions) {
    if (definition.kind === 'FragmentDefinition') fragments.set(definition.name.value, definition);
  }
  let candidates = null;
  const used = new Set();
  const plainDirectives = (node) => (node.directives ?? []).every((d) => d.name.value === 'skip' || d.name.value === 'include');
  const visit = (selectionSet, type, seen) => {
    for (const selection of selectionSet.selections) {
      if (!plainDirectives(selection)) return false;
      if (selection.kind === 'Field') {
        const name = selection.name.value;
        if (name === '__typename') continue;
        if (name.startsWith('__')) return false;
        const graphs = index.fieldGraphs(type, name);
        if (!graphs || graphs.size === 0) return false;
        candidates = candidates == null ? new Set(graphs) : new Set([...candidates].filter((g) => graphs.has(g)));
        if (candidates.size === 0) return false;
        const returned = namedType(type.getFields()[name].type);
        if (selection.selectionSet) {
          if (typeof returned.getFields !== 'function' || typeof returned.getInterfaces !== 'function') return false;
          if (!visit(selection.selectionSet, returned, seen)) return false;
        }
      } else {
        const fragment = selection.kind === 'FragmentSpread' ? fragments.get(selection.name.value) : selection;
        if (!fragment || seen.has(fragment)) return false;
        if (fragment.typeCondition && fragment.typeCondition.name.value !== type.name) return false;
        if (selection.kind === 'FragmentSpread') {
          if (!plainDirectives(fragment)) return false;
          used.add(fragment);
        }
        if (!visit(fragment.selectionSet, type, new Set(seen).add(fragment))) return false;
      }
    }
    return true;
  };
  const root = schema.getQueryType();
  if (!root || !visit(operation.selectionSet, root, new Set()) || !candidates?.size) return null;
  const query = operationText(document, operation, used);
  return query == null ? null : { subgraph: [...candidates].sort()[0], query };
}

/**
 * The text a subgraph is sent: the client's, or when the document has more (other operations, fragments
 * this one does not use, which a subgraph would validate and refuse) the operation and its fragments cut
 * from it; null when the parsed document has no locations to cut by.
 */
function operationText(document, operation, fragments) {
  const source = operation.loc?.source?.body;
  if (typeof source !== 'string') return null;
  const kept = document.definitions.filter((definition) => definition === operation || fragments.has(definition));
  if (kept.length === document.definitions.length) return source;
  if (kept.some((definition) => !definition.loc)) return null;
  return kept.map((definition) => source.slice(definition.loc.start, definition.loc.end)).join('\n');
}

/** The operation of `document` named `operationName`, or its only one; null when there is none such. */
export function operationOf(document, operationName) {
  const operations = (document?.definitions ?? []).filter((definition) => definition.kind === 'OperationDefinition');
  if (operationName) return operations.find((operation) => operation.name?.value === operationName) ?? null;
  return operations.length === 1 ? operations[0] : null;
}

/** Yoga's content negotiation (its result processors: SSE, multipart, regular; the last match wins). */
function regularMediaType(request) {
  const asked = [];
  for (const accept of (request.headers.get('accept') || '*/*').replace(/\s/g, '').toLowerCase().split(',')) {
    const [mediaType, ...params] = accept.split(';');
    const charset = params.find((param) => param.includes('charset=')) || 'charset=utf-8';
    if (mediaType !== undefined && charset === 'charset=utf-8') asked.push(mediaType);
  }
  asked.reverse();
  const matches = (offered, wanted) => {
    const [offeredPre, offeredSuf] = offered.split('/');
    const [pre, suf] = wanted.split('/');
    return (pre === '*' || pre === offeredPre) && (suf === '*' || suf === offeredSuf);
  };
  let chosen = null;
  for (const offered of [['text/event-stream'], ['multipart/mixed'], REGULAR_MEDIA_TYPES]) {
    for (const wanted of asked) {
      for (const type of offered) if (matches(type, wanted)) chosen = type;
    }
  }
  return REGULAR_MEDIA_TYPES.includes(chosen) ? chosen : null;
}

// Subgraph connections kept alive and reused, as the gateway's own transport does. Node's http client rather
// than fetch (undici): see bench/README.md for what each cost per read.
const AGENTS = { 'http:': new http.Agent({ keepAlive: true }), 'https:': new https.Agent({ keepAlive: true }) };

/**
 * POSTs `body` to `url`: the answer's status, content type and bytes. Fails with a TimeoutError when no
 * whole answer came within `timeoutMs`, and when the client went away (`clientSignal`).
 */
function post(url, headers, body, timeoutMs, clientSignal) {
  return new Promise((resolve, reject) => {
    const client = url.protocol === 'https:' ? https : http;
    const outgoing = client.request(url, { method: 'POST', headers, agent: AGENTS[url.protocol] }, (incoming) => {
      const chunks = [];
      incoming.on('data', (chunk) => chunks.push(chunk));
      incoming.on('end', () => {
        clearTimeout(timer);
        clientSignal?.removeEventListener('abort', onAbort);
        resolve({ status: incoming.statusCode, type: incoming.headers['content-type'], bytes: Buffer.concat(chunks) });
      });
      incoming.on('error', fail);
      incoming.on('close', () => {
        if (!incoming.complete) fail(new Error('the answer was cut off'));
      });
    });
    let late = null;
    function fail(error) {
      clearTimeout(timer);
      clientSignal?.removeEventListener('abort', onAbort);
      // Past the timeout, whatever broke (the request, or a body cut off mid-way) is the timeout.
      reject(late ?? error);
    }
    const onAbort = () => outgoing.destroy(new Error('the client went away'));
    const timer = setTimeout(() => {
      late = new Error(`no answer within ${timeoutMs} ms`);
      late.name = 'TimeoutError';
      outgoing.destroy(late);
    }, timeoutMs);
    clientSignal?.addEventListener('abort', onAbort, { once: true });
    outgoing.on('error', fail);
    outgoing.end(body);
  });
}

const DATA_START = Buffer.from('{"data":{');
const ERRORS_KEY = Buffer.from('"errors"');
const EXTENSIONS_KEY = Buffer.from('"extensions"');

/**
 * The plugin. `subgraphs()` reads the supergraph's subgraphs as the gateway runs them (join__Graph value,
 * e.g. FINANCIAL, to the subgraph's name and URL); it is read again when the gateway's schema changes (the
 * supergraph file reloaded). `headersOf(request)` gives the headers a subgraph request carries for the
 * client's request (credentials, correlation id), `timeoutMs` a query's upstream timeout,
 * `createGraphQLError` is @graphql-tools/utils' (the one the gateway's HTTP transport makes a subgraph's
 * errors with), `getVariableValues` graphql-js' (the gateway's own variable coercion). The stash it fills
 * is read by the normal path's subgraph executor through `stashed(context, subgraph)`.
 */
export function singleFetchPassThrough({ subgraphs, headersOf, timeoutMs, createGraphQLError, getVariableValues }) {
  const schemas = new WeakMap();
  const stash = new WeakMap();
  /** The single fetch that answers the operation (its subgraph, URL, operation and text), or null. */
  const planOf = (schema, document, operationName) => {
    let known = schemas.get(schema);
    if (!known) {
      const graphs = subgraphs();
      const names = new Map([...graphs].map(([value, graph]) => [value, graph.name]));
      const urls = new Map([...graphs.values()].map((graph) => [graph.name, graph.url]));
      known = { index: resolverIndex(schema, names), urls, plans: new WeakMap() };
      schemas.set(schema, known);
    }
    let perDocument = known.plans.get(document);
    if (!perDocument) known.plans.set(document, perDocument = new Map());
    const key = operationName ?? '';
    if (!perDocument.has(key)) {
      const operation = operationOf(document, operationName);
      const single = operation && singleSubgraph(schema, known.index, document, operation);
      const url = single && known.urls.get(single.subgraph);
      perDocument.set(key, url ? { ...single, url, operation } : null);
    }
    return perDocument.get(key);
  };
  return {
    /** What the normal path's executor must answer for `subgraph` in this request instead of asking it. */
    stashed(context, subgraph) {
      const request = context?.request;
      const entry = request ? stash.get(request) : undefined;
      if (!entry || entry.subgraph !== subgraph) return undefined;
      stash.delete(request);
      return entry;
    },
    plugin: {
      onExecute({ args, setResultAndStopExecution }) {
        const request = args.contextValue?.request;
        const params = args.contextValue?.params;
        if (!request || typeof params?.query !== 'string') return undefined;
        const plan = planOf(args.schema, args.document, args.operationName ?? undefined);
        const mediaType = plan && regularMediaType(request);
        if (!mediaType) return undefined;
        // Variables the gateway would refuse are left to it (its BAD_USER_INPUT naming the argument): the
        // subgraph's coercion need not refuse the same ones.
        const variables = args.variableValues ?? undefined;
        if (plan.operation.variableDefinitions?.length
          && getVariableValues(args.schema, plan.operation.variableDefinitions, variables ?? {}, { maxErrors: 1 }).errors) {
          return undefined;
        }
        const subgraph = plan.subgraph;
        const body = JSON.stringify({ query: plan.query, variables, operationName: args.operationName ?? undefined });
        return post(plan.url, { ...headersOf(request), 'content-type': 'application/json', accept: 'application/json',
          'content-length': String(Buffer.byteLength(body)) }, body, timeoutMs, request.signal).then((answer) => {
          const { bytes } = answer;
          const json = (answer.type ?? '').startsWith('application/');
          if (answer.status !== 200 || !json) return; // asked again by the normal path
          if (bytes.subarray(0, DATA_START.length).equals(DATA_START) && bytes.indexOf(ERRORS_KEY) < 0
            && bytes.indexOf(EXTENSIONS_KEY) < 0) {
            setResultAndStopExecution({ [RAW]: { bytes, mediaType } });
            return;
          }
          let parsed;
          try {
            parsed = JSON.parse(bytes.toString('utf8'));
          } catch {
            return;
          }
          if (!parsed || typeof parsed !== 'object') return;
          // As the HTTP transport hands an answer on: its errors as GraphQLErrors.
          if (Array.isArray(parsed.errors)) {
            parsed.errors = parsed.errors.map(({ message, ...options }) => createGraphQLError(message, options));
          }
          stash.set(request, { subgraph, answer: parsed });
        }, (error) => {
          // A late answer is the subgraph's failure: the normal path reports it without waiting again. Any
          // other failure (refused, or a kept-alive connection closed under the request) is asked again.
          if (error?.name === 'TimeoutError') stash.set(request, { subgraph, error });
        });
      },
      onResultProcess({ result, setResultProcessor }) {
        const raw = result?.[RAW];
        if (!raw) return;
        setResultProcessor((_, fetchAPI) => new fetchAPI.Response(raw.bytes, {
          status: 200,
          headers: { 'content-type': `${raw.mediaType}; charset=utf-8` },
        }), raw.mediaType);
      },
    },
  };
}

/** True unless ALMANAC_GATEWAY_PASSTHROUGH is "false". */
export function passThroughEnabled() {
  const raw = process.env.ALMANAC_GATEWAY_PASSTHROUGH?.trim();
  if (!raw || raw === 'true') return true;
  if (raw === 'false') return false;
  throw new Error(`ALMANAC_GATEWAY_PASSTHROUGH must be "true" or "false": ${JSON.stringify(raw)}`);
}
