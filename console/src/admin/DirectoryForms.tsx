import { useState, type ReactNode, type SyntheticEvent } from 'react';
import {
  DirectoryImportResultSchema,
  SERVICES,
  RemoteError,
  type DepartmentLevel,
  type DirectoryEntries,
  type DirectoryImportResult,
  OkSchema,
  DirectoryImportErrorsSchema,
} from '@counterwatch/shared';
import { describeError } from '../api/describeError';
import { apiRequest } from '../api/http';
import { useT } from '../i18n/i18n';
import { useStore } from '../store/store';

/** Checkboxes for the services a department offers or a counter serves. */
export function ServicePicker({
  value,
  onChange,
  name,
}: {
  value: string[];
  onChange: (next: string[]) => void;
  name: string;
}) {
  const lang = useStore((s) => s.lang);
  return (
    <span className="checkbox-row" role="group">
      {SERVICES.map((s) => (
        <label key={s.code} className="checkbox">
          <input
            type="checkbox"
            name={name}
            value={s.code}
            checked={value.includes(s.code)}
            onChange={(e) =>
              onChange(e.target.checked ? [...value, s.code] : value.filter((c) => c !== s.code))
            }
          />
          {lang === 'vi' ? s.vi : s.en}
        </label>
      ))}
    </span>
  );
}

function Form({
  title,
  form,
  busy,
  error,
  submit,
  onSubmit,
  children,
}: {
  title: string;
  form: string;
  busy: boolean;
  error: unknown;
  submit: string;
  onSubmit: () => Promise<void>;
  children: ReactNode;
}) {
  const lang = useStore((s) => s.lang);
  const handle = (event: SyntheticEvent<HTMLFormElement>): void => {
    event.preventDefault();
    void onSubmit();
  };
  return (
    <form className="panel-box user-editor" onSubmit={handle} data-form={form}>
      <h4 className="subsection-title">{title}</h4>
      <div className="form-grid">{children}</div>
      <div className="row-actions">
        <button type="submit" className="primary" disabled={busy} data-action={form}>
          {submit}
        </button>
      </div>
      {error !== null && (
        <p className="error" role="alert">
          {describeError(lang, error)}
        </p>
      )}
    </form>
  );
}

/** Runs a form's request, keeping its error; `done` after success. */
function useSubmit(done: () => void) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const run = async (action: () => Promise<void>): Promise<void> => {
    setBusy(true);
    setError(null);
    try {
      await action();
      done();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  return { busy, error, run };
}

export function AddDepartment({ onDone }: { onDone: () => void }) {
  const t = useT();
  const [id, setId] = useState('');
  const [name, setName] = useState('');
  const [level, setLevel] = useState<DepartmentLevel>('commune');
  const [days, setDays] = useState([1, 2, 3, 4, 5, 6]);
  const [open, setOpen] = useState('07:30');
  const [close, setClose] = useState('17:00');
  const [services, setServices] = useState<string[]>([]);
  const { busy, error, run } = useSubmit(() => {
    setId('');
    setName('');
    onDone();
  });
  return (
    <Form
      title={t('admin.dir.addDepartment')}
      form="add-department"
      submit={t('admin.dir.addDepartment')}
      busy={busy}
      error={error}
      onSubmit={() =>
        run(async () => {
          await apiRequest('POST', '/api/v1/admin/directory/departments', OkSchema, {
            id: id.trim(),
            name,
            level,
            openingHours: { days, open, close },
            services,
          });
        })
      }
    >
      <label className="field">
        {t('admin.dir.id')}
        <input name="id" value={id} required maxLength={64} onChange={(e) => setId(e.target.value)} />
      </label>
      <label className="field">
        {t('admin.dir.name')}
        <input name="name" value={name} required maxLength={120} onChange={(e) => setName(e.target.value)} />
      </label>
      <label className="field">
        {t('admin.dir.level')}
        <select
          name="level"
          value={level}
          onChange={(e) => setLevel(e.target.value === 'provincial' ? 'provincial' : 'commune')}
        >
          <option value="commune">{t('admin.dir.level.commune')}</option>
          <option value="provincial">{t('admin.dir.level.provincial')}</option>
        </select>
      </label>
      <fieldset className="field">
        <legend>{t('admin.dir.days')}</legend>
        <span className="checkbox-row">
          {[1, 2, 3, 4, 5, 6, 7].map((d) => (
            <label key={d} className="checkbox">
              <input
                type="checkbox"
                name="days"
                checked={days.includes(d)}
                onChange={(e) =>
                  setDays(e.target.checked ? [...days, d].sort() : days.filter((x) => x !== d))
                }
              />
              {t(`admin.dir.day.${d}` as 'admin.dir.day.1')}
            </label>
          ))}
        </span>
      </fieldset>
      <label className="field">
        {t('admin.dir.open')}
        <input
          name="open"
          value={open}
          required
          inputMode="numeric"
          pattern="([01][0-9]|2[0-3]):[0-5][0-9]"
          placeholder="HH:MM"
          maxLength={5}
          onChange={(e) => setOpen(e.target.value)}
        />
      </label>
      <label className="field">
        {t('admin.dir.close')}
        <input
          name="close"
          value={close}
          required
          inputMode="numeric"
          pattern="([01][0-9]|2[0-3]):[0-5][0-9]"
          placeholder="HH:MM"
          maxLength={5}
          onChange={(e) => setClose(e.target.value)}
        />
      </label>
      <fieldset className="field field-wide">
        <legend>{t('admin.dir.services')}</legend>
        <ServicePicker name="services" value={services} onChange={setServices} />
      </fieldset>
    </Form>
  );
}

export function AddCounter({ entries, onDone }: { entries: DirectoryEntries; onDone: () => void }) {
  const t = useT();
  const active = entries.departments.filter((d) => d.retiredAt === null);
  const [departmentId, setDepartmentId] = useState(active[0]?.id ?? '');
  const [id, setId] = useState('');
  const [name, setName] = useState('');
  const [services, setServices] = useState<string[]>([]);
  const chosen = active.some((d) => d.id === departmentId) ? departmentId : (active[0]?.id ?? '');
  const { busy, error, run } = useSubmit(() => {
    setId('');
    setName('');
    onDone();
  });
  return (
    <Form
      title={t('admin.dir.addCounter')}
      form="add-counter"
      submit={t('admin.dir.addCounter')}
      busy={busy || chosen === ''}
      error={error}
      onSubmit={() =>
        run(async () => {
          await apiRequest('POST', '/api/v1/admin/directory/counters', OkSchema, {
            id: id.trim(),
            departmentId: chosen,
            name,
            services,
          });
        })
      }
    >
      <label className="field">
        {t('admin.dir.department')}
        <select name="departmentId" value={chosen} onChange={(e) => setDepartmentId(e.target.value)}>
          {active.map((d) => (
            <option key={d.id} value={d.id}>
              {d.name}
            </option>
          ))}
        </select>
      </label>
      <label className="field">
        {t('admin.dir.id')}
        <input name="id" value={id} required maxLength={64} onChange={(e) => setId(e.target.value)} />
      </label>
      <label className="field">
        {t('admin.dir.name')}
        <input name="name" value={name} required maxLength={120} onChange={(e) => setName(e.target.value)} />
      </label>
      <fieldset className="field field-wide">
        <legend>{t('admin.dir.services')}</legend>
        <ServicePicker name="services" value={services} onChange={setServices} />
      </fieldset>
    </Form>
  );
}

/** Uploads a CSV file; shows what was imported, or every error with its line (nothing imported). */
export function ImportCsv({ onDone }: { onDone: () => void }) {
  const t = useT();
  const lang = useStore((s) => s.lang);
  const [file, setFile] = useState<File | null>(null);
  const [result, setResult] = useState<DirectoryImportResult | null>(null);
  const { busy, error, run } = useSubmit(onDone);
  const lines =
    error instanceof RemoteError
      ? (DirectoryImportErrorsSchema.safeParse(error.details).data?.errors ?? null)
      : null;
  return (
    <form
      className="panel-box user-editor"
      data-form="import-csv"
      onSubmit={(event) => {
        event.preventDefault();
        if (!file) return;
        setResult(null);
        void run(async () => {
          const csv = await file.text();
          setResult(
            await apiRequest('POST', '/api/v1/admin/directory/import', DirectoryImportResultSchema, { csv }),
          );
        });
      }}
    >
      <h4 className="subsection-title">{t('admin.dir.import')}</h4>
      <p className="muted small">{t('admin.dir.importHelp')}</p>
      <div className="form-grid">
        <label className="field">
          {t('admin.dir.importFile')}
          <input
            type="file"
            name="csv"
            accept=".csv,text/csv"
            onChange={(e) => setFile(e.target.files?.[0] ?? null)}
          />
        </label>
      </div>
      <div className="row-actions">
        <button type="submit" className="primary" disabled={busy || !file} data-action="import-csv">
          {t('admin.dir.importSubmit')}
        </button>
      </div>
      {result && (
        <p className="ok" role="status" data-import-result>
          {t('admin.dir.imported', {
            departmentsCreated: result.departments.created,
            departmentsUpdated: result.departments.updated,
            countersCreated: result.counters.created,
            countersUpdated: result.counters.updated,
          })}
        </p>
      )}
      {error !== null && lines === null && (
        <p className="error" role="alert">
          {describeError(lang, error)}
        </p>
      )}
      {lines !== null && (
        <div className="error" role="alert" data-import-errors>
          <p>{t('admin.dir.importErrors')}</p>
          <ul>
            {lines.map((l) => (
              <li key={`${l.line}-${l.message}`} data-line={l.line}>
                {t('admin.dir.line', { line: l.line, message: l.message })}
              </li>
            ))}
          </ul>
        </div>
      )}
    </form>
  );
}
