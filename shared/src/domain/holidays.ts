/**
 * Vietnamese public holidays (Labour Code 2019, art. 112): New Year, Tết
 * (the government sets the days each year), the Hùng Kings' day (10/3 of the
 * lunar calendar), 30/4, 1/5 and National Day (2/9 and a day beside it).
 * One-stop departments are closed on them. A maintained table, not a lunar
 * calendar: add next year's days when the government announces them
 * (substitute days off included).
 */
export const VIETNAM_PUBLIC_HOLIDAYS: Readonly<Record<string, string>> = {
  '2025-01-01': 'Tết Dương lịch',
  '2025-01-25': 'Tết Nguyên đán',
  '2025-01-26': 'Tết Nguyên đán',
  '2025-01-27': 'Tết Nguyên đán',
  '2025-01-28': 'Tết Nguyên đán',
  '2025-01-29': 'Tết Nguyên đán',
  '2025-01-30': 'Tết Nguyên đán',
  '2025-01-31': 'Tết Nguyên đán',
  '2025-02-01': 'Tết Nguyên đán',
  '2025-02-02': 'Tết Nguyên đán',
  '2025-04-07': 'Giỗ Tổ Hùng Vương',
  '2025-04-30': 'Ngày Giải phóng miền Nam',
  '2025-05-01': 'Ngày Quốc tế Lao động',
  '2025-05-02': 'Nghỉ bù',
  '2025-09-01': 'Quốc khánh',
  '2025-09-02': 'Quốc khánh',
  '2026-01-01': 'Tết Dương lịch',
  '2026-02-14': 'Tết Nguyên đán',
  '2026-02-15': 'Tết Nguyên đán',
  '2026-02-16': 'Tết Nguyên đán',
  '2026-02-17': 'Tết Nguyên đán',
  '2026-02-18': 'Tết Nguyên đán',
  '2026-02-19': 'Tết Nguyên đán',
  '2026-02-20': 'Tết Nguyên đán',
  '2026-02-21': 'Tết Nguyên đán',
  '2026-02-22': 'Tết Nguyên đán',
  '2026-04-26': 'Giỗ Tổ Hùng Vương',
  '2026-04-27': 'Nghỉ bù Giỗ Tổ Hùng Vương',
  '2026-04-30': 'Ngày Giải phóng miền Nam',
  '2026-05-01': 'Ngày Quốc tế Lao động',
  '2026-09-01': 'Quốc khánh',
  '2026-09-02': 'Quốc khánh',
  '2027-01-01': 'Tết Dương lịch',
  '2027-02-05': 'Tết Nguyên đán',
  '2027-02-06': 'Tết Nguyên đán',
  '2027-02-07': 'Tết Nguyên đán',
  '2027-02-08': 'Tết Nguyên đán',
  '2027-02-09': 'Tết Nguyên đán',
  '2027-02-10': 'Tết Nguyên đán',
  '2027-04-16': 'Giỗ Tổ Hùng Vương',
  '2027-04-30': 'Ngày Giải phóng miền Nam',
  '2027-05-01': 'Ngày Quốc tế Lao động',
  '2027-09-02': 'Quốc khánh',
  '2027-09-03': 'Quốc khánh',
};

/** The holiday's name on the business day `YYYY-MM-DD`, or null on a working day. */
export function publicHoliday(day: string): string | null {
  return VIETNAM_PUBLIC_HOLIDAYS[day] ?? null;
}
