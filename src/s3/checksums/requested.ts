// Reads which integrity checks a request asks for: Content-MD5, x-amz-checksum-*, x-amz-sdk-checksum-algorithm, x-amz-trailer.
//
// Rules and messages follow S3 (https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutObject.html and
// https://docs.aws.amazon.com/AmazonS3/latest/userguide/checking-object-integrity.html): one checksum per
// request, either as a header or announced in x-amz-trailer and sent after an aws-chunked body.
import type { IncomingHttpHeaders } from 'node:http';
import { S3Error } from '../../domain/errors.ts';
import { CHECKSUM_ALGORITHMS, checksumHeaderName, DIGEST_BYTES, isBase64Digest, parseChecksumAlgorithm } from './algorithms.ts';
import type { ChecksumAlgorithm } from './algorithms.ts';

export interface RequestedChecksums {
  algorithm?: ChecksumAlgorithm;
  /** Expected base64 value from the header; undefined when it comes in the trailer (or none was sent). */
  expectedBase64?: string;
  /** The value arrives as a trailing header of an aws-chunked body (x-amz-trailer). */
  fromTrailer: boolean;
  /** Content-MD5 as sent (base64 of 16 bytes), already validated. */
  contentMd5?: string;
}

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** Throws InvalidRequest "Value for x-amz-checksum-… header is invalid." unless `value` is a well-formed digest. */
export function checkChecksumValue(algorithm: ChecksumAlgorithm, value: string, where: 'header' | 'trailing header'): void {
  if (!isBase64Digest(value, DIGEST_BYTES[algorithm])) {
    throw new S3Error('InvalidRequest', `Value for ${checksumHeaderName(algorithm)} ${where} is invalid.`);
  }
}

export function requestedChecksums(headers: IncomingHttpHeaders): RequestedChecksums {
  const result: RequestedChecksums = { fromTrailer: false };

  const md5 = single(headers['content-md5']);
  if (md5 !== undefined) {
    if (!isBase64Digest(md5.trim(), 16)) throw new S3Error('InvalidDigest');
    result.contentMd5 = md5.trim();
  }

  // Only the five names S3 defines count: x-amz-checksum-type / -algorithm share the prefix but are not values.
  const inHeaders = CHECKSUM_ALGORITHMS.filter((a) => headers[checksumHeaderName(a)] !== undefined);
  if (inHeaders.length > 1) {
    throw new S3Error('InvalidRequest', 'Expecting a single x-amz-checksum- header. Multiple checksum Types are not allowed.');
  }

  const trailerNames = (single(headers['x-amz-trailer']) ?? '')
    .split(',')
    .map((n) => n.trim().toLowerCase())
    .filter((n) => n !== '');
  const inTrailer: ChecksumAlgorithm[] = [];
  for (const name of trailerNames) {
    const algorithm = name.startsWith('x-amz-checksum-') ? parseChecksumAlgorithm(name.slice('x-amz-checksum-'.length)) : undefined;
    if (algorithm === undefined) throw new S3Error('InvalidRequest', `The trailing header ${name.slice(0, 64)} is not supported.`);
    inTrailer.push(algorithm);
  }
  if (inTrailer.length > 1 || (inTrailer.length === 1 && inHeaders.length === 1)) {
    throw new S3Error('InvalidRequest', 'Expecting a single x-amz-checksum- header. Multiple checksum Types are not allowed.');
  }

  const sdkHeader = single(headers['x-amz-sdk-checksum-algorithm']);
  const sdkAlgorithm = sdkHeader === undefined ? undefined : parseChecksumAlgorithm(sdkHeader);
  if (sdkHeader !== undefined && sdkAlgorithm === undefined) {
    throw new S3Error('InvalidRequest', 'Value for x-amz-sdk-checksum-algorithm header is invalid.');
  }

  const fromHeader = inHeaders[0];
  const fromTrailer = inTrailer[0];
  if (fromHeader !== undefined) {
    const value = single(headers[checksumHeaderName(fromHeader)])?.trim() ?? '';
    checkChecksumValue(fromHeader, value, 'header');
    result.algorithm = fromHeader;
    result.expectedBase64 = value;
  } else if (fromTrailer !== undefined) {
    result.algorithm = fromTrailer;
    result.fromTrailer = true;
  } else if (sdkAlgorithm !== undefined) {
    throw new S3Error(
      'InvalidRequest',
      'x-amz-sdk-checksum-algorithm specified, but no corresponding x-amz-checksum-* or x-amz-trailer headers were found.',
    );
  }
  if (sdkAlgorithm !== undefined && sdkAlgorithm !== result.algorithm) {
    throw new S3Error('InvalidRequest', 'Value for x-amz-sdk-checksum-algorithm header is invalid.');
  }
  return result;
}
