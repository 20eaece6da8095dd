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

export async function listObjects(metadata: MetadataStore, bucket: string, request: ListRequest): Promise<ListPage> {
  const page: ListPage = { contents: [], commonPrefixes: [], isTruncated: false, last: undefined };
  if (request.maxKeys <= 0) return page;
  let cursor = request.after;
  // A marker inside a common prefix continues after the whole prefix, so it is not returned twice.
  const markerPrefix = rollUp(cursor, request.prefix, request.delimiter);
  if (markerPrefix !== undefined) cursor = markerPrefix + AFTER_ALL;

  for (;;) {
    const rows = await metadata.listObjects(bucket, { prefix: request.prefix, after: cursor, limit: BATCH });
    if (rows.length === 0) return page;
    for (const row of rows) {
      const entries = page.contents.length + page.commonPrefixes.length;
      if (entries === request.maxKeys) {
        page.isTruncated = true;
        return page;
      }
      const commonPrefix = rollUp(row.key, request.prefix, request.delimiter);
      if (commonPrefix === undefined) {
        page.contents.push(row);
        page.last = row.key;
        cursor = row.key;
        continue;
      }
      page.commonPrefixes.push(commonPrefix);
      page.last = commonPrefix;
      cursor = commonPrefix + AFTER_ALL;
      break; // re-query past the whole prefix instead of scanning its keys
    }
    if (rows.length < BATCH && cursor === rows[rows.length - 1]?.key) return page;
  }
}
