import { z } from 'zod';

// In a browser the server's Content-Security-Policy has no 'unsafe-eval': zod must neither probe
// for nor compile parsers with `new Function` (every probe is a CSP violation). It decides when an
// object schema is built, so this runs before any schema of this package is: first in index.ts.
// Node keeps zod's compiled parsers.
if (typeof window !== 'undefined') z.config({ jitless: true });
