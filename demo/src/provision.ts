import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { DEFAULT_OPENING_HOURS, type OpeningHours } from '@counterwatch/shared';

/**
 * Writes a provisioning file (departments, counters, hashes of fresh agent
 * tokens and department API keys) and the secrets themselves into files the
 * demo's agents and simulator read. Used by `npm start`, the tests and the
 * benchmarks alike.
 */
export interface ProvisionedCounter {
  id: string;
  departmentId: string;
  name: string;
  services: string[];
  tokenFile: string;
}

export interface ProvisionedDepartment {
  id: string;
  name: string;
  apiKey: string;
  counters: ProvisionedCounter[];
}

export interface Provisioned {
  directoryFile: string;
  departments: ProvisionedDepartment[];
  counters: ProvisionedCounter[];
}

const DEPARTMENT_NAMES: [string, string][] = [
  ['phuong-hoan-kiem', 'Công an phường Hoàn Kiếm'],
  ['phuong-ba-dinh', 'Công an phường Ba Đình'],
  ['phuong-dong-da', 'Công an phường Đống Đa'],
  ['phuong-cau-giay', 'Công an phường Cầu Giấy'],
  ['pc08-giao-thong', 'Phòng Cảnh sát giao thông'],
  ['pa08-xuat-nhap-canh', 'Phòng Quản lý xuất nhập cảnh'],
  ['phuong-tay-ho', 'Công an phường Tây Hồ'],
  ['phuong-hai-ba-trung', 'Công an phường Hai Bà Trưng'],
];

/** Counter layouts a ward station typically has; services per counter. */
const COUNTER_LAYOUT: [string, string[]][] = [
  ['Căn cước', ['id-card']],
  ['Cư trú', ['permanent-residence', 'temporary-residence']],
  ['Đăng ký xe', ['vehicle-registration', 'traffic-violation']],
  [
    'Tổng hợp',
    ['id-card', 'permanent-residence', 'temporary-residence', 'criminal-record', 'seal-registration'],
  ],
  ['Căn cước 2', ['id-card', 'passport']],
  ['Cư trú 2', ['permanent-residence', 'temporary-residence', 'criminal-record']],
];

export function secret(): string {
  return randomBytes(32).toString('base64url');
}

export function sha256Hash(value: string): string {
  return `sha256:${createHash('sha256').update(value, 'utf8').digest('hex')}`;
}

export interface ProvisionOptions {
  dir: string;
  departments: number;
  countersPerDepartment: number;
  /** The demo opens every day all day so the wall is alive whenever it is run. */
  openingHours?: OpeningHours;
}

export function provision(options: ProvisionOptions): Provisioned {
  fs.mkdirSync(path.join(options.dir, 'tokens'), { recursive: true, mode: 0o700 });
  const departments: ProvisionedDepartment[] = [];
  for (let d = 0; d < options.departments; d++) {
    const [baseId, baseName] = DEPARTMENT_NAMES[d % DEPARTMENT_NAMES.length] ?? ['department', 'Department'];
    const round = Math.floor(d / DEPARTMENT_NAMES.length);
    const id = round === 0 ? baseId : `${baseId}-${round + 1}`;
    const name = round === 0 ? baseName : `${baseName} (${round + 1})`;
    const counters: ProvisionedCounter[] = [];
    for (let c = 0; c < options.countersPerDepartment; c++) {
      const [label, services] = COUNTER_LAYOUT[c % COUNTER_LAYOUT.length] ?? ['Tổng hợp', ['id-card']];
      const counterId = `${id}-q${c + 1}`;
      const tokenFile = path.join(options.dir, 'tokens', `${counterId}.token`);
      fs.writeFileSync(tokenFile, secret(), { mode: 0o600 });
      counters.push({
        id: counterId,
        departmentId: id,
        name: `Quầy ${c + 1} — ${label}`,
        services,
        tokenFile,
      });
    }
    departments.push({ id, name, apiKey: secret(), counters });
  }
  const file = {
    departments: departments.map((d) => ({
      id: d.id,
      name: d.name,
      openingHours: options.openingHours ?? DEFAULT_OPENING_HOURS,
      apiKeyHash: sha256Hash(d.apiKey),
    })),
    counters: departments.flatMap((d) =>
      d.counters.map((c) => ({
        id: c.id,
        departmentId: c.departmentId,
        name: c.name,
        services: c.services,
        tokenHash: sha256Hash(fs.readFileSync(c.tokenFile, 'utf8')),
      })),
    ),
  };
  const directoryFile = path.join(options.dir, 'directory.json');
  fs.writeFileSync(directoryFile, JSON.stringify(file, null, 2), { mode: 0o600 });
  return { directoryFile, departments, counters: departments.flatMap((d) => d.counters) };
}

export const ALL_DAY: OpeningHours = { days: [1, 2, 3, 4, 5, 6, 7], open: '00:00', close: '23:59' };
