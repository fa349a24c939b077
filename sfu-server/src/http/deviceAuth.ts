import type { RequestHandler, Response } from 'express';
import { AppError, type Department } from '@counterwatch/shared';

const DEPARTMENT_KEY = 'department';

/** The department whose API key authenticated this request. */
export function departmentOf(res: Response): Department {
  const department = res.locals[DEPARTMENT_KEY] as Department | undefined;
  if (!department) throw new Error('route is missing requireDepartmentKey');
  return department;
}

/**
 * `Authorization: Bearer <department API key>` — how a department's queue
 * system and its built-in devices (kiosk, panel, pad, board) authenticate.
 */
export function requireDepartmentKey(authenticate: (key: string) => Department | undefined): RequestHandler {
  return (req, res, next) => {
    const header = req.get('authorization') ?? '';
    const match = /^Bearer\s+(\S{16,200})$/i.exec(header);
    const department = match?.[1] ? authenticate(match[1]) : undefined;
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
