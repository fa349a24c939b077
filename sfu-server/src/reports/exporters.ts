import ExcelJS from 'exceljs';
import type { Report, ReportFigures } from '@counterwatch/shared';
import { DEPARTMENT_TIME_ZONE } from '../queue/businessDay.js';

/**
 * A report as a spreadsheet (exceljs) and as CSV, in Vietnamese: the
 * document leaders file. Numbers stay numbers (minutes, shares with a
 * percent format) so the sheet can be summed and charted.
 */
type Kind = 'count' | 'minutes' | 'share';
interface Column {
  header: string;
  kind: Kind;
  value: (f: ReportFigures) => number | null;
}

const minutes = (s: number | null): number | null => (s === null ? null : Math.round(s / 6) / 10);

function columns(targetMinutes: number): Column[] {
  return [
    { header: 'Công dân được phục vụ', kind: 'count', value: (f) => f.served },
    { header: 'Phiếu đã cấp', kind: 'count', value: (f) => f.issued },
    { header: 'Chờ trung bình (phút)', kind: 'minutes', value: (f) => minutes(f.meanWaitSeconds) },
    { header: 'Chờ P90 (phút)', kind: 'minutes', value: (f) => minutes(f.p90WaitSeconds) },
    { header: `Tỷ lệ chờ quá ${targetMinutes} phút`, kind: 'share', value: (f) => f.overTargetShare },
    { header: 'Thời gian phục vụ TB (phút)', kind: 'minutes', value: (f) => minutes(f.meanServiceSeconds) },
    { header: 'Vắng mặt khi gọi', kind: 'count', value: (f) => f.noShows },
    { header: 'Tỷ lệ vắng mặt', kind: 'share', value: (f) => f.noShowRate },
    { header: 'Tỷ lệ hài lòng', kind: 'share', value: (f) => f.satisfaction },
    { header: 'Số lượt đánh giá', kind: 'count', value: (f) => f.rated },
    { header: 'Khiếu nại', kind: 'count', value: (f) => f.complaints.total },
    { header: 'Khiếu nại chưa xử lý', kind: 'count', value: (f) => f.complaints.byOutcome.pending },
    { header: 'Lượt kiểm tra', kind: 'count', value: (f) => f.inspections.count },
    { header: 'Kiểm tra có sai sót', kind: 'count', value: (f) => f.inspections.withFailures },
    { header: 'Cảnh báo', kind: 'count', value: (f) => f.alerts.total },
    {
      header: 'Thời gian xác nhận cảnh báo TB (phút)',
      kind: 'minutes',
      value: (f) => minutes(f.alerts.meanAckSeconds),
    },
  ];
}

const FORMAT: Record<Kind, string> = { count: '#,##0', minutes: '0.0', share: '0.0%' };

export const PERIOD_WORDS: Record<Report['period'], string> = {
  day: 'Ngày',
  week: 'Tuần',
  month: 'Tháng',
  custom: 'Khoảng thời gian',
};

const RULE_WORDS: Record<string, string> = {
  queue_per_counter: 'Hàng chờ dài',
  longest_wait: 'Chờ quá lâu',
  expected_wait: 'Dự kiến chờ lâu',
  counter_idle: 'Quầy bỏ trống',
  long_service: 'Phục vụ quá lâu',
  media_offline: 'Mất hình/tiếng',
  unsatisfied_rating: 'Đánh giá không hài lòng',
  low_satisfaction: 'Hài lòng thấp',
  recording_gap: 'Gián đoạn ghi hình',
  storage_full: 'Đầy bộ nhớ ghi hình',
};

const timeFormat = new Intl.DateTimeFormat('vi-VN', {
  timeZone: DEPARTMENT_TIME_ZONE,
  dateStyle: 'short',
  timeStyle: 'short',
});

export function unitTitle(report: Report): string {
  if (report.scope === 'department') return report.total.name;
  return report.scope === 'province' ? 'Toàn tỉnh' : 'Các đơn vị được giao';
}

function rows(
  report: Report,
): { level: string; name: string; figures: ReportFigures; previous: ReportFigures }[] {
  return [
    {
      level: 'Tổng',
      name: unitTitle(report),
      figures: report.total.figures,
      previous: report.total.previous,
    },
    ...report.departments.flatMap((d) => [
      { level: 'Đơn vị', name: d.name, figures: d.figures, previous: d.previous },
      ...d.counters.map((c) => ({
        level: 'Quầy',
        name: `${d.name} — ${c.name}`,
        figures: c.figures,
        previous: c.previous,
      })),
    ]),
  ];
}

export async function reportXlsx(report: Report): Promise<Buffer> {
  const book = new ExcelJS.Workbook();
  book.creator = `CounterWatch — ${report.generatedBy}`;
  const cols = columns(report.targetMinutes);
  const heading = [
    `Báo cáo ${PERIOD_WORDS[report.period].toLowerCase()} ${report.label} — ${unitTitle(report)}`,
    `Từ ${timeFormat.format(report.from)} đến ${timeFormat.format(report.to)}${report.partial ? ' (đến thời điểm lập)' : ''}; so với ${timeFormat.format(report.previousFrom)} – ${timeFormat.format(report.previousTo)}`,
    `Lập lúc ${timeFormat.format(report.generatedAt)} bởi ${report.generatedBy}`,
  ];

  const table = (name: string, data: ReturnType<typeof rows>): void => {
    const sheet = book.addWorksheet(name);
    for (const line of heading) sheet.addRow([line]);
    sheet.addRow([]);
    const header = sheet.addRow([
      'Cấp',
      'Tên',
      ...cols.map((c) => c.header),
      'Phục vụ kỳ trước',
      'Thay đổi phục vụ',
    ]);
    header.font = { bold: true };
    for (const r of data) {
      const change =
        r.previous.served === 0 ? null : (r.figures.served - r.previous.served) / r.previous.served;
      sheet.addRow([r.level, r.name, ...cols.map((c) => c.value(r.figures)), r.previous.served, change]);
    }
    cols.forEach((c, i) => (sheet.getColumn(i + 3).numFmt = FORMAT[c.kind]));
    sheet.getColumn(cols.length + 4).numFmt = '+0.0%;-0.0%;0.0%';
    sheet.getColumn(2).width = 36;
    sheet.views = [{ state: 'frozen', ySplit: heading.length + 2 }];
  };
  table('Tổng hợp', rows(report));

  const ranking = book.addWorksheet('Xếp hạng');
  for (const line of heading) ranking.addRow([line]);
  ranking.addRow([
    `Cơ sở xếp hạng: ${report.ranking.basis.withinTargetWeight * 100}% tỷ lệ được gọi trong ${report.targetMinutes} phút + ${report.ranking.basis.satisfactionWeight * 100}% tỷ lệ hài lòng`,
  ]);
  ranking.addRow([
    'Hạng',
    'Đơn vị',
    'Điểm',
    `Gọi trong ${report.targetMinutes} phút`,
    'Hài lòng',
    'Hạng kỳ trước',
  ]).font = {
    bold: true,
  };
  for (const e of report.ranking.entries) {
    const name = report.departments.find((d) => d.id === e.departmentId)?.name ?? e.departmentId;
    ranking.addRow([e.rank, name, e.score, e.withinTargetShare, e.satisfaction, e.previousRank]);
  }
  for (const i of [3, 4, 5]) ranking.getColumn(i).numFmt = '0.0%';
  ranking.getColumn(2).width = 36;

  const days = book.addWorksheet('Theo ngày');
  days.addRow([
    'Ngày',
    'Phiếu đã cấp',
    'Được phục vụ',
    'Chờ TB (phút)',
    `Chờ quá ${report.targetMinutes} phút`,
    'Hài lòng',
  ]).font = {
    bold: true,
  };
  for (const d of report.days) {
    days.addRow([d.day, d.issued, d.served, minutes(d.meanWaitSeconds), d.overTargetShare, d.satisfaction]);
  }
  days.getColumn(5).numFmt = '0.0%';
  days.getColumn(6).numFmt = '0.0%';

  const alerts = book.addWorksheet('Cảnh báo');
  alerts.addRow([
    'Đơn vị',
    'Loại cảnh báo',
    'Số lượng',
    'Đã xác nhận',
    'Xác nhận TB (phút)',
    'Xác nhận P90 (phút)',
  ]).font = {
    bold: true,
  };
  for (const d of report.departments) {
    for (const r of d.figures.alerts.byRule) {
      alerts.addRow([
        d.name,
        RULE_WORDS[r.rule] ?? r.rule,
        r.count,
        r.acknowledged,
        minutes(r.meanAckSeconds),
        minutes(r.p90AckSeconds),
      ]);
    }
  }
  alerts.getColumn(1).width = 36;
  alerts.getColumn(2).width = 28;

  return Buffer.from(await book.xlsx.writeBuffer());
}

function csvCell(value: string | number | null): string {
  if (value === null) return '';
  const s = String(value);
  // Leading = + - @ would be a formula to a spreadsheet opening the file.
  const safe = /^[=+\-@\t\r]/.test(s) && typeof value === 'string' ? `'${s}` : s;
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function reportCsv(report: Report): string {
  const cols = columns(report.targetMinutes);
  const lines = [
    ['Cấp', 'Tên', ...cols.map((c) => c.header), 'Phục vụ kỳ trước'],
    ...rows(report).map((r) => [r.level, r.name, ...cols.map((c) => c.value(r.figures)), r.previous.served]),
  ];
  return `\uFEFF${lines.map((l) => l.map(csvCell).join(',')).join('\r\n')}\r\n`;
}

export function reportFileName(report: Report, ext: 'xlsx' | 'csv'): string {
  const unit = report.scope === 'department' ? report.total.id : report.scope;
  return `bao-cao-${report.period}-${report.label.replace(/[^0-9A-Za-z-]+/g, '_')}-${unit}.${ext}`;
}
