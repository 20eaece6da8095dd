// Renders an S3Error as the XML body (Code, Message, Resource, RequestId) AWS clients parse.
import type { S3Error } from '../domain/errors.ts';
import { renderXmlDocument } from './xml/writer.ts';
import type { S3Response } from './response.ts';

export function errorResponse(error: S3Error, resource: string, requestId: string): S3Response {
  const xml = renderXmlDocument(
    'Error',
    { Code: error.code, Message: error.message, ...error.details, Resource: resource, RequestId: requestId },
    false,
  );
  return {
    status: error.status,
    headers: { 'content-type': 'application/xml', ...error.headers },
    body: error.status === 304 ? undefined : xml,
  };
}
