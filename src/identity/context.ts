// What every identity handler receives and returns; the services come from app.ts.
import type { AuthService } from '../domain/identity/auth-service.ts';
import type { DirectoryService } from '../domain/identity/directory-service.ts';
import type { Ec2CredentialService } from '../domain/identity/ec2-credentials.ts';
import type { TokenContext } from '../domain/identity/model.ts';
import type { ApiResponse, RequestBase } from '../http/json-api.ts';
import type { Logger } from '../util/logger.ts';

/** Where Coffer's APIs listen, for the service catalog; the host is taken from the request. */
export interface PublicEndpoints {
  scheme: 'http' | 'https';
  region: string;
  identityPort: number;
  keyManagerPort: number;
  s3Port: number;
}

export interface IdentityServices {
  auth: AuthService;
  directory: DirectoryService;
  ec2: Ec2CredentialService;
  log: Logger;
  /** Read at request time: the listeners' ports are known only once they are all started. */
  endpoints(): PublicEndpoints;
}

export type { ApiResponse };

/** `hostname` is what catalog URLs use, with each listener's port. */
export interface IdentityRequest extends RequestBase {
  services: IdentityServices;
  /** The JSON body, size-capped; 400 when it is not JSON. */
  body(): Promise<unknown>;
  /** The context of the X-Auth-Token, or 401. */
  caller(): Promise<TokenContext>;
}

export type IdentityHandler = (request: IdentityRequest) => Promise<ApiResponse>;
