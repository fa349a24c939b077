import type { z } from 'zod';
import type { DeviceInfo, DeviceKind } from '@counterwatch/shared';
import type { HttpMethod } from '../api/http';

export type DevicePageName = DeviceKind;

/** What a device page gets once its token is accepted (from `DeviceGate`). */
export interface DeviceSession {
  info: DeviceInfo;
  token: string;
  /** A bearer-authenticated request; a refused token sends the page back to the enrolment prompt. */
  request: <S extends z.ZodType>(
    method: HttpMethod,
    path: string,
    schema: S,
    body?: unknown,
  ) => Promise<z.output<S>>;
  /** Staff only: enrols this device again with a fresh code; nothing changes if the code is refused. */
  reenrol: (code: string) => Promise<void>;
}
