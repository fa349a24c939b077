import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEntry } from '@counterwatch/shared';
import { SqliteStorage } from '../storage/sqlite/SqliteStorage.js';
import { AuditLog, type Actor } from './AuditLog.js';
import { AuditSearch } from './AuditSearch.js';
import { auditCsv } from './auditCsv.js';

const logger = pino({ level: 'silent' });
/** 2025-03-14 08:00 in Vietnam. */
const START = Date.UTC(2025, 2, 14, 1, 0);
const ROWS = 12_000;

const DEPARTMENTS = [
  { id: 'phuong-hoan-kiem', name: 'Phường Hoàn Kiếm' },
  { id: 'phuong-dong-da', name: 'Phường Đống Đa' },
];
const COUNTERS = [
  { id: 'hk-q1', departmentId: 'phuong-hoan-kiem', name: 'Quầy 1', services: [] },
  { id: 'hk-q10', departmentId: 'phuong-hoan-kiem', name: 'Quầy 10', services: [] },
  { id: 'dd-q1', departmentId: 'phuong-dong-da', name: 'Quầy 1', services: [] },
];
const ACCOUNTS = [
  { username: 'thanhtra', displayName: 'Nguyễn Văn An' },
  { username: 'giamdoc', displayName: 'Trần Thị Bình' },
];
const AN: Actor = { userId: 1, username: 'thanhtra', ip: '192.0.2.1' };
const BINH: Actor = { userId: 2, username: 'giamdoc', ip: '192.0.2.2' };

/** Parses RFC 4180 text (quoted cells may hold commas, quotes and line breaks). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i += 1) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        cell += '"';
        i += 1;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(cell);
      cell = '';
    } else if (ch === '\r' && text[i + 1] === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      i += 1;
    } else cell += ch;
  }
  expect(cell).toBe('');
  return rows;
}

// 12 000 rows through real SQLite: seconds on a loaded CI machine, so a generous timeout (no timing is asserted).
describe('audit search and CSV export', { timeout: 120_000 }, () => {
  let dir: string;
  let storage: SqliteStorage;
  let search: AuditSearch;
  let at = START;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cw-audit-csv-'));
    storage = await SqliteStorage.create({ dataDir: dir, logger, now: () => at, changePollMs: 20 });
    const audit = new AuditLog({ store: storage.audit, logger, now: () => at });
    search = new AuditSearch({
      audit,
      host: {
        departments: () =>
          DEPARTMENTS.map((d) => ({ ...d, openingHours: { days: [1], open: '07:30', close: '17:00' } })),
        counters: () => COUNTERS,
        accounts: async () => ACCOUNTS,
      },
    });
    // A busy day: live views on three counters by two people, one row a second.
    for (let i = 0; i < ROWS; i += 1) {
      const counter = COUNTERS[i % 3]!;
      await audit.record({
        action: i % 2 === 0 ? 'live.view_start' : 'live.view_stop',
        actor: i % 4 < 2 ? AN : BINH,
        departmentId: counter.departmentId,
        counterId: counter.id,
        objectType: 'consumer',
        objectId: `00000000-0000-4000-8000-${String(Math.floor(i / 2)).padStart(12, '0')}`,
        details: { track: 'grid' },
      });
      at += 1000;
    }
    await audit.record({
      action: 'auth.login_failed',
      actor: { userId: null, username: '=cmd|x', ip: null },
      reason: 'sai, "mật khẩu"',
    });
  }, 120_000);

  afterAll(async () => {
    await storage.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const exportCsv = async (filter: Parameters<AuditSearch['all']>[0]): Promise<string[][]> => {
    let text = '';
    for await (const chunk of auditCsv(search.all(filter), await search.names())) text += chunk;
    expect(text.startsWith('\uFEFF')).toBe(true);
    return parseCsv(text.slice(1));
  };

  it('exports every row asked for, past any page size, each once, newest first', async () => {
    const [header, ...rows] = await exportCsv({});
    expect(header).toContain('Thời gian (giờ Việt Nam)');
    expect(rows).toHaveLength(ROWS + 1);
    const seqs = rows.map((r) => Number(r[0]));
    expect(new Set(seqs).size).toBe(ROWS + 1);
    expect(seqs[0]).toBe(ROWS + 1);
    expect(seqs[seqs.length - 1]).toBe(1);
    expect(seqs.every((s, i) => i === 0 || s === seqs[i - 1]! - 1)).toBe(true);
  });

  it('writes times in Vietnam time with their offset, and labels beside the codes', async () => {
    const [header, ...rows] = await exportCsv({});
    const col = (name: string): number => {
      const i = header!.indexOf(name);
      expect(i, name).toBeGreaterThanOrEqual(0);
      return i;
    };
    const first = rows.find((r) => r[0] === '1')!;
    expect(first[col('Thời gian (giờ Việt Nam)')]).toBe('2025-03-14T08:00:00.000+07:00');
    expect(first[col('Mã thao tác')]).toBe('live.view_start');
    expect(first[col('Thao tác')]).toBe('Bắt đầu xem trực tiếp');
    expect(first[col('Tài khoản')]).toBe('thanhtra');
    expect(first[col('Người thực hiện')]).toBe('Nguyễn Văn An');
    expect(first[col('Mã đơn vị')]).toBe('phuong-hoan-kiem');
    expect(first[col('Đơn vị')]).toBe('Phường Hoàn Kiếm');
    expect(first[col('Quầy')]).toBe('Quầy 1');
    expect(first[col('Nội dung')]).toBe(
      'Bắt đầu xem trực tiếp Quầy 1 — Phường Hoàn Kiếm (ô trên màn hình giám sát)',
    );
    expect(first[col('Đối tượng')]).not.toMatch(/[0-9a-f]{8}-/);
    expect(rows.every((r) => r[col('Thời gian (giờ Việt Nam)')]!.endsWith('+07:00'))).toBe(true);
    // The newest row, 12 000 s later: 11:20 the same morning.
    expect(rows[1]![col('Thời gian (giờ Việt Nam)')]).toBe('2025-03-14T11:19:59.000+07:00');
    // A typed name that would run as a formula does not; quotes and commas survive.
    expect(rows[0]![col('Tài khoản')]).toBe("'=cmd|x");
    expect(rows[0]![col('Lý do')]).toBe('sai, "mật khẩu"');
  });

  it('filters by names as people type them', async () => {
    const count = async (filter: Parameters<AuditSearch['all']>[0]): Promise<number> => {
      let n = 0;
      for await (const page of search.all(filter)) n += page.length;
      return n;
    };
    expect(await count({ department: 'Hoàn Kiếm' })).toBe(8000);
    expect(await count({ department: 'hoan kiem' })).toBe(8000);
    expect(await count({ department: 'phuong-hoan-kiem' })).toBe(8000);
    expect(await count({ department: 'ĐỐNG ĐA' })).toBe(4000);
    expect(await count({ department: 'Ba Đình' })).toBe(0);
    // "Quầy 1" is not "Quầy 10"; with a department, only that department's.
    expect(await count({ counter: 'quay 1' })).toBe(8000);
    expect(await count({ counter: 'Quầy 1', department: 'Hoàn Kiếm' })).toBe(4000);
    // The actor by display name or username; a name no account has still finds its rows.
    expect(await count({ actor: 'nguyen van an' })).toBe(6000);
    expect(await count({ actor: 'Trần Thị Bình' })).toBe(6000);
    expect(await count({ actor: 'thanhtra' })).toBe(6000);
    expect(await count({ actor: '=cmd' })).toBe(1);
    expect(await count({ actor: 'nobody' })).toBe(0);
    // Times bound the rows (the first ten minutes).
    expect(await count({ to: START + 599_000 })).toBe(600);
  });

  it('gives a page of the view with its actors display names', async () => {
    const list = await search.list({ limit: 10, department: 'Đống Đa' });
    expect(list.entries).toHaveLength(10);
    expect(list.entries.every((e: AuditEntry) => e.departmentId === 'phuong-dong-da')).toBe(true);
    expect(Object.values(list.actorNames).sort()).toEqual(['Nguyễn Văn An', 'Trần Thị Bình']);
  });
});
