import { z } from 'zod';
import { SlugSchema } from './ids.js';

/**
 * The procedures a police one-stop department handles. A ticket belongs to
 * one service; a counter serves a set of them. `typicalMinutes` is the mean
 * service time the simulator starts from and the "far longer than usual"
 * rule compares against before enough history exists.
 */
export const SERVICES = [
  { code: 'id-card', vi: 'Cấp, đổi thẻ căn cước', en: 'ID card issuance and renewal', typicalMinutes: 8 },
  {
    code: 'permanent-residence',
    vi: 'Đăng ký thường trú',
    en: 'Permanent residence registration',
    typicalMinutes: 12,
  },
  {
    code: 'temporary-residence',
    vi: 'Đăng ký tạm trú, khai báo tạm vắng',
    en: 'Temporary residence / absence',
    typicalMinutes: 7,
  },
  {
    code: 'criminal-record',
    vi: 'Phiếu lý lịch tư pháp',
    en: 'Criminal-record certificate',
    typicalMinutes: 10,
  },
  { code: 'vehicle-registration', vi: 'Đăng ký xe', en: 'Vehicle registration', typicalMinutes: 15 },
  { code: 'driving-licence', vi: 'Giấy phép lái xe', en: 'Driving licence', typicalMinutes: 10 },
  {
    code: 'traffic-violation',
    vi: 'Xử lý vi phạm giao thông',
    en: 'Traffic-violation handling',
    typicalMinutes: 12,
  },
  { code: 'seal-registration', vi: 'Đăng ký mẫu con dấu', en: 'Seal registration', typicalMinutes: 15 },
  { code: 'passport', vi: 'Cấp hộ chiếu phổ thông', en: 'Passport issuance', typicalMinutes: 10 },
] as const;

export type ServiceCode = (typeof SERVICES)[number]['code'];
export const ServiceCodeSchema = SlugSchema;

export function serviceInfo(code: string): (typeof SERVICES)[number] | undefined {
  return SERVICES.find((s) => s.code === code);
}

export const ServiceSchema = z.object({
  code: ServiceCodeSchema,
  vi: z.string(),
  en: z.string(),
  typicalMinutes: z.number().positive(),
});
export type Service = z.infer<typeof ServiceSchema>;
