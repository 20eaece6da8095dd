// Listing from the metadata index: prefix, delimiter roll-up into common prefixes, paging.
import type { ObjectSummary } from './model.ts';
import type { MetadataStore } from './ports.ts';

/** Greater than every key that starts with a given prefix (U+10FFFF is the largest UTF-8 sequence). */
const AFTER_ALL = '\u{10FFFF}';
const BATCH = 1000;

export interface ListRequest {
  prefix: string;
  delimiter: string;
  /** Exclusive start: marker, start-after or the decoded continuation token. */
  after: string;
  maxKeys: number;
}

export interface ListPage {
  contents: ObjectSummary[];
  commonPrefixes: string[];
  isTruncated: boolean;
  /** The last key or common prefix of this page: where the next page starts. */
  last: string | undefined;
}

function rollUp(key: string, prefix: string, delimiter: string): string | undefined {
  if (delimiter === '' || !key.startsWith(prefix)) return undefined;
  const at = key.indexOf(delimiter, prefix.length);
  return at === -1 ? undefined : key.slice(0, at + delimiter.length);
}

/** Rows of one common prefix skipped in a fetched batch before seeking past the prefix instead. */
const SKIP_BEFORE_SEEK = 8;

export async function listObjects(metadata: MetadataStore, bucket: string, request: ListRequest): Promise<ListPage> {
  const page: ListPage = { contents: [], commonPrefixes: [], isTruncated: false, last: undefined };
  if (request.maxKeys <= 0) return page;
  let cursor = request.after;
  // A marker inside a common prefix continues after the whole prefix, so it is not returned twice.
  const markerPrefix = rollUp(cursor, request.prefix, request.delimiter);
  if (markerPrefix !== undefined) cursor = markerPrefix + AFTER_ALL;

  // With a delimiter most fetched rows may roll up into one prefix and be skipped: start with small
  // batches (a seek follows every large prefix) and grow them while rows are actually listed.
  let batch = request.delimiter === '' ? BATCH : 16;
  for (;;) {
    const rows = await metadata.listObjects(bucket, { prefix: request.prefix, after: cursor, limit: batch });
    if (rows.length === 0) return page;
    let skipped = 0;
    let seek = false;
    for (const row of rows) {
      const commonPrefix = rollUp(row.key, request.prefix, request.delimiter);
      if (commonPrefix !== undefined && commonPrefix === page.last) {
        // Same prefix as the entry just listed: skip a few rows, then seek past the whole prefix.
        if (++skipped > SKIP_BEFORE_SEEK) {
          cursor = commonPrefix + AFTER_ALL;
          seek = true;
          break;
        }
        cursor = row.key;
        continue;
      }
      if (page.contents.length + page.commonPrefixes.length === request.maxKeys) {
        page.isTruncated = true;
        return page;
      }
      skipped = 0;
      if (commonPrefix === undefined) page.contents.push(row);
      else page.commonPrefixes.push(commonPrefix);
      page.last = commonPrefix ?? row.key;
      cursor = row.key;
    }
    if (!seek && rows.length < batch) return page;
    if (!seek) batch = Math.min(BATCH, batch * 2);
  }
}
