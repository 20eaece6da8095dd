// Builds signed aws-chunked uploads (STREAMING-AWS4-HMAC-SHA256-PAYLOAD) byte by byte, correct or broken
// in one chosen way, so the server's chunk decoder meets exactly the framing mistakes we mean.
// Format: https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-streaming.html
import { createHash, createHmac } from 'node:crypto';
import { HttpRequest } from '@smithy/protocol-http';
import { signer } from '../../helpers/raw.ts';
import type { TestServer } from '../../helpers/server.ts';

export interface ChunkFault {
  /** Replace the signature of chunk i (the final empty chunk is index chunks.length). */
  badSignatureAt?: number;
  /** Replace the size line of chunk i by this text (before `;chunk-signature=`). */
  sizeText?: { at: number; text: string };
  /** Leave out the final zero-length chunk (the body just stops). */
  dropFinal?: boolean;
  /** Leave out the CRLF after chunk i's data. */
  noCrlfAfter?: number;
  /** Announce this x-amz-decoded-content-length instead of the true one. */
  decodedLength?: string;
  /** Bytes after the final chunk. */
  trailing?: string;
  /** A framing line this long instead of chunk 0's size line. */
  longLine?: number;
}

const sha256Hex = (data: Buffer | string): string => createHash('sha256').update(data).digest('hex');
const hmac = (key: Buffer | string, data: string): Buffer => createHmac('sha256', key).update(data).digest();

/** The whole request (head and body) for a signed aws-chunked PUT of `chunks`, broken as `fault` says. */
export async function chunkedPut(server: TestServer, path: string, chunks: Buffer[], fault: ChunkFault = {}): Promise<Buffer> {
  const url = new URL(server.endpoint);
  const decoded = chunks.reduce((n, c) => n + c.length, 0);
  const headers: Record<string, string> = {
    host: url.host,
    'x-amz-content-sha256': 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD',
    'content-encoding': 'aws-chunked',
    'x-amz-decoded-content-length': fault.decodedLength ?? String(decoded),
  };
  const signed = await signer(server).sign(new HttpRequest({
    method: 'PUT', protocol: 'https:', hostname: url.hostname, port: Number(url.port), path, headers,
  }));
  const amzDate = signed.headers['x-amz-date'] ?? '';
  const auth = signed.headers.authorization ?? '';
  const scope = /Credential=[^/]+\/([^,]+),/.exec(auth)?.[1] ?? '';
  const seed = /Signature=([0-9a-f]{64})/.exec(auth)?.[1] ?? '';
  const [date = '', region = '', service = ''] = scope.split('/');
  const key = hmac(hmac(hmac(hmac(`AWS4${server.secretKey}`, date), region), service), 'aws4_request');

  const pieces: Buffer[] = [];
  let previous = seed;
  const all = fault.dropFinal ? chunks : [...chunks, Buffer.alloc(0)];
  all.forEach((data, i) => {
    const toSign = ['AWS4-HMAC-SHA256-PAYLOAD', amzDate, scope, previous, sha256Hex(''), sha256Hex(data)].join('\n');
    let signature = hmac(key, toSign).toString('hex');
    previous = signature;
    if (fault.badSignatureAt === i) signature = signature.replace(/^./, (c) => (c === '0' ? '1' : '0'));
    const size = fault.sizeText?.at === i ? fault.sizeText.text : data.length.toString(16);
    const line = fault.longLine !== undefined && i === 0 ? 'a'.repeat(fault.longLine) : `${size};chunk-signature=${signature}`;
    pieces.push(Buffer.from(`${line}\r\n`, 'latin1'), data);
    if (fault.noCrlfAfter !== i) pieces.push(Buffer.from('\r\n'));
  });
  if (fault.trailing) pieces.push(Buffer.from(fault.trailing, 'latin1'));
  const body = Buffer.concat(pieces);
  const head = [`PUT ${path} HTTP/1.1`, ...Object.entries({ ...signed.headers, 'content-length': String(body.length) }).map(([k, v]) => `${k}: ${v}`)];
  return Buffer.concat([Buffer.from(`${head.join('\r\n')}\r\n\r\n`, 'latin1'), body]);
}

/** The broken variants every decoder must refuse with a 4xx (nothing stored). */
export const chunkFaults: { name: string; fault: ChunkFault }[] = [
  { name: 'bad signature on chunk 0', fault: { badSignatureAt: 0 } },
  { name: 'bad signature on the final chunk', fault: { badSignatureAt: 2 } },
  { name: 'size not hex', fault: { sizeText: { at: 0, text: 'zz' } } },
  { name: 'negative size', fault: { sizeText: { at: 0, text: '-1' } } },
  { name: 'size beyond 2^64', fault: { sizeText: { at: 0, text: 'FFFFFFFFFFFFFFFFFFFF' } } },
  { name: 'size far larger than the data', fault: { sizeText: { at: 1, text: '7fffffff' } } },
  { name: 'size smaller than the data', fault: { sizeText: { at: 0, text: '1' } } },
  { name: 'empty size', fault: { sizeText: { at: 0, text: '' } } },
  { name: 'no CRLF after data', fault: { noCrlfAfter: 0 } },
  { name: 'no final chunk', fault: { dropFinal: true } },
  { name: 'decoded length too small', fault: { decodedLength: '3' } },
  { name: 'decoded length too large', fault: { decodedLength: '999999' } },
  { name: 'decoded length negative', fault: { decodedLength: '-5' } },
  { name: 'bytes after the final chunk', fault: { trailing: 'GARBAGE' } },
  { name: 'framing line of 5000 bytes', fault: { longLine: 5000 } },
];
