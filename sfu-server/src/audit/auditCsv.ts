import {
  AUDIT_ACTION_LABELS_VI,
  auditObjectVi,
  auditSummaryVi,
  localIsoTime,
  type AuditEntry,
  type AuditNames,
} from '@counterwatch/shared';

/** Each code beside the words it stands for; times in Vietnam time with their offset. */
const COLUMNS = [
  'STT',
  'Thời gian (giờ Việt Nam)',
  'Tài khoản',
  'Người thực hiện',
  'Địa chỉ IP',
  'Mã thao tác',
  'Thao tác',
  'Mã đơn vị',
  'Đơn vị',
  'Mã quầy',
  'Quầy',
  'Loại đối tượng',
  'Mã đối tượng',
  'Đối tượng',
  'Nội dung',
  'Lý do',
  'Chi tiết',
  'Mã băm',
] as const;

/** RFC 4180; cells a spreadsheet would run as formulas are neutralised. */
function cell(value: unknown): string {
  let text =
    value === null || value === undefined ? '' : typeof value === 'string' ? value : JSON.stringify(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function auditCsvHeader(): string {
  // The byte-order mark makes spreadsheets read the file as UTF-8 (Vietnamese letters intact).
  return `\uFEFF${COLUMNS.join(',')}\r\n`;
}

export function auditCsvRow(e: AuditEntry, names: AuditNames): string {
  return `${[
    e.seq,
    localIsoTime(e.at),
    e.actor,
    names.actor(e.actor) ?? '',
    e.ip,
    e.action,
    AUDIT_ACTION_LABELS_VI[e.action],
    e.departmentId,
    e.departmentId === null ? null : names.department(e.departmentId),
    e.counterId,
    e.counterId === null ? null : names.counter(e.counterId),
    e.objectType,
    e.objectId,
    auditObjectVi(e),
    auditSummaryVi(e, names),
    e.reason,
    e.details,
    e.hash,
  ]
    .map(cell)
    .join(',')}\r\n`;
}

/** The whole export as text chunks, one per page of rows: the caller writes them as they come. */
export async function* auditCsv(
  pages: AsyncIterable<AuditEntry[]>,
  names: AuditNames,
): AsyncGenerator<string> {
  yield auditCsvHeader();
  for await (const page of pages) yield page.map((e) => auditCsvRow(e, names)).join('');
}
