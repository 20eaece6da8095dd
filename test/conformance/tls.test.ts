// TLS 1.2 or newer only, on every listener (S3, identity, key manager): a client limited to
// TLS 1.0/1.1 is refused at the handshake, the same client allowed TLS 1.2 gets through.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { connect, type SecureVersion } from 'node:tls';
import { startServer, type TestServer } from '../helpers/server.ts';

/** The negotiated protocol, or the handshake error's code. */
function handshake(endpoint: string, ca: Buffer | undefined, maxVersion: SecureVersion): Promise<string> {
  const url = new URL(endpoint);
  return new Promise((resolve) => {
    // Security level 0 lets this client offer the old protocols at all, so only the server can refuse.
    const socket = connect({
      host: url.hostname, port: Number(url.port), ca, servername: 'localhost',
      minVersion: 'TLSv1', maxVersion, ciphers: 'DEFAULT:@SECLEVEL=0',
    });
    socket.once('secureConnect', () => {
      resolve(socket.getProtocol() ?? 'unknown');
      socket.destroy();
    });
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
  });
}

describe('TLS versions', () => {
  let server: TestServer;
  before(async () => {
    server = await startServer();
  });
  after(async () => {
    await server.stop();
  });

  for (const [name, endpoint] of [['S3', () => server.endpoint], ['identity', () => server.identityEndpoint], ['key manager', () => server.keyManagerEndpoint]] as const) {
    it(`${name}: refuses TLS 1.0 and 1.1, accepts 1.2 and 1.3`, async () => {
      for (const old of ['TLSv1', 'TLSv1.1'] as const) {
        const outcome = await handshake(endpoint(), server.ca, old);
        assert.ok(!outcome.startsWith('TLS'), `${old} must be refused, got ${outcome}`);
      }
      assert.equal(await handshake(endpoint(), server.ca, 'TLSv1.2'), 'TLSv1.2');
      assert.equal(await handshake(endpoint(), server.ca, 'TLSv1.3'), 'TLSv1.3');
    });
  }
});
