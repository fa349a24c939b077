import { describe, expect, it } from 'vitest';
import { AppError } from '@counterwatch/shared';
import type { InspectionRecord } from '../storage/Storage.js';
import { assertKnownItems, decodeStill, ownsInspection, stillPathInside } from './inspectionChecks.js';
import { automaticEnd, draftResponse, inspectionView, maxMinutes } from './inspectionRecords.js';

const RECORD: InspectionRecord = {
  id: 4,
  departmentId: 'd1',
  counterId: 'c1',
  inspector: 'thanhtra',
  inspectorId: 7,
  inspectorName: null,
  officer: null,
  officerName: 'An',
  startedAt: 1_000,
  endedAt: null,
  checklist: [{ id: 'uniform', vi: 'Đồng phục', en: 'Uniform' }],
  results: {},
  notes: 'typed at the end',
  endedAutomatically: false,
  draft: null,
  draftSavedAt: null,
  draftSaves: 0,
};

const code = (run: () => unknown): string | undefined => {
  try {
    run();
  } catch (error) {
    return error instanceof AppError ? error.code : 'not an AppError';
  }
  return undefined;
};

describe('inspection checks', () => {
  it('knows the inspector by account, or by username for records from before accounts were kept', () => {
    expect(ownsInspection({ id: 7, username: 'someone' }, RECORD)).toBe(true);
    expect(ownsInspection({ id: 8, username: 'thanhtra' }, RECORD)).toBe(false);
    expect(ownsInspection({ id: 8, username: 'thanhtra' }, { ...RECORD, inspectorId: null })).toBe(true);
  });

  it('takes answers to the checklist only', () => {
    expect(code(() => assertKnownItems(RECORD, { uniform: 'pass' }))).toBeUndefined();
    expect(code(() => assertKnownItems(RECORD, { smile: 'fail' }))).toBe('invalid_request');
  });

  it('decodes a JPEG still from a data URL and refuses anything else or too large', () => {
    const jpeg = Buffer.from([0xff, 0xd8, 0xff, 0xd9]);
    expect(decodeStill(undefined)).toBeNull();
    expect(decodeStill(`data:image/jpeg;base64,${jpeg.toString('base64')}`)).toEqual(jpeg);
    expect(code(() => decodeStill(Buffer.from('GIF89a').toString('base64')))).toBe('invalid_request');
    const big = Buffer.alloc(600_001, 0xff);
    expect(code(() => decodeStill(big.toString('base64')))).toBe('message_too_large');
  });

  it('finds stills only inside their folder', () => {
    expect(stillPathInside('/s', '4/a.jpg')).toBe('/s/4/a.jpg');
    expect(code(() => stillPathInside('/s', '../etc/passwd'))).toBe('not_found');
    expect(code(() => stillPathInside('/s', '/s'))).toBe('not_found');
  });
});

describe('inspection records', () => {
  it('views a record with still URLs for the observations that have one', () => {
    const view = inspectionView(RECORD, 'Counter 1', [
      { id: 1, inspectionId: 4, at: 2_000, note: 'a', stillPath: '4/a.jpg' },
      { id: 2, inspectionId: 4, at: 3_000, note: 'b', stillPath: null },
    ]);
    expect(view).toMatchObject({ counterName: 'Counter 1', inspectorName: 'thanhtra' });
    expect(view.observations.map((o) => o.stillUrl)).toEqual([
      '/api/v1/inspections/4/observations/1/still',
      null,
    ]);
  });

  it('gives an empty draft before the first save, and ends an open inspection with what was typed', () => {
    expect(draftResponse(RECORD)).toEqual({
      draft: { results: {}, notes: '', officerName: 'An' },
      savedAt: null,
    });
    expect(automaticEnd(RECORD)).toEqual({ results: {}, notes: 'typed at the end', officerName: null });
    const draft = { results: { uniform: 'fail' as const }, notes: 'draft', officerName: '  Bình ' };
    expect(automaticEnd({ ...RECORD, draft })).toEqual({
      results: { uniform: 'fail' },
      notes: 'draft',
      officerName: 'Bình',
    });
    expect(maxMinutes(90_000)).toBe(1.5);
  });
});
