import { z } from 'zod';
import { FindingSchema, FlagReasonSchema, RatingSchema, ServiceOutcomeSchema } from '@counterwatch/shared';
import type {
  DecisionRecord,
  FlagRecord,
  InteractionQuery,
  InteractionRecord,
  ReviewStore,
} from '../Storage.js';
import { officerRef } from '../rows/officerRows.js';
import type { Param, PgDb } from './PgDb.js';

interface InteractionRow {
  id: number;
  department_id: string;
  counter_id: string;
  ticket_id: string;
  ticket_number: string;
  service_code: string;
  issued_at: number | null;
  called_at: number | null;
  started_at: number;
  finished_at: number;
  outcome: string;
  rating: string | null;
  rating_comment: string | null;
  rated_at: number | null;
  officer_id: number | null;
  officer_name: string | null;
  officer_badge: string | null;
  review: string;
  review_closed_at: number | null;
  keep: boolean;
}

const ReviewState = z.enum(['none', 'pending', 'closed']);

const interaction = (r: InteractionRow): InteractionRecord => ({
  id: r.id,
  departmentId: r.department_id,
  counterId: r.counter_id,
  ticketId: r.ticket_id,
  ticketNumber: r.ticket_number,
  serviceCode: r.service_code,
  issuedAt: r.issued_at,
  calledAt: r.called_at,
  startedAt: r.started_at,
  finishedAt: r.finished_at,
  outcome: ServiceOutcomeSchema.parse(r.outcome),
  rating: r.rating === null ? null : RatingSchema.parse(r.rating),
  ratingComment: r.rating_comment,
  ratedAt: r.rated_at,
  officer: officerRef(r.officer_id, r.officer_name, r.officer_badge),
  review: ReviewState.parse(r.review),
  reviewClosedAt: r.review_closed_at,
  keep: r.keep,
});

/** Served interactions, their flags and review decisions on PostgreSQL. */
export class PgReviewStore implements ReviewStore {
  readonly #db: PgDb;

  constructor(db: PgDb) {
    this.#db = db;
  }

  async upsertInteraction(
    r: Omit<InteractionRecord, 'id' | 'review' | 'reviewClosedAt' | 'keep'>,
  ): Promise<InteractionRecord> {
    const [stored] = await this.upsertInteractions([r]);
    if (!stored) throw new Error('interaction upsert returned nothing');
    return stored;
  }

  /** One statement for them all (one commit: a batch of served tickets is not a commit each). */
  async upsertInteractions(
    records: readonly Omit<InteractionRecord, 'id' | 'review' | 'reviewClosedAt' | 'keep'>[],
  ): Promise<InteractionRecord[]> {
    if (records.length === 0) return [];
    const rows = await this.#db.all<InteractionRow>(
      `INSERT INTO interactions (department_id, counter_id, ticket_id, ticket_number, service_code, issued_at, called_at,
         started_at, finished_at, outcome, rating, rating_comment, rated_at, officer_id, officer_name, officer_badge)
       SELECT department_id, counter_id, ticket_id, ticket_number, service_code, issued_at, called_at, started_at,
         finished_at, outcome, rating, rating_comment, rated_at, officer_id, officer_name, officer_badge
       FROM unnest(?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::bigint[], ?::bigint[], ?::bigint[],
         ?::bigint[], ?::text[], ?::text[], ?::text[], ?::bigint[], ?::bigint[], ?::text[], ?::text[]) WITH ORDINALITY
         AS r(department_id, counter_id, ticket_id, ticket_number, service_code, issued_at, called_at, started_at,
           finished_at, outcome, rating, rating_comment, rated_at, officer_id, officer_name, officer_badge, ord)
       ORDER BY ord
       ON CONFLICT (department_id, ticket_id) DO UPDATE SET
         counter_id = excluded.counter_id, ticket_number = excluded.ticket_number, service_code = excluded.service_code,
         issued_at = excluded.issued_at, called_at = excluded.called_at, started_at = excluded.started_at,
         finished_at = excluded.finished_at, outcome = excluded.outcome,
         rating = coalesce(excluded.rating, interactions.rating),
         rating_comment = coalesce(excluded.rating_comment, interactions.rating_comment),
         rated_at = coalesce(excluded.rated_at, interactions.rated_at),
         officer_name = CASE WHEN interactions.officer_id IS NULL THEN excluded.officer_name ELSE interactions.officer_name END,
         officer_badge = CASE WHEN interactions.officer_id IS NULL THEN excluded.officer_badge ELSE interactions.officer_badge END,
         officer_id = coalesce(interactions.officer_id, excluded.officer_id)
       RETURNING *`,
      [
        records.map((r) => r.departmentId),
        records.map((r) => r.counterId),
        records.map((r) => r.ticketId),
        records.map((r) => r.ticketNumber),
        records.map((r) => r.serviceCode),
        records.map((r) => r.issuedAt),
        records.map((r) => r.calledAt),
        records.map((r) => r.startedAt),
        records.map((r) => r.finishedAt),
        records.map((r) => r.outcome),
        records.map((r) => r.rating),
        records.map((r) => r.ratingComment),
        records.map((r) => r.ratedAt),
        records.map((r) => r.officer?.id ?? null),
        records.map((r) => r.officer?.displayName ?? null),
        records.map((r) => r.officer?.badgeNumber ?? null),
      ],
    );
    // Answered in the records' order (a ticket twice in one statement is refused by PostgreSQL).
    const byTicket = new Map(rows.map((row) => [JSON.stringify([row.department_id, row.ticket_id]), row]));
    return records.map((r) => {
      const row = byTicket.get(JSON.stringify([r.departmentId, r.ticketId]));
      if (!row) throw new Error('interaction upsert returned nothing');
      return interaction(row);
    });
  }

  async getInteraction(id: number): Promise<InteractionRecord | undefined> {
    const row = await this.#db.get<InteractionRow>('SELECT * FROM interactions WHERE id = ?', [id]);
    return row && interaction(row);
  }

  async findInteraction(departmentId: string, ticketId: string): Promise<InteractionRecord | undefined> {
    const row = await this.#db.get<InteractionRow>(
      'SELECT * FROM interactions WHERE department_id = ? AND ticket_id = ?',
      [departmentId, ticketId],
    );
    return row && interaction(row);
  }

  async listInteractions(q: InteractionQuery): Promise<InteractionRecord[]> {
    const where: string[] = [];
    const params: Param[] = [];
    const add = (clause: string, value: Param | undefined): void => {
      if (value === undefined) return;
      where.push(clause);
      params.push(value);
    };
    if (q.departmentIds) {
      if (q.departmentIds.length === 0) return [];
      add('department_id = ANY(?::text[])', q.departmentIds);
    }
    add('department_id = ?', q.departmentId);
    add('counter_id = ?', q.counterId);
    add('review = ?', q.review);
    add('started_at >= ?', q.from);
    add('started_at <= ?', q.to);
    add('id IN (SELECT interaction_id FROM interaction_flags WHERE reason = ?)', q.flagReason);
    const sql = `SELECT * FROM interactions ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY started_at DESC LIMIT ?`;
    return (await this.#db.all<InteractionRow>(sql, [...params, q.limit])).map(interaction);
  }

  async addFlags(flags: readonly FlagRecord[]): Promise<boolean[]> {
    if (flags.length === 0) return [];
    return this.#db.tx(async (sql) => {
      const inserted = await sql.all<{ interaction_id: number; reason: string; note: string }>(
        `INSERT INTO interaction_flags (interaction_id, reason, note, created_by, created_at)
         SELECT * FROM unnest(?::bigint[], ?::text[], ?::text[], ?::text[], ?::bigint[])
         ON CONFLICT (interaction_id, reason, note) DO NOTHING
         RETURNING interaction_id, reason, note`,
        [
          flags.map((f) => f.interactionId),
          flags.map((f) => f.reason),
          flags.map((f) => f.note ?? ''),
          flags.map((f) => f.by),
          flags.map((f) => f.at),
        ],
      );
      // A new flag reopens a closed review: someone must look again.
      if (inserted.length > 0) {
        await sql.run(
          "UPDATE interactions SET review = 'pending', review_closed_at = NULL WHERE id = ANY(?::bigint[])",
          [inserted.map((r) => r.interaction_id)],
        );
      }
      // The first of equal flags is the new one.
      const key = (id: number, reason: string, note: string): string => JSON.stringify([id, reason, note]);
      const added = new Set(inserted.map((r) => key(r.interaction_id, r.reason, r.note)));
      return flags.map((f) => added.delete(key(f.interactionId, f.reason, f.note ?? '')));
    });
  }

  async flags(interactionIds: number[]): Promise<FlagRecord[]> {
    if (interactionIds.length === 0) return [];
    const rows = await this.#db.all<{
      interaction_id: number;
      reason: string;
      note: string | null;
      created_by: string | null;
      created_at: number;
    }>('SELECT * FROM interaction_flags WHERE interaction_id = ANY(?::bigint[]) ORDER BY created_at, id', [
      interactionIds,
    ]);
    return rows.map((r) => ({
      interactionId: r.interaction_id,
      reason: FlagReasonSchema.parse(r.reason),
      note: r.note === '' ? null : r.note,
      by: r.created_by,
      at: r.created_at,
    }));
  }

  async addDecision(d: DecisionRecord, keep: boolean): Promise<void> {
    await this.#db.tx(async (sql) => {
      await sql.run(
        'INSERT INTO review_decisions (interaction_id, finding, note, decided_by, decided_at) VALUES (?, ?, ?, ?, ?)',
        [d.interactionId, d.finding, d.note, d.by, d.at],
      );
      await sql.run(
        "UPDATE interactions SET review = 'closed', review_closed_at = ?, keep = (keep OR ?::boolean) WHERE id = ?",
        [d.at, keep, d.interactionId],
      );
    });
  }

  async decisions(interactionIds: number[]): Promise<DecisionRecord[]> {
    if (interactionIds.length === 0) return [];
    const rows = await this.#db.all<{
      interaction_id: number;
      finding: string;
      note: string;
      decided_by: string;
      decided_at: number;
    }>('SELECT * FROM review_decisions WHERE interaction_id = ANY(?::bigint[]) ORDER BY decided_at, id', [
      interactionIds,
    ]);
    return rows.map((r) => ({
      interactionId: r.interaction_id,
      finding: FindingSchema.parse(r.finding),
      note: r.note,
      by: r.decided_by,
      at: r.decided_at,
    }));
  }

  async heldSpans(now: number, releaseAfterMs: number, marginMs: number) {
    const rows = await this.#db.all<{ counter_id: string; from_at: number; to_at: number }>(
      `SELECT counter_id, started_at - ?::bigint AS from_at, finished_at + ?::bigint AS to_at FROM interactions
       WHERE review = 'pending' OR keep OR (review = 'closed' AND review_closed_at > ?)`,
      [marginMs, marginMs, now - releaseAfterMs],
    );
    return rows.map((r) => ({ counterId: r.counter_id, from: r.from_at, to: r.to_at }));
  }
}
