import { describe, expect, it } from 'vitest';
import { SERVICES, ServiceCodeSchema, ServiceSchema, serviceInfo } from './services.js';

describe('services', () => {
  it('every built-in service is valid and has a unique code', () => {
    for (const service of SERVICES) expect(ServiceSchema.safeParse(service).success).toBe(true);
    expect(new Set(SERVICES.map((s) => s.code)).size).toBe(SERVICES.length);
  });

  it('serviceInfo finds a service by code and returns undefined for an unknown one', () => {
    expect(serviceInfo('passport')).toMatchObject({ en: 'Passport issuance', typicalMinutes: 10 });
    expect(serviceInfo('unknown')).toBeUndefined();
    expect(serviceInfo('PASSPORT')).toBeUndefined();
  });

  it('service codes are slugs', () => {
    expect(ServiceCodeSchema.safeParse('vehicle-registration').success).toBe(true);
    expect(ServiceCodeSchema.safeParse('Vehicle Registration').success).toBe(false);
  });

  it('ServiceSchema requires a positive typical duration', () => {
    expect(ServiceSchema.safeParse({ code: 'x', vi: 'x', en: 'x', typicalMinutes: 0 }).success).toBe(false);
  });
});
