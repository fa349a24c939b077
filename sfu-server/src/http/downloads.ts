import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { Router } from 'express';
import { AppError } from '@counterwatch/shared';
import type { SessionService } from '../auth/SessionService.js';
import { requireUser, sessionOf } from './auth.js';
import { param } from './params.js';

interface Grant {
  sessionHash: string;
  root: string;
  file: string;
  contentType: string;
  downloadName: string | null;
  expiresAt: number;
}

/**
 * Short-lived links to files (a clip to play, an export to download): issued
 * after the permission check and the audit row, usable only by the same
 * session, and only for a file inside its root. Range requests play through
 * one grant, so one playback is one audit row.
 */
export class Downloads {
  readonly #grants = new Map<string, Grant>();
  readonly #ttlMs: number;

  constructor(ttlMs = 30 * 60_000) {
    this.#ttlMs = ttlMs;
  }

  grant(options: Omit<Grant, 'expiresAt'>): string {
    const root = path.resolve(options.root);
    const file = path.resolve(root, options.file);
    if (!file.startsWith(root + path.sep)) throw new AppError('not_found', 'no such file');
    const token = randomBytes(24).toString('base64url');
    this.#prune();
    this.#grants.set(token, { ...options, root, file, expiresAt: performance.now() + this.#ttlMs });
    return `/api/v1/files/${token}`;
  }

  routes(sessions: SessionService): Router {
    const router = Router();
    router.get('/:token', requireUser(sessions), (req, res, next) => {
      const grant = this.#grants.get(param(req, 'token'));
      if (!grant || grant.expiresAt < performance.now() || grant.sessionHash !== sessionOf(res).sessionHash) {
        throw new AppError('not_found', 'no such file');
      }
      res.setHeader('Cache-Control', 'private, no-store');
      if (grant.downloadName) res.attachment(grant.downloadName);
      res.type(grant.contentType);
      res.sendFile(path.relative(grant.root, grant.file), { root: grant.root, dotfiles: 'deny' }, (error) => {
        if (error && !res.headersSent) next(new AppError('not_found', 'no such file'));
      });
    });
    return router;
  }

  #prune(): void {
    const now = performance.now();
    for (const [token, grant] of this.#grants) if (grant.expiresAt < now) this.#grants.delete(token);
  }
}
