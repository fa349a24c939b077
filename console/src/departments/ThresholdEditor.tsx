import { useEffect, useState, type SyntheticEvent } from 'react';
import {
  AlertThresholdsSchema,
  DEFAULT_THRESHOLDS,
  RemoteError,
  ThresholdsResponseSchema,
  type AlertThresholds,
  ValidationIssuesSchema,
} from '@counterwatch/shared';
import { apiRequest } from '../api/http';
import { describeError } from '../api/describeError';
import { useT } from '../i18n/i18n';
import type { MessageKey } from '../i18n/messages';
import { useStore } from '../store/store';

type Field = keyof AlertThresholds;
type FormValues = Record<Field, string>;
type FieldErrors = Partial<Record<Field, string>>;

/** Form order, with each field's label and unit. */
const FIELDS: readonly { name: Field; label: MessageKey; unit: MessageKey }[] = [
  { name: 'queuePerCounter', label: 'thresholds.queuePerCounter', unit: 'unit.peoplePerCounter' },
  { name: 'longestWaitMinutes', label: 'thresholds.longestWaitMinutes', unit: 'unit.min' },
  { name: 'expectedWaitMinutes', label: 'thresholds.expectedWaitMinutes', unit: 'unit.min' },
  { name: 'idleMinutes', label: 'thresholds.idleMinutes', unit: 'unit.min' },
  { name: 'longServiceMinutes', label: 'thresholds.longServiceMinutes', unit: 'unit.min' },
  { name: 'mediaOfflineMinutes', label: 'thresholds.mediaOfflineMinutes', unit: 'unit.min' },
  { name: 'minSatisfactionPercent', label: 'thresholds.minSatisfactionPercent', unit: 'unit.percent' },
  { name: 'minRatingsForSatisfaction', label: 'thresholds.minRatingsForSatisfaction', unit: 'unit.ratings' },
];

/** Bounds straight from the shared schema, so the form and the server agree. */
function bounds(name: Field): { min: number; max: number } {
  const schema = AlertThresholdsSchema.shape[name];
  return { min: schema.minValue ?? 0, max: schema.maxValue ?? Number.MAX_SAFE_INTEGER };
}

/** Every field through `f`: spelled out, so a field added to the schema is a compile error here. */
function perField<T>(f: (name: Field) => T): Record<Field, T> {
  return {
    queuePerCounter: f('queuePerCounter'),
    longestWaitMinutes: f('longestWaitMinutes'),
    expectedWaitMinutes: f('expectedWaitMinutes'),
    idleMinutes: f('idleMinutes'),
    longServiceMinutes: f('longServiceMinutes'),
    mediaOfflineMinutes: f('mediaOfflineMinutes'),
    minSatisfactionPercent: f('minSatisfactionPercent'),
    minRatingsForSatisfaction: f('minRatingsForSatisfaction'),
  };
}

function toForm(thresholds: AlertThresholds): FormValues {
  return perField((name) => String(thresholds[name]));
}

const FIELD_NAMES = new Set<string>(FIELDS.map((f) => f.name));
function isField(name: unknown): name is Field {
  return typeof name === 'string' && FIELD_NAMES.has(name);
}

/** The server's validation details (`{ issues: [{ path, message }] }`), when it sent them. */

/**
 * Alert thresholds of one department. Shown to directors and admins only;
 * the server enforces the same (403 for anyone else).
 */
export function ThresholdEditor({ departmentId }: { departmentId: string }) {
  const t = useT();
  const lang = useStore((s) => s.lang);
  const [values, setValues] = useState<FormValues | null>(null);
  const [fieldErrors, setFieldErrors] = useState<FieldErrors>({});
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    let current = true;
    setValues(null);
    setFieldErrors({});
    setError(null);
    setSaved(false);
    apiRequest(
      'GET',
      `/api/v1/departments/${encodeURIComponent(departmentId)}/thresholds`,
      ThresholdsResponseSchema,
    )
      .then((r) => {
        if (current) setValues(toForm(r.thresholds));
      })
      .catch((e: unknown) => {
        if (current) setError(describeError(lang, e));
      });
    return () => {
      current = false;
    };
    // The language only changes how an error reads; it is no reason to reload.
  }, [departmentId]);

  const rangeMessage = (name: Field): string => t('thresholds.range', bounds(name));

  const submit = (event: SyntheticEvent<HTMLFormElement>): void => {
    event.preventDefault();
    if (!values) return;
    const candidate = perField((name) => (values[name].trim() === '' ? Number.NaN : Number(values[name])));
    const parsed = AlertThresholdsSchema.safeParse(candidate);
    if (!parsed.success) {
      const errors: FieldErrors = {};
      for (const issue of parsed.error.issues) {
        const name = issue.path[0];
        if (isField(name)) errors[name] = rangeMessage(name);
      }
      setFieldErrors(errors);
      setSaved(false);
      return;
    }
    setBusy(true);
    setError(null);
    setFieldErrors({});
    setSaved(false);
    apiRequest(
      'PUT',
      `/api/v1/departments/${encodeURIComponent(departmentId)}/thresholds`,
      ThresholdsResponseSchema,
      parsed.data,
    )
      .then((r) => {
        setValues(toForm(r.thresholds));
        setSaved(true);
      })
      .catch((e: unknown) => {
        const issues = e instanceof RemoteError ? ValidationIssuesSchema.safeParse(e.details) : undefined;
        if (issues?.success) {
          const errors: FieldErrors = {};
          for (const issue of issues.data.issues) {
            if (isField(issue.path)) errors[issue.path] = `${rangeMessage(issue.path)} (${issue.message})`;
          }
          setFieldErrors(errors);
        }
        setError(describeError(lang, e));
      })
      .finally(() => setBusy(false));
  };

  return (
    <section className="threshold-editor" aria-labelledby="thresholds-title">
      <h3 id="thresholds-title" className="section-title">
        {t('thresholds.title')}
      </h3>
      {values === null ? (
        error ? (
          <p className="error" role="alert">
            {error}
          </p>
        ) : (
          <p className="muted">{t('common.loading')}</p>
        )
      ) : (
        <form onSubmit={submit} noValidate>
          <div className="threshold-grid">
            {FIELDS.map((f) => {
              const { min, max } = bounds(f.name);
              const errorId = `threshold-${f.name}-error`;
              const fieldError = fieldErrors[f.name];
              return (
                <label key={f.name} className="threshold-field">
                  <span>{t(f.label)}</span>
                  <span className="input-with-unit">
                    <input
                      type="number"
                      inputMode="numeric"
                      name={f.name}
                      min={min}
                      max={max}
                      step={1}
                      value={values[f.name]}
                      aria-invalid={fieldError ? true : undefined}
                      aria-describedby={fieldError ? errorId : undefined}
                      onChange={(e) => {
                        setValues({ ...values, [f.name]: e.target.value });
                        setSaved(false);
                      }}
                    />
                    <span className="muted">{t(f.unit)}</span>
                  </span>
                  {fieldError && (
                    <span className="error field-error" id={errorId}>
                      {fieldError}
                    </span>
                  )}
                </label>
              );
            })}
          </div>
          {error && (
            <p className="error" role="alert">
              {error}
            </p>
          )}
          <div className="row-actions">
            <button type="submit" disabled={busy}>
              {t('thresholds.save')}
            </button>
            <button
              type="button"
              onClick={() => {
                setValues(toForm(DEFAULT_THRESHOLDS));
                setFieldErrors({});
                setSaved(false);
              }}
            >
              {t('thresholds.defaults')}
            </button>
            <span role="status" className="ok">
              {saved ? t('thresholds.saved') : ''}
            </span>
          </div>
        </form>
      )}
    </section>
  );
}
