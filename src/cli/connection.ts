// Options every operator command shares: where the identity API is, which CA to trust, whom to log
// in as (password from the environment or a file, never a flag), and `--json` output.
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { CofferClient } from './api-client.ts';

export interface CommonFlags {
  identityUrl?: string;
  keyManagerUrl?: string;
  caFile?: string;
  authUser?: string;
  authProject?: string;
  authPasswordFile?: string;
  json?: boolean;
}

export const DEFAULT_IDENTITY_URL = 'https://127.0.0.1:5000/v3';

/** Adds the shared options to a leaf command. */
export function withConnection(command: Command): Command {
  return command
    .option('--identity-url <url>', `identity endpoint, as printed at start [env COFFER_IDENTITY_URL or OS_AUTH_URL; default ${DEFAULT_IDENTITY_URL}]`)
    .option('--key-manager-url <url>', 'key-manager endpoint (default: from the catalog) [env COFFER_KEY_MANAGER_URL]')
    .option('--ca-file <file>', 'CA certificate to trust (the generated one: <data-dir>/tls/cert.pem) [env COFFER_CA_FILE or OS_CACERT]')
    .option('--auth-user <name>', 'user to log in as [env COFFER_AUTH_USER; default admin]')
    .option('--auth-project <name>', 'project to log in to [env COFFER_AUTH_PROJECT; default admin]')
    .option('--auth-password-file <file>', 'file holding the password (- for stdin) [else env COFFER_AUTH_PASSWORD, then COFFER_ADMIN_PASSWORD]')
    .option('--json', 'machine-readable output');
}

/** Reads a file's text, or stdin for `-`; one trailing newline is dropped. */
export function readTextFile(file: string): string {
  return readFileSync(file === '-' ? 0 : file, 'utf8').replace(/\r?\n$/, '');
}

export function env(...names: string[]): string | undefined {
  for (const name of names) {
    const value = process.env[name];
    if (value !== undefined && value !== '') return value;
  }
  return undefined;
}

export async function connect(flags: CommonFlags): Promise<CofferClient> {
  const password = flags.authPasswordFile ? readTextFile(flags.authPasswordFile) : env('COFFER_AUTH_PASSWORD', 'COFFER_ADMIN_PASSWORD');
  if (!password) throw new Error('no password: set COFFER_AUTH_PASSWORD (or COFFER_ADMIN_PASSWORD) or pass --auth-password-file');
  const caFile = flags.caFile ?? env('COFFER_CA_FILE', 'OS_CACERT');
  return CofferClient.login({
    identityUrl: flags.identityUrl ?? env('COFFER_IDENTITY_URL', 'OS_AUTH_URL') ?? DEFAULT_IDENTITY_URL,
    keyManagerUrl: flags.keyManagerUrl ?? env('COFFER_KEY_MANAGER_URL'),
    ca: caFile ? readFileSync(caFile) : undefined,
    user: flags.authUser ?? env('COFFER_AUTH_USER') ?? 'admin',
    project: flags.authProject ?? env('COFFER_AUTH_PROJECT') ?? 'admin',
    password,
  });
}

/** Prints `value` as JSON with --json, else as `label: value` lines or an aligned table. */
export function output(flags: CommonFlags, value: unknown, human: () => string): void {
  process.stdout.write(flags.json ? `${JSON.stringify(value, null, 2)}\n` : `${human()}\n`);
}

export function fields(rows: [string, unknown][]): string {
  const width = Math.max(...rows.map(([label]) => label.length));
  return rows.map(([label, value]) => `${label.padEnd(width)}  ${value === undefined || value === null ? '' : String(value)}`).join('\n');
}

export function table(headers: string[], rows: unknown[][]): string {
  const text = rows.map((row) => row.map((cell) => (cell === undefined || cell === null ? '' : String(cell))));
  const widths = headers.map((h, i) => Math.max(h.length, ...text.map((row) => (row[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join('  ').trimEnd();
  return [line(headers), ...text.map(line)].join('\n');
}
