// What every key-manager (Barbican v1) handler receives and returns; the services come from app.ts.
import type { KeyStoreActor, KeyStoreService } from '../domain/identity/key-store.ts';
import type { TokenContext } from '../domain/identity/model.ts';
import type { ApiResponse, RequestBase } from '../http/json-api.ts';
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

/** JSON, or a payload's raw bytes. */
export type BarbicanResponse = ApiResponse;

/** Secret refs are built on `origin`. */
export interface BarbicanRequest extends RequestBase {
  services: BarbicanServices;
  /** The raw body, size-capped. */
  body(): Promise<Buffer>;
  /** The project and user the request acts as, or 401. */
  actor(): Promise<KeyStoreActor>;
}

export type BarbicanHandler = (request: BarbicanRequest) => Promise<BarbicanResponse>;
