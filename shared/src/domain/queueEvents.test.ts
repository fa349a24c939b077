import { describe, expect, it } from 'vitest';
import {
  EventBatchResultSchema,
  EventBatchSchema,
  MAX_EVENT_BATCH,
  QUEUE_EVENT_TYPES,
  QueueEventSchema,
  type QueueEventType,
} from './queueEvents.js';

const base = {
  id: 'evt-0001',
  departmentId: 'hcm-q1',
  occurredAt: 1_700_000_000_000,
  source: { id: 'kiosk-1', seq: 42 },
};

/** One valid example per event type, with the fields that type requires. */
const examples: Record<QueueEventType, Record<string, unknown>> = {
  'ticket.issued': {
    ...base,
    type: 'ticket.issued',
    ticketId: 't1',
    ticketNumber: 'A-001',
    serviceCode: 'id-card',
  },
  'ticket.called': { ...base, type: 'ticket.called', ticketId: 't1', counterId: 'c01' },
  'ticket.recalled': { ...base, type: 'ticket.recalled', ticketId: 't1', counterId: 'c01' },
  'service.started': { ...base, type: 'service.started', ticketId: 't1', counterId: 'c01' },
  'service.finished': {
    ...base,
    type: 'service.finished',
    ticketId: 't1',
    counterId: 'c01',
    outcome: 'completed',
  },
  'ticket.no_show': { ...base, type: 'ticket.no_show', ticketId: 't1' },
  'ticket.cancelled': { ...base, type: 'ticket.cancelled', ticketId: 't1' },
  'rating.submitted': {
    ...base,
    type: 'rating.submitted',
    ticketId: 't1',
    counterId: 'c01',
    rating: 'satisfied',
    comment: 'Nhanh, chu đáo',
  },
  'rating.commented': {
    ...base,
    type: 'rating.commented',
    ticketId: 't1',
    counterId: 'c01',
    comment: 'Phải chờ lâu',
  },
  'counter.opened': { ...base, type: 'counter.opened', counterId: 'c01' },
  'counter.paused': { ...base, type: 'counter.paused', counterId: 'c01', reason: 'break' },
  'counter.closed': { ...base, type: 'counter.closed', counterId: 'c01' },
};

/** The fields each type needs beyond the common base (and `type`). */
const required: Record<QueueEventType, string[]> = {
  'ticket.issued': ['ticketId', 'ticketNumber', 'serviceCode'],
  'ticket.called': ['ticketId', 'counterId'],
  'ticket.recalled': ['ticketId', 'counterId'],
  'service.started': ['ticketId', 'counterId'],
  'service.finished': ['ticketId', 'counterId', 'outcome'],
  'ticket.no_show': ['ticketId'],
  'ticket.cancelled': ['ticketId'],
  'rating.submitted': ['ticketId', 'counterId', 'rating'],
  'rating.commented': ['ticketId', 'counterId', 'comment'],
  'counter.opened': ['counterId'],
  'counter.paused': ['counterId', 'reason'],
  'counter.closed': ['counterId'],
};

const without = (event: Record<string, unknown>, key: string): Record<string, unknown> =>
  Object.fromEntries(Object.entries(event).filter(([k]) => k !== key));

const paths = (value: unknown): string[] => {
  const result = QueueEventSchema.safeParse(value);
  // Unique paths: one bad value may break several rules (e.g. min length and pattern).
  return result.success ? [] : [...new Set(result.error.issues.map((i) => i.path.join('.')))];
};

describe('QueueEventSchema', () => {
  it('QUEUE_EVENT_TYPES lists the eleven types', () => {
    expect([...QUEUE_EVENT_TYPES].sort()).toEqual(Object.keys(examples).sort());
  });

  it.each(QUEUE_EVENT_TYPES)('accepts a valid %s event', (type) => {
    const parsed = QueueEventSchema.parse(examples[type]);
    expect(parsed.type).toBe(type);
    expect(parsed).toEqual(examples[type]);
  });

  it.each(QUEUE_EVENT_TYPES.flatMap((type) => required[type].map((field) => [type, field] as const)))(
    'rejects %s without %s',
    (type, field) => {
      expect(paths(without(examples[type], field))).toContain(field);
    },
  );

  it.each(['id', 'departmentId', 'occurredAt', 'source'])(
    'rejects an event without the common %s',
    (field) => {
      expect(paths(without(examples['counter.opened'], field))).toContain(field);
    },
  );

  it('accepts ticket.no_show with or without a counter', () => {
    expect(QueueEventSchema.safeParse({ ...examples['ticket.no_show'], counterId: 'c02' }).success).toBe(
      true,
    );
  });

  it('rejects an unknown type', () => {
    expect(paths({ ...examples['counter.opened'], type: 'counter.exploded' })).toEqual(['type']);
  });

  it.each([
    ['service.finished', 'outcome', 'abandoned'],
    ['rating.submitted', 'rating', 'angry'],
    ['counter.paused', 'reason', 'lunch'],
  ] as const)('rejects %s with %s = %j', (type, field, value) => {
    expect(paths({ ...examples[type], [field]: value })).toEqual([field]);
  });

  it('accepts every outcome, rating and pause reason', () => {
    for (const outcome of ['completed', 'returned', 'transferred'])
      expect(QueueEventSchema.safeParse({ ...examples['service.finished'], outcome }).success).toBe(true);
    for (const rating of ['satisfied', 'neutral', 'unsatisfied'])
      expect(QueueEventSchema.safeParse({ ...examples['rating.submitted'], rating }).success).toBe(true);
    for (const reason of ['break', 'meeting', 'technical', 'other'])
      expect(QueueEventSchema.safeParse({ ...examples['counter.paused'], reason }).success).toBe(true);
  });

  it('bounds a rating comment to 500 characters after trimming', () => {
    const withComment = (comment: string): unknown => ({ ...examples['rating.submitted'], comment });
    expect(QueueEventSchema.safeParse(withComment('x'.repeat(500))).success).toBe(true);
    expect(paths(withComment('x'.repeat(501)))).toEqual(['comment']);
    // Surrounding whitespace does not count against the limit, and is removed.
    const padded = QueueEventSchema.parse(withComment(`  ${'x'.repeat(500)}  `));
    expect(padded.type === 'rating.submitted' && padded.comment).toBe('x'.repeat(500));
  });

  it.each([
    ['an event id with a space', { id: 'evt 1' }],
    ['a bad department slug', { departmentId: 'HCM' }],
    ['a negative time', { occurredAt: -1 }],
    ['a source id with a slash', { source: { id: 'kiosk/1', seq: 1 } }],
    ['a fractional seq', { source: { id: 'kiosk-1', seq: 1.5 } }],
    ['an unsafe-integer seq', { source: { id: 'kiosk-1', seq: Number.MAX_SAFE_INTEGER + 1 } }],
    ['a 65-character source id', { source: { id: 's'.repeat(65), seq: 1 } }],
  ])('rejects %s', (_what, patch) => {
    expect(QueueEventSchema.safeParse({ ...examples['counter.opened'], ...patch }).success).toBe(false);
  });

  it.each(['A 001', 'A_001', '1234567890123', ''])('rejects the ticket number %j', (ticketNumber) => {
    expect(paths({ ...examples['ticket.issued'], ticketNumber })).toEqual(['ticketNumber']);
  });

  it('accepts a 12-character ticket number', () => {
    expect(
      QueueEventSchema.safeParse({ ...examples['ticket.issued'], ticketNumber: 'AB-123456789' }).success,
    ).toBe(true);
  });
});

describe('EventBatchSchema', () => {
  it('is capped at MAX_EVENT_BATCH = 500 events', () => {
    expect(MAX_EVENT_BATCH).toBe(500);
    expect(EventBatchSchema.safeParse({ events: Array(MAX_EVENT_BATCH).fill({}) }).success).toBe(true);
    expect(EventBatchSchema.safeParse({ events: Array(MAX_EVENT_BATCH + 1).fill({}) }).success).toBe(false);
  });

  it('rejects an empty batch and a batch that is not a list', () => {
    expect(EventBatchSchema.safeParse({ events: [] }).success).toBe(false);
    expect(EventBatchSchema.safeParse({ events: {} }).success).toBe(false);
    expect(EventBatchSchema.safeParse({}).success).toBe(false);
  });

  it('leaves the events themselves unchecked (they are validated one by one)', () => {
    expect(EventBatchSchema.parse({ events: ['garbage', 1, null] }).events).toEqual(['garbage', 1, null]);
  });
});

describe('EventBatchResultSchema', () => {
  it('accepts a result and rejects an unknown status', () => {
    const result = {
      accepted: 1,
      duplicate: 0,
      rejected: 1,
      results: [
        { id: 'e1', status: 'accepted' },
        { id: '1', status: 'rejected', reason: 'type: invalid' },
      ],
    };
    expect(EventBatchResultSchema.safeParse(result).success).toBe(true);
    expect(
      EventBatchResultSchema.safeParse({ ...result, results: [{ id: 'e1', status: 'lost' }] }).success,
    ).toBe(false);
  });
});
