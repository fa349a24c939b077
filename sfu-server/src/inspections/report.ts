import type { Inspection } from '@counterwatch/shared';

const escape = (text: string): string =>
  text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );

const ZONE = 'Asia/Ho_Chi_Minh';

/** Day, month, year, hour and minute in Vietnam time, two digits each (year four). */
function parts(at: number): { day: string; month: string; year: string; hour: string; minute: string } {
  const got = Object.fromEntries(
    new Intl.DateTimeFormat('en-GB', {
      timeZone: ZONE,
      day: '2-digit',
      month: '2-digit',
      year: 'numeric',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    })
      .formatToParts(at)
      .map((p) => [p.type, p.value]),
  ) as Record<string, string | undefined>;
  return {
    day: got.day ?? '',
    month: got.month ?? '',
    year: got.year ?? '',
    hour: got.hour ?? '',
    minute: got.minute ?? '',
  };
}

/** "ngày 04 tháng 12 năm 2026", as official documents write the date. */
export function vietnameseDate(at: number): string {
  const p = parts(at);
  return `ngày ${p.day} tháng ${p.month} năm ${p.year}`;
}

/** "10 giờ 30 phút" */
export function vietnameseTime(at: number): string {
  const p = parts(at);
  return `${p.hour} giờ ${p.minute} phút`;
}

/** "10:30 04/12/2026", for the observations' times. */
const short = (at: number): string => {
  const p = parts(at);
  return `${p.hour}:${p.minute} ${p.day}/${p.month}/${p.year}`;
};

/**
 * The place in the dateline: the locality of "Công an phường Hoàn Kiếm" is
 * "Hoàn Kiếm"; a unit named otherwise is its own place.
 */
export function placeOf(departmentName: string): string {
  const match =
    /^c[oô]ng an\s+(?:phường|xã|thị trấn|đặc khu|quận|huyện|thị xã|thành phố|tỉnh)\s+(.+)$/iu.exec(
      departmentName.trim(),
    );
  return (match?.[1] ?? departmentName).trim();
}

const RESULT: Record<string, string> = {
  pass: 'Đạt',
  fail: 'Không đạt',
  not_observed: 'Không quan sát được',
};

export interface ReportExtras {
  /** How often the draft was saved as it was typed, and when last. */
  draftSaves: number;
  draftSavedAt: number | null;
}

/**
 * The inspection report as one self-contained HTML file, laid out as an
 * official document (the national heading, the unit and the document's
 * number, place and date in Vietnamese form, signature blocks, A4 pages
 * numbered when printed): everything escaped, stills as data URIs, no
 * scripts. Printing it (or Chromium's "Save as PDF") is the PDF export.
 */
export function renderReport(
  view: Inspection,
  departmentName: string,
  stills: Map<number, string>,
  maxDurationMs: number,
  extras: ReportExtras = { draftSaves: 0, draftSavedAt: null },
): string {
  const unit = escape(departmentName);
  const place = escape(placeOf(departmentName));
  const officer = view.officer
    ? `${escape(view.officer.displayName)}, số hiệu ${escape(view.officer.badgeNumber)} (đăng nhập tại quầy)`
    : view.officerName
      ? `${escape(view.officerName)} (do người kiểm tra ghi)`
      : 'Không xác định (không có cán bộ đăng nhập tại quầy)';
  const officerSignName = escape(view.officer?.displayName ?? view.officerName ?? '');
  const ending =
    view.endedAt === null
      ? '<p class="running">Cuộc kiểm tra chưa kết thúc: biên bản này là bản tạm.</p>'
      : `<p>Cuộc kiểm tra kết thúc hồi ${vietnameseTime(view.endedAt)} ${vietnameseDate(view.endedAt)}${
          view.endedAutomatically
            ? ` (Kết thúc tự động khi hết thời gian tối đa ${Math.round(maxDurationMs / 60_000)} phút)`
            : ''
        }.</p>`;
  const checklist = view.checklist
    .map((item, index) => {
      const result = view.results[item.id] ?? 'not_observed';
      return `<tr data-check-item="${escape(item.id)}"><td class="num">${index + 1}</td><td>${escape(item.vi)}</td><td class="${escape(result)}">${escape(RESULT[result] ?? result)}</td></tr>`;
    })
    .join('\n');
  const observations = view.observations
    .map((o) => {
      const still = stills.get(o.id);
      return `<li><time>${escape(short(o.at))}</time> — ${escape(o.note) || '(không ghi chú)'}${still ? `<br><img src="${still}" alt="Ảnh chụp lúc ${escape(short(o.at))}">` : ''}</li>`;
    })
    .join('\n');
  const drafts =
    extras.draftSaves > 0 && extras.draftSavedAt !== null
      ? ` Nội dung do người kiểm tra nhập được lưu tự động ${extras.draftSaves} lần trong khi kiểm tra, lần cuối lúc ${escape(short(extras.draftSavedAt))}.`
      : '';
  return `<!doctype html>
<html lang="vi">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src data:; style-src 'unsafe-inline'">
<title>Biên bản kiểm tra đột xuất số ${view.id}</title>
<style>
@page {
  size: A4;
  margin: 20mm 15mm 22mm 30mm;
  @bottom-center { content: "Trang " counter(page) "/" counter(pages); font: 11pt 'Times New Roman', 'Liberation Serif', 'DejaVu Serif', serif; }
}
body { font-family: 'Times New Roman', 'Liberation Serif', 'DejaVu Serif', serif; font-size: 13pt; line-height: 1.4; color: #000; background: #fff; margin: 0 auto; padding: 2em; max-width: 190mm; }
.heading { width: 100%; border-collapse: collapse; margin: 0 0 1.2em; }
.heading td { vertical-align: top; text-align: center; padding: 0; border: 0; }
.heading .unit { width: 42%; }
.heading .nation { width: 58%; }
.unit-name, .nation-name { font-weight: bold; text-transform: uppercase; margin: 0; }
.motto { font-weight: bold; margin: 0; }
.rule { display: block; width: 35%; margin: 2px auto 6px; border-top: 1px solid #000; }
.motto + .rule { width: 60%; }
.number { margin: 4px 0 0; }
.dateline { font-style: italic; margin: 6px 0 0; }
h1 { font-size: 14pt; text-align: center; margin: 1em 0 0; text-transform: uppercase; }
.subtitle { text-align: center; font-weight: bold; margin: 0 0 1em; }
h2 { font-size: 13pt; margin: 1em 0 0.4em; }
table.checklist { border-collapse: collapse; width: 100%; margin: 0.5em 0; }
table.checklist td, table.checklist th { border: 1px solid #000; padding: 3px 6px; text-align: left; vertical-align: top; }
table.checklist .num { text-align: center; width: 2.5em; }
.fail { font-weight: bold; }
img { max-width: 110mm; margin: 6px 0; border: 1px solid #777; }
ol.observations li { margin-bottom: 0.6em; break-inside: avoid; }
.signatures { width: 100%; border-collapse: collapse; margin-top: 2em; break-inside: avoid; }
.signatures td { width: 33%; text-align: center; vertical-align: top; border: 0; padding: 0 4px; }
.signatures .role { font-weight: bold; text-transform: uppercase; margin: 0; }
.signatures .hint { font-style: italic; margin: 0 0 5em; }
.signatures .name { font-weight: bold; min-height: 1.4em; margin: 0; }
.note { font-size: 11pt; }
.screen-only { font-family: sans-serif; font-size: 11pt; background: #eef3ff; border: 1px solid #99b; padding: 6px 10px; }
.running { font-weight: bold; }
@media print { body { padding: 0; max-width: none; } .screen-only { display: none; } }
</style>
</head>
<body>
<p class="screen-only">Để in hoặc lưu thành tệp PDF: dùng lệnh In của trình duyệt (Ctrl+P), chọn “Lưu dưới dạng PDF”. Số trang được đánh tự động khi in.</p>
<table class="heading" role="presentation"><tr>
<td class="unit"><p class="unit-name" data-unit>${unit}</p><span class="rule"></span><p class="number">Số: ${view.id}/BB-KTĐX</p></td>
<td class="nation"><p class="nation-name">Cộng hòa xã hội chủ nghĩa Việt Nam</p><p class="motto">Độc lập - Tự do - Hạnh phúc</p><span class="rule"></span><p class="dateline" data-dateline>${place}, ${vietnameseDate(view.startedAt)}</p></td>
</tr></table>
<h1>Biên bản</h1>
<p class="subtitle">Kiểm tra đột xuất việc tiếp nhận, giải quyết thủ tục hành chính tại quầy</p>
<p>Hồi ${vietnameseTime(view.startedAt)} ${vietnameseDate(view.startedAt)}, tại ${escape(view.counterName)}, ${unit}, qua hệ thống giám sát trực tuyến, chúng tôi gồm:</p>
<ul>
<li>Người kiểm tra: <strong data-inspector>${escape(view.inspectorName)}</strong>;</li>
<li>Cán bộ trực quầy: <strong data-officer>${officer}</strong>;</li>
</ul>
<p>đã tiến hành kiểm tra đột xuất việc tiếp nhận, giải quyết thủ tục hành chính tại ${escape(view.counterName)}. Kết quả như sau:</p>
<h2>I. Nội dung kiểm tra</h2>
<table class="checklist"><thead><tr><th class="num">TT</th><th>Tiêu chí</th><th>Kết quả</th></tr></thead><tbody>
${checklist}
</tbody></table>
<h2>II. Ghi nhận theo thời điểm</h2>
<ol class="observations">
${observations || '<li>Không có</li>'}
</ol>
<h2>III. Nhận xét, kiến nghị</h2>
<p>${escape(view.notes).replace(/\n/g, '<br>') || 'Không có.'}</p>
${ending}
<p class="note">Các đoạn ghi hình liên quan: ${escape(view.counterName)}, từ ${escape(short(view.startedAt - 60_000))} đến ${escape(
    short((view.endedAt ?? view.startedAt) + 60_000),
  )}, được lưu giữ cùng biên bản.${drafts}</p>
<table class="signatures" role="presentation"><tr>
<td data-signature="officer"><p class="role">Cán bộ trực quầy</p><p class="hint">(Ký, ghi rõ họ tên)</p><p class="name">${officerSignName}</p></td>
<td data-signature="inspector"><p class="role">Người kiểm tra</p><p class="hint">(Ký, ghi rõ họ tên)</p><p class="name">${escape(view.inspectorName)}</p></td>
<td data-signature="head"><p class="role">Thủ trưởng đơn vị</p><p class="hint">(Ký, ghi rõ họ tên, đóng dấu)</p><p class="name"></p></td>
</tr></table>
</body>
</html>
`;
}
