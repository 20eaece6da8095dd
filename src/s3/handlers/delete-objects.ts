// DeleteObjects: up to 1000 keys in one request; needs an integrity header (Content-MD5 or a flexible checksum).
import { S3Error, isS3Error } from '../../domain/errors.ts';
import { requireBucketName, type S3Context } from '../context.ts';
import { validateObjectKey } from '../request.ts';
import { xmlResponse, type S3Response } from '../response.ts';
import { childArray, childObject, childText, parseXmlBody } from '../xml/parser.ts';
import { renderXmlDocument, type XmlNode } from '../xml/writer.ts';

const MAX_KEYS = 1000;

export async function deleteObjects(ctx: S3Context): Promise<S3Response> {
  const bucket = await ctx.services.buckets.require(requireBucketName(ctx), ctx.principal);
  // AWS requires Content-MD5 here; newer SDKs send a CRC32 checksum instead, which counts as well.
  const hasIntegrity = Object.keys(ctx.headers).some((h) => h === 'content-md5' || h.startsWith('x-amz-checksum-') || h === 'x-amz-sdk-checksum-algorithm');
  if (!hasIntegrity) throw new S3Error('InvalidRequest', 'Missing required header for this request: Content-MD5');
  const request = childObject(parseXmlBody(await ctx.readControlBody()), 'Delete');
  const objects = childArray(request, 'Object');
  if (objects.length === 0 || objects.length > MAX_KEYS) throw new S3Error('MalformedXML');
  const quiet = childText(request, 'Quiet')?.trim().toLowerCase() === 'true';

  const deleted: XmlNode[] = [];
  const errors: XmlNode[] = [];
  for (const entry of objects) {
    const key = childText(entry, 'Key');
    if (key === undefined) throw new S3Error('MalformedXML');
    try {
      validateObjectKey(key);
      await ctx.services.objects.delete(bucket, key);
      if (!quiet) deleted.push({ Key: key });
    } catch (error) {
      if (!isS3Error(error)) throw error;
      errors.push({ Key: key, Code: error.code, Message: error.message });
    }
  }
  return xmlResponse(renderXmlDocument('DeleteResult', { Deleted: deleted, Error: errors }));
}
