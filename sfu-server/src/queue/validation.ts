import {
  QueueEventSchema,
  describeIssues,
  serviceInfo,
  type Counter,
  type QueueEvent,
} from '@counterwatch/shared';

/** Where a batch came from decides what it may say. */
export type EventOrigin =
  /** A department's queue system (REST, department API key) or its built-in devices. */
  | { kind: 'department'; departmentId: string }
  /** A counter agent relaying its counter's events. */
  | { kind: 'agent'; departmentId: string; counterId: string };

/** Events stamped further ahead of our clock than this are refused. */
export const MAX_FUTURE_MS = 5 * 60_000;
/** And events older than this (an outbox can hold hours, not weeks). */
export const MAX_AGE_MS = 7 * 24 * 3_600_000;

export type Checked = { ok: true; event: QueueEvent } | { ok: false; id: string; reason: string };

/**
 * Validates one raw event of a batch: its schema, that it belongs to the
 * sender's department (and counter, for an agent), that the counter exists
 * there, the service is known, and the time is plausible.
 */
export function checkEvent(
  raw: unknown,
  index: number,
  origin: EventOrigin,
  receivedAt: number,
  counterOf: (counterId: string) => Counter | undefined,
  /** The sender's declared clock offset: a slow or fast clock is not "the future". */
  senderOffset?: number,
): Checked {
  const parsed = QueueEventSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = describeIssues(parsed.error)[0];
    return {
      ok: false,
      id: rawId(raw) ?? `#${index}`,
      reason: issue ? `${issue.path}: ${issue.message}` : 'invalid event',
    };
  }
  const event = parsed.data;
  const reject = (reason: string): Checked => ({ ok: false, id: event.id, reason });
  if (event.departmentId !== origin.departmentId) {
    return reject(
      `departmentId ${event.departmentId} does not match the sender's department ${origin.departmentId}`,
    );
  }
  const counterId = 'counterId' in event ? event.counterId : undefined;
  if (counterId !== undefined) {
    if (origin.kind === 'agent' && counterId !== origin.counterId) {
      return reject(`this agent reports counter ${origin.counterId} only, not ${counterId}`);
    }
    const counter = counterOf(counterId);
    if (!counter || counter.departmentId !== event.departmentId) {
      return reject(`unknown counter ${counterId} in department ${event.departmentId}`);
    }
  }
  if (event.type === 'ticket.issued' && !serviceInfo(event.serviceCode)) {
    return reject(`unknown service ${event.serviceCode}`);
  }
  const ourTime = event.occurredAt + (senderOffset ?? 0);
  if (ourTime > receivedAt + MAX_FUTURE_MS) {
    return reject(`occurredAt is ${Math.round((ourTime - receivedAt) / 1000)} s in the future`);
  }
  if (ourTime < receivedAt - MAX_AGE_MS) {
    return reject('occurredAt is more than 7 days old');
  }
  return { ok: true, event };
}

function rawId(raw: unknown): string | undefined {
  if (typeof raw !== 'object' || raw === null || !('id' in raw)) return undefined;
  return typeof raw.id === 'string' ? raw.id.slice(0, 100) : undefined;
}

/**
 * An agent speaks for its own counter only: it may cancel or mark no-show a
 * ticket only while that ticket is called to its counter (`counterOfTicket`
 * answers from today's state and the batch's earlier events). Other senders,
 * and other event types, pass.
 */
export function checkAgentTicketScope(
  event: QueueEvent,
  origin: EventOrigin,
  counterOfTicket: (ticketId: string) => string | null | undefined,
): string | undefined {
  if (origin.kind !== 'agent') return undefined;
  if (event.type !== 'ticket.cancelled' && event.type !== 'ticket.no_show') return undefined;
  if (counterOfTicket(event.ticketId) === origin.counterId) return undefined;
  return `ticket ${event.ticketId} is not called to counter ${origin.counterId}; its agent may cancel or mark no-show only its own tickets`;
}
