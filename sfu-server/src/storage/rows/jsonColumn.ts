import type { z } from 'zod';

/** A JSON column parsed through its schema: a corrupted row fails loudly, not as a wrong type. */
export function json<S extends z.ZodType>(schema: S, text: string, column: string): z.output<S> {
  const result = schema.safeParse(JSON.parse(text));
  if (!result.success) throw new Error(`corrupt ${column} column: ${result.error.message}`);
  return result.data;
}
