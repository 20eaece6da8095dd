// The SQLite metadata adapter against the shared contract, on a real database file.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase } from '../../src/storage/metadata/sqlite/open-database.ts';
import { SqliteMetadataStore } from '../../src/storage/metadata/sqlite/sqlite-metadata-store.ts';
import { metadataStoreContract } from '../contract/metadata-store.contract.ts';

metadataStoreContract('sqlite', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'coffer-sqlite-'));
  return new SqliteMetadataStore(openDatabase(join(dir, 'metadata.sqlite')));
});
