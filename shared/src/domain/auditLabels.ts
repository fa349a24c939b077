import type { AuditAction, AuditEntry } from './audit.js';
import { MediaTrackSchema, type MediaTrack } from './media.js';

/**
 * The trail in Vietnamese words, for the CSV export and the console alike:
 * one table per kind of code, so a row reads as what a person did to what.
 */
export const AUDIT_ACTION_LABELS_VI: Record<AuditAction, string> = {
  'auth.login': 'Đăng nhập',
  'auth.login_failed': 'Đăng nhập thất bại',
  'auth.login_throttled': 'Đăng nhập bị chặn do thử sai quá nhiều (tổng hợp)',
  'auth.logout': 'Đăng xuất',
  'live.view_start': 'Bắt đầu xem trực tiếp',
  'live.view_stop': 'Dừng xem trực tiếp',
  'live.audio_start': 'Bắt đầu nghe âm thanh',
  'live.audio_stop': 'Dừng nghe âm thanh',
  'recording.playback': 'Xem lại bản ghi hình',
  'recording.export': 'Xuất bản ghi hình',
  'inspection.start': 'Bắt đầu kiểm tra đột xuất',
  'inspection.observation': 'Ghi nhận thời điểm khi kiểm tra',
  'inspection.end': 'Kết thúc kiểm tra',
  'inspection.still_view': 'Xem ảnh chụp của cuộc kiểm tra',
  'inspection.report_view': 'Xem/tải biên bản kiểm tra',
  'interaction.flag': 'Đánh dấu lượt phục vụ',
  'interaction.complaint': 'Nhập phản ánh',
  'review.decision': 'Kết luận xem lại',
  'alert.acknowledge': 'Tiếp nhận cảnh báo',
  'alert.resolve': 'Giải quyết cảnh báo',
  'alert.snooze': 'Tạm hoãn cảnh báo',
  'config.thresholds': 'Đổi ngưỡng cảnh báo',
  'config.checklist': 'Đổi nội dung kiểm tra',
  'account.create': 'Tạo tài khoản',
  'account.update': 'Sửa tài khoản',
  'account.password_reset': 'Đặt lại mật khẩu',
  'session.revoke': 'Thu hồi phiên đăng nhập',
  'counter.token_rotate': 'Cấp mã bí mật mới cho quầy',
  'counter.token_revoke': 'Thu hồi mã bí mật của quầy',
  'department.key_rotate': 'Cấp khóa API mới cho đơn vị',
  'department.create': 'Thêm đơn vị',
  'department.update': 'Sửa đơn vị',
  'department.retire': 'Ngừng hoạt động đơn vị',
  'counter.create': 'Thêm quầy',
  'counter.update': 'Sửa quầy',
  'counter.retire': 'Ngừng hoạt động quầy',
  'counter.code_issue': 'Cấp mã đăng ký cho máy quầy',
  'counter.enrol': 'Máy quầy đăng ký bằng mã',
  'directory.import': 'Nhập danh bạ từ tệp CSV',
  'device.create': 'Thêm thiết bị (cấp mã đăng ký)',
  'device.code_issue': 'Cấp mã đăng ký mới cho thiết bị',
  'device.enrol': 'Thiết bị đăng ký bằng mã',
  'device.revoke': 'Thu hồi thiết bị',
  'officer.create': 'Thêm cán bộ vào danh sách',
  'officer.update': 'Sửa thông tin cán bộ (tên, mã PIN, khóa)',
  'officer.sign_in': 'Cán bộ đăng nhập tại quầy',
  'officer.sign_in_failed': 'Cán bộ đăng nhập tại quầy thất bại (sai số hiệu hoặc PIN)',
  'officer.sign_out': 'Cán bộ đăng xuất tại quầy',
  'audit.export': 'Xuất nhật ký',
  'report.generate': 'Lập báo cáo',
  'report.export': 'Xuất báo cáo',
  'staffing.advise': 'Lập đề xuất bố trí quầy',
  'campaign.declare': 'Khai báo đợt cao điểm',
  'campaign.withdraw': 'Hủy đợt cao điểm',
  'node.drain': 'Ngừng nhận quầy trên máy chủ media (chuyển quầy sang máy khác)',
  'node.undrain': 'Cho máy chủ media nhận quầy trở lại',
};

const LIVE_STREAM_VI = 'Luồng xem trực tiếp';

/** What kind of thing a row is about. Unknown types show as stored. */
export const AUDIT_OBJECT_LABELS_VI: Record<string, string> = {
  inspection: 'Cuộc kiểm tra',
  officer: 'Cán bộ (số hiệu)',
  interaction: 'Lượt phục vụ',
  counter: 'Quầy',
  user: 'Tài khoản',
  session: 'Phiên đăng nhập',
  alert: 'Cảnh báo',
  department: 'Đơn vị',
  device: 'Thiết bị',
  directory: 'Danh bạ',
  node: 'Máy chủ media',
  consumer: LIVE_STREAM_VI,
};

/** Which picture a live view took. */
export const MEDIA_TRACK_LABELS_VI: Record<MediaTrack, string> = {
  grid: 'ô trên màn hình giám sát',
  focus: 'xem phóng to',
  audio: 'âm thanh',
};

/** The picture of a live-view row, in words, or null. */
export function trackLabelVi(entry: Pick<AuditEntry, 'details'>): string | null {
  const parsed = MediaTrackSchema.safeParse(entry.details.track);
  return parsed.success ? MEDIA_TRACK_LABELS_VI[parsed.data] : null;
}

/** Names the trail's codes stand for; what is unknown stays a code. */
export interface AuditNames {
  department(id: string): string | undefined;
  counter(id: string): string | undefined;
  /** Display name of an account, by username. */
  actor(username: string): string | undefined;
}

/** "Quầy 1 — Phường Hoàn Kiếm", "Phường Hoàn Kiếm", or null when the row is about no place. */
export function auditPlaceVi(
  entry: Pick<AuditEntry, 'departmentId' | 'counterId'>,
  names: AuditNames,
): string | null {
  const department =
    entry.departmentId === null ? null : (names.department(entry.departmentId) ?? entry.departmentId);
  const counter = entry.counterId === null ? null : (names.counter(entry.counterId) ?? entry.counterId);
  if (counter !== null && department !== null) return `${counter} — ${department}`;
  return counter ?? department;
}

/**
 * What the row is about, in words: a live view names its picture rather than
 * its consumer id; numbered records keep their number ("Cuộc kiểm tra #12").
 */
export function auditObjectVi(entry: AuditEntry): string | null {
  if (entry.objectType === null) return null;
  if (entry.objectType === 'consumer') {
    const label = trackLabelVi(entry);
    return label === null ? LIVE_STREAM_VI : `${LIVE_STREAM_VI} (${label})`;
  }
  const type = AUDIT_OBJECT_LABELS_VI[entry.objectType] ?? entry.objectType;
  if (entry.objectId === null) return type;
  return /^\d+$/.test(entry.objectId) ? `${type} #${entry.objectId}` : `${type} ${entry.objectId}`;
}

/** One sentence: "Bắt đầu xem trực tiếp Quầy 1 — Phường Hoàn Kiếm (ô trên màn hình giám sát)". */
export function auditSummaryVi(entry: AuditEntry, names: AuditNames): string {
  const action = AUDIT_ACTION_LABELS_VI[entry.action];
  const place = auditPlaceVi(entry, names);
  if (entry.objectType === 'consumer') {
    const label = trackLabelVi(entry);
    return [action, place, label === null ? null : `(${label})`].filter((x) => x !== null).join(' ');
  }
  const object =
    entry.objectType === 'counter' || entry.objectType === 'department' ? null : auditObjectVi(entry);
  return [action, [object, place].filter((x) => x !== null).join(', ')].filter((x) => x !== '').join(': ');
}
