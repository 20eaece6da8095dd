// Part numbers are integers 1..10000 (AWS); anything else is InvalidArgument.
import { S3Error } from '../../domain/errors.ts';
import { MAX_PART_NUMBER } from '../../domain/multipart.ts';

export function parsePartNumber(text: string): number {
  if (!/^\d{1,5}$/.test(text)) throw new S3Error('InvalidArgument', 'Part number must be an integer between 1 and 10000, inclusive.');
  const value = Number(text);
  if (value < 1 || value > MAX_PART_NUMBER) {
    throw new S3Error('InvalidArgument', 'Part number must be an integer between 1 and 10000, inclusive.');
  }
  return value;
}
