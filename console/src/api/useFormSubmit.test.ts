import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { RemoteError } from '@counterwatch/shared';
import { runFormSubmit, type FormResult, type Submission } from './useFormSubmit';

const NoteSchema = z.object({ note: z.string().trim().min(1) });

/** A request the test answers when it likes. */
function deferred<T>() {
  let resolve: (value: T) => void = () => undefined;
  let reject: (error: unknown) => void = () => undefined;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** The form's state as React would hold it, and every busy change in order. */
function form() {
  const state = {
    lang: 'en' as const,
    busy: false,
    busyChanges: [] as boolean[],
    result: { ok: false, text: 'the last line' } as FormResult | null,
    setBusy: (busy: boolean) => {
      state.busy = busy;
      state.busyChanges.push(busy);
    },
    setResult: (result: FormResult | null) => {
      state.result = result;
    },
  };
  return state;
}

function submission(
  overrides: Partial<Submission<typeof NoteSchema, string>> = {},
): Submission<typeof NoteSchema, string> {
  return {
    schema: NoteSchema,
    input: { note: 'rude' },
    invalid: 'Please enter a note.',
    request: () => Promise.resolve('saved'),
    onSuccess: () => undefined,
    ...overrides,
  };
}

describe('runFormSubmit', () => {
  it('sends nothing and says why when the input does not parse', async () => {
    const f = form();
    const sent: unknown[] = [];
    await runFormSubmit(
      f,
      submission({
        input: { note: '   ' },
        request: (body) => {
          sent.push(body);
          return Promise.resolve('saved');
        },
      }),
    );
    expect(sent).toEqual([]);
    expect(f.busyChanges).toEqual([]);
    expect(f.result).toEqual({ ok: false, text: 'Please enter a note.' });
  });

  it('is busy with the last line cleared while the request is out, then shows the success line', async () => {
    const f = form();
    const answer = deferred<string>();
    const sent: unknown[] = [];
    const answered: string[] = [];
    const done = runFormSubmit(
      f,
      submission({
        input: { note: '  rude  ' },
        request: (body) => {
          sent.push(body);
          return answer.promise;
        },
        onSuccess: (response) => answered.push(response),
        successText: (response) => `Flagged (${response}).`,
      }),
    );
    // The schema's output is sent: trimmed.
    expect(sent).toEqual([{ note: 'rude' }]);
    expect(f.busy).toBe(true);
    expect(f.result).toBeNull();
    answer.resolve('A001');
    await done;
    expect(answered).toEqual(['A001']);
    expect(f.busyChanges).toEqual([true, false]);
    expect(f.result).toEqual({ ok: true, text: 'Flagged (A001).' });
  });

  it('shows no line after a success the form does not announce', async () => {
    const f = form();
    await runFormSubmit(f, submission());
    expect(f.busyChanges).toEqual([true, false]);
    expect(f.result).toBeNull();
  });

  it('shows a failure in words, in the form’s language, and is no longer busy', async () => {
    const f = form();
    let succeeded = false;
    await runFormSubmit(
      f,
      submission({
        request: () => Promise.reject(new RemoteError({ code: 'not_found', message: 'no such service' })),
        onSuccess: () => {
          succeeded = true;
        },
        successText: () => 'done',
      }),
    );
    expect(succeeded).toBe(false);
    expect(f.busyChanges).toEqual([true, false]);
    expect(f.result).toEqual({ ok: false, text: 'Not found.' });
  });

  it('lets the form word a refusal it expects, and leaves the others to describeError', async () => {
    const mapError = (e: unknown) =>
      e instanceof RemoteError && e.code === 'conflict' ? 'Nobody is at this counter.' : undefined;
    const conflict = form();
    await runFormSubmit(
      conflict,
      submission({
        request: () => Promise.reject(new RemoteError({ code: 'conflict', message: 'idle' })),
        mapError,
      }),
    );
    expect(conflict.result).toEqual({ ok: false, text: 'Nobody is at this counter.' });

    const offline = form();
    await runFormSubmit(
      offline,
      submission({ request: () => Promise.reject(new Error('fetch failed')), mapError }),
    );
    expect(offline.result).toEqual({ ok: false, text: 'Cannot reach the server (fetch failed)' });
    expect(offline.busy).toBe(false);
  });
});
