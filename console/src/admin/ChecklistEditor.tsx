import { useEffect, useState, type SyntheticEvent } from 'react';
import {
  DEFAULT_CHECKLIST,
  RemoteError,
  type ChecklistItem,
  ChecklistResponseSchema,
} from '@counterwatch/shared';
import { describeError } from '../api/describeError';
import { apiRequest } from '../api/http';
import { useT } from '../i18n/i18n';
import type { MessageKey } from '../i18n/messages';
import { useStore } from '../store/store';
import {
  CHECKLIST_MAX,
  CHECKLIST_MIN,
  checklistProblems,
  moveItem,
  slugify,
  uniqueId,
  type ChecklistProblem,
} from './checklist';

/** A row being edited; `autoId` while the id still follows the Vietnamese text. */
interface Row {
  key: number;
  item: ChecklistItem;
  autoId: boolean;
}

const PROBLEM_TEXT: Record<ChecklistProblem, MessageKey> = {
  id: 'admin.checklist.badId',
  duplicate: 'admin.checklist.duplicate',
  vi: 'admin.checklist.badVi',
  en: 'admin.checklist.badEn',
};

let nextKey = 1;
const rowsOf = (items: readonly ChecklistItem[]): Row[] =>
  items.map((item) => ({ key: nextKey++, item, autoId: false }));

/**
 * The inspection checklist: items in Vietnamese and English, in order. A
 * change applies to inspections started afterwards; each report keeps the
 * list it was made with.
 */
export function ChecklistEditor() {
  const t = useT();
  const lang = useStore((s) => s.lang);
  const [rows, setRows] = useState<Row[] | null>(null);
  const [loadProblem, setLoadProblem] = useState<string | null>(null);
  const [showErrors, setShowErrors] = useState(false);
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);

  useEffect(() => {
    let current = true;
    apiRequest('GET', '/api/v1/inspections/checklist', ChecklistResponseSchema)
      .then((r) => {
        if (current) setRows(rowsOf(r.checklist));
      })
      .catch((e: unknown) => {
        if (!current) return;
        // Reading the list may be for inspectors only: start from the defaults, and say so.
        if (e instanceof RemoteError && e.code === 'forbidden') {
          setRows(rowsOf(DEFAULT_CHECKLIST));
          setLoadProblem(t('admin.checklist.cannotRead'));
        } else setLoadProblem(describeError(lang, e));
      });
    return () => {
      current = false;
    };
    // Loaded once; the language only changes how a problem reads.
  }, []);

  if (rows === null) {
    return loadProblem ? (
      <p className="error" role="alert">
        {loadProblem}
      </p>
    ) : (
      <p className="muted">{t('common.loading')}</p>
    );
  }

  const items = rows.map((r) => r.item);
  const problems = checklistProblems(items);
  const update = (key: number, patch: Partial<ChecklistItem>, idEdited = false): void => {
    setMessage(null);
    setRows((current) =>
      (current ?? []).map((row) => {
        if (row.key !== key) return row;
        const item = { ...row.item, ...patch };
        const autoId = idEdited ? false : row.autoId;
        if (autoId && patch.vi !== undefined) {
          const taken = (current ?? []).filter((r) => r.key !== key).map((r) => r.item.id);
          item.id = uniqueId(slugify(patch.vi), taken);
        }
        return { ...row, item, autoId };
      }),
    );
  };
  const add = (): void => {
    setMessage(null);
    setRows([
      ...rows,
      {
        key: nextKey++,
        item: {
          id: uniqueId(
            '',
            items.map((i) => i.id),
          ),
          vi: '',
          en: '',
        },
        autoId: true,
      },
    ]);
  };

  const save = (event: SyntheticEvent<HTMLFormElement>): void => {
    event.preventDefault();
    setShowErrors(true);
    if (problems.size > 0 || rows.length < CHECKLIST_MIN || rows.length > CHECKLIST_MAX) return;
    setBusy(true);
    setMessage(null);
    const checklist = items.map((i) => ({ id: i.id, vi: i.vi.trim(), en: i.en.trim() }));
    apiRequest('PUT', '/api/v1/inspections/checklist', ChecklistResponseSchema, { checklist })
      .then((r) => {
        setRows(rowsOf(r.checklist));
        setShowErrors(false);
        setLoadProblem(null);
        setMessage({ ok: true, text: t('admin.checklist.saved') });
      })
      .catch((e: unknown) => setMessage({ ok: false, text: describeError(lang, e) }))
      .finally(() => setBusy(false));
  };

  return (
    <section aria-labelledby="checklist-title" className="admin-section">
      <header className="section-header">
        <h3 id="checklist-title" className="section-title">
          {t('admin.checklist.title')}
        </h3>
      </header>
      <p className="muted">{t('admin.checklist.explain')}</p>
      {loadProblem && <p className="notice">{loadProblem}</p>}
      <form onSubmit={save} noValidate data-form="checklist">
        <ol className="checklist-editor">
          {rows.map((row, index) => {
            const rowProblems = showErrors ? (problems.get(index) ?? []) : [];
            const errorId = `checklist-${row.key}-error`;
            const invalid = (field: 'id' | 'vi' | 'en'): true | undefined =>
              rowProblems.includes(field) ||
              (field === 'id' && rowProblems.includes('duplicate')) ||
              undefined;
            return (
              <li key={row.key} className="checklist-row" data-checklist-item={row.item.id}>
                <span className="checklist-index" aria-hidden="true">
                  {index + 1}
                </span>
                <label className="field">
                  {t('admin.checklist.vi')}
                  <input
                    name="vi"
                    lang="vi"
                    maxLength={200}
                    value={row.item.vi}
                    aria-invalid={invalid('vi')}
                    aria-describedby={rowProblems.length > 0 ? errorId : undefined}
                    onChange={(e) => update(row.key, { vi: e.target.value })}
                  />
                </label>
                <label className="field">
                  {t('admin.checklist.en')}
                  <input
                    name="en"
                    lang="en"
                    maxLength={200}
                    value={row.item.en}
                    aria-invalid={invalid('en')}
                    aria-describedby={rowProblems.length > 0 ? errorId : undefined}
                    onChange={(e) => update(row.key, { en: e.target.value })}
                  />
                </label>
                <label className="field id-field">
                  {t('admin.id')}
                  <input
                    name="id"
                    className="mono"
                    maxLength={40}
                    value={row.item.id}
                    aria-invalid={invalid('id')}
                    aria-describedby={rowProblems.length > 0 ? errorId : undefined}
                    onChange={(e) => update(row.key, { id: e.target.value.toLowerCase() }, true)}
                  />
                </label>
                <div className="row-actions checklist-actions">
                  <button
                    type="button"
                    data-action="move-up"
                    disabled={index === 0}
                    aria-label={t('admin.checklist.up', { n: index + 1 })}
                    onClick={() => setRows(moveItem(rows, index, -1))}
                  >
                    ↑
                  </button>
                  <button
                    type="button"
                    data-action="move-down"
                    disabled={index === rows.length - 1}
                    aria-label={t('admin.checklist.down', { n: index + 1 })}
                    onClick={() => setRows(moveItem(rows, index, 1))}
                  >
                    ↓
                  </button>
                  <button
                    type="button"
                    data-action="remove-item"
                    disabled={rows.length <= CHECKLIST_MIN}
                    aria-label={t('admin.checklist.remove', { n: index + 1 })}
                    onClick={() => {
                      setMessage(null);
                      setRows(rows.filter((r) => r.key !== row.key));
                    }}
                  >
                    ✕
                  </button>
                </div>
                {rowProblems.length > 0 && (
                  <span className="error field-error checklist-error" id={errorId}>
                    {rowProblems.map((p) => t(PROBLEM_TEXT[p])).join(' ')}
                  </span>
                )}
              </li>
            );
          })}
        </ol>
        <div className="row-actions">
          <button type="button" data-action="add-item" disabled={rows.length >= CHECKLIST_MAX} onClick={add}>
            {t('admin.checklist.add')}
          </button>
          <button
            type="button"
            onClick={() => {
              setMessage(null);
              setRows(rowsOf(DEFAULT_CHECKLIST));
            }}
          >
            {t('thresholds.defaults')}
          </button>
          <button type="submit" className="primary" data-action="save-checklist" disabled={busy}>
            {t('admin.save')}
          </button>
          <span role="status" className={message?.ok === false ? 'error' : 'ok'}>
            {message?.text ?? (showErrors && problems.size > 0 ? t('admin.checklist.fix') : '')}
          </span>
        </div>
      </form>
    </section>
  );
}
