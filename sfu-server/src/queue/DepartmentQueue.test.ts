import { describe, expect, it } from 'vitest';
import { DepartmentQueue, splitTicketNumber } from './DepartmentQueue.js';
import { nextTicketNumber, serviceLetter } from './DeviceCommands.js';
import { eventFactory } from './testing.js';

const T0 = Date.UTC(2026, 10, 23, 1, 0, 0);

describe('ticket numbers: one authority per department and prefix', () => {
  it('follows the highest number any source used today, not how many the kiosk issued', () => {
    const q = new DepartmentQueue('d', T0 - 3_600_000);
    const e = eventFactory('d');
    const issue = (id: string, number: string) =>
      q.apply(
        e({ type: 'ticket.issued', ticketId: id, ticketNumber: number, serviceCode: 'id-card' }, T0),
        T0,
      );
    expect(nextTicketNumber(q, 'A')).toBe('A001');
    // The queue feed numbered A016–A019 (and called them): the kiosk continues at A020, never A001 or A012.
    for (const n of [16, 17, 18, 19]) issue(`feed-${n}`, `A0${n}`);
    issue('kiosk-1', 'A011');
    expect(nextTicketNumber(q, 'A')).toBe('A020');
    expect(nextTicketNumber(q, 'B')).toBe('B001');
    issue('feed-b', 'b7');
    expect(nextTicketNumber(q, 'B')).toBe('B008');
    issue('feed-big', 'A999');
    expect(nextTicketNumber(q, 'A')).toBe('A1000');
  });

  it('splits numbers into prefix and value', () => {
    expect(splitTicketNumber('A019')).toEqual({ prefix: 'A', value: 19 });
    expect(splitTicketNumber('hs-12')).toEqual({ prefix: 'HS-', value: 12 });
    expect(splitTicketNumber('42')).toEqual({ prefix: '', value: 42 });
    expect(splitTicketNumber('ABC')).toBeUndefined();
    expect(serviceLetter('id-card')).toBe('A');
  });
});

describe('a rating comment on its own', () => {
  it('attaches to the ticket whichever arrives first, and never erases a comment', () => {
    const e = eventFactory('d');
    const rating = e(
      { type: 'rating.submitted', ticketId: 't1', counterId: 'c1', rating: 'unsatisfied' },
      T0,
    );
    const comment = e(
      { type: 'rating.commented', ticketId: 't1', counterId: 'c1', comment: 'Chờ lâu' },
      T0 + 5,
    );
    for (const order of [
      [rating, comment],
      [comment, rating],
    ]) {
      const q = new DepartmentQueue('d', T0 - 3_600_000);
      for (const event of order) q.apply(event, event.occurredAt);
      expect(q.tickets.get('t1')).toMatchObject({ rating: 'unsatisfied', ratingComment: 'Chờ lâu' });
    }
  });
});
