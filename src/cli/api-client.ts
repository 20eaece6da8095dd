// A small HTTPS client for the operator CLI: logs in to Coffer's identity API with a password,
// then calls the identity and key-manager APIs with the token, trusting the given CA file.
import http from 'node:http';
import https from 'node:https';

export interface ConnectionOptions {
  identityUrl: string;
  ca: Buffer | undefined;
  user: string;
  password: string;
  project: string;
  /** Overrides the key-manager URL of the catalog. */
  keyManagerUrl?: string | undefined;
}

export interface ApiReply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

export class ApiError extends Error {
  readonly status: number;

  constructor(status: number, message: string) {
    super(message);
    this.status = status;
  }
}

interface CatalogEntry { type?: string; endpoints?: { interface?: string; url?: string }[] }

export function send(url: string, init: { method: string; headers?: Record<string, string>; body?: Buffer | undefined; ca: Buffer | undefined }): Promise<ApiReply> {
  const target = new URL(url);
  const transport = target.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const req = transport.request(target, { method: init.method, headers: init.headers, ca: init.ca, timeout: 30_000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`no answer from ${target.origin}`)));
    req.on('error', reject);
    req.end(init.body);
  });
}

/** The message of a Keystone (`error.message`) or Barbican (`title: description`) error body. */
function errorMessage(reply: ApiReply): string {
  try {
    const body = JSON.parse(reply.body.toString('utf8')) as { error?: { message?: string }; title?: string; description?: string };
    if (body.error?.message) return body.error.message;
    if (body.title) return body.description ? `${body.title}: ${body.description}` : body.title;
  } catch {
    // not JSON: fall through
  }
  return `HTTP ${reply.status}`;
}

export class CofferClient {
  readonly #ca: Buffer | undefined;
  readonly #token: string;
  readonly identityUrl: string;
  readonly keyManagerUrl: string | undefined;
  readonly userId: string;
  readonly projectId: string;

  private constructor(ca: Buffer | undefined, token: string, identityUrl: string, keyManagerUrl: string | undefined, userId: string, projectId: string) {
    this.#ca = ca;
    this.#token = token;
    this.identityUrl = identityUrl;
    this.keyManagerUrl = keyManagerUrl;
    this.userId = userId;
    this.projectId = projectId;
  }

  static async login(options: ConnectionOptions): Promise<CofferClient> {
    const identityUrl = options.identityUrl.replace(/\/+$/, '');
    const body = {
      auth: {
        identity: { methods: ['password'], password: { user: { name: options.user, domain: { id: 'default' }, password: options.password } } },
        scope: { project: { name: options.project, domain: { id: 'default' } } },
      },
    };
    const reply = await send(`${identityUrl}/auth/tokens`, {
      method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json' }, body: Buffer.from(JSON.stringify(body)), ca: options.ca,
    });
    if (reply.status !== 201) throw new ApiError(reply.status, `login as ${options.user} failed: ${errorMessage(reply)}`);
    const token = String(reply.headers['x-subject-token'] ?? '');
    const parsed = JSON.parse(reply.body.toString('utf8')) as { token: { user: { id: string }; project: { id: string }; catalog?: CatalogEntry[] } };
    const entry = parsed.token.catalog?.find((c) => c.type === 'key-manager');
    const keyManagerUrl = options.keyManagerUrl ?? entry?.endpoints?.find((e) => e.interface === 'public')?.url;
    return new CofferClient(options.ca, token, identityUrl, keyManagerUrl?.replace(/\/+$/, ''), parsed.token.user.id, parsed.token.project.id);
  }

  /** A JSON call to the identity API (`path` under /v3); throws ApiError on a status ≥ 400. */
  async identity<T>(method: string, path: string, body?: unknown): Promise<T> {
    return this.#json<T>(`${this.identityUrl}${path}`, method, body);
  }

  /** A JSON call to the key-manager API (`path` under /v1). */
  async keyManager<T>(method: string, path: string, body?: unknown): Promise<T> {
    return this.#json<T>(`${this.#keyManagerBase()}${path}`, method, body);
  }

  /** Raw bytes from the key-manager API (a payload). */
  async keyManagerRaw(path: string, accept: string): Promise<Buffer> {
    const reply = await send(`${this.#keyManagerBase()}${path}`, { method: 'GET', headers: { accept, 'x-auth-token': this.#token }, ca: this.#ca });
    if (reply.status >= 400) throw new ApiError(reply.status, errorMessage(reply));
    return reply.body;
  }

  #keyManagerBase(): string {
    if (!this.keyManagerUrl) throw new Error('the catalog names no key-manager endpoint; pass --key-manager-url');
    return this.keyManagerUrl;
  }

  async #json<T>(url: string, method: string, body: unknown): Promise<T> {
    const headers: Record<string, string> = { accept: 'application/json', 'x-auth-token': this.#token };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const reply = await send(url, { method, headers, body: body === undefined ? undefined : Buffer.from(JSON.stringify(body)), ca: this.#ca });
    if (reply.status >= 400) throw new ApiError(reply.status, errorMessage(reply));
    return (reply.body.length > 0 ? JSON.parse(reply.body.toString('utf8')) : undefined) as T;
  }
}
