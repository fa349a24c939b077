import { randomInt } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import {
  DeviceInfoSchema,
  EnrollResponseSchema,
  IssuedEnrolmentSchema,
  OfficerListSchema,
  type DeviceKind,
} from '@counterwatch/shared';

/**
 * The demo's department devices, enrolled once like an administrator would
 * (Admin › Devices, then the code on the device) and remembered in the demo
 * directory, so `npm start` can print links that open each device ready to
 * use. A device revoked in the console, or a fresh database, gets a new one.
 */
export interface DemoDevice {
  kind: DeviceKind;
  name: string;
  /** Opens the device page already enrolled; the page keeps the token and drops it from the address. */
  link: string;
}

const Saved = z.record(z.string(), z.object({ id: z.string(), token: z.string() }));

const NAMES: Record<DeviceKind, string> = {
  kiosk: 'Máy lấy số (demo)',
  panel: 'Bảng điều khiển quầy (demo)',
  rating: 'Máy đánh giá (demo)',
  board: 'Bảng hiển thị sảnh (demo)',
};

/** The demo department's officer, to sign in at the counter panel (badge number and PIN). */
export interface DemoOfficer {
  displayName: string;
  badgeNumber: string;
  pin: string;
}

const OFFICER = { displayName: 'Trung úy Nguyễn Thị Lan', badgeNumber: 'CA-0101' } as const;
const SavedOfficer = z.object({ badgeNumber: z.string(), pin: z.string() });

export async function ensureDemoDevices(options: {
  /** Where the server answers (loopback). */
  url: string;
  /** The address people open (printed links). */
  publicUrl: string;
  dir: string;
  admin: { username: string; password: string };
  department: { id: string; counterId: string; counterName: string };
}): Promise<{ devices: DemoDevice[]; officer: DemoOfficer }> {
  const file = path.join(options.dir, 'devices.json');
  let saved: z.infer<typeof Saved> = {};
  if (fs.existsSync(file)) {
    const parsed = Saved.safeParse(JSON.parse(fs.readFileSync(file, 'utf8')));
    if (parsed.success) saved = parsed.data;
  }
  let cookie: string | undefined;
  const out: DemoDevice[] = [];
  for (const kind of ['kiosk', 'panel', 'rating', 'board'] as const) {
    const counterId = kind === 'panel' || kind === 'rating' ? options.department.counterId : null;
    let token = saved[kind]?.token;
    if (!token || !(await stillEnrolled(options.url, token, kind, options.department.id))) {
      cookie ??= await login(options.url, options.admin);
      const enrolled = await enrol(options.url, cookie, {
        departmentId: options.department.id,
        kind,
        counterId,
        name: NAMES[kind],
      });
      saved[kind] = enrolled;
      token = enrolled.token;
    }
    out.push({
      kind,
      name: counterId ? `${NAMES[kind]} — ${options.department.counterName}` : NAMES[kind],
      link: `${options.publicUrl}/${kind}#token=${token}`,
    });
  }
  fs.writeFileSync(file, JSON.stringify(saved, null, 2), { mode: 0o600 });
  cookie ??= await login(options.url, options.admin);
  const officer = await ensureOfficer(options.url, cookie, options.dir, options.department.id);
  await logout(options.url, cookie);
  return { devices: out, officer };
}

/**
 * One officer of the demo department, created like an admin would (Quản trị › Cán bộ) with a
 * generated PIN (no default PINs), remembered in the demo directory while the database has them.
 */
async function ensureOfficer(
  url: string,
  cookie: string,
  dir: string,
  departmentId: string,
): Promise<DemoOfficer> {
  const file = path.join(dir, 'officer.json');
  const saved = fs.existsSync(file)
    ? SavedOfficer.safeParse(JSON.parse(fs.readFileSync(file, 'utf8')))
    : null;
  const headers = { 'content-type': 'application/json', origin: url, cookie };
  const listed = await fetch(`${url}/api/v1/admin/officers`, { headers });
  if (!listed.ok) throw new Error(`demo officer: list refused (${listed.status})`);
  const existing = OfficerListSchema.parse(await listed.json()).officers.find(
    (o) => o.departmentId === departmentId && o.badgeNumber === OFFICER.badgeNumber,
  );
  if (existing && saved?.success && saved.data.badgeNumber === OFFICER.badgeNumber)
    return { ...OFFICER, pin: saved.data.pin };
  const pin = String(randomInt(0, 1_000_000)).padStart(6, '0');
  const res = existing
    ? await fetch(`${url}/api/v1/admin/officers/${existing.id}`, {
        method: 'PATCH',
        headers,
        body: JSON.stringify({ pin }),
      })
    : await fetch(`${url}/api/v1/admin/officers`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ departmentId, ...OFFICER, pin }),
      });
  if (!res.ok) throw new Error(`demo officer: not saved (${res.status})`);
  fs.writeFileSync(file, JSON.stringify({ badgeNumber: OFFICER.badgeNumber, pin }), { mode: 0o600 });
  return { ...OFFICER, pin };
}

async function stillEnrolled(
  url: string,
  token: string,
  kind: DeviceKind,
  departmentId: string,
): Promise<boolean> {
  const res = await fetch(`${url}/api/v1/device/info`, { headers: { authorization: `Bearer ${token}` } });
  if (!res.ok) return false;
  const info = DeviceInfoSchema.safeParse(await res.json());
  return info.success && info.data.device.kind === kind && info.data.department.id === departmentId;
}

async function login(url: string, admin: { username: string; password: string }): Promise<string> {
  const res = await fetch(`${url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: url },
    body: JSON.stringify(admin),
  });
  const cookie = res.headers.get('set-cookie')?.split(';')[0];
  if (!res.ok || !cookie) throw new Error(`demo devices: admin login refused (${res.status})`);
  return cookie;
}

async function logout(url: string, cookie: string): Promise<void> {
  await fetch(`${url}/api/v1/auth/logout`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: url, cookie },
    body: '{}',
  }).catch(() => undefined);
}

async function enrol(
  url: string,
  cookie: string,
  device: { departmentId: string; kind: DeviceKind; counterId: string | null; name: string },
): Promise<{ id: string; token: string }> {
  const created = await fetch(`${url}/api/v1/admin/devices`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: url, cookie },
    body: JSON.stringify(device),
  });
  if (created.status !== 201) throw new Error(`demo devices: ${device.kind} not created (${created.status})`);
  const issued = IssuedEnrolmentSchema.parse(await created.json());
  const res = await fetch(`${url}/api/v1/device/enroll`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: url },
    body: JSON.stringify({ code: issued.code, kind: device.kind }),
  });
  if (!res.ok) throw new Error(`demo devices: ${device.kind} not enrolled (${res.status})`);
  return { id: issued.device.id, token: EnrollResponseSchema.parse(await res.json()).token };
}
