import type BetterSqlite3 from 'better-sqlite3';
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
import { inList } from './inList.js';

type Db = BetterSqlite3.Database;

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
  keep: number;
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
  keep: r.keep !== 0,
});

/** Served interactions, their flags and review decisions on SQLite (the PostgreSQL twin: PgReviewStore). */
export class SqliteReviewStore implements ReviewStore {
  readonly #db: Db;

  constructor(db: Db) {
    this.#db = db;
  }

  async upsertInteraction(
    r: Omit<InteractionRecord, 'id' | 'review' | 'reviewClosedAt' | 'keep'>,
  ): Promise<InteractionRecord> {
    const [stored] = await this.upsertInteractions([r]);
    if (!stored) throw new Error('interaction vanished after upsert');
    return stored;
  }

  /** All in one transaction (one commit: a batch of served tickets is not a commit each). */
  async upsertInteractions(
    records: readonly Omit<InteractionRecord, 'id' | 'review' | 'reviewClosedAt' | 'keep'>[],
  ): Promise<InteractionRecord[]> {
    const upsert = this.#db.prepare(
      `INSERT INTO interactions (department_id, counter_id, ticket_id, ticket_number, service_code, issued_at, called_at,
           started_at, finished_at, outcome, rating, rating_comment, rated_at, officer_id, officer_name, officer_badge)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (department_id, ticket_id) DO UPDATE SET
           counter_id = excluded.counter_id, ticket_number = excluded.ticket_number, service_code = excluded.service_code,
           issued_at = excluded.issued_at, called_at = excluded.called_at, started_at = excluded.started_at,
           finished_at = excluded.finished_at, outcome = excluded.outcome,
           rating = coalesce(excluded.rating, interactions.rating),
           rating_comment = coalesce(excluded.rating_comment, interactions.rating_comment),
           rated_at = coalesce(excluded.rated_at, interactions.rated_at),
           -- The officer is named once, as they were then.
           officer_name = CASE WHEN interactions.officer_id IS NULL THEN excluded.officer_name ELSE interactions.officer_name END,
           officer_badge = CASE WHEN interactions.officer_id IS NULL THEN excluded.officer_badge ELSE interactions.officer_badge END,
           officer_id = coalesce(interactions.officer_id, excluded.officer_id)`,
    );
    const find = this.#db.prepare<[string, string], InteractionRow>(
      'SELECT * FROM interactions WHERE department_id = ? AND ticket_id = ?',
    );
    return this.#db.transaction(() =>
      records.map((r) => {
        upsert.run(
          r.departmentId,
          r.counterId,
          r.ticketId,
          r.ticketNumber,
          r.serviceCode,
          r.issuedAt,
          r.calledAt,
          r.startedAt,
          r.finishedAt,
          r.outcome,
          r.rating,
          r.ratingComment,
          r.ratedAt,
          r.officer?.id ?? null,
          r.officer?.displayName ?? null,
          r.officer?.badgeNumber ?? null,
        );
        const row = find.get(r.departmentId, r.ticketId);
        if (!row) throw new Error('interaction vanished after upsert');
        return interaction(row);
      }),
    )();
  }

  async getInteraction(id: number): Promise<InteractionRecord | undefined> {
    const row = this.#db.prepare<[number], InteractionRow>('SELECT * FROM interactions WHERE id = ?').get(id);
    return row && interaction(row);
  }

  async findInteraction(departmentId: string, ticketId: string): Promise<InteractionRecord | undefined> {
    const row = this.#db
      .prepare<[string, string], InteractionRow>(
        'SELECT * FROM interactions WHERE department_id = ? AND ticket_id = ?',
      )
      .get(departmentId, ticketId);
    return row && interaction(row);
  }

  async listInteractions(q: InteractionQuery): Promise<InteractionRecord[]> {
    const where: string[] = [];
    const params: (string | number)[] = [];
    const add = (clause: string, value: string | number | undefined): void => {
      if (value === undefined) return;
      where.push(clause);
      params.push(value);
    };
    if (q.departmentIds) {
      if (q.departmentIds.length === 0) return [];
      where.push(`department_id IN (${inList(q.departmentIds)})`);
      params.push(...q.departmentIds);
    }
    add('department_id = ?', q.departmentId);
    add('counter_id = ?', q.counterId);
    add('review = ?', q.review);
    add('started_at >= ?', q.from);
    add('started_at <= ?', q.to);
    add('id IN (SELECT interaction_id FROM interaction_flags WHERE reason = ?)', q.flagReason);
    const sql = `SELECT * FROM interactions ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY started_at DESC LIMIT ?`;
    return this.#db
      .prepare<(string | number)[], InteractionRow>(sql)
      .all(...params, q.limit)
      .map(interaction);
  }

  async addFlags(flags: readonly FlagRecord[]): Promise<boolean[]> {
    const insert = this.#db.prepare(
      `INSERT OR IGNORE INTO interaction_flags (interaction_id, reason, note, created_by, created_at) VALUES (?, ?, ?, ?, ?)`,
    );
    const reopen = this.#db.prepare(
      "UPDATE interactions SET review = 'pending', review_closed_at = NULL WHERE id = ?",
    );
    return this.#db.transaction(() =>
      flags.map((flag) => {
        const inserted = insert.run(
          flag.interactionId,
          flag.reason,
          flag.note ?? '',
          flag.by,
          flag.at,
        ).changes;
        // A new flag reopens a closed review: someone must look again.
        if (inserted) reopen.run(flag.interactionId);
        return inserted === 1;
      }),
    )();
  }

  async flags(interactionIds: number[]): Promise<FlagRecord[]> {
    if (interactionIds.length === 0) return [];
    return this.#db
      .prepare<
        number[],
        {
          interaction_id: number;
          reason: string;
          note: string | null;
          created_by: string | null;
          created_at: number;
        }
      >(
        `SELECT * FROM interaction_flags WHERE interaction_id IN (${inList(interactionIds)}) ORDER BY created_at`,
      )
      .all(...interactionIds)
      .map((r) => ({
        interactionId: r.interaction_id,
        reason: FlagReasonSchema.parse(r.reason),
        note: r.note === '' ? null : r.note,
        by: r.created_by,
        at: r.created_at,
      }));
  }

  async addDecision(d: DecisionRecord, keep: boolean): Promise<void> {
    this.#db.transaction(() => {
      this.#db
        .prepare(
          'INSERT INTO review_decisions (interaction_id, finding, note, decided_by, decided_at) VALUES (?, ?, ?, ?, ?)',
        )
        .run(d.interactionId, d.finding, d.note, d.by, d.at);
      this.#db
        .prepare(
          "UPDATE interactions SET review = 'closed', review_closed_at = ?, keep = max(keep, ?) WHERE id = ?",
        )
        .run(d.at, keep ? 1 : 0, d.interactionId);
    })();
  }

  async decisions(interactionIds: number[]): Promise<DecisionRecord[]> {
    if (interactionIds.length === 0) return [];
    return this.#db
      .prepare<
        number[],
        { interaction_id: number; finding: string; note: string; decided_by: string; decided_at: number }
      >(
        `SELECT * FROM review_decisions WHERE interaction_id IN (${inList(interactionIds)}) ORDER BY decided_at`,
      )
      .all(...interactionIds)
      .map((r) => ({
        interactionId: r.interaction_id,
        finding: FindingSchema.parse(r.finding),
        note: r.note,
        by: r.decided_by,
        at: r.decided_at,
      }));
  }

  async heldSpans(now: number, releaseAfterMs: number, marginMs: number) {
    return this.#db
      .prepare<[number, number, number], { counter_id: string; from_at: number; to_at: number }>(
        `SELECT counter_id, started_at - ? AS from_at, finished_at + ? AS to_at FROM interactions
         WHERE review = 'pending' OR keep = 1 OR (review = 'closed' AND review_closed_at > ?)`,
      )
      .all(marginMs, marginMs, now - releaseAfterMs)
      .map((r) => ({ counterId: r.counter_id, from: r.from_at, to: r.to_at }));
  }
}
