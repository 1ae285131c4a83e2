// The chart page at GET /chart: one self-contained HTML document (uPlot from node_modules and the page's
// own script and styles inlined), so it needs nothing but this origin, works offline, and its only
// requests are its GraphQL reads to /graphql (with the caller's key, through the usual plugins and
// rate limit). Plain ESM importing no package, like gateway.config.mjs: uPlot's files are read as text.

import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const CHART_PATHS = new Set(['/chart', '/chart/']);

const here = (path) => fileURLToPath(new URL(path, import.meta.url));
// uPlot's browser build (an IIFE defining the global `uPlot`) and its stylesheet, as npm installed them.
const UPLOT_JS = here('./node_modules/uplot/dist/uPlot.iife.min.js');
const UPLOT_CSS = here('./node_modules/uplot/dist/uPlot.min.css');
const PAGE = here('./chart/index.html');
const PAGE_JS = here('./chart/chart.js');
const PAGE_CSS = here('./chart/chart.css');

const sha256 = (text) => `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;

/**
 * The page as served: chart/index.html with its `<!-- styles -->` and `<!-- scripts -->` markers replaced by
 * uPlot's and the page's own CSS and JS, and the Content-Security-Policy that allows exactly those inline
 * blocks (by hash) and requests to this origin only: the browser itself refuses anything from elsewhere.
 */
function buildPage() {
  const styles = [readFileSync(UPLOT_CSS, 'utf8'), readFileSync(PAGE_CSS, 'utf8')];
  const scripts = [readFileSync(UPLOT_JS, 'utf8'), readFileSync(PAGE_JS, 'utf8')];
  // `</script` or `</style` inside a block would end it early in HTML; neither file has one, checked here.
  for (const block of [...styles, ...scripts]) {
    if (/<\/(script|style)/i.test(block)) throw new Error('chart: an inlined block contains a closing tag');
  }
  const html = readFileSync(PAGE, 'utf8')
    .replace('<!-- styles -->', () => styles.map((css) => `<style>${css}</style>`).join('\n'))
    .replace('<!-- scripts -->', () => scripts.map((js) => `<script>${js}</script>`).join('\n'));
  const policy = [
    "default-src 'none'",
    `script-src ${scripts.map(sha256).join(' ')}`,
    // uPlot positions its cursor and legend through element.style, which style-src does not govern.
    `style-src ${styles.map(sha256).join(' ')}`,
    "connect-src 'self'",
    "img-src 'self' data:",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
  return { html, policy };
}

/**
 * GET (or HEAD) /chart: the chart page, 200 text/html. The page's state is in its query string
 * (`?series=ID&from=&to=&transform=&frequency=&aggregation=&asOf=&vintages=`), read in the browser; the
 * server ignores it. Other methods on /chart fall through to the gateway (404). The page is built once, when
 * the gateway starts. Without its files (uPlot not installed: no `npm ci` in gateway-config/) the gateway
 * still serves the API, logs why at start, and answers /chart 503 UNAVAILABLE saying so.
 */
export function chartPage() {
  let page = null;
  try {
    page = buildPage();
  } catch (error) {
    console.error(`chart: no chart page at /chart (${error.code === 'ENOENT' ? `missing ${error.path}` : error.message}); `
      + 'run npm ci in gateway-config/');
  }
  const body = page && new TextEncoder().encode(page.html);
  // The client is told what is wrong, not where this gateway's files are.
  const missing = JSON.stringify({ errors: [{
    message: 'The chart page is not installed on this gateway (its files are missing; see the gateway log)',
    extensions: { code: 'UNAVAILABLE' } }] });
  return {
    onRequest({ request, url, endResponse, fetchAPI }) {
      if (!CHART_PATHS.has(url.pathname) || (request.method !== 'GET' && request.method !== 'HEAD')) return;
      if (!body) {
        endResponse(new fetchAPI.Response(missing, { status: 503, headers: { 'content-type': 'application/json' } }));
        return;
      }
      endResponse(new fetchAPI.Response(request.method === 'HEAD' ? null : body, {
        status: 200,
        headers: {
          'content-type': 'text/html; charset=utf-8',
          'content-length': String(body.byteLength),
          'content-security-policy': page.policy,
          'x-content-type-options': 'nosniff',
          'referrer-policy': 'no-referrer',
          // The page changes only with a new gateway-config; revalidating keeps an upgrade visible.
          'cache-control': 'no-cache',
        },
      }));
    },
  };
}
