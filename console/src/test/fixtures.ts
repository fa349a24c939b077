import type { Alert, CounterQueue, CounterView, DepartmentMetrics, Snapshot } from '@counterwatch/shared';

/** Builders for unit tests: valid wire objects with just the fields a test cares about overridden. */
export function queue(overrides: Partial<CounterQueue> = {}): CounterQueue {
  return {
    state: 'idle',
    stateSince: null,
    pauseReason: null,
    servingTicket: null,
    queueLength: 0,
    longestWaitSeconds: null,
    oldestWaitingSince: null,
    expectedWait: { kind: 'unknown' },
    meanWaitSeconds: null,
    p90WaitSeconds: null,
    meanServiceSeconds: null,
    p90ServiceSeconds: null,
    servedLastHour: 0,
    servedToday: 0,
    noShowRate: null,
    satisfaction: null,
    ratedToday: 0,
    pressure: 0,
    ...overrides,
  };
}

export function counter(id: string, overrides: Partial<CounterView> = {}): CounterView {
  return {
    id,
    departmentId: 'hk',
    name: `Quầy ${id}`,
    services: ['id-card'],
    media: {
      status: 'online',
      since: 0,
      publisher: 'ffmpeg',
      tracks: ['grid'],
      epoch: 1,
      stats: null,
      agent: null,
      recording: 'recording',
    },
    queue: queue(),
    ...overrides,
  };
}

export function alert(id: number, overrides: Partial<Alert> = {}): Alert {
  return {
    id,
    rule: 'longest_wait',
    severity: 'warning',
    departmentId: 'hk',
    counterId: 'q1',
    // A counter's alert concerns its counter, unless the test says otherwise.
    counterIds: overrides.counterId === null ? [] : [overrides.counterId ?? 'q1'],
    subject: null,
    details: { minutes: 31 },
    state: 'open',
    openedAt: 1_000,
    acknowledgedAt: null,
    acknowledgedBy: null,
    resolvedAt: null,
    resolvedBy: null,
    resolutionNote: null,
    ...overrides,
  };
}

export function departmentMetrics(departmentId: string, at: number, queueLength = 0): DepartmentMetrics {
  return {
    departmentId,
    at,
    queueLength,
    longestWaitSeconds: null,
    openCounters: 1,
    meanWaitSeconds: null,
    p90WaitSeconds: null,
    meanServiceSeconds: null,
    p90ServiceSeconds: null,
    servedLastHour: 0,
    servedToday: 0,
    issuedToday: 0,
    openFromPreviousDay: 0,
    resumedFromPreviousDay: 0,
    noShowRate: null,
    satisfaction: null,
    satisfactionLastHour: null,
    ratingsLastHour: 0,
    ratingsToday: { satisfied: 0, neutral: 0, unsatisfied: 0 },
    services: [],
  };
}

export function snapshot(overrides: Partial<Snapshot> = {}): Snapshot {
  return {
    serverTime: 10_000,
    user: { id: 1, username: 'giamdoc', displayName: 'Giám đốc', roles: ['director'], departmentIds: null },
    departments: [
      { id: 'hk', name: 'Hộ khẩu', openingHours: { days: [1, 2, 3, 4, 5], open: '07:30', close: '17:00' } },
    ],
    counters: [counter('q1'), counter('q2')],
    departmentMetrics: [departmentMetrics('hk', 10_000)],
    alerts: [],
    ...overrides,
  };
}
