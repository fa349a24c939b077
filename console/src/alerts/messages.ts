/** Strings of resolving and snoozing alerts. Merged in `i18n/messages`. */
export const alertActionsVi = {
  'alerts.snooze': 'Tạm hoãn',
  'alerts.snoozeFor': 'Tạm hoãn cảnh báo trong:',
  'alerts.snooze.15m': '15 phút',
  'alerts.snooze.1h': '1 giờ',
  'alerts.snooze.end_of_day': 'Đến hết ngày làm việc',
  'alerts.snoozedUntil': 'Tạm hoãn đến {time} (bởi {who}): nếu khi đó điều kiện vẫn còn, cảnh báo sẽ mở lại.',
  'alerts.stillHolds':
    'Điều kiện cảnh báo vẫn còn — nếu giải quyết bây giờ, cảnh báo sẽ mở lại ngay. Tạm hoãn thay vì giải quyết?',
  'alerts.resolveAnyway': 'Vẫn giải quyết',
  'alerts.reopenOf': 'Mở lại: cảnh báo #{id} đã được giải quyết khi điều kiện vẫn còn.',
} as const;

export const alertActionsEn: Record<keyof typeof alertActionsVi, string> = {
  'alerts.snooze': 'Snooze',
  'alerts.snoozeFor': 'Snooze the alert for:',
  'alerts.snooze.15m': '15 minutes',
  'alerts.snooze.1h': '1 hour',
  'alerts.snooze.end_of_day': 'Until the end of the working day',
  'alerts.snoozedUntil':
    'Snoozed until {time} (by {who}): if the condition still holds then, the alert opens again.',
  'alerts.stillHolds':
    'The condition still holds — resolved now, the alert will reopen at once. Snooze instead?',
  'alerts.resolveAnyway': 'Resolve anyway',
  'alerts.reopenOf': 'Reopened: alert #{id} was resolved while its condition still held.',
};
