import type BetterSqlite3 from 'better-sqlite3';
import { z } from 'zod';
import {
  ChecklistItemSchema,
  ChecklistResultSchema,
  FindingSchema,
  InspectionDraftSchema,
  type InspectionDraft,
  type OfficerRef,
  FlagReasonSchema,
  RatingSchema,
  ServiceOutcomeSchema,
} from '@counterwatch/shared';
import type {
  DecisionRecord,
  FlagRecord,
  InspectionRecord,
  NewInspection,
  InspectionStore,
  InteractionQuery,
  InteractionRecord,
  ObservationRecord,
  RecordingStore,
  ReviewStore,
  SegmentRecord,
  SettingsStore,
} from '../Storage.js';

type Db = BetterSqlite3.Database;

export class SqliteSettingsStore implements SettingsStore {
  readonly #db: Db;

  constructor(db: Db) {
    this.#db = db;
  }

  async get(key: string): Promise<unknown> {
    const row = this.#db
      .prepare<[string], { value: string }>('SELECT value FROM settings WHERE key = ?')
      .get(key);
    return row === undefined ? undefined : (JSON.parse(row.value) as unknown);
  }

  async set(key: string, value: unknown): Promise<void> {
    this.#db
      .prepare('INSERT OR REPLACE INTO settings (key, value) VALUES (?, ?)')
      .run(key, JSON.stringify(value));
  }
}

interface SegmentRow {
  id: number;
  counter_id: string;
  department_id: string;
  path: string;
  started_at: number;
  ended_at: number;
  bytes: number;
  container: string;
  node: string;
}

const segment = (r: SegmentRow): SegmentRecord => ({
  id: r.id,
  counterId: r.counter_id,
  departmentId: r.department_id,
  path: r.path,
  startedAt: r.started_at,
  endedAt: r.ended_at,
  bytes: r.bytes,
  container: r.container,
  node: r.node,
});

export class SqliteRecordingStore implements RecordingStore {
  readonly #db: Db;

  constructor(db: Db) {
    this.#db = db;
  }

  async insertSegment(s: Omit<SegmentRecord, 'id'>): Promise<SegmentRecord> {
    const result = this.#db
      .prepare(
        `INSERT INTO segments (counter_id, department_id, path, started_at, ended_at, bytes, container, node)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(s.counterId, s.departmentId, s.path, s.startedAt, s.endedAt, s.bytes, s.container, s.node);
    return { ...s, id: Number(result.lastInsertRowid) };
  }

  async getSegment(id: number): Promise<SegmentRecord | undefined> {
    const row = this.#db.prepare<[number], SegmentRow>('SELECT * FROM segments WHERE id = ?').get(id);
    return row && segment(row);
  }

  async segmentsOverlapping(counterId: string, from: number, to: number): Promise<SegmentRecord[]> {
    return this.#db
      .prepare<[string, number, number], SegmentRow>(
        'SELECT * FROM segments WHERE counter_id = ? AND ended_at > ? AND started_at < ? ORDER BY started_at',
      )
      .all(counterId, from, to)
      .map(segment);
  }

  async oldestSegments(
    node: string,
    limit: number,
    after?: { startedAt: number; id: number },
  ): Promise<SegmentRecord[]> {
    const rows = after
      ? this.#db
          .prepare<[string, number, number, number, number], SegmentRow>(
            'SELECT * FROM segments WHERE node = ? AND (started_at > ? OR (started_at = ? AND id > ?)) ORDER BY started_at, id LIMIT ?',
          )
          .all(node, after.startedAt, after.startedAt, after.id, limit)
      : this.#db
          .prepare<[string, number], SegmentRow>(
            'SELECT * FROM segments WHERE node = ? ORDER BY started_at, id LIMIT ?',
          )
          .all(node, limit);
    return rows.map(segment);
  }

  async deleteSegment(id: number): Promise<void> {
    this.#db.prepare('DELETE FROM segments WHERE id = ?').run(id);
  }

  async totalBytes(node: string): Promise<number> {
    return (
      this.#db
        .prepare<[string], { total: number | null }>(
          'SELECT sum(bytes) AS total FROM segments WHERE node = ?',
        )
        .get(node)?.total ?? 0
    );
  }

  async lastSegmentEnd(counterId: string): Promise<number | null> {
    return (
      this.#db
        .prepare<[string], { end: number | null }>(
          'SELECT max(ended_at) AS end FROM segments WHERE counter_id = ?',
        )
        .get(counterId)?.end ?? null
    );
  }
}

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

/** The officer as stored with an interaction or an inspection. */
function officerRef(id: number | null, name: string | null, badge: string | null): OfficerRef | null {
  return id === null ? null : { id, displayName: name ?? '', badgeNumber: badge ?? '' };
}

function inList(ids: readonly (string | number)[]): string {
  return ids.map(() => '?').join(', ');
}

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

interface InspectionRow {
  id: number;
  department_id: string;
  counter_id: string;
  inspector: string;
  officer_name: string | null;
  started_at: number;
  ended_at: number | null;
  checklist: string;
  results: string;
  notes: string;
  ended_automatically: number;
  draft: string | null;
  draft_saved_at: number | null;
  draft_saves: number;
  inspector_id: number | null;
  inspector_name: string | null;
  officer_id: number | null;
  officer_badge: string | null;
}

const inspection = (r: InspectionRow): InspectionRecord => ({
  id: r.id,
  departmentId: r.department_id,
  counterId: r.counter_id,
  inspector: r.inspector,
  inspectorId: r.inspector_id,
  inspectorName: r.inspector_name,
  officer: officerRef(r.officer_id, r.officer_name, r.officer_badge),
  officerName: r.officer_name,
  startedAt: r.started_at,
  endedAt: r.ended_at,
  checklist: z.array(ChecklistItemSchema).parse(JSON.parse(r.checklist)),
  results: z.record(z.string(), ChecklistResultSchema).parse(JSON.parse(r.results)),
  notes: r.notes,
  endedAutomatically: r.ended_automatically !== 0,
  draft: r.draft === null ? null : InspectionDraftSchema.parse(JSON.parse(r.draft)),
  draftSavedAt: r.draft_saved_at,
  draftSaves: r.draft_saves,
});

export class SqliteInspectionStore implements InspectionStore {
  readonly #db: Db;

  constructor(db: Db) {
    this.#db = db;
  }

  async nextId(): Promise<number> {
    // AUTOINCREMENT never reuses an id: the sequence, not max(id), is the last one given.
    const row = this.#db
      .prepare<[], { seq: number }>("SELECT seq FROM sqlite_sequence WHERE name = 'inspections'")
      .get();
    return (row?.seq ?? 0) + 1;
  }

  async create(r: NewInspection): Promise<InspectionRecord> {
    this.#db
      .prepare(
        `INSERT INTO inspections (id, department_id, counter_id, inspector, inspector_id, inspector_name,
           officer_id, officer_name, officer_badge, started_at, checklist)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        r.id,
        r.departmentId,
        r.counterId,
        r.inspector,
        r.inspectorId,
        r.inspectorName,
        r.officer?.id ?? null,
        r.officer?.displayName ?? r.officerName,
        r.officer?.badgeNumber ?? null,
        r.startedAt,
        JSON.stringify(r.checklist),
      );
    return {
      ...r,
      endedAt: null,
      results: {},
      notes: '',
      endedAutomatically: false,
      draft: null,
      draftSavedAt: null,
      draftSaves: 0,
    };
  }

  async listOpen(): Promise<InspectionRecord[]> {
    return this.#db
      .prepare<[], InspectionRow>('SELECT * FROM inspections WHERE ended_at IS NULL ORDER BY started_at')
      .all()
      .map(inspection);
  }

  async get(id: number): Promise<InspectionRecord | undefined> {
    const row = this.#db.prepare<[number], InspectionRow>('SELECT * FROM inspections WHERE id = ?').get(id);
    return row && inspection(row);
  }

  async list(q: {
    departmentIds: string[] | null;
    departmentId?: string;
    counterId?: string;
    /** Only those not ended. */
    open?: boolean;
    limit: number;
  }) {
    const where: string[] = [];
    const params: (string | number)[] = [];
    if (q.departmentIds) {
      if (q.departmentIds.length === 0) return [];
      where.push(`department_id IN (${inList(q.departmentIds)})`);
      params.push(...q.departmentIds);
    }
    if (q.departmentId) {
      where.push('department_id = ?');
      params.push(q.departmentId);
    }
    if (q.counterId) {
      where.push('counter_id = ?');
      params.push(q.counterId);
    }
    if (q.open) where.push('ended_at IS NULL');
    const sql = `SELECT * FROM inspections ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY started_at DESC LIMIT ?`;
    return this.#db
      .prepare<(string | number)[], InspectionRow>(sql)
      .all(...params, q.limit)
      .map(inspection);
  }

  async end(
    id: number,
    endedAt: number,
    results: Record<string, string>,
    notes: string,
    officerName: string | null,
    automatically = false,
  ): Promise<boolean> {
    return (
      this.#db
        .prepare(
          `UPDATE inspections SET ended_at = ?, results = ?, notes = ?, officer_name = CASE WHEN officer_id IS NULL THEN coalesce(?, officer_name) ELSE officer_name END,
             ended_automatically = ? WHERE id = ? AND ended_at IS NULL`,
        )
        .run(endedAt, JSON.stringify(results), notes, officerName, automatically ? 1 : 0, id).changes === 1
    );
  }

  async setOfficer(id: number, officer: OfficerRef): Promise<void> {
    this.#db
      .prepare(
        `UPDATE inspections SET officer_id = ?, officer_name = ?, officer_badge = ?
         WHERE id = ? AND officer_id IS NULL`,
      )
      .run(officer.id, officer.displayName, officer.badgeNumber, id);
  }

  async saveDraft(id: number, draft: InspectionDraft, at: number): Promise<boolean> {
    return (
      this.#db
        .prepare(
          `UPDATE inspections SET draft = ?, draft_saved_at = ?, draft_saves = draft_saves + 1
           WHERE id = ? AND ended_at IS NULL`,
        )
        .run(JSON.stringify(draft), at, id).changes === 1
    );
  }

  async addObservation(o: Omit<ObservationRecord, 'id'>): Promise<ObservationRecord> {
    const result = this.#db
      .prepare('INSERT INTO observations (inspection_id, at, note, still_path) VALUES (?, ?, ?, ?)')
      .run(o.inspectionId, o.at, o.note, o.stillPath);
    return { ...o, id: Number(result.lastInsertRowid) };
  }

  async observations(inspectionId: number): Promise<ObservationRecord[]> {
    return this.#db
      .prepare<
        [number],
        { id: number; inspection_id: number; at: number; note: string; still_path: string | null }
      >('SELECT * FROM observations WHERE inspection_id = ? ORDER BY at, id')
      .all(inspectionId)
      .map((r) => ({
        id: r.id,
        inspectionId: r.inspection_id,
        at: r.at,
        note: r.note,
        stillPath: r.still_path,
      }));
  }

  async heldSpans(now: number, releaseAfterMs: number, marginMs: number) {
    return this.#db
      .prepare<[number, number, number, number], { counter_id: string; from_at: number; to_at: number }>(
        `SELECT counter_id, started_at - ? AS from_at, coalesce(ended_at, ?) + ? AS to_at FROM inspections
         WHERE ended_at IS NULL OR ended_at > ?`,
      )
      .all(marginMs, now, marginMs, now - releaseAfterMs)
      .map((r) => ({ counterId: r.counter_id, from: r.from_at, to: r.to_at }));
  }
}
