#!/usr/bin/env node
// Browser check of the chart page (GET /chart, chart.mjs) in headless Chromium, the network closed to
// everything but this machine.
//
// Usage: [CHECK_AUTHORIZATION='Bearer alm_...'] node gateway-config/check-chart.mjs <gatewayUrl> <screenshot.png> \
//          <seriesId> <from> <searchText>
//   gatewayUrl  the gateway's origin, e.g. http://127.0.0.1:4000
//   seriesId    the series to open (/chart?series=<seriesId>&from=<from>)
//   searchText  typed into the search box at the end; the options it lists are reported
//
// Steps: open the chart; with CHECK_AUTHORIZATION set, report what the page shows without a key (its error
// line), then type the key into the page's key field; wait for the chart; read what uPlot drew (its data
// and the canvas pixels of each line's colour); hover the middle of the plot and wait for the revision
// line and the point's published revisions; save the screenshot; type `searchText` and wait for the listed
// options; pick the first and wait for its chart; choose quarterly and pc1 and wait for that chart. Prints `RESULT {json}` with all of it for the caller to
// judge, and exits 0. A timeout, an error on the page, a Content-Security-Policy violation or any request to
// another host prints why and exits 1.
//
// Environment: CHROMIUM_PATH (default /usr/bin/chromium), CHECK_TIMEOUT_MS (default 60000, the whole check).

import { resolve } from 'node:path';
import { offlineBrowser } from './offline-browser.mjs';

// A canvas pixel "of a line's colour": each RGB channel within this of the colour (antialiased edges blend
// with the white background and are not counted).
const COLOUR_TOLERANCE = 24;

const [gatewayArg, screenshotArg, seriesId, from, searchText] = process.argv.slice(2);
if (!gatewayArg || !screenshotArg || !seriesId || !from || !searchText) {
  console.error('usage: node check-chart.mjs <gatewayUrl> <screenshot.png> <seriesId> <from> <searchText>');
  process.exit(2);
}
const origin = new URL(gatewayArg).origin;
const screenshotPath = resolve(process.cwd(), screenshotArg);
const budgetMs = Number(process.env.CHECK_TIMEOUT_MS ?? 60000);
const deadline = Date.now() + budgetMs;
const remaining = () => Math.max(1, deadline - Date.now());

const browser = offlineBrowser(new URL(origin).hostname, 'almanac-chart-');
const { foreignRequests } = browser;
let context;
let exitCode = 1;
const watchdog = setTimeout(() => {
  console.error(`check-chart: FAILED: no result within ${budgetMs} ms`);
  browser.close().finally(() => process.exit(1));
}, budgetMs + 2000);

/** Waits until the page's body[data-state] is one of `states`; returns it. */
async function settled(page, states) {
  await page.waitForFunction((wanted) => wanted.includes(document.body.dataset.state), states, { timeout: remaining() });
  return page.evaluate(() => document.body.dataset.state);
}

/** What the page drew: uPlot's series and data lengths, and per line the canvas pixels of its colour. */
function drawn(page) {
  return page.evaluate((tolerance) => {
    const { plot, view } = window.almanacChart;
    const canvas = plot.ctx.canvas;
    const pixels = plot.ctx.getImageData(0, 0, canvas.width, canvas.height).data;
    const rgb = (css) => css.match(/\d+/g).map(Number);
    const hex = (css) => [1, 3, 5].map((i) => parseInt(css.slice(i, i + 2), 16));
    const lines = plot.series.slice(1).map((series, i) => {
      const stroke = series.stroke(plot, i + 1);
      const [r, g, b] = stroke.startsWith('#') ? hex(stroke) : rgb(stroke);
      let count = 0;
      for (let p = 0; p < pixels.length; p += 4) {
        if (Math.abs(pixels[p] - r) <= tolerance && Math.abs(pixels[p + 1] - g) <= tolerance
          && Math.abs(pixels[p + 2] - b) <= tolerance && pixels[p + 3] > 0) count += 1;
      }
      const values = plot.data[i + 1];
      return { label: series.label, stroke, length: values.length, nonNull: values.filter((v) => v != null).length,
        pixels: count };
    });
    return { title: document.getElementById('title').textContent, dates: plot.data[0].length, points: view.points,
      vintages: view.vintages, selectedVintage: view.selectedVintage, lines };
  }, COLOUR_TOLERANCE);
}

try {
  context = await browser.launch({ viewport: { width: 1280, height: 800 }, timeout: remaining() });
  context.setDefaultTimeout(remaining());
  const page = context.pages()[0] ?? (await context.newPage());
  const pageErrors = [];
  page.on('pageerror', (error) => pageErrors.push(error.message));
  // A Content-Security-Policy refusal is reported on the console, not as a page error.
  page.on('console', (message) => {
    if (message.type() === 'error' && /Content.Security.Policy|Refused to/i.test(message.text())) {
      pageErrors.push(message.text());
    }
  });
  const graphqlRequests = [];
  page.on('request', (request) => {
    if (new URL(request.url()).pathname === '/graphql') graphqlRequests.push(request.method());
  });

  const chartUrl = `${origin}/chart?series=${encodeURIComponent(seriesId)}&from=${encodeURIComponent(from)}`;
  const response = await page.goto(chartUrl, { waitUntil: 'load', timeout: remaining() });
  if (!response?.ok()) throw new Error(`GET ${chartUrl} answered ${response?.status() ?? 'nothing'}`);
  const result = { csp: response.headers()['content-security-policy'] ?? null };

  let state = await settled(page, ['drawn', 'error', 'empty']);
  if (process.env.CHECK_AUTHORIZATION) {
    result.withoutKey = { state, status: (await page.locator('#status').innerText()).trim() };
    await page.fill('#apiKey', process.env.CHECK_AUTHORIZATION);
    await page.press('#apiKey', 'Tab');
    // The key re-reads everything: wait for a fresh settle, not the previous one.
    await page.waitForFunction(() => document.body.dataset.state === 'loading' || document.body.dataset.state === 'drawn',
      null, { timeout: remaining() });
    state = await settled(page, ['drawn', 'error', 'empty']);
  }
  if (state !== 'drawn') {
    throw new Error(`the chart was not drawn (${state}): ${(await page.locator('#status').innerText()).trim()}`);
  }
  result.url = page.url();
  result.chart = await drawn(page);

  // Hover the middle of the plotting area: uPlot's cursor picks the nearest date.
  const over = page.locator('#chart .u-over');
  const box = await over.boundingBox();
  await page.mouse.move(box.x + box.width * 0.6, box.y + box.height / 2);
  await page.waitForFunction(() => /\d{4}-\d{2}-\d{2}: /.test(document.getElementById('revision').textContent),
    null, { timeout: remaining() });
  await page.locator('#revision .history').waitFor({ state: 'visible', timeout: remaining() });
  result.revision = (await page.locator('#revision').innerText()).trim();
  result.legend = (await page.locator('#chart .u-legend').innerText()).trim();
  await page.screenshot({ path: screenshotPath, fullPage: true, timeout: remaining() });

  // Search as you type: key by key, as a person types, so the debounce is what limits the requests.
  const before = graphqlRequests.length;
  await page.fill('#search', '');
  await page.locator('#search').pressSequentially(searchText, { delay: 40 });
  const option = page.locator('#results li[role="option"]').first();
  await option.waitFor({ state: 'visible', timeout: remaining() });
  result.search = {
    options: await page.locator('#results li[role="option"]').evaluateAll((items) =>
      items.map((item) => ({ id: item.dataset.id, title: item.dataset.title }))),
    requests: graphqlRequests.length - before,
    typed: searchText.length,
  };
  await option.click();
  await page.waitForFunction((id) => new URL(location.href).searchParams.get('series') === id
    && document.body.dataset.state === 'drawn', result.search.options[0].id, { timeout: remaining() });
  result.picked = { url: page.url(), title: await page.locator('#title').innerText() };

  // The schema's enums as choices: quarterly averages, then FRED's pc1, drawn from the server's transform.
  result.transforms = await page.locator('#transform option').allInnerTexts();
  await page.selectOption('#frequency', 'QUARTERLY');
  await page.selectOption('#transform', 'PERCENT_CHANGE_FROM_YEAR_AGO');
  await page.waitForFunction(() => document.body.dataset.state === 'drawn'
    && window.almanacChart.view?.variables.transform === 'PERCENT_CHANGE_FROM_YEAR_AGO'
    && window.almanacChart.view.variables.frequency === 'QUARTERLY', null, { timeout: remaining() });
  result.transformed = await page.evaluate(() => ({ url: location.href, points: window.almanacChart.view.points,
    values: window.almanacChart.view.main.filter((value) => value != null).length }));

  if (foreignRequests.length > 0) {
    throw new Error(`the page tried to reach other hosts (it must work offline):\n  ${foreignRequests.join('\n  ')}`);
  }
  if (pageErrors.length > 0) throw new Error(`errors on the page:\n  ${pageErrors.join('\n  ')}`);
  result.foreignRequests = foreignRequests.length;
  console.log(`RESULT ${JSON.stringify(result)}`);
  console.error(`check-chart: OK, screenshot saved to ${screenshotPath}`);
  exitCode = 0;
} catch (error) {
  console.error(`check-chart: FAILED: ${error.message.split('\n').slice(0, 4).join('\n')}`);
  if (foreignRequests.length > 0) console.error(`check-chart: requests to other hosts:\n  ${foreignRequests.join('\n  ')}`);
  const page = context?.pages()[0];
  if (page) {
    try {
      await page.screenshot({ path: screenshotPath, timeout: 3000 });
      console.error(`check-chart: screenshot of the failure saved to ${screenshotPath}`);
    } catch {
      // the page is gone
    }
  }
} finally {
  clearTimeout(watchdog);
  await browser.close();
}
process.exit(exitCode);
