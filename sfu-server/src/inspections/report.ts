import type { Inspection } from '@counterwatch/shared';

const escape = (text: string): string =>
  text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );

const time = (at: number): string =>
  new Intl.DateTimeFormat('vi-VN', {
    timeZone: 'Asia/Ho_Chi_Minh',
    dateStyle: 'short',
    timeStyle: 'medium',
  }).format(at);

const RESULT: Record<string, string> = {
  pass: 'Đạt',
  fail: 'Không đạt',
  not_observed: 'Không quan sát được',
};

/**
 * The inspection report as one HTML file: everything escaped, stills as
 * data URIs, print-friendly, no scripts. Vietnamese, as filed.
 */
export function renderReport(
  view: Inspection,
  departmentName: string,
  stills: Map<number, string>,
  maxDurationMs: number,
): string {
  const ending =
    view.endedAt === null
      ? 'đang kiểm tra'
      : `${escape(time(view.endedAt))}${
          view.endedAutomatically
            ? ` (Kết thúc tự động khi hết thời gian tối đa ${Math.round(maxDurationMs / 60_000)} phút)`
            : ''
        }`;
  const checklist = view.checklist
    .map((item) => {
      const result = view.results[item.id] ?? 'not_observed';
      return `<tr><td>${escape(item.vi)}</td><td class="${escape(result)}">${escape(RESULT[result] ?? result)}</td></tr>`;
    })
    .join('\n');
  const observations = view.observations
    .map((o) => {
      const still = stills.get(o.id);
      return `<li><time>${escape(time(o.at))}</time> ${escape(o.note)}${still ? `<br><img src="${still}" alt="Ảnh chụp lúc ${escape(time(o.at))}">` : ''}</li>`;
    })
    .join('\n');
  return `<!doctype html>
<html lang="vi">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src data:; style-src 'unsafe-inline'">
<title>Biên bản kiểm tra đột xuất #${view.id}</title>
<style>
body { font-family: 'DejaVu Sans', Arial, sans-serif; margin: 2em; color: #111; }
h1 { font-size: 1.4em; } table { border-collapse: collapse; width: 100%; margin: 1em 0; }
td, th { border: 1px solid #999; padding: 4px 8px; text-align: left; } .fail { color: #b00; font-weight: bold; }
img { max-width: 480px; margin: 6px 0; border: 1px solid #ccc; } li { margin-bottom: 1em; } dt { font-weight: bold; }
@media print { body { margin: 1cm; } }
</style>
</head>
<body>
<h1>Biên bản kiểm tra đột xuất số ${view.id}</h1>
<dl>
<dt>Đơn vị</dt><dd>${escape(departmentName)}</dd>
<dt>Quầy</dt><dd>${escape(view.counterName)} (${escape(view.counterId)})</dd>
<dt>Cán bộ kiểm tra</dt><dd>${escape(view.inspector)}</dd>
<dt>Cán bộ trực quầy</dt><dd>${escape(view.officerName ?? 'Không xác định')}</dd>
<dt>Thời gian</dt><dd>${escape(time(view.startedAt))} – ${ending}</dd>
</dl>
<h2>Nội dung kiểm tra</h2>
<table><thead><tr><th>Tiêu chí</th><th>Kết quả</th></tr></thead><tbody>
${checklist}
</tbody></table>
<h2>Ghi chú</h2>
<p>${escape(view.notes).replace(/\n/g, '<br>') || '—'}</p>
<h2>Ghi nhận theo thời điểm</h2>
<ol>
${observations || '<li>Không có</li>'}
</ol>
<p><small>Các đoạn ghi hình liên quan: quầy ${escape(view.counterId)}, từ ${escape(time(view.startedAt - 60_000))} đến ${escape(
    time((view.endedAt ?? view.startedAt) + 60_000),
  )} (được giữ lại cùng biên bản).</small></p>
</body>
</html>
`;
}
