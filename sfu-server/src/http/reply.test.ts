import type { AddressInfo } from 'node:net';
import express, { type Response as ExpressResponse } from 'express';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { errorHandler } from './errors.js';
import { reply, send } from './reply.js';

describe('reply', () => {
  let close: (() => void) | undefined;
  afterEach(() => close?.());

  const Schema = z.object({ observationId: z.number().int().positive() });

  async function serve(body: unknown, status?: number, how: 'reply' | 'send' = 'reply'): Promise<Response> {
    const app = express();
    app.get('/', (_req, res) =>
      how === 'reply'
        ? reply(res, Schema, body as z.input<typeof Schema>, status)
        : send(res, Schema, body as z.output<typeof Schema>, status),
    );
    app.use(errorHandler(pino({ level: 'silent' })));
    const server = app.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    close = () => server.close();
    return fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
  }

  it('sends what fits the schema, with its status, and nothing the schema does not name', async () => {
    const res = await serve({ observationId: 7, internal: 'secret' }, 201);
    expect(res.status).toBe(201);
    expect(await res.json()).toEqual({ observationId: 7 });
  });

  it('a body that does not fit is the server’s fault: 500, and none of it leaves', async () => {
    const res = await serve({ observationId: -1 });
    expect(res.status).toBe(500);
    expect(await res.json()).toEqual({ error: { code: 'internal', message: 'internal error' } });
  });

  describe('send', () => {
    it('sends the body as built, with its status: typed by the schema, not parsed (nothing stripped or checked)', async () => {
      const res = await serve({ observationId: 7, internal: 'kept' }, 202, 'send');
      expect(res.status).toBe(202);
      expect(await res.json()).toEqual({ observationId: 7, internal: 'kept' });
    });

    it('takes only a body of the schema’s type (checked by tsc -b)', () => {
      const res = { status: () => ({ json: () => undefined }) } as unknown as ExpressResponse;
      send(res, Schema, { observationId: 7 });
      // @ts-expect-error a body missing the schema's field does not compile
      send(res, Schema, {});
      // @ts-expect-error nor one whose field has the wrong type
      send(res, Schema, { observationId: '7' });
    });
  });
});
