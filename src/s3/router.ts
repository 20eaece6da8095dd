// Chooses the S3 operation from method, addressing level, query keywords and a few headers.
// S3 does not route by path alone, so this is a table, checked in order (most specific first).

export type Target = 'service' | 'bucket' | 'object';

export interface Route {
  operation: string;
  method: string;
  target: Target;
  /** A query parameter that must be present (e.g. `uploads`, `uploadId`). */
  query?: string;
  /** A header that must be present (e.g. `x-amz-copy-source`). */
  header?: string;
}

const bucketSubresources = ['acl', 'cors', 'policy', 'lifecycle', 'website', 'tagging', 'encryption', 'versioning'];

export const routes: readonly Route[] = [
  { operation: 'ListBuckets', method: 'GET', target: 'service' },

  { operation: 'ListMultipartUploads', method: 'GET', target: 'bucket', query: 'uploads' },
  { operation: 'GetBucketLocation', method: 'GET', target: 'bucket', query: 'location' },
  { operation: 'GetBucketVersioning', method: 'GET', target: 'bucket', query: 'versioning' },
  { operation: 'ListObjectVersions', method: 'GET', target: 'bucket', query: 'versions' },
  { operation: 'GetBucketAcl', method: 'GET', target: 'bucket', query: 'acl' },
  { operation: 'GetBucketEncryption', method: 'GET', target: 'bucket', query: 'encryption' },
  { operation: 'GetBucketTagging', method: 'GET', target: 'bucket', query: 'tagging' },
  { operation: 'GetBucketCors', method: 'GET', target: 'bucket', query: 'cors' },
  { operation: 'GetBucketPolicy', method: 'GET', target: 'bucket', query: 'policy' },
  { operation: 'GetBucketLifecycleConfiguration', method: 'GET', target: 'bucket', query: 'lifecycle' },
  { operation: 'GetBucketWebsite', method: 'GET', target: 'bucket', query: 'website' },
  { operation: 'PutBucketEncryption', method: 'PUT', target: 'bucket', query: 'encryption' },
  { operation: 'DeleteBucketEncryption', method: 'DELETE', target: 'bucket', query: 'encryption' },
  { operation: 'DeleteObjects', method: 'POST', target: 'bucket', query: 'delete' },
  ...bucketSubresources.map((query) => ({ operation: 'NotImplemented', method: 'PUT', target: 'bucket' as const, query })),
  ...bucketSubresources.map((query) => ({ operation: 'NotImplemented', method: 'DELETE', target: 'bucket' as const, query })),
  { operation: 'ListObjectsV2', method: 'GET', target: 'bucket', query: 'list-type' },
  { operation: 'ListObjects', method: 'GET', target: 'bucket' },
  { operation: 'HeadBucket', method: 'HEAD', target: 'bucket' },
  { operation: 'CreateBucket', method: 'PUT', target: 'bucket' },
  { operation: 'DeleteBucket', method: 'DELETE', target: 'bucket' },

  { operation: 'CreateMultipartUpload', method: 'POST', target: 'object', query: 'uploads' },
  { operation: 'CompleteMultipartUpload', method: 'POST', target: 'object', query: 'uploadId' },
  { operation: 'UploadPartCopy', method: 'PUT', target: 'object', query: 'uploadId', header: 'x-amz-copy-source' },
  { operation: 'UploadPart', method: 'PUT', target: 'object', query: 'uploadId' },
  { operation: 'AbortMultipartUpload', method: 'DELETE', target: 'object', query: 'uploadId' },
  { operation: 'ListParts', method: 'GET', target: 'object', query: 'uploadId' },
  { operation: 'GetObjectAcl', method: 'GET', target: 'object', query: 'acl' },
  { operation: 'GetObjectAttributes', method: 'GET', target: 'object', query: 'attributes' },
  { operation: 'GetObjectTagging', method: 'GET', target: 'object', query: 'tagging' },
  { operation: 'NotImplemented', method: 'PUT', target: 'object', query: 'tagging' },
  { operation: 'NotImplemented', method: 'PUT', target: 'object', query: 'acl' },
  { operation: 'CopyObject', method: 'PUT', target: 'object', header: 'x-amz-copy-source' },
  { operation: 'PutObject', method: 'PUT', target: 'object' },
  { operation: 'GetObject', method: 'GET', target: 'object' },
  { operation: 'HeadObject', method: 'HEAD', target: 'object' },
  { operation: 'DeleteObject', method: 'DELETE', target: 'object' },
];

export interface RoutingInput {
  method: string;
  bucket: string | undefined;
  key: string | undefined;
  query: URLSearchParams;
  headers: Record<string, string | string[] | undefined>;
}

/** The routes of each method and target, in table order: a request scans only its own few. */
const routesByMethodAndTarget = new Map<string, Route[]>();
for (const route of routes) {
  const id = `${route.method} ${route.target}`;
  routesByMethodAndTarget.set(id, [...(routesByMethodAndTarget.get(id) ?? []), route]);
}

/** The operation name, or undefined when no route matches (MethodNotAllowed). */
export function resolveOperation(input: RoutingInput): string | undefined {
  const target: Target = input.bucket === undefined ? 'service' : input.key === undefined ? 'bucket' : 'object';
  const route = routesByMethodAndTarget.get(`${input.method} ${target}`)?.find(
    (r) =>
      (r.query === undefined || input.query.has(r.query)) &&
      (r.header === undefined || input.headers[r.header] !== undefined),
  );
  return route?.operation;
}
