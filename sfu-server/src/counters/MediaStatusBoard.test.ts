import type { AgentHealth } from '@counterwatch/shared';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { MediaStatusBoard } from './MediaStatusBoard.js';

const GRACE = 20_000;
const FLUSH = 500;

const health = (fps: number | null): AgentHealth => ({
  encoder: { state: 'running', restarts: 0, fps, bitrateKbps: 1300, lastExit: null },
  outbox: { pending: 0, capacity: 100_000, full: false },
  uptimeSeconds: 10,
});

const stats = { bitrateKbps: 1400, packetLossPct: 0.5, score: 9 };
const ALL = ['audio', 'grid', 'focus'] as const;

describe('MediaStatusBoard', () => {
  let board: MediaStatusBoard;
  let changed: string[][];

  beforeEach(() => {
    vi.useFakeTimers({ now: 1_000_000 });
    board = new MediaStatusBoard({ reconnectGraceMs: GRACE, flushIntervalMs: FLUSH, now: () => Date.now() });
    changed = [];
    board.on('changed', (ids) => changed.push(ids));
  });

  afterEach(() => {
    board.close();
    vi.useRealTimers();
  });

  it('an unknown counter is offline since the board started (not since 1970)', () => {
    expect(board.get('c01')).toEqual({
      status: 'offline',
      since: 1_000_000,
      publisher: null,
      tracks: [],
      epoch: 0,
      stats: null,
      agent: null,
      recording: 'off',
    });
  });

  it('goes online when tracks appear', () => {
    vi.advanceTimersByTime(1000);
    board.setTracks('c01', { tracks: [...ALL], epoch: 1, publisher: 'ffmpeg' });
    expect(board.get('c01')).toMatchObject({
      status: 'online',
      since: 1_001_000,
      tracks: ['audio', 'grid', 'focus'],
      epoch: 1,
      publisher: 'ffmpeg',
    });
  });

  it('keeps its online-since time when tracks change while online', () => {
    board.setTracks('c01', { tracks: ['grid'], epoch: 1, publisher: 'browser' });
    vi.advanceTimersByTime(5000);
    board.setTracks('c01', { tracks: ['grid', 'focus'], epoch: 1, publisher: 'browser' });
    expect(board.get('c01')).toMatchObject({ status: 'online', since: 1_000_000, tracks: ['grid', 'focus'] });
  });

  it('online → reconnecting when tracks go empty → offline after the grace period', () => {
    board.setTracks('c01', { tracks: [...ALL], epoch: 1, publisher: 'ffmpeg' });
    board.setStats('c01', stats);
    vi.advanceTimersByTime(3000);
    board.setTracks('c01', { tracks: [], epoch: 1, publisher: null });
    expect(board.get('c01')).toMatchObject({
      status: 'reconnecting',
      since: 1_003_000,
      tracks: [],
      stats: null,
    });

    vi.advanceTimersByTime(GRACE - 1);
    expect(board.get('c01').status).toBe('reconnecting');
    vi.advanceTimersByTime(1);
    expect(board.get('c01')).toMatchObject({ status: 'offline', since: 1_003_000 + GRACE, stats: null });
  });

  it('coming back within the grace period cancels the offline transition', () => {
    board.setTracks('c01', { tracks: [...ALL], epoch: 1, publisher: 'ffmpeg' });
    board.setTracks('c01', { tracks: [], epoch: 1, publisher: null });
    vi.advanceTimersByTime(GRACE / 2);
    board.setTracks('c01', { tracks: [...ALL], epoch: 2, publisher: 'ffmpeg' });
    expect(board.get('c01')).toMatchObject({ status: 'online', since: 1_000_000 + GRACE / 2, epoch: 2 });
    vi.advanceTimersByTime(GRACE * 2);
    expect(board.get('c01').status).toBe('online');
  });

  it('a second loss restarts the grace period from then', () => {
    board.setTracks('c01', { tracks: ['grid'], epoch: 1, publisher: 'ffmpeg' });
    board.setTracks('c01', { tracks: [], epoch: 1, publisher: null });
    vi.advanceTimersByTime(GRACE - 100);
    board.setTracks('c01', { tracks: ['grid'], epoch: 2, publisher: 'ffmpeg' });
    board.setTracks('c01', { tracks: [], epoch: 2, publisher: null });
    vi.advanceTimersByTime(GRACE - 1);
    expect(board.get('c01').status).toBe('reconnecting');
    vi.advanceTimersByTime(1);
    expect(board.get('c01').status).toBe('offline');
  });

  it('more empty updates while reconnecting keep the original grace deadline', () => {
    board.setTracks('c01', { tracks: ['grid'], epoch: 1, publisher: 'ffmpeg' });
    board.setTracks('c01', { tracks: [], epoch: 1, publisher: null });
    vi.advanceTimersByTime(GRACE - 10);
    board.setTracks('c01', { tracks: [], epoch: 2, publisher: null });
    expect(board.get('c01')).toMatchObject({ status: 'reconnecting', since: 1_000_000, epoch: 2 });
    vi.advanceTimersByTime(10);
    expect(board.get('c01').status).toBe('offline');
  });

  it('empty tracks while offline stay offline (no reconnecting, no grace timer) but record the epoch', () => {
    board.setTracks('c01', { tracks: [], epoch: 4, publisher: null });
    expect(board.get('c01')).toMatchObject({ status: 'offline', epoch: 4 });
    expect(vi.getTimerCount()).toBe(1); // just the flush
  });

  it('coalesces changes into one changed event per flush interval', () => {
    board.setTracks('c01', { tracks: ['grid'], epoch: 1, publisher: 'ffmpeg' });
    board.setTracks('c02', { tracks: ['grid'], epoch: 1, publisher: 'ffmpeg' });
    board.setStats('c01', stats);
    board.setAgentHealth('c01', health(25));
    expect(changed).toEqual([]);
    vi.advanceTimersByTime(FLUSH - 1);
    expect(changed).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(changed).toEqual([['c01', 'c02']]);

    // Nothing changed: no empty event.
    vi.advanceTimersByTime(FLUSH * 3);
    expect(changed).toHaveLength(1);

    board.agentGone('c02');
    vi.advanceTimersByTime(FLUSH);
    expect(changed).toEqual([['c01', 'c02'], ['c02']]);
  });

  it('announces the grace expiry as a change', () => {
    board.setTracks('c01', { tracks: ['grid'], epoch: 1, publisher: 'ffmpeg' });
    board.setTracks('c01', { tracks: [], epoch: 1, publisher: null });
    vi.advanceTimersByTime(FLUSH);
    expect(changed).toEqual([['c01']]);
    vi.advanceTimersByTime(GRACE);
    expect(changed).toEqual([['c01'], ['c01']]);
  });

  it('defaults to a 500 ms flush interval', () => {
    const defaults = new MediaStatusBoard({ reconnectGraceMs: GRACE, now: () => Date.now() });
    const seen = vi.fn();
    defaults.on('changed', seen);
    defaults.setTracks('c01', { tracks: ['grid'], epoch: 1, publisher: 'ffmpeg' });
    vi.advanceTimersByTime(499);
    expect(seen).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(seen).toHaveBeenCalledWith(['c01']);
    defaults.close();
  });

  describe('stats', () => {
    it('are ignored unless the counter is online', () => {
      board.setStats('c01', stats);
      expect(board.get('c01').stats).toBeNull();
      board.setTracks('c01', { tracks: ['grid'], epoch: 1, publisher: 'ffmpeg' });
      board.setTracks('c01', { tracks: [], epoch: 1, publisher: null });
      board.setStats('c01', stats);
      expect(board.get('c01').stats).toBeNull();
    });

    it('take fps from the agent health, or null without it', () => {
      board.setTracks('c01', { tracks: ['grid'], epoch: 1, publisher: 'ffmpeg' });
      board.setStats('c01', stats);
      expect(board.get('c01').stats).toEqual({ ...stats, fps: null });
      board.setAgentHealth('c01', health(24.5));
      expect(board.get('c01').stats).toEqual({ ...stats, fps: 24.5 });
      board.setStats('c01', { ...stats, bitrateKbps: 900 });
      expect(board.get('c01').stats).toEqual({ ...stats, bitrateKbps: 900, fps: 24.5 });
    });

    it('an agent health without stats does not invent stats', () => {
      board.setAgentHealth('c01', health(25));
      expect(board.get('c01')).toMatchObject({ stats: null, agent: health(25) });
    });
  });

  it('agentGone forgets the health report but keeps the media state', () => {
    board.setTracks('c01', { tracks: ['grid'], epoch: 1, publisher: 'ffmpeg' });
    board.setAgentHealth('c01', health(25));
    board.agentGone('c01');
    expect(board.get('c01')).toMatchObject({ status: 'online', agent: null, tracks: ['grid'] });
  });

  it('remove forgets a counter and cancels its grace timer', () => {
    board.setTracks('c01', { tracks: ['grid'], epoch: 1, publisher: 'ffmpeg' });
    board.setTracks('c01', { tracks: [], epoch: 1, publisher: null });
    board.remove('c01');
    expect(board.get('c01').status).toBe('offline');
    expect(board.get('c01').since).toBe(1_000_000);
    vi.advanceTimersByTime(GRACE);
    expect(board.get('c01').since).toBe(1_000_000); // the old timer did not resurrect it
  });

  it('close stops the flush and grace timers and further announcements', () => {
    board.setTracks('c01', { tracks: ['grid'], epoch: 1, publisher: 'ffmpeg' });
    board.setTracks('c01', { tracks: [], epoch: 1, publisher: null });
    board.close();
    board.close(); // idempotent
    expect(vi.getTimerCount()).toBe(0);
    board.setTracks('c02', { tracks: ['grid'], epoch: 1, publisher: 'ffmpeg' });
    vi.advanceTimersByTime(GRACE * 2);
    expect(changed).toEqual([]);
  });

  // Minor BUG: MediaStatusBoard.ts close() clears today's timers, but setTracks() after close still
  // calls #startGrace, creating a fresh reconnectGraceMs (20 s) timer. Server.close() closes the
  // board before the media (whose producers closing report empty tracks), so timers outlive close.
  it('starts no grace timer after close', () => {
    board.setTracks('c01', { tracks: ['grid'], epoch: 1, publisher: 'ffmpeg' });
    board.close();
    board.setTracks('c01', { tracks: [], epoch: 1, publisher: null });
    expect(vi.getTimerCount()).toBe(0);
  });

  it('says a counter was refused its token until an agent is accepted again', () => {
    board.setTracks('c01', { tracks: [...ALL], epoch: 1, publisher: 'ffmpeg' });
    board.setTracks('c01', { tracks: [], epoch: 1, publisher: null });
    vi.advanceTimersByTime(GRACE);
    expect(board.get('c01')).toMatchObject({ status: 'offline' });
    expect(board.get('c01').credentialRefusedAt ?? null).toBeNull();
    // The token was rotated; the agent comes back with the old one.
    vi.advanceTimersByTime(3_000);
    changed = [];
    board.credentialRefused('c01');
    expect(board.get('c01')).toMatchObject({
      status: 'offline',
      credentialRefusedAt: 1_000_000 + GRACE + 3_000,
    });
    vi.advanceTimersByTime(FLUSH);
    expect(changed.flat()).toContain('c01');
    // The new token is installed: accepted, the refusal is over.
    board.credentialAccepted('c01');
    expect(board.get('c01').credentialRefusedAt).toBeNull();
    // A counter never refused stays as it was.
    board.credentialAccepted('c02');
    expect(board.get('c02').credentialRefusedAt).toBeUndefined();
  });
});
