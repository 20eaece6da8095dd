// `coffer secret …`: the key store (Barbican v1 secrets) of the logged-in project.
import { Command } from 'commander';
import { connect, fields, output, readTextFile, table, withConnection, type CommonFlags } from './connection.ts';

interface SecretJson {
  secret_ref: string; name: string | null; algorithm: string | null; bit_length: number | null; mode: string | null;
  secret_type: string; status: string; expiration: string | null; created: string; content_types?: { default?: string };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The secret's id from an href (`…/v1/secrets/<uuid>`) or a bare uuid, as the openstack CLI reads it. */
export function secretId(hrefOrId: string): string {
  const id = hrefOrId.replace(/\/+$/, '').split('/').pop() ?? '';
  if (!UUID.test(id)) throw new Error(`not a secret href or id: ${hrefOrId}`);
  return id;
}

function describe(s: SecretJson): string {
  return fields([
    ['secret href', s.secret_ref], ['name', s.name], ['created', s.created], ['status', s.status],
    ['content type', s.content_types?.default], ['algorithm', s.algorithm], ['bit length', s.bit_length],
    ['secret type', s.secret_type], ['mode', s.mode], ['expiration', s.expiration],
  ]);
}

interface StoreFlags extends CommonFlags {
  name?: string; algorithm: string; bitLength: string; mode: string; secretType: string; expiration?: string; payload?: string; payloadFile?: string;
}

export function secretCommands(): Command {
  const secret = new Command('secret').description('secrets in the key store (e.g. SSE-C keys), per project');
  withConnection(secret.command('store').description('store a secret; prints its href'))
    .option('--name <name>', 'a name for the secret')
    .option('--payload <value>', 'the secret itself (visible in the process list; prefer --payload-file)')
    .option('--payload-file <file>', 'file holding the secret (- for stdin; one trailing newline is dropped)')
    .option('--algorithm <alg>', 'algorithm', 'aes')
    .option('--bit-length <bits>', 'bit length', '256')
    .option('--mode <mode>', 'mode', 'cbc')
    .option('--secret-type <type>', 'symmetric, public, private, passphrase, certificate or opaque', 'opaque')
    .option('--expiration <iso8601>', 'when the secret expires (UTC unless a zone is given)')
    .action(async (flags: StoreFlags) => {
      const payload = flags.payloadFile ? readTextFile(flags.payloadFile) : flags.payload;
      const client = await connect(flags);
      const body = {
        name: flags.name, algorithm: flags.algorithm, bit_length: Number(flags.bitLength), mode: flags.mode, secret_type: flags.secretType,
        expiration: flags.expiration,
        ...(payload !== undefined
          ? { payload: Buffer.from(payload, 'utf8').toString('base64'), payload_content_type: 'application/octet-stream', payload_content_encoding: 'base64' }
          : {}),
      };
      const { secret_ref: ref } = await client.keyManager<{ secret_ref: string }>('POST', '/secrets', body);
      output(flags, { secret_ref: ref }, () => ref);
    });
  withConnection(secret.command('get').description('show a secret\'s metadata, or with --payload the secret itself').argument('<href>'))
    .option('-p, --payload', 'print the payload (raw bytes; with --json: base64)')
    .action(async (href: string, flags: CommonFlags & { payload?: boolean }) => {
      const client = await connect(flags);
      const id = secretId(href);
      if (flags.payload) {
        const bytes = await client.keyManagerRaw(`/secrets/${id}/payload`, 'application/octet-stream');
        if (flags.json) output(flags, { payload: bytes.toString('base64'), payload_content_encoding: 'base64' }, () => '');
        else process.stdout.write(process.stdout.isTTY ? `${bytes.toString('utf8')}\n` : bytes);
        return;
      }
      const meta = await client.keyManager<SecretJson>('GET', `/secrets/${id}`);
      output(flags, meta, () => describe(meta));
    });
  withConnection(secret.command('list').description('list the project\'s secrets'))
    .option('--name <name>', 'only secrets with this name')
    .option('--limit <n>', 'at most this many', '100')
    .option('--offset <n>', 'skip this many', '0')
    .action(async (flags: CommonFlags & { name?: string; limit: string; offset: string }) => {
      const client = await connect(flags);
      const query = new URLSearchParams({ limit: flags.limit, offset: flags.offset, ...(flags.name ? { name: flags.name } : {}) });
      const { secrets, total } = await client.keyManager<{ secrets: SecretJson[]; total: number }>('GET', `/secrets?${query.toString()}`);
      output(flags, { secrets, total }, () => table(
        ['Secret href', 'Name', 'Created', 'Algorithm', 'Bit length', 'Expiration'],
        secrets.map((s) => [s.secret_ref, s.name, s.created, s.algorithm, s.bit_length, s.expiration]),
      ));
    });
  withConnection(secret.command('delete').description('delete a secret').argument('<href>'))
    .action(async (href: string, flags: CommonFlags) => {
      const client = await connect(flags);
      const id = secretId(href);
      await client.keyManager('DELETE', `/secrets/${id}`);
      output(flags, { deleted: id }, () => `deleted ${id}`);
    });
  return secret;
}
