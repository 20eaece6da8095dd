// The one configuration schema: option names, defaults and help. Flags > environment > defaults.
import { z } from 'zod';

export const configSchema = z.object({
  dataDir: z.string().default('./coffer-data').describe('data folder (metadata, objects, generated TLS certificate)'),
  host: z.string().default('127.0.0.1').describe('address the S3 API listens on'),
  port: z.coerce.number().int().min(0).max(65535).default(9000).describe('port of the S3 API'),
  tlsCert: z.string().optional().describe('PEM certificate file; generated into the data folder when not given'),
  tlsKey: z.string().optional().describe('PEM private key file for --tls-cert'),
  plainHttp: z.stringbool().default(false).describe('serve plain HTTP instead of HTTPS (SSE-C is then refused)'),
  domain: z.string().default('localhost').describe('domain for virtual-hosted-style requests (bucket.domain)'),
  region: z.string().default('us-east-1').describe('region name clients sign requests for'),
  rootAccessKey: z.string().optional().describe('access key of the root user; generated on first start when not given'),
  rootSecretKey: z.string().optional().describe('secret key of the root user; generated on first start when not given'),
  trustedProxies: z.string().default('').describe('comma-separated IPs whose X-Forwarded-Proto: https is trusted (TLS terminated upstream)'),
  insecureSseC: z.stringbool().default(false).describe('accept SSE-C keys over plain HTTP (development only; logged loudly)'),
  masterKeyFile: z.string().optional().describe('file holding the 32-byte master key that seals stored secrets; default: <data-dir>/master.key'),
  identityPort: z.coerce.number().int().min(0).max(65535).default(5000).describe('port of the identity API (Keystone v3 subset; same host and certificate as S3)'),
  keyManagerPort: z.coerce.number().int().min(0).max(65535).default(9311).describe('port of the key-manager API (Barbican v1 secrets; same host and certificate)'),
  adminPassword: z.string().optional().describe('password of the identity user admin (project admin); generated and shown once on first start when not given'),
  tokenLifetime: z.coerce.number().int().min(60).max(7 * 24 * 3600).default(3600).describe('lifetime of identity tokens, in seconds'),
  keyManagerAllowUnauthenticated: z.string().optional().describe('project (name or id) that key-manager requests without a valid token act as; off (401) when not given'),
  workers: z.coerce.number().int().min(1).max(64).default(1).describe('server processes sharing the ports (node:cluster); 2 or more use several cores'),
  cryptoThreads: z.coerce.number().int().min(0).max(64).optional().describe('threads per server process for the per-byte work of bodies over 1 MiB (MD5; AES-GCM with --crypto-offload-aes); 0: all on the event loop; default min(2, CPU cores − 1), at least 1'),
  cryptoOffloadAes: z.stringbool().default(false).describe('also move the AES-GCM chunks of SSE-C bodies over 1 MiB to those threads (slower where AES-GCM is fast next to TLS, as on AES-NI/VAES CPUs; try it where it is not)'),
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info').describe('log level'),
});

export type Config = Readonly<z.infer<typeof configSchema>>;
export type ConfigKey = keyof z.infer<typeof configSchema>;

/** COFFER_DATA_DIR for dataDir, and so on. */
export function envName(key: string): string {
  return `COFFER_${key.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase()}`;
}

/** --data-dir for dataDir, and so on. */
export function flagName(key: string): string {
  return key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

export function loadConfig(flags: Record<string, unknown>, env: NodeJS.ProcessEnv = process.env): Config {
  const raw: Record<string, unknown> = {};
  for (const key of Object.keys(configSchema.shape)) {
    const fromEnv = env[envName(key)];
    if (fromEnv !== undefined && fromEnv !== '') raw[key] = fromEnv;
    const fromFlag = flags[key];
    if (fromFlag !== undefined) raw[key] = typeof fromFlag === 'boolean' ? String(fromFlag) : fromFlag;
  }
  const parsed = configSchema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${flagName(String(i.path[0]))}: ${i.message}`);
    throw new Error(`invalid configuration: ${problems.join('; ')}`);
  }
  return Object.freeze(parsed.data);
}
