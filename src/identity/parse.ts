// Request validation for the identity API: a zod schema over the JSON body or query, 400 on a
// mismatch. Messages name fields, never values (a value may be a password).
import type { z } from 'zod';
import { IdentityError } from '../domain/identity/model.ts';

export function parseBody<T extends z.ZodType>(schema: T, value: unknown): z.infer<T> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.slice(0, 3).map((issue) => `${issue.path.join('.') || 'body'}: ${issue.code}`);
  throw new IdentityError('BadRequest', `Invalid request body (${problems.join('; ')}).`);
}

/** An optional boolean query or body flag given as true/false. */
export function optionalBoolean(value: string | null): boolean | undefined {
  if (value === null) return undefined;
  if (value === 'true' || value === 'True' || value === '1') return true;
  if (value === 'false' || value === 'False' || value === '0') return false;
  throw new IdentityError('BadRequest', `Invalid boolean: ${value.slice(0, 16)}.`);
}
