// Hardened parsing of S3 request bodies (CompleteMultipartUpload, Delete, CreateBucketConfiguration…).
import { XMLParser } from 'fast-xml-parser';
import { S3Error } from '../../domain/errors.ts';

const ALWAYS_ARRAYS = new Set(['Part', 'Object', 'Rule', 'EncryptionType', 'Tag']);

const parser = new XMLParser({
  ignoreAttributes: true,
  removeNSPrefix: true,
  parseTagValue: false, // keep '007' and '1e3' as strings: keys and part numbers are validated by us
  trimValues: false, // object keys may begin or end with spaces
  processEntities: true,
  htmlEntities: true,
  isArray: (name) => ALWAYS_ARRAYS.has(name),
});

export type XmlObject = { [name: string]: unknown };

/** Parses a request body; DOCTYPE/ENTITY declarations are refused before parsing (entity expansion). */
export function parseXmlBody(body: Buffer): XmlObject {
  const text = body.toString('utf8');
  if (/<!DOCTYPE|<!ENTITY/i.test(text)) throw new S3Error('MalformedXML');
  if (text.trim() === '') throw new S3Error('MalformedXML');
  let parsed: unknown;
  try {
    parsed = parser.parse(text, true);
  } catch {
    throw new S3Error('MalformedXML');
  }
  if (typeof parsed !== 'object' || parsed === null) throw new S3Error('MalformedXML');
  return parsed as XmlObject;
}

/** The element `name` of `node` as an object, or MalformedXML. */
export function childObject(node: unknown, name: string): XmlObject {
  const child = (node as XmlObject | undefined)?.[name];
  if (typeof child !== 'object' || child === null || Array.isArray(child)) throw new S3Error('MalformedXML');
  return child as XmlObject;
}

export function childArray(node: XmlObject, name: string): XmlObject[] {
  const child = node[name];
  if (child === undefined) return [];
  if (!Array.isArray(child)) throw new S3Error('MalformedXML');
  return child.map((item: unknown) => (typeof item === 'object' && item !== null ? (item as XmlObject) : {}));
}

/** Text of an optional child element; an element with text must be a string. */
export function childText(node: XmlObject, name: string): string | undefined {
  const child = node[name];
  if (child === undefined) return undefined;
  if (typeof child === 'string') return child;
  if (typeof child === 'object' && child !== null && Object.keys(child).length === 0) return '';
  throw new S3Error('MalformedXML');
}

/** Texts of a repeated element (e.g. EncryptionType). */
export function childTextArray(node: XmlObject, name: string): string[] {
  const child = node[name];
  if (child === undefined) return [];
  const items: unknown[] = Array.isArray(child) ? child : [child];
  return items.map((item) => {
    if (typeof item !== 'string') throw new S3Error('MalformedXML');
    return item;
  });
}
