import { useState } from 'react';
import type { z } from 'zod';
import type { Lang } from '../i18n/lang';
import { useStore } from '../store/store';
import { describeError } from './describeError';

/** A form's last outcome, as one line to show: done (ok) or refused. */
export interface FormResult {
  ok: boolean;
  text: string;
}

/** One submission: what the form sends, where, and what it does with the answer. */
export interface Submission<S extends z.ZodType, R> {
  /** The request body is `input` as `schema` parses it. */
  schema: S;
  /** What the form holds; unchecked, since the schema is what checks it. */
  input: unknown;
  /** The line shown when `input` does not parse; nothing is sent then. */
  invalid: string;
  request: (body: z.output<S>) => Promise<R>;
  /** Resets the form after the server accepted it. */
  onSuccess: (response: R) => void;
  /** The line to show then; none without it. */
  successText?: (response: R) => string;
  /** The form's own words for a refusal it expects; undefined leaves it to describeError. */
  mapError?: (error: unknown) => string | undefined;
}

/** What runFormSubmit needs of the form: its language and its two pieces of state. */
export interface FormState {
  lang: Lang;
  setBusy: (busy: boolean) => void;
  setResult: (result: FormResult | null) => void;
}

/**
 * Validate, then send: busy (and the last line cleared) while the request is
 * out, then the success line or the failure in words. Apart from React so
 * the unit tests can run it without a DOM.
 */
export function runFormSubmit<S extends z.ZodType, R>(
  form: FormState,
  submission: Submission<S, R>,
): Promise<void> {
  const body = submission.schema.safeParse(submission.input);
  if (!body.success) {
    form.setResult({ ok: false, text: submission.invalid });
    return Promise.resolve();
  }
  form.setBusy(true);
  form.setResult(null);
  return submission
    .request(body.data)
    .then((response) => {
      submission.onSuccess(response);
      if (submission.successText) form.setResult({ ok: true, text: submission.successText(response) });
    })
    .catch((e: unknown) =>
      form.setResult({ ok: false, text: submission.mapError?.(e) ?? describeError(form.lang, e) }),
    )
    .finally(() => form.setBusy(false));
}

/**
 * The "fill in, submit, see the outcome" state the review forms share:
 * `busy` while a request is out (their submit buttons are disabled then) and
 * the last `result`. `setResult` is for a form that clears the line itself
 * (closing, editing a field).
 */
export function useFormSubmit() {
  const lang = useStore((s) => s.lang);
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<FormResult | null>(null);
  const submit = <S extends z.ZodType, R>(submission: Submission<S, R>): void => {
    // Nothing to await: a failed request ends as the result line, not a rejection.
    void runFormSubmit({ lang, setBusy, setResult }, submission);
  };
  return { busy, result, setResult, submit };
}
