import { pino, type Logger } from 'pino';
import { setListenerErrorHandler } from '@counterwatch/shared';

export type { Logger };

/**
 * The root logger. Modules take a child (`logger.child({ module })`) and
 * entities a grandchild (`{ counterId }`). Messages are static strings;
 * variable facts go in fields; personal data only under `pii`.
 * Secrets are redacted wherever they appear by name.
 */
export function createRootLogger(level: string): Logger {
  const root = pino({
    level,
    base: { service: 'sfu-server' },
    redact: {
      paths: [
        'token',
        '*.token',
        'password',
        '*.password',
        'apiKey',
        '*.apiKey',
        'keys',
        '*.keys',
        'srtpParameters',
        '*.srtpParameters',
        'sfuKey',
        '*.sfuKey',
        'cookie',
        '*.cookie',
        'req.headers.cookie',
        'req.headers.authorization',
      ],
      censor: '[redacted]',
    },
  });
  setListenerErrorHandler((error, event) => root.error({ err: error, event }, 'event listener threw'));
  return root;
}
