#!/usr/bin/env node
// Composes the three Almanac subgraph SDL files (Federation 2) into the
// supergraph SDL that Hive Gateway serves, using @theguild/federation-composition.
//
// Usage (from any working directory):
//   node schema/compose.mjs [--out FILE] [--check FILE]
//
//   --out FILE    where to write the supergraph (default: gateway-config/supergraph.graphql,
//                 relative to the repository root; a relative FILE is taken from the cwd)
//   --check FILE  compose in memory only and compare with FILE; exit 1 if it is stale
//
// Exit codes: 0 ok, 1 composition errors or stale file, 2 bad usage / unreadable input.
//
// The URLs below are the local defaults baked into the supergraph's `join__graph`
// entries. The gateway overrides them at run time from ALMANAC_*_URL env vars
// (see gateway-config/gateway.config.ts), so the file itself stays environment-free.

import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'graphql';
import { composeServices, compositionHasErrors } from '@theguild/federation-composition';

const schemaDir = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(schemaDir, '..');
const DEFAULT_OUT = join(repoRoot, 'gateway-config', 'supergraph.graphql');

// A fixed list (not a directory scan) keeps the output deterministic and makes
// adding a subgraph an explicit change.
const SUBGRAPHS = [
  { name: 'financial', file: 'financial.graphqls', url: 'http://localhost:4001/graphql' },
  { name: 'crawler', file: 'crawler.graphqls', url: 'http://localhost:4002/graphql' },
  { name: 'users', file: 'users.graphqls', url: 'http://localhost:4003/graphql' },
];

function usage(message) {
  if (message) console.error(`compose: ${message}`);
  console.error('usage: node schema/compose.mjs [--out FILE] [--check FILE]');
  process.exit(2);
}

function parseArgs(argv) {
  const opts = { out: DEFAULT_OUT, check: null };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const takeValue = () => {
      const value = argv[++i];
      if (value === undefined || value.startsWith('--')) usage(`${arg} needs a file name`);
      return resolve(process.cwd(), value);
    };
    if (arg === '--out') opts.out = takeValue();
    else if (arg === '--check') opts.check = takeValue();
    else if (arg === '-h' || arg === '--help') usage();
    else usage(`unknown argument: ${arg}`);
  }
  return opts;
}

function compose() {
  const services = SUBGRAPHS.map(({ name, file, url }) => {
    const path = join(schemaDir, file);
    let source;
    try {
      source = readFileSync(path, 'utf8');
    } catch (err) {
      console.error(`compose: cannot read ${path}: ${err.message}`);
      process.exit(2);
    }
    try {
      return { name, url, typeDefs: parse(source) };
    } catch (err) {
      // A syntax error is a broken contract too: report it like a composition error.
      console.error(`[${name}] ${file}: ${err.message}`);
      process.exit(1);
    }
  });

  const result = composeServices(services);
  if (compositionHasErrors(result)) {
    console.error(`compose: composition failed with ${result.errors.length} error(s):`);
    for (const error of result.errors) {
      const code = error.extensions?.code ? `[${error.extensions.code}] ` : '';
      console.error(`  - ${code}${error.message}`);
    }
    process.exit(1);
  }
  // Normalise line endings and end with exactly one newline so the file is
  // byte-for-byte stable across runs and platforms.
  return result.supergraphSdl.replace(/\r\n/g, '\n').trimEnd() + '\n';
}

// Prints the first differing line with a little context, diff-style.
function reportFirstDifference(expected, actual, file) {
  const exp = expected.split('\n');
  const act = actual.split('\n');
  let i = 0;
  while (i < exp.length && i < act.length && exp[i] === act[i]) i++;
  const from = Math.max(0, i - 2);
  console.error(`--- ${file}`);
  console.error('+++ fresh composition');
  console.error(`@@ first difference at line ${i + 1} @@`);
  for (let j = from; j < i; j++) console.error(`  ${exp[j]}`);
  // Show the run of differing lines (at most 3) starting at the first difference.
  let end = i;
  while (end < i + 3 && end < Math.max(exp.length, act.length) && exp[end] !== act[end]) end++;
  for (let j = i; j < Math.min(act.length, end); j++) console.error(`- ${act[j]}`);
  for (let j = i; j < Math.min(exp.length, end); j++) console.error(`+ ${exp[j]}`);
  if (act.length !== exp.length) {
    // split() yields one extra empty element after a final newline; don't count it.
    const count = (lines) => lines.length - (lines[lines.length - 1] === '' ? 1 : 0);
    console.error(`(${file}: ${count(act)} lines; fresh composition: ${count(exp)} lines)`);
  }
}

const opts = parseArgs(process.argv.slice(2));
const supergraph = compose();

if (opts.check) {
  let current;
  try {
    current = readFileSync(opts.check, 'utf8');
  } catch (err) {
    console.error(`compose: cannot read ${opts.check}: ${err.message}`);
    console.error('supergraph.graphql is stale: run `node schema/compose.mjs`');
    process.exit(1);
  }
  if (current !== supergraph) {
    console.error('supergraph.graphql is stale: run `node schema/compose.mjs`');
    reportFirstDifference(supergraph, current, opts.check);
    process.exit(1);
  }
  console.log(`compose: ${opts.check} is up to date`);
} else {
  mkdirSync(dirname(opts.out), { recursive: true });
  writeFileSync(opts.out, supergraph);
  console.log(`compose: wrote ${opts.out}`);
}
