import { randomBytes } from 'node:crypto';
import {
  AppError,
  COUNTER_DEVICE_KINDS,
  formatEnrolmentCode,
  type Counter,
  type CreateDevice,
  type Department,
  type DeviceAdmin,
  type DeviceKind,
  type DeviceSelf,
  type IssuedEnrolment,
  type Clock,
} from '@counterwatch/shared';
import type { Actor, AuditLog } from '../audit/AuditLog.js';
import { ENROLMENT_TTL_MS, EnrolmentLimiter, newEnrolmentCode } from '../auth/enrolment.js';
import { hashToken, randomSecret } from '../auth/secrets.js';
import type { Logger } from '../logger.js';
import type { DeviceRecord, DeviceStore } from '../storage/Storage.js';

export { ENROLMENT_TTL_MS };
/** "Last used" is written at most this often per device (every poll would be a write). */
const TOUCH_EVERY_MS = 60_000;

export interface DeviceRegistryOptions {
  store: DeviceStore;
  audit: AuditLog;
  directory: {
    department(id: string): Department | undefined;
    counter(id: string): Counter | undefined;
  };
  logger: Logger;
  /** The injected clock. */
  now: Clock;
  codeTtlMs?: number;
  /** Shared with the counters' enrolment: wrong codes from one address are counted together. */
  limiter: EnrolmentLimiter;
}

export type DeviceAuthentication =
  | { status: 'ok'; device: DeviceSelf; department: Department }
  | { status: 'revoked' }
  | { status: 'unknown' };

const KIND_NAMES: Record<DeviceKind, string> = {
  kiosk: 'kiosk',
  panel: 'counter panel',
  rating: 'rating pad',
  board: 'hall board',
};

function deviceId(): string {
  return `dv-${randomBytes(8).toString('hex')}`;
}

export function adminView(r: DeviceRecord): DeviceAdmin {
  return {
    id: r.id,
    departmentId: r.departmentId,
    kind: r.kind,
    counterId: r.counterId,
    name: r.name,
    createdAt: r.createdAt,
    createdBy: r.createdBy,
    enrolledAt: r.enrolledAt,
    lastUsedAt: r.lastUsedAt,
    revokedAt: r.revokedAt,
    revokedBy: r.revokedBy,
    codeExpiresAt: r.codeHash !== null ? r.codeExpiresAt : null,
  };
}

function selfView(r: DeviceRecord): DeviceSelf {
  return { id: r.id, kind: r.kind, name: r.name, departmentId: r.departmentId, counterId: r.counterId };
}

/**
 * The department's devices and their credentials. An admin creates a
 * device and gets a one-time enrolment code (15 minutes); the device
 * exchanges it once for its own long-lived token. Codes and tokens are kept
 * only as hashes; a revoked device is refused at its next request. Every
 * change is on the audit trail before it happens.
 */
export class DeviceRegistry {
  readonly #store: DeviceStore;
  readonly #audit: AuditLog;
  readonly #directory: DeviceRegistryOptions['directory'];
  readonly #logger: Logger;
  readonly #now: Clock;
  readonly #codeTtlMs: number;
  readonly #limiter: EnrolmentLimiter;

  constructor(options: DeviceRegistryOptions) {
    this.#store = options.store;
    this.#audit = options.audit;
    this.#directory = options.directory;
    this.#logger = options.logger.child({ module: 'devices' });
    this.#now = options.now;
    this.#codeTtlMs = options.codeTtlMs ?? ENROLMENT_TTL_MS;
    this.#limiter = options.limiter;
  }

  async list(): Promise<DeviceAdmin[]> {
    return (await this.#store.list()).map(adminView);
  }

  async create(actor: Actor, input: CreateDevice): Promise<IssuedEnrolment> {
    if (!this.#directory.department(input.departmentId)) {
      throw new AppError('invalid_request', `unknown department ${input.departmentId}`);
    }
    if (COUNTER_DEVICE_KINDS.includes(input.kind)) {
      const counter = input.counterId === null ? undefined : this.#directory.counter(input.counterId);
      if (!counter || counter.departmentId !== input.departmentId) {
        throw new AppError('invalid_request', `no counter ${input.counterId ?? ''} in ${input.departmentId}`);
      }
    }
    const id = deviceId();
    await this.#audit.record({
      action: 'device.create',
      actor,
      departmentId: input.departmentId,
      counterId: input.counterId,
      objectType: 'device',
      objectId: id,
      details: { kind: input.kind, name: input.name },
    });
    const code = newEnrolmentCode();
    const expiresAt = this.#now() + this.#codeTtlMs;
    const record = await this.#store.create({
      id,
      departmentId: input.departmentId,
      kind: input.kind,
      counterId: input.counterId,
      name: input.name,
      createdAt: this.#now(),
      createdBy: actor.username,
      codeHash: hashToken(code),
      codeExpiresAt: expiresAt,
    });
    this.#logger.info({ deviceId: id, kind: input.kind, departmentId: input.departmentId }, 'device created');
    return { device: adminView(record), code: formatEnrolmentCode(code), expiresAt };
  }

  /** A fresh code for a device (a replaced tablet, a wiped browser): its token works until the code is used. */
  async issueCode(actor: Actor, id: string): Promise<IssuedEnrolment> {
    const existing = await this.#store.get(id);
    if (!existing) throw new AppError('not_found', `no device ${id}`);
    if (existing.revokedAt !== null) throw new AppError('conflict', `device ${id} is revoked`);
    await this.#audit.record({
      action: 'device.code_issue',
      actor,
      departmentId: existing.departmentId,
      counterId: existing.counterId,
      objectType: 'device',
      objectId: id,
    });
    const code = newEnrolmentCode();
    const expiresAt = this.#now() + this.#codeTtlMs;
    if (!(await this.#store.setCode(id, hashToken(code), expiresAt))) {
      throw new AppError('conflict', `device ${id} is revoked`);
    }
    const updated = await this.#store.get(id);
    if (!updated) throw new AppError('not_found', `no device ${id}`);
    return { device: adminView(updated), code: formatEnrolmentCode(code), expiresAt };
  }

  async revoke(actor: Actor, id: string): Promise<DeviceAdmin> {
    const existing = await this.#store.get(id);
    if (!existing) throw new AppError('not_found', `no device ${id}`);
    if (existing.revokedAt !== null) throw new AppError('conflict', `device ${id} is already revoked`);
    await this.#audit.record({
      action: 'device.revoke',
      actor,
      departmentId: existing.departmentId,
      counterId: existing.counterId,
      objectType: 'device',
      objectId: id,
      details: { kind: existing.kind, name: existing.name },
    });
    await this.#store.revoke(id, this.#now(), actor.username);
    this.#logger.info({ deviceId: id }, 'device revoked');
    const updated = await this.#store.get(id);
    if (!updated) throw new AppError('not_found', `no device ${id}`);
    return adminView(updated);
  }

  /** The one-time code for the device's own token; a code for another kind of page is refused and kept. */
  async enrol(
    code: string,
    kind: DeviceKind | undefined,
    ip: string | null,
  ): Promise<{ token: string; device: DeviceSelf }> {
    return this.#limiter.attempt(ip, () => this.#enrol(code, kind, ip));
  }

  async #enrol(
    code: string,
    kind: DeviceKind | undefined,
    ip: string | null,
  ): Promise<{ token: string; device: DeviceSelf }> {
    const codeHash = hashToken(code);
    const now = this.#now();
    const found = await this.#store.byCodeHash(codeHash);
    const refused = new AppError(
      'unauthenticated',
      'this enrolment code is unknown, used or expired; ask an administrator for a new one',
      { reason: 'enrolment_code' },
    );
    if (!found || found.revokedAt !== null || (found.codeExpiresAt ?? 0) <= now) throw refused;
    if (kind !== undefined && kind !== found.kind) {
      throw new AppError(
        'conflict',
        `this code is for a ${KIND_NAMES[found.kind]}; open /${found.kind} on that device`,
        { reason: 'wrong_kind', kind: found.kind },
      );
    }
    await this.#audit.record({
      action: 'device.enrol',
      actor: { userId: null, username: `device:${found.id}`, ip },
      departmentId: found.departmentId,
      counterId: found.counterId,
      objectType: 'device',
      objectId: found.id,
      details: { kind: found.kind },
    });
    const token = randomSecret(32);
    const enrolled = await this.#store.enrol(codeHash, hashToken(token), now);
    if (!enrolled) throw refused; // used by another page a moment ago, or revoked meanwhile
    this.#logger.info({ deviceId: enrolled.id, kind: enrolled.kind }, 'device enrolled');
    return { token, device: selfView(enrolled) };
  }

  /** Who holds this token: checked against the database on every request, so a revocation holds at once. */
  async authenticate(token: string): Promise<DeviceAuthentication> {
    const record = await this.#store.byTokenHash(hashToken(token));
    if (!record) return { status: 'unknown' };
    if (record.revokedAt !== null) return { status: 'revoked' };
    const department = this.#directory.department(record.departmentId);
    if (!department) return { status: 'unknown' };
    const now = this.#now();
    if (record.lastUsedAt === null || now - record.lastUsedAt >= TOUCH_EVERY_MS) {
      await this.#store.touch(record.id, now);
    }
    return { status: 'ok', device: selfView(record), department };
  }
}
