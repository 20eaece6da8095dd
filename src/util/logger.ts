// The process logger: JSON lines through pino, with every header that can carry a secret redacted.
import { pino, type Logger } from 'pino';

export type { Logger };

const redactedPaths = [
  'headers.authorization',
  'headers["x-amz-server-side-encryption-customer-key"]',
  'headers["x-amz-server-side-encryption-customer-key-md5"]',
  'headers["x-amz-copy-source-server-side-encryption-customer-key"]',
  'headers["x-amz-copy-source-server-side-encryption-customer-key-md5"]',
  'headers["x-amz-security-token"]',
  'headers["x-auth-token"]',
  'headers["x-subject-token"]',
  'secretKey',
  'password',
  'payload',
  'token',
];

export function createLogger(level: string): Logger {
  return pino({
    level,
    base: undefined,
    redact: { paths: redactedPaths, censor: '[redacted]' },
  });
}
