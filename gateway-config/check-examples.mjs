#!/usr/bin/env node
// Checks the explorer's example operations (examples/, loaded by examples.mjs exactly as the gateway loads
// them) against the composed supergraph's API schema: each parses, validates (graphql-js, the gateway's own
// rules), defines one named operation, and its variables file, if any, is accepted by the operation's
// variable definitions. Needs no running service.
//
// Usage: node gateway-config/check-examples.mjs [supergraph.graphql]
// Prints one line per example (`ok <file> <operation>` or `FAILED <file>: why`) and exits 1 if any failed.

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { getStitchedSchemaFromSupergraphSdl } from '@graphql-tools/federation';
import { getOperationAST, parse, validate } from 'graphql';
import { getVariableValues } from 'graphql/execution/values.js';
import { exampleOperations } from './examples.mjs';

const supergraphPath = process.argv[2] ?? fileURLToPath(new URL('./supergraph.graphql', import.meta.url));
// The schema clients see: the supergraph without its join__/link__ machinery, as the gateway serves it.
const schema = getStitchedSchemaFromSupergraphSdl({ supergraphSdl: readFileSync(supergraphPath, 'utf8') });

let failed = 0;
const operations = exampleOperations();
for (const example of operations) {
  try {
    const document = parse(example.query);
    const errors = validate(schema, document);
    if (errors.length > 0) throw new Error(errors.map((error) => error.message).join('; '));
    const operation = getOperationAST(document);
    if (!operation?.name) throw new Error('it must define exactly one named operation');
    const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], JSON.parse(example.variables));
    if (coerced.errors) throw new Error(`variables: ${coerced.errors.map((error) => error.message).join('; ')}`);
    JSON.parse(example.headers);
    console.log(`ok ${example.file} ${operation.operation} ${operation.name.value}: ${example.name}`);
  } catch (error) {
    failed += 1;
    console.log(`FAILED ${example.file}: ${error.message}`);
  }
}
if (operations.length === 0) {
  console.log('FAILED: no example operations found');
  failed += 1;
}
process.exit(failed > 0 ? 1 : 0);
