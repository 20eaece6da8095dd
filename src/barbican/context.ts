// What every key-manager (Barbican v1) handler receives and returns; the services come from app.ts.
import type { IncomingHttpHeaders } from 'node:http';
import type { KeyStoreActor, KeyStoreService } from '../domain/identity/key-store.ts';
import type { TokenContext } from '../domain/identity/model.ts';
import type { Logger } from '../util/logger.ts';

export interface BarbicanServices {
  keyStore: KeyStoreService;
  /** Token validation (the identity service's, in the same process or against the shared store). */
  validateToken(token: string): Promise<TokenContext | undefined>;
  log: Logger;
  /**
   * The operator's explicit opt-in to unauthenticated requests (`--key-manager-allow-unauthenticated`):
   * who a request without a valid token acts as. Undefined: such requests are refused (401).
   */
  unauthenticated: KeyStoreActor | undefined;
}

export interface BarbicanResponse {
  status: number;
  headers?: Record<string, string>;
  /** Serialised as JSON. */
  json?: unknown;
  /** Raw bytes (a secret payload): sent as is, with the content type in `headers`. */
  raw?: Buffer;
}

export interface BarbicanRequest {
  method: string;
  params: Readonly<Record<string, string>>;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  /** `https://host:port` as the client addressed this listener; secret refs are built on it. */
  origin: string;
  services: BarbicanServices;
  /** The raw body, size-capped. */
  body(): Promise<Buffer>;
  /** The project and user the request acts as, or 401. */
  actor(): Promise<KeyStoreActor>;
}

export type BarbicanHandler = (request: BarbicanRequest) => Promise<BarbicanResponse>;

export function headerValue(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}
