// Payload encodings of the Barbican API: decoding a JSON `payload` or a PUT body into bytes, and
// choosing the media type a payload is served as from the Accept header.
import { IdentityError } from '../domain/identity/model.ts';
import { PAYLOAD_CONTENT_TYPES, type PayloadContentType } from '../domain/identity/key-store.ts';
import { Secret } from '../util/secret.ts';

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** `text/plain; charset=utf-8` → `text/plain`; anything but the two payload types is refused. */
export function payloadContentType(value: string | undefined): PayloadContentType {
  const type = (value ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  const found = PAYLOAD_CONTENT_TYPES.find((t) => t === type);
  if (!found) throw new IdentityError('BadRequest', `Invalid payload content type: use one of ${PAYLOAD_CONTENT_TYPES.join(', ')}.`);
  return found;
}

/** Bytes of a payload given as text, with the encoding Barbican's API names (only base64 exists). */
export function decodePayload(text: string, contentType: PayloadContentType, encoding: string | undefined): Secret {
  const enc = encoding?.trim().toLowerCase();
  if (enc === 'base64') {
    const compact = text.replace(/\s+/g, '');
    if (!BASE64.test(compact)) throw new IdentityError('BadRequest', 'The payload is not valid base64.');
    return new Secret(Buffer.from(compact, 'base64'));
  }
  if (enc !== undefined && enc !== '') throw new IdentityError('BadRequest', 'Invalid payload_content_encoding: only base64 is supported.');
  if (contentType === 'application/octet-stream') {
    throw new IdentityError('BadRequest', 'payload_content_encoding must be base64 for application/octet-stream.');
  }
  return Secret.fromString(text);
}

/**
 * The media type to serve a payload as. Like Barbican, a payload stored as octet-stream is served
 * as text/plain when that is asked for (the openstack CLI's `secret get -p` asks for text/plain).
 * Undefined when Accept names neither type nor a wildcard.
 */
export function negotiatePayloadType(accept: string | undefined, stored: string | undefined): PayloadContentType | undefined {
  const fallback = stored === 'text/plain' ? 'text/plain' : 'application/octet-stream';
  if (accept === undefined || accept.trim() === '') return fallback;
  for (const item of accept.split(',')) {
    const type = item.split(';')[0]?.trim().toLowerCase() ?? '';
    if (type === 'text/plain' || type === 'application/octet-stream') return type;
    if (type === '*/*' || type === 'text/*' || type === 'application/*') return fallback;
  }
  return undefined;
}

/** Legacy GET /v1/secrets/{id}: a payload media type in Accept (as Ceph RGW sends) means "the payload". */
export function wantsLegacyPayload(accept: string | undefined): boolean {
  if (!accept) return false;
  const types = accept.split(',').map((item) => item.split(';')[0]?.trim().toLowerCase() ?? '');
  return !types.includes('application/json') && types.some((t) => t === 'text/plain' || t === 'application/octet-stream');
}

/** Parses an ISO 8601 expiration; one without a zone is UTC (Barbican's reading). */
export function parseExpiration(value: string): Date {
  const zoned = /(?:Z|[+-]\d{2}:?\d{2})$/i.test(value) ? value : `${value}Z`;
  const date = new Date(zoned);
  if (!/^\d{4}-\d{2}-\d{2}/.test(value) || Number.isNaN(date.getTime())) {
    throw new IdentityError('BadRequest', 'Invalid date for \'expiration\': use ISO 8601.');
  }
  return date;
}
