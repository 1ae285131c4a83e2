// The explorer's saved collection: the example operations in examples/, one .graphql file each (the one
// source of truth), given to Hive Laboratory as `graphiql.defaultCollections`. Plain ESM importing no
// package, like gateway.config.mjs.
//
// A file `N-name.graphql` starts with `# Title: what it shows ...` comment lines (kept in the operation, so
// the explorer shows them) and may have beside it `N-name.variables.json` and `N-name.headers.json`
// (the Variables and Headers tabs). N orders the collection.

import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

export const EXAMPLES_DIR = fileURLToPath(new URL('./examples/', import.meta.url));
const COLLECTION_ID = 'almanac-examples';
const OPERATION_FILE = /^(\d+)-([a-z0-9-]+)\.graphql$/;

/**
 * The examples as Laboratory collection operations, in file order: `{ id, name, description, query,
 * variables, headers, extensions, file }` (`query` is the file's whole text; `variables` and `headers` the
 * JSON files' text, `'{}'` without one). Throws, naming the file, when one has no `# Title: ...` first line
 * or a JSON file does not parse: a broken example stops the gateway's start rather than the explorer.
 */
export function exampleOperations(dir = EXAMPLES_DIR) {
  const files = readdirSync(dir)
    .map((file) => ({ file, match: OPERATION_FILE.exec(file) }))
    .filter(({ match }) => match)
    .sort((a, b) => Number(a.match[1]) - Number(b.match[1]));
  return files.map(({ file, match }) => {
    const query = readFileSync(join(dir, file), 'utf8');
    const comment = query.match(/^(?:#.*\n)+/)?.[0];
    const title = comment && /^# ([^:\n]+):/.exec(comment);
    if (!title) throw new Error(`examples: ${file} must start with a '# Title: what it shows' comment`);
    const description = comment.split('\n').map((line) => line.replace(/^# ?/, '')).join(' ').trim()
      .slice(title[1].length + 1).trim();
    const json = (suffix) => {
      const path = join(dir, `${match[1]}-${match[2]}.${suffix}.json`);
      if (!existsSync(path)) return '{}';
      const text = readFileSync(path, 'utf8');
      try {
        JSON.parse(text);
      } catch (error) {
        throw new Error(`examples: ${path} is not JSON: ${error.message}`);
      }
      return text.trim();
    };
    return {
      id: `${COLLECTION_ID}-${match[2]}`,
      name: title[1],
      description,
      query,
      variables: json('variables'),
      headers: json('headers'),
      extensions: '{}',
      file,
    };
  });
}

/**
 * Laboratory's `defaultCollections`: one collection, "Almanac examples". Laboratory puts the collections it
 * is given in place of those the browser saved, so the examples are there, as committed, on every load
 * (a collection made in the explorer lasts until the next page load).
 */
export function exampleCollections() {
  const createdAt = new Date().toISOString();
  return [{
    id: COLLECTION_ID,
    name: 'Almanac examples',
    description: 'Documented example operations (gateway-config/examples/): search, as-of read, vintage panel, '
      + 'watchlist across subgraphs, upload. A series as a chart: /chart.',
    createdAt,
    operations: exampleOperations().map(({ file, ...operation }) => ({ ...operation, createdAt })),
  }];
}
