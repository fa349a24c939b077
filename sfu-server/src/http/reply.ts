import type { Response } from 'express';
import type { z } from 'zod';

/**
 * Sends a body through its shared response schema: the console reads it with
 * the same schema, so what leaves the server is what both sides agreed on
 * (a body that does not fit is the server's bug, and answers 500).
 */
export function reply<S extends z.ZodType>(res: Response, schema: S, body: z.input<S>, status = 200): void {
  res.status(status).json(schema.parse(body));
}

/** Like reply() but typed only, not parsed: for a hot route whose body our code builds as the schema's type, where the parse is redundant. */
export function send<S extends z.ZodType>(res: Response, _schema: S, body: z.output<S>, status = 200): void {
  res.status(status).json(body);
}
