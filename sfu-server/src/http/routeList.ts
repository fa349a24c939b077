import type { Express } from 'express';
import type { RouteInfo } from '@counterwatch/shared';

interface LayerLike {
  rawPath?: unknown;
  route?: { path: unknown; methods?: Record<string, boolean> };
  handle?: { stack?: LayerLike[] };
}

/**
 * Every route the app serves, by walking its routers. Operators see the API
 * surface; the access-matrix test tries each one without rights.
 */
export function listRoutes(app: Express): RouteInfo[] {
  const out: RouteInfo[] = [];
  const walk = (stack: LayerLike[], prefix: string): void => {
    for (const layer of stack) {
      if (layer.route && typeof layer.route.path === 'string') {
        const path = join(prefix, layer.route.path);
        for (const [method, on] of Object.entries(layer.route.methods ?? {})) {
          if (on && method !== '_all') out.push({ method: method.toUpperCase(), path });
        }
      } else if (layer.handle?.stack) {
        const mount = typeof layer.rawPath === 'string' ? layer.rawPath : '';
        walk(layer.handle.stack, join(prefix, mount));
      }
    }
  };
  const router = (app as unknown as { router?: { stack?: LayerLike[] } }).router;
  walk(router?.stack ?? [], '');
  return out.filter((r, i) => out.findIndex((o) => o.method === r.method && o.path === r.path) === i);
}

function join(a: string, b: string): string {
  const joined = `${a}/${b}`.replace(/\/+/g, '/');
  return joined.length > 1 ? joined.replace(/\/$/, '') : joined;
}
