// Request bodies of the identity API checked against zod schemas, with Keystone's 400 on a mismatch.
import type { z } from 'zod';
import { IdentityError } from '../domain/identity/model.ts';

/** The body checked against a zod schema, 400 on a mismatch. Messages name fields, never values (a value may be a password). */
export function parseBody<T extends z.ZodType>(schema: T, value: unknown): z.infer<T> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.slice(0, 3).map((issue) => `${issue.path.join('.') || 'body'}: ${issue.code}`);
  throw new IdentityError('BadRequest', `Invalid request body (${problems.join('; ')}).`);
}
