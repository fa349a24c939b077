import { describe, expect, it } from 'vitest';
import type { BoardState } from '@counterwatch/shared';
import { recentCalls } from './board';
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
      { ticketNumber: 'A001', counterId: 'q1', counterName: 'Quầy 1', at: 1_000 },
      { ticketNumber: 'A002', counterId: 'q2', counterName: 'Quầy 2', at: 5_000 },
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
