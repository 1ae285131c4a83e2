#!/usr/bin/env node
// Composes the benchmark's baseline subgraph SDL alone into a supergraph for a second Hive Gateway
// (R2 goes through a gateway on both sides). Uses the repository's own composition library from
// schema/node_modules, so nothing extra is installed.
//
// Usage: node bench/src/main/node/compose-baseline.mjs <repo root> <baseline.graphqls> <subgraph URL> <out file>
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const [root, sdlFile, url, out] = process.argv.slice(2);
if (!out) {
  console.error('usage: compose-baseline.mjs <repo root> <baseline.graphqls> <subgraph URL> <out file>');
  process.exit(2);
}
const require = createRequire(join(root, 'schema', 'package.json'));
const { parse } = require('graphql');
const { composeServices, compositionHasErrors } = require('@theguild/federation-composition');

const result = composeServices([{ name: 'baseline', url, typeDefs: parse(readFileSync(sdlFile, 'utf8')) }]);
if (compositionHasErrors(result)) {
  for (const error of result.errors) console.error(`  - ${error.message}`);
  process.exit(1);
}
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, result.supergraphSdl);
console.log(`compose-baseline: wrote ${out}`);
