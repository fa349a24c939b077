import type { RequestHandler, Response } from 'express';
import { AppError, type Department, type DeviceKind, type DeviceSelf } from '@counterwatch/shared';
import type { DeviceAuthentication } from '../devices/DeviceRegistry.js';

const DEPARTMENT_KEY = 'department';
const DEVICE_KEY = 'device';

/** The token of an `Authorization: Bearer <token>` header, if well formed. */
export function bearer(header: string | undefined): string | undefined {
  return /^Bearer\s+(\S{16,200})$/i.exec(header ?? '')?.[1];
}

/** The department whose API key authenticated this request. */
export function departmentOf(res: Response): Department {
  const department = res.locals[DEPARTMENT_KEY] as Department | undefined;
  if (!department) throw new Error('route is missing requireDepartmentKey');
  return department;
}

/**
 * `Authorization: Bearer <department API key>` — how a department's queue
 * system authenticates (`POST /api/v1/events` only; devices have their own tokens).
 */
export function requireDepartmentKey(authenticate: (key: string) => Department | undefined): RequestHandler {
  return (req, res, next) => {
    const key = bearer(req.get('authorization'));
    const department = key ? authenticate(key) : undefined;
    if (!department) {
      next(
        new AppError('unauthenticated', 'a valid department API key is required (Authorization: Bearer …)'),
      );
      return;
    }
    res.locals[DEPARTMENT_KEY] = department;
    next();
  };
}

export interface AuthenticatedDevice {
  device: DeviceSelf;
  department: Department;
}

/** The device whose token authenticated this request. */
export function deviceOf(res: Response): AuthenticatedDevice {
  const found = res.locals[DEVICE_KEY] as AuthenticatedDevice | undefined;
  if (!found) throw new Error('route is missing requireDevice');
  return found;
}

/**
 * `Authorization: Bearer <device token>` — a kiosk, counter panel, rating
 * pad or hall board enrolled from the console. A revoked device is told so
 * (its page goes back to the enrolment prompt and says why).
 */
export function requireDevice(
  authenticate: (token: string) => Promise<DeviceAuthentication>,
): RequestHandler {
  return (req, res, next) => {
    const token = bearer(req.get('authorization'));
    if (!token) {
      next(new AppError('unauthenticated', 'a device token is required (Authorization: Bearer …)'));
      return;
    }
    authenticate(token)
      .then((result) => {
        switch (result.status) {
          case 'ok':
            res.locals[DEVICE_KEY] = { device: result.device, department: result.department };
            next();
            return;
          case 'revoked':
            next(
              new AppError('unauthenticated', 'this device was revoked by an administrator', {
                reason: 'device_revoked',
              }),
            );
            return;
          case 'unknown':
            next(
              new AppError('unauthenticated', 'this device token is not valid', { reason: 'device_unknown' }),
            );
            return;
        }
      })
      .catch(next);
  };
}

/** Refuses a device of another kind, or one that belongs to another counter. */
export function assertDevice(
  found: AuthenticatedDevice,
  kinds: readonly DeviceKind[],
  counterId?: string,
): void {
  const { device } = found;
  if (!kinds.includes(device.kind)) {
    throw new AppError('forbidden', `a ${device.kind} device may not do this`);
  }
  if (counterId !== undefined && device.counterId !== counterId) {
    throw new AppError('forbidden', `this ${device.kind} belongs to counter ${device.counterId ?? '(none)'}`);
  }
}
