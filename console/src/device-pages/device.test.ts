import { describe, expect, it } from 'vitest';
import type { BoardState } from '@counterwatch/shared';
import { RemoteError, counterShortName } from '@counterwatch/shared';
import { callsToAnnounce, recentCalls } from './board';
import { credentialRefusal, takeFragment, wrongKindOf } from './deviceToken';
import { suggestedActions, waitingRows } from './panelActions';

describe('panel actions', () => {
  it('suggests the usual next step for each state', () => {
    expect(suggestedActions('closed', false)).toEqual(['open']);
    expect(suggestedActions('idle', false)).toEqual(['call-next']);
    expect(suggestedActions('calling', true)).toContain('start');
    expect(suggestedActions('serving', true)).toEqual(['finish']);
  });

  it('lists waiting tickets per service, most first', () => {
    const rows = waitingRows({
      counter: { id: 'q1', name: 'Quầy 1', services: [] },
      state: 'idle',
      servingTicket: null,
      queueLength: 5,
      waitingByService: { passport: 1, 'id-card': 4 },
      lastFinished: null,
      serverTime: 0,
    });
    expect(rows).toEqual([
      { serviceCode: 'id-card', waiting: 4 },
      { serviceCode: 'passport', waiting: 1 },
    ]);
  });
});

describe('recentCalls', () => {
  const board = (serverTime: number): BoardState => ({
    department: { id: 'hk', name: 'Hộ khẩu' },
    counters: [],
    recentCalls: [
      { ticketId: 't1', ticketNumber: 'A001', counterId: 'q1', counterName: 'Quầy 1', at: 1_000 },
      { ticketId: 't2', ticketNumber: 'A002', counterId: 'q2', counterName: 'Quầy 2 — Cư trú', at: 5_000 },
    ],
    waiting: 3,
    serverTime,
  });

  it('orders newest first and highlights the newest for 10 seconds', () => {
    expect(recentCalls(board(6_000)).calls[0]?.ticketNumber).toBe('A002');
    expect(recentCalls(board(6_000)).freshAt).toBe(5_000);
    expect(recentCalls(board(16_000)).freshAt).toBeNull();
  });
});

describe('callsToAnnounce', () => {
  const board = (serverTime: number, calls: [string, number][]): BoardState => ({
    department: { id: 'hk', name: 'Hộ khẩu' },
    counters: [],
    recentCalls: calls.map(([n, at]) => ({
      ticketId: `t-${n}`,
      ticketNumber: n,
      counterId: 'q1',
      counterName: 'Quầy 1',
      at,
    })),
    waiting: 0,
    serverTime,
  });

  it('reads out only the last few seconds on the first poll, then each new call once, oldest first', () => {
    const first = callsToAnnounce(
      board(100_000, [
        ['A001', 10_000],
        ['A002', 95_000],
      ]),
      null,
    );
    expect(first.calls.map((c) => c.ticketNumber)).toEqual(['A002']);
    const again = callsToAnnounce(
      board(101_000, [
        ['A001', 10_000],
        ['A002', 95_000],
      ]),
      first.upTo,
    );
    expect(again.calls).toEqual([]);
    const next = callsToAnnounce(
      board(103_000, [
        ['A003', 102_500],
        ['A002', 95_000],
        ['B001', 102_000],
      ]),
      again.upTo,
    );
    expect(next.calls.map((c) => c.ticketNumber)).toEqual(['B001', 'A003']);
  });

  it('reads a recall out again (its time moved on)', () => {
    const before = callsToAnnounce(board(100_000, [['A002', 95_000]]), null);
    const recalled = callsToAnnounce(board(120_000, [['A002', 119_000]]), before.upTo);
    expect(recalled.calls.map((c) => c.ticketNumber)).toEqual(['A002']);
  });
});

describe('device credentials in the page', () => {
  it('takes an enrolment code or a token from the fragment, nothing else', () => {
    expect(takeFragment({ hash: '#enrol=ABCD-EFGH-JKLM' })).toEqual({ enrol: 'ABCD-EFGH-JKLM' });
    expect(takeFragment({ hash: `#token=${'x'.repeat(43)}` })).toEqual({ token: 'x'.repeat(43) });
    expect(takeFragment({ hash: '#token=<script>' })).toEqual({});
    expect(takeFragment({ hash: '' })).toEqual({});
  });

  it('tells a revoked device from an unknown token, and a code for another page', () => {
    const refused = (details: unknown) => new RemoteError({ code: 'unauthenticated', message: 'x', details });
    expect(credentialRefusal(refused({ reason: 'device_revoked' }))).toBe('revoked');
    expect(credentialRefusal(refused({ reason: 'device_unknown' }))).toBe('invalid');
    expect(credentialRefusal(new RemoteError({ code: 'forbidden', message: 'x' }))).toBeNull();
    expect(
      wrongKindOf(
        new RemoteError({ code: 'conflict', message: 'x', details: { reason: 'wrong_kind', kind: 'board' } }),
      ),
    ).toBe('board');
    expect(wrongKindOf(new RemoteError({ code: 'conflict', message: 'x' }))).toBeNull();
  });

  it('shortens counter names for the hall', () => {
    expect(counterShortName('Quầy 2 — Cư trú')).toBe('Quầy 2');
    expect(counterShortName('Quầy tổng hợp')).toBe('Quầy tổng hợp');
  });
});
