import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { DEFAULT_OPENING_HOURS, foldText, type OpeningHours } from '@counterwatch/shared';

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

/**
 * A province after the 2025 reorganisation: the provincial police's one-stop
 * departments (identity and residence, exit-entry, traffic, records,
 * the provincial public-service centre), then commune and ward
 * stations of two counters each (the last takes what is left).
 */
const PROVINCIAL: { id: string; name: string; counters: [string, string[]][] }[] = [
  {
    id: 'pc06-qlhc',
    name: 'Phòng Cảnh sát QLHC về TTXH (PC06)',
    counters: [
      ['Căn cước', ['id-card']],
      ['Căn cước', ['id-card']],
      ['Căn cước', ['id-card']],
      ['Cư trú', ['permanent-residence', 'temporary-residence']],
      ['Cư trú', ['permanent-residence', 'temporary-residence']],
      ['Con dấu', ['seal-registration']],
      ['Tổng hợp', ['id-card', 'permanent-residence', 'temporary-residence', 'criminal-record']],
      ['Tổng hợp', ['id-card', 'permanent-residence', 'temporary-residence', 'criminal-record']],
    ],
  },
  {
    id: 'pa08-xuat-nhap-canh',
    name: 'Phòng Quản lý xuất nhập cảnh (PA08)',
    counters: Array.from({ length: 6 }, () => ['Hộ chiếu', ['passport']] as [string, string[]]),
  },
  {
    id: 'pc08-csgt',
    name: 'Phòng Cảnh sát giao thông (PC08)',
    counters: [
      ['Đăng ký xe', ['vehicle-registration']],
      ['Đăng ký xe', ['vehicle-registration']],
      ['Đăng ký xe', ['vehicle-registration']],
      ['Đăng ký xe', ['vehicle-registration']],
      ['Xử lý vi phạm', ['traffic-violation']],
      ['Xử lý vi phạm', ['traffic-violation']],
    ],
  },
  {
    id: 'pv06-ho-so',
    name: 'Phòng Hồ sơ nghiệp vụ (PV06)',
    counters: [
      ['Lý lịch tư pháp', ['criminal-record']],
      ['Lý lịch tư pháp', ['criminal-record']],
    ],
  },
  {
    id: 'hcc-tinh',
    name: 'Trung tâm Phục vụ hành chính công tỉnh — quầy Công an',
    counters: [
      ['Tổng hợp', ['id-card', 'permanent-residence', 'vehicle-registration', 'criminal-record']],
      ['Tổng hợp', ['id-card', 'permanent-residence', 'vehicle-registration', 'criminal-record']],
      ['Tổng hợp', ['id-card', 'permanent-residence', 'vehicle-registration', 'criminal-record']],
      ['Tổng hợp', ['id-card', 'permanent-residence', 'vehicle-registration', 'criminal-record']],
    ],
  },
];

const COMMUNE_FIRST = [
  'Tân',
  'Bình',
  'An',
  'Phú',
  'Hòa',
  'Long',
  'Mỹ',
  'Vĩnh',
  'Đông',
  'Tây',
  'Nam',
  'Hưng',
  'Phước',
  'Thuận',
  'Quang',
  'Đức',
  'Trung',
  'Xuân',
  'Thanh',
  'Gia',
];
const COMMUNE_SECOND = [
  'Thạnh',
  'Lợi',
  'Hiệp',
  'Thịnh',
  'Tiến',
  'Lộc',
  'Thắng',
  'Khánh',
  'Hải',
  'Sơn',
  'Điền',
  'Nghĩa',
  'Hội',
  'Quý',
  'Định',
];
const COMMUNE_COUNTERS: [string, string[]][] = [
  ['Căn cước', ['id-card', 'passport']],
  ['Cư trú', ['permanent-residence', 'temporary-residence', 'criminal-record', 'vehicle-registration']],
];

/** Departments and counters of a province of `total` counters (names like a real one, ids folded to ASCII). */
export function provinceLayout(
  total: number,
): { id: string; name: string; counters: [string, string[]][] }[] {
  const layout: { id: string; name: string; counters: [string, string[]][] }[] = [];
  let left = total;
  for (const department of PROVINCIAL) {
    if (left <= 0) break;
    const counters = department.counters.slice(0, left);
    layout.push({ ...department, counters });
    left -= counters.length;
  }
  for (let i = 0; left > 0; i++) {
    const first = COMMUNE_FIRST[i % COMMUNE_FIRST.length] ?? 'Tân';
    const second = COMMUNE_SECOND[Math.floor(i / COMMUNE_FIRST.length) % COMMUNE_SECOND.length] ?? 'An';
    const round = Math.floor(i / (COMMUNE_FIRST.length * COMMUNE_SECOND.length));
    const ward = i % 4 === 3;
    const place = `${first} ${second}${round > 0 ? ` ${round + 1}` : ''}`;
    const count = left === 3 ? 3 : Math.min(2, left);
    layout.push({
      id: `${ward ? 'phuong' : 'xa'}-${foldText(place).replace(/[^a-z0-9]+/g, '-')}`,
      name: `Công an ${ward ? 'phường' : 'xã'} ${place}`,
      counters: Array.from(
        { length: count },
        (_, c) => COMMUNE_COUNTERS[c % COMMUNE_COUNTERS.length] ?? ['Tổng hợp', ['id-card']],
      ),
    });
    left -= count;
  }
  return layout;
}

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
  /** A province of this many counters instead (provincial departments, then commune stations). */
  province?: number;
  /** The demo opens every day all day so the wall is alive whenever it is run. */
  openingHours?: OpeningHours;
}

export function provision(options: ProvisionOptions): Provisioned {
  fs.mkdirSync(path.join(options.dir, 'tokens'), { recursive: true, mode: 0o700 });
  const departments: ProvisionedDepartment[] = [];
  const counter = (
    departmentId: string,
    c: number,
    label: string,
    services: string[],
  ): ProvisionedCounter => {
    const counterId = `${departmentId}-q${c + 1}`;
    const tokenFile = path.join(options.dir, 'tokens', `${counterId}.token`);
    fs.writeFileSync(tokenFile, secret(), { mode: 0o600 });
    return { id: counterId, departmentId, name: `Quầy ${c + 1} — ${label}`, services, tokenFile };
  };
  if (options.province !== undefined) {
    for (const d of provinceLayout(options.province)) {
      departments.push({
        id: d.id,
        name: d.name,
        apiKey: secret(),
        counters: d.counters.map(([label, services], c) => counter(d.id, c, label, services)),
      });
    }
  }
  for (let d = 0; options.province === undefined && d < options.departments; d++) {
    const [baseId, baseName] = DEPARTMENT_NAMES[d % DEPARTMENT_NAMES.length] ?? ['department', 'Department'];
    const round = Math.floor(d / DEPARTMENT_NAMES.length);
    const id = round === 0 ? baseId : `${baseId}-${round + 1}`;
    const name = round === 0 ? baseName : `${baseName} (${round + 1})`;
    const counters: ProvisionedCounter[] = [];
    for (let c = 0; c < options.countersPerDepartment; c++) {
      const [label, services] = COUNTER_LAYOUT[c % COUNTER_LAYOUT.length] ?? ['Tổng hợp', ['id-card']];
      counters.push(counter(id, c, label, services));
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
