// The operation table: S3 operation name → handler.
import type { S3Context } from '../context.ts';
import type { S3Response } from '../response.ts';
import { abortMultipartUpload } from './abort-multipart-upload.ts';
import { deleteBucketEncryption, getBucketEncryption, putBucketEncryption } from './bucket-encryption.ts';
import * as probes from './bucket-probes.ts';
import { completeMultipartUpload } from './complete-multipart-upload.ts';
import { copyObject } from './copy-object.ts';
import { createBucket } from './create-bucket.ts';
import { createMultipartUpload } from './create-multipart-upload.ts';
import { deleteBucket } from './delete-bucket.ts';
import { deleteObject } from './delete-object.ts';
import { deleteObjects } from './delete-objects.ts';
import { getBucketLocation } from './get-bucket-location.ts';
import { getObject, headObject } from './get-object.ts';
import { getObjectAttributes } from './get-object-attributes.ts';
import { headBucket } from './head-bucket.ts';
import { listBuckets } from './list-buckets.ts';
import { listMultipartUploads } from './list-multipart-uploads.ts';
import { listObjectVersions } from './list-object-versions.ts';
import { listObjects, listObjectsV2 } from './list-objects.ts';
import { listParts } from './list-parts.ts';
import { getObjectAcl, getObjectTagging } from './object-probes.ts';
import { putObject } from './put-object.ts';
import { uploadPart } from './upload-part.ts';
import { uploadPartCopy } from './upload-part-copy.ts';

export type Handler = (ctx: S3Context) => Promise<S3Response>;

export const handlers: Readonly<Record<string, Handler>> = {
  ListBuckets: listBuckets,
  CreateBucket: createBucket,
  HeadBucket: headBucket,
  DeleteBucket: deleteBucket,
  GetBucketLocation: getBucketLocation,
  GetBucketVersioning: probes.getBucketVersioning,
  GetBucketAcl: probes.getBucketAcl,
  GetBucketTagging: probes.getBucketTagging,
  GetBucketCors: probes.getBucketCors,
  GetBucketPolicy: probes.getBucketPolicy,
  GetBucketLifecycleConfiguration: probes.getBucketLifecycleConfiguration,
  GetBucketWebsite: probes.getBucketWebsite,
  PutBucketEncryption: putBucketEncryption,
  GetBucketEncryption: getBucketEncryption,
  DeleteBucketEncryption: deleteBucketEncryption,
  ListObjects: listObjects,
  ListObjectsV2: listObjectsV2,
  ListObjectVersions: listObjectVersions,
  PutObject: putObject,
  GetObject: getObject,
  HeadObject: headObject,
  DeleteObject: deleteObject,
  DeleteObjects: deleteObjects,
  CopyObject: copyObject,
  GetObjectAttributes: getObjectAttributes,
  GetObjectAcl: getObjectAcl,
  GetObjectTagging: getObjectTagging,
  CreateMultipartUpload: createMultipartUpload,
  UploadPart: uploadPart,
  UploadPartCopy: uploadPartCopy,
  CompleteMultipartUpload: completeMultipartUpload,
  AbortMultipartUpload: abortMultipartUpload,
  ListParts: listParts,
  ListMultipartUploads: listMultipartUploads,
  NotImplemented: probes.notImplemented,
};
