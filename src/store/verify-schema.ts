/**
 * Checks that an opened database has the shape the newest schema promises, so a
 * foreign or damaged database is refused before anything reads or writes it.
 */
import { unwrap } from 'idb';
import { expectedShape, type StoreName, type TidepoolDatabase } from './schema.js';

/** Describes the first mismatch between `db` and `expectedShape`, or undefined if none. */
export function findSchemaProblem(db: TidepoolDatabase): string | undefined {
  const names = Object.keys(expectedShape) as StoreName[];
  const missing = names.filter((name) => !db.objectStoreNames.contains(name));
  if (missing.length > 0) return `missing object stores ${missing.join(', ')}`;
  // A read-only transaction is the only way to look at key paths and indexes.
  const txn = db.transaction(names, 'readonly');
  for (const name of names) {
    const expected = expectedShape[name];
    // Plain IndexedDB objects: index names here are data, not schema-typed keys.
    const store = unwrap(txn.objectStore(name));
    if (!sameKeyPath(store.keyPath, expected.keyPath)) {
      return `store ${name} has key path ${JSON.stringify(store.keyPath)}`;
    }
    if (store.autoIncrement !== expected.autoIncrement) {
      return `store ${name} ${expected.autoIncrement ? 'lacks' : 'has'} auto-increment keys`;
    }
    for (const [indexName, keyPath] of Object.entries(expected.indexes)) {
      if (!store.indexNames.contains(indexName)) {
        return `store ${name} lacks index ${indexName}`;
      }
      const actual = store.index(indexName).keyPath;
      if (!sameKeyPath(actual, keyPath)) {
        return `index ${name}.${indexName} has key path ${JSON.stringify(actual)}`;
      }
    }
  }
  return undefined;
}

function sameKeyPath(
  actual: string | string[] | null,
  expected: string | string[] | null,
): boolean {
  return JSON.stringify(actual) === JSON.stringify(expected);
}
