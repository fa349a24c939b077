import fs from 'node:fs';
import path from 'node:path';
import express, { type Express, type Router } from 'express';
import { isConsolePage } from '@counterwatch/shared';
import type { Logger } from '../logger.js';
import { errorHandler, notFoundApi } from './errors.js';
import { requireSameOrigin } from './auth.js';

export interface HttpAppOptions {
  allowedOrigins: readonly string[];
  consoleDir: string;
  logger: Logger;
  /** Mounted under /api/v1, in order. */
  api: { path: string; router: Router }[];
}

export function createHttpApp(options: HttpAppOptions): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback'); // TLS terminates at a reverse proxy on the same host

  app.use((_req, res, next) => {
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Referrer-Policy', 'same-origin');
    res.setHeader('X-Frame-Options', 'DENY');
    res.setHeader(
      'Content-Security-Policy',
      "default-src 'self'; img-src 'self' data: blob:; media-src 'self' blob:; style-src 'self' 'unsafe-inline'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
    );
    next();
  });

  const api = express.Router();
  api.use(express.json({ limit: '1mb' }));
  api.use(requireSameOrigin(options.allowedOrigins));
  for (const { path: mount, router } of options.api) api.use(mount, router);
  api.use(notFoundApi);
  app.use('/api/v1', api);

  const indexHtml = path.join(options.consoleDir, 'index.html');
  if (fs.existsSync(indexHtml)) {
    app.use(express.static(options.consoleDir, { index: false, maxAge: '1h' }));
    app.get(/.*/, (req, res, next) => {
      if (!isConsolePage(req.path)) {
        next();
        return;
      }
      res.setHeader('Cache-Control', 'no-store');
      res.sendFile(indexHtml);
    });
  } else {
    options.logger.warn(
      { consoleDir: options.consoleDir },
      'console build not found; only the API is served',
    );
  }

  app.use(errorHandler(options.logger));
  return app;
}
