// The S3 request pipeline: address → authenticate → route → SSE-C headers → handler → one writer.
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TLSSocket } from 'node:tls';
import type { CredentialRecord, CredentialStore } from '../domain/access.ts';
import { S3Error, isS3Error } from '../domain/errors.ts';
import { isIntegrityFailure } from '../domain/sse-c.ts';
import { authenticateRequest, type AuthContext } from './auth/index.ts';
import { openBody, openObjectBody, readControlBody } from './body.ts';
import type { S3Context, S3Services } from './context.ts';
import { errorResponse } from './error-response.ts';
import { handlers } from './handlers/index.ts';
import { parseAddress, type S3Address } from './request.ts';
import { primeBody, writeResponse, type S3Response } from './response.ts';
import { resolveOperation } from './router.ts';
import { parseSseRequest } from './sse-headers.ts';

export interface S3ApiOptions {
  domain: string;
  region: string;
  trustedProxies: ReadonlySet<string>;
  /** Operator's explicit choice to accept SSE-C keys over plain HTTP (logged at start). */
  insecureSseC: boolean;
}

/** TLS on this socket, or a trusted proxy that terminated TLS and says so. */
function isSecure(req: IncomingMessage, trustedProxies: ReadonlySet<string>): boolean {
  if ((req.socket as Partial<TLSSocket>).encrypted === true) return true;
  const remote = req.socket.remoteAddress?.replace(/^::ffff:/, '') ?? '';
  return trustedProxies.has(remote) && req.headers['x-forwarded-proto'] === 'https';
}

// Request ids need to be unique, not secret: a random per-process prefix and a counter.
const requestIdPrefix = randomBytes(4).toString('hex').toUpperCase();
let requestCounter = 0;
function nextRequestId(): string {
  requestCounter = (requestCounter + 1) % 0x100000000;
  return requestIdPrefix + requestCounter.toString(16).toUpperCase().padStart(8, '0');
}

export function createS3Api(services: S3Services, credentials: CredentialStore, options: S3ApiOptions) {
  async function dispatch(req: IncomingMessage, res: ServerResponse, requestId: string, address: S3Address): Promise<S3Response & { operation: string }> {
    const method = req.method ?? 'GET';
    // The credential that verified the signature is the one whose principal acts: looked up once.
    let credential: CredentialRecord | undefined;
    const auth: AuthContext | undefined = await authenticateRequest(
      { method, rawPath: address.rawPath, rawQuery: address.rawQuery, headers: req.headers },
      async (accessKeyId) => (credential = await credentials.lookup(accessKeyId))?.secret,
      { region: options.region, now: new Date() },
    );
    if (!auth) throw new S3Error('AccessDenied', 'Anonymous access is not allowed.');
    if (!credential || credential.accessKeyId !== auth.accessKeyId) throw new S3Error('InvalidAccessKeyId');
    const operation = resolveOperation({ method, bucket: address.bucket, key: address.key, query: address.query, headers: req.headers });
    const handler = operation === undefined ? undefined : handlers[operation];
    if (!operation || !handler) throw new S3Error('MethodNotAllowed');
    const ctx: S3Context = {
      requestId, operation, address, headers: req.headers, principal: credential.principal, services,
      sse: parseSseRequest(req.headers, address.query, isSecure(req, options.trustedProxies) || options.insecureSseC),
      openBody: (bodyOptions) => openBody(req, res, auth, bodyOptions),
      openObjectBody: (bodyOptions) => openObjectBody(req, res, auth, bodyOptions),
      readControlBody: (limit) => readControlBody(req, res, auth, limit),
    };
    return { ...(await primeBody(await handler(ctx))), operation };
  }

  return async function handleS3Request(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = process.hrtime.bigint();
    const requestId = nextRequestId();
    let response: S3Response;
    let operation = 'Unknown';
    let resource = req.url?.split('?')[0] ?? '/';
    try {
      const address = parseAddress(req.method ?? 'GET', req.url ?? '/', req.headers, options.domain);
      resource = address.rawPath;
      const result = await dispatch(req, res, requestId, address);
      operation = result.operation;
      response = result;
    } catch (error) {
      response = errorResponse(toS3Error(error, services, requestId), resource, requestId);
      // A body the handler stopped reading (storage failed mid-write) would hold the keep-alive
      // connection: discard the rest so the connection stays usable for the next request.
      if (!req.complete) {
        req.unpipe();
        req.resume();
      }
    }
    try {
      await writeResponse(req, res, response, ['x-amz-request-id', requestId, 'x-amz-id-2', requestId, 'server', 'Coffer']);
    } catch (error) {
      // The body failed mid-stream (storage or integrity error): the status is already sent, so the
      // only honest signal left is to cut the connection; the client sees a short body.
      services.log.error({ requestId, err: describe(error) }, 'response stream failed');
      res.destroy();
    }
    if (services.log.isLevelEnabled('info')) {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      services.log.info({ requestId, method: req.method, operation, status: res.statusCode, ms: Math.round(ms * 10) / 10 }, 'request');
    }
  };
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

function toS3Error(error: unknown, services: S3Services, requestId: string): S3Error {
  if (isS3Error(error)) return error;
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOSPC' || code === 'EDQUOT' || code === 'SQLITE_FULL') {
    services.log.error({ requestId, err: describe(error) }, 'storage full');
    return new S3Error('InsufficientStorage');
  }
  if (isIntegrityFailure(error)) {
    services.log.error({ requestId, err: describe(error) }, 'stored object failed authentication');
    return new S3Error('InternalError', 'The stored object failed its integrity check and is not served.');
  }
  services.log.error({ requestId, err: describe(error), stack: (error as Error | undefined)?.stack }, 'internal error');
  return new S3Error('InternalError');
}
