/**
 * Opens (creating or upgrading) the IndexedDB database through the migrations,
 * turning every way that can fail into a typed error. It never deletes a
 * database: a newer, foreign or damaged one is left exactly as found.
 */
import { wrap } from 'idb';
import { StoreBlockedError, StoreCorruptError, StoreVersionError } from './errors.js';
import { mapStorageError } from './map-storage-error.js';
import type { Migration } from './migrations.js';
import type { TidepoolDatabase, UpgradeTransaction } from './schema.js';

/**
 * Opens `name` at version `migrations.length`, running the migrations the
 * database has not seen yet inside the upgrade transaction. Exported apart from
 * `openStore` so tests can create an older database with a shorter list.
 */
export async function openDatabase(
  name: string,
  factory: IDBFactory,
  migrations: readonly Migration[],
): Promise<TidepoolDatabase> {
  const request = factory.open(name, migrations.length);
  let failure: { version: number; error: unknown } | undefined;
  request.addEventListener('upgradeneeded', (event) => {
    // The one untyped-to-typed step: the schema is what the migrations build.
    const db = wrap(request.result) as unknown as TidepoolDatabase;
    const txn = wrap(request.transaction as IDBTransaction) as unknown as UpgradeTransaction;
    // An aborted upgrade rejects `done`; the open request reports it instead.
    txn.done.catch(() => undefined);
    const fail = (version: number, error: unknown): void => {
      failure = { version, error };
      try {
        txn.abort();
      } catch {
        // Already aborted by the failing request itself.
      }
    };
    runMigrations(migrations, event.oldVersion, db, txn, fail);
  });
  const opened = wrap(request);
  const blocked = new Promise<never>((_, reject) => {
    request.addEventListener('blocked', () => {
      // The request stays pending until the other tab lets go; if it ever
      // completes, close that late connection so it holds nothing open.
      opened.then((db) => db?.close()).catch(() => undefined);
      reject(
        new StoreBlockedError(
          `Database "${name}" is open in another tab running an older Tidepool, which blocks ` +
            'the upgrade. Close that tab and reload.',
        ),
      );
    });
  });
  try {
    const db = await Promise.race([opened, blocked]);
    return db as unknown as TidepoolDatabase;
  } catch (error) {
    if (error instanceof StoreBlockedError) throw error;
    if (failure !== undefined) {
      const problem = `the migration to version ${failure.version} failed (${describe(failure.error)})`;
      throw new StoreCorruptError(name, problem, { cause: failure.error });
    }
    if (error instanceof DOMException && error.name === 'VersionError') {
      throw new StoreVersionError(name, await versionOnDisk(factory, name), migrations.length, {
        cause: error,
      });
    }
    throw mapStorageError(error);
  }
}

/** Runs migrations from `from` on; synchronous ones stay in the same task. */
function runMigrations(
  migrations: readonly Migration[],
  from: number,
  db: TidepoolDatabase,
  txn: UpgradeTransaction,
  fail: (version: number, error: unknown) => void,
): void {
  for (let index = from; index < migrations.length; index++) {
    const migration = migrations[index] as Migration;
    let result: void | Promise<void>;
    try {
      result = migration(db, txn);
    } catch (error) {
      fail(index + 1, error);
      return;
    }
    if (result instanceof Promise) {
      result.then(
        () => runMigrations(migrations, index + 1, db, txn, fail),
        (error: unknown) => fail(index + 1, error),
      );
      return;
    }
  }
}

/** The version of `name` on disk, if the browser supports listing databases. */
async function versionOnDisk(factory: IDBFactory, name: string): Promise<number | undefined> {
  try {
    const infos = await factory.databases();
    return infos.find((info) => info.name === name)?.version;
  } catch {
    return undefined;
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
