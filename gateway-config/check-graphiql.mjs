#!/usr/bin/env node
// Browser check of the gateway's built-in explorer (Hive Laboratory at GET /graphql).
//
// Usage: [CHECK_AUTHORIZATION='Bearer alm_...'] node gateway-config/check-graphiql.mjs <gatewayUrl> <screenshot.png> [query]
//   gatewayUrl  e.g. http://127.0.0.1:4000/graphql (a bare origin gets /graphql appended)
//   query       operation to run; default `{ __typename }`
//
// Opens the page in headless Chromium, waits for the Laboratory's editor, puts the query
// in the operation editor, clicks Run, waits for the response pane to show `"data"`,
// prints the pane's text, saves a screenshot and exits 0. Any failure (timeout, error
// response, or any request to a host other than loopback / the gateway's own host,
// which would mean the page is not self-contained) prints why and exits 1.
//
// With CHECK_EXAMPLE=<name> it then opens the explorer's "Almanac examples" collection, prints the
// operations it lists (`examples: [...]`), opens the one named <name>, runs it, prints its response and
// saves a second screenshot beside the first (<screenshot>-examples.png).
//
// Environment: CHROMIUM_PATH (default /usr/bin/chromium; `apt-get install -y chromium`),
//              CHECK_TIMEOUT_MS (default 30000, the budget for the whole check).

import { resolve } from 'node:path';
import { offlineBrowser } from './offline-browser.mjs';

const [gatewayArg, screenshotArg, queryArg] = process.argv.slice(2);
if (!gatewayArg || !screenshotArg) {
  console.error('usage: node check-graphiql.mjs <gatewayUrl> <screenshot.png> [query]');
  process.exit(2);
}
const query = queryArg ?? '{ __typename }';
const screenshotPath = resolve(process.cwd(), screenshotArg);
const budgetMs = Number(process.env.CHECK_TIMEOUT_MS ?? 30000);
const deadline = Date.now() + budgetMs;
const remaining = () => Math.max(1, deadline - Date.now());

/**
 * Opens the "Almanac examples" collection in the explorer's sidebar, prints the operations it lists, opens
 * the one named `name` in a tab, runs it and prints the response (which must hold "data" and no "errors").
 */
async function runExample(page, name) {
  const collection = page.getByRole('button', { name: 'Almanac examples', exact: true });
  await collection.click({ timeout: remaining() });
  const example = page.getByRole('button', { name, exact: true });
  await example.waitFor({ state: 'visible', timeout: remaining() });
  // The collection's button controls (aria-controls) the list of its operations; their rows also hold
  // icon-only buttons (edit, delete), without text.
  const list = page.locator(`[id="${await collection.getAttribute('aria-controls')}"]`);
  const listed = (await list.getByRole('button').allInnerTexts()).map((text) => text.trim()).filter(Boolean);
  console.log(`examples: ${JSON.stringify(listed)}`);
  await example.click({ timeout: remaining() });
  await page.locator('.monaco-editor[data-uri^="file:///operation"]').filter({ hasText: `# ${name}:` }).first()
    .waitFor({ state: 'visible', timeout: remaining() });
  await page.getByRole('button', { name: 'Run', exact: true }).click({ timeout: remaining() });
  const pane = page.locator('.monaco-editor:not([data-uri^="file:"])').filter({ hasText: /"data"|"errors"/ }).first();
  await pane.waitFor({ state: 'visible', timeout: remaining() });
  const text = (await pane.locator('.view-lines').innerText({ timeout: remaining() })).replace(/\u00a0/g, ' ');
  console.log(`example ${name}:\n${text}`);
  const examplesShot = screenshotPath.replace(/(\.png)?$/, '-examples.png');
  await page.screenshot({ path: examplesShot, timeout: remaining() });
  console.error(`check-graphiql: the example's screenshot saved to ${examplesShot}`);
  if (!text.includes('"data"') || text.includes('"errors"')) {
    throw new Error(`the example ${name} answered errors or no "data" (see above)`);
  }
}

let gatewayUrl;
try {
  gatewayUrl = new URL(gatewayArg);
  if (gatewayUrl.pathname === '/' || gatewayUrl.pathname === '') gatewayUrl.pathname = '/graphql';
} catch {
  console.error(`check-graphiql: not a URL: ${gatewayArg}`);
  process.exit(2);
}
const browser = offlineBrowser(gatewayUrl.hostname, 'almanac-graphiql-');
const { foreignRequests } = browser;
let context;
let exitCode = 1;

// Hard stop: whatever hangs (browser launch included), the check ends within the budget.
const watchdog = setTimeout(() => {
  console.error(`check-graphiql: FAILED: no result within ${budgetMs} ms`);
  browser.close().finally(() => process.exit(1));
}, budgetMs + 2000);

try {
  context = await browser.launch({ viewport: { width: 1280, height: 720 }, timeout: remaining() });
  context.setDefaultTimeout(remaining());
  // CHECK_AUTHORIZATION: sent on every request of the page, as an analyst's browser extension or
  // the Laboratory's Headers tab would; the gateway forwards it to the subgraphs.
  if (process.env.CHECK_AUTHORIZATION) {
    await context.setExtraHTTPHeaders({ authorization: process.env.CHECK_AUTHORIZATION });
  }

  const page = context.pages()[0] ?? (await context.newPage());
  const pageErrors = [];
  page.on('pageerror', (error) => pageErrors.push(error.message));

  const response = await page.goto(gatewayUrl.toString(), {
    waitUntil: 'load',
    timeout: remaining(),
  });
  if (!response || !response.ok()) {
    throw new Error(`GET ${gatewayUrl} answered ${response?.status() ?? 'nothing'}`);
  }

  // The Laboratory renders into an open shadow root; Playwright's locators pierce it.
  // A fresh profile has no saved tabs, so open one with "Add operation".
  const addOperation = page.getByRole('button', { name: 'Add operation' }).first();
  await addOperation.waitFor({ state: 'visible', timeout: remaining() });
  await addOperation.click({ timeout: remaining() });

  // Monaco editors carry the model URI: the operation editor's is file:///operation_<endpoint>.
  const operationEditor = page.locator('.monaco-editor[data-uri^="file:///operation"]').first();
  await operationEditor.waitFor({ state: 'visible', timeout: remaining() });
  await operationEditor.click({ timeout: remaining() });
  await page.keyboard.press('Control+A');
  // insertText sends the text as one input event: no per-key auto-closing of brackets.
  await page.keyboard.insertText(query);

  await page.getByRole('button', { name: 'Run', exact: true }).click({ timeout: remaining() });

  // The response pane is a read-only Monaco editor on an in-memory model (the editable
  // operation/variables editors use file:/// models). Wait for a GraphQL result in it.
  const resultPane = page
    .locator('.monaco-editor:not([data-uri^="file:"])')
    .filter({ hasText: /"data"|"errors"/ })
    .first();
  await resultPane.waitFor({ state: 'visible', timeout: remaining() });
  // Monaco renders spaces as U+00A0 and only the lines in view.
  const resultText = (await resultPane.locator('.view-lines').innerText({ timeout: remaining() }))
    .replace(/\u00a0/g, ' ');

  await page.screenshot({ path: screenshotPath, timeout: remaining() });
  console.log(resultText);

  if (!resultText.includes('"data"') || resultText.includes('"errors"')) {
    throw new Error('the response pane shows errors or no "data" (see the result above)');
  }
  if (process.env.CHECK_EXAMPLE) await runExample(page, process.env.CHECK_EXAMPLE);
  if (foreignRequests.length > 0) {
    throw new Error(
      `the page tried to reach other hosts (it must render offline):\n  ${foreignRequests.join('\n  ')}`,
    );
  }
  if (pageErrors.length > 0) {
    // Not fatal: the result arrived. Reported so that a broken page is noticed.
    console.error(`check-graphiql: page errors:\n  ${pageErrors.join('\n  ')}`);
  }
  console.error(`check-graphiql: OK, screenshot saved to ${screenshotPath}`);
  exitCode = 0;
} catch (error) {
  console.error(`check-graphiql: FAILED: ${error.message.split('\n')[0]}`);
  if (foreignRequests.length > 0) {
    console.error(`check-graphiql: requests to other hosts:\n  ${foreignRequests.join('\n  ')}`);
  }
  // A screenshot of the failure helps more than none.
  const page = context?.pages()[0];
  if (page) {
    try {
      await page.screenshot({ path: screenshotPath, timeout: 3000 });
      console.error(`check-graphiql: screenshot of the failure saved to ${screenshotPath}`);
    } catch {
      // the page is gone
    }
  }
} finally {
  clearTimeout(watchdog);
  await browser.close();
}
process.exit(exitCode);
