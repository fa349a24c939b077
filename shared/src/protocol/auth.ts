import { z } from 'zod';
import { EpochMsSchema } from '../domain/ids.js';
import { UserSchema } from '../domain/users.js';

/** Shapes of `/api/v1/auth`: login, logout, "who am I". */
export const LoginSchema = z.object({
  username: z.string().min(1).max(40),
  password: z.string().min(1).max(200),
});
export const LoginResponseSchema = z.object({ user: UserSchema, expiresAt: EpochMsSchema });
/** `GET /auth/session`: the user, or null when not logged in (never a 401 for a page still loading). */
export const SessionStateSchema = z.object({
  user: UserSchema.nullable(),
  expiresAt: EpochMsSchema.nullable(),
});

/** What a route that only acts answers. */
export const OkSchema = z.object({ ok: z.literal(true) });
