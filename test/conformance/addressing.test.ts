// Path-style and virtual-hosted-style addressing reach the same bucket and key.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { rawRequest } from '../helpers/raw.ts';
import { startServer, type TestServer } from '../helpers/server.ts';

describe('addressing', () => {
  let server: TestServer;
  before(async () => {
    server = await startServer({ args: ['--domain', 's3.coffer.test'] });
  });
  after(async () => {
    await server.stop();
  });

  it('serves bucket.domain/key like /bucket/key', async () => {
    const port = new URL(server.endpoint).port;
    assert.equal((await rawRequest(server, { method: 'PUT', path: '/vhost' })).status, 200);
    const put = await rawRequest(server, { method: 'PUT', path: '/dir/a%20b.txt', headers: { host: `vhost.s3.coffer.test:${port}` }, body: 'virtual' });
    assert.equal(put.status, 200, put.body.toString());
    const viaPath = await rawRequest(server, { method: 'GET', path: '/vhost/dir/a%20b.txt' });
    assert.equal(viaPath.body.toString(), 'virtual');
    const list = await rawRequest(server, { method: 'GET', path: '/', query: { 'list-type': '2' }, headers: { host: `vhost.s3.coffer.test:${port}` } });
    assert.match(list.body.toString(), /<Name>vhost<\/Name>.*<Key>dir\/a b.txt<\/Key>/s);
  });
});
