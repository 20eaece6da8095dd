// CreateBucket: naming rules, optional CreateBucketConfiguration with a LocationConstraint.
import { S3Error } from '../../domain/errors.ts';
import { requireBucketName, type S3Context } from '../context.ts';
import { validateBucketName } from '../request.ts';
import { emptyResponse, type S3Response } from '../response.ts';
import { childText, parseXmlBody, type XmlObject } from '../xml/parser.ts';

export async function createBucket(ctx: S3Context): Promise<S3Response> {
  const name = requireBucketName(ctx);
  validateBucketName(name);
  const body = await ctx.readControlBody(64 * 1024);
  if (body.length > 0) {
    const config = parseXmlBody(body)['CreateBucketConfiguration'];
    if (config === undefined) throw new S3Error('MalformedXML');
    const location = typeof config === 'object' && config !== null ? childText(config as XmlObject, 'LocationConstraint') : undefined;
    // us-east-1 is spelled as an absent or empty constraint; any other region must be ours.
    if (location !== undefined && location !== '' && location !== ctx.services.region) {
      throw new S3Error('InvalidLocationConstraint');
    }
  }
  await ctx.services.buckets.create(name, ctx.principal);
  return emptyResponse(200, { location: `/${name}` });
}
