// Reads what a call failed with: the S3 error code from a client, or the IdentityError kind from the identity domain.
import { S3ServiceException } from '@aws-sdk/client-s3';
import { IdentityError } from '../../src/domain/identity/model.ts';

export async function errorCode(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof S3ServiceException) return error.name;
    throw error;
  }
  return 'no error';
}

export async function errorStatus(promise: Promise<unknown>): Promise<number | undefined> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof S3ServiceException) return error.$metadata.httpStatusCode;
    throw error;
  }
  return undefined;
}

/** The kind of IdentityError a domain call was refused with, or 'ok' when it succeeded. */
export async function identityErrorKind(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof IdentityError) return error.kind;
    throw error;
  }
  return 'ok';
}
