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
import type { Param, PgDb } from './PgDb.js';

export class PgSettingsStore implements SettingsStore {
  readonly #db: PgDb;

  constructor(db: PgDb) {
    this.#db = db;
  }

  async get(key: string): Promise<unknown> {
    const row = await this.#db.get<{ value: string }>('SELECT value FROM settings WHERE key = ?', [key]);
    return row === undefined ? undefined : (JSON.parse(row.value) as unknown);
  }

  async set(key: string, value: unknown): Promise<void> {
    await this.#db.run(
      'INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
      [key, JSON.stringify(value)],
    );
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

export class PgRecordingStore implements RecordingStore {
  readonly #db: PgDb;

  constructor(db: PgDb) {
    this.#db = db;
  }

  async insertSegment(s: Omit<SegmentRecord, 'id'>): Promise<SegmentRecord> {
    const row = await this.#db.get<{ id: number }>(
      `INSERT INTO segments (counter_id, department_id, path, started_at, ended_at, bytes, container, node)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
      [s.counterId, s.departmentId, s.path, s.startedAt, s.endedAt, s.bytes, s.container, s.node],
    );
    if (!row) throw new Error('segment insert returned no id');
    return { ...s, id: row.id };
  }

  async getSegment(id: number): Promise<SegmentRecord | undefined> {
    const row = await this.#db.get<SegmentRow>('SELECT * FROM segments WHERE id = ?', [id]);
    return row && segment(row);
  }

  async segmentsOverlapping(counterId: string, from: number, to: number): Promise<SegmentRecord[]> {
    return (
      await this.#db.all<SegmentRow>(
        'SELECT * FROM segments WHERE counter_id = ? AND ended_at > ? AND started_at < ? ORDER BY started_at',
        [counterId, from, to],
      )
    ).map(segment);
  }

  async oldestSegments(
    node: string,
    limit: number,
    after?: { startedAt: number; id: number },
  ): Promise<SegmentRecord[]> {
    const rows = after
      ? await this.#db.all<SegmentRow>(
          'SELECT * FROM segments WHERE node = ? AND (started_at, id) > (?, ?) ORDER BY started_at, id LIMIT ?',
          [node, after.startedAt, after.id, limit],
        )
      : await this.#db.all<SegmentRow>(
          'SELECT * FROM segments WHERE node = ? ORDER BY started_at, id LIMIT ?',
          [node, limit],
        );
    return rows.map(segment);
  }

  async deleteSegment(id: number): Promise<void> {
    await this.#db.run('DELETE FROM segments WHERE id = ?', [id]);
  }

  async totalBytes(node: string): Promise<number> {
    return (
      (
        await this.#db.get<{ total: number | null }>(
          'SELECT sum(bytes) AS total FROM segments WHERE node = ?',
          [node],
        )
      )?.total ?? 0
    );
  }

  async lastSegmentEnd(counterId: string): Promise<number | null> {
    return (
      (
        await this.#db.get<{ end: number | null }>(
          'SELECT max(ended_at) AS end FROM segments WHERE counter_id = ?',
          [counterId],
        )
      )?.end ?? null
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

function officerRef(id: number | null, name: string | null, badge: string | null): OfficerRef | null {
  return id === null ? null : { id, displayName: name ?? '', badgeNumber: badge ?? '' };
}

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
  ended_automatically: boolean;
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
  endedAutomatically: r.ended_automatically,
  draft: r.draft === null ? null : InspectionDraftSchema.parse(JSON.parse(r.draft)),
  draftSavedAt: r.draft_saved_at,
  draftSaves: r.draft_saves,
});

export class PgInspectionStore implements InspectionStore {
  readonly #db: PgDb;

  constructor(db: PgDb) {
    this.#db = db;
  }

  async nextId(): Promise<number> {
    // The identity's sequence hands out each id once, across processes: the id is reserved, never reused.
    const row = await this.#db.get<{ id: number }>(
      "SELECT nextval(pg_get_serial_sequence('inspections', 'id')) AS id",
    );
    if (!row) throw new Error('no inspection id');
    return row.id;
  }

  async create(r: NewInspection): Promise<InspectionRecord> {
    await this.#db.run(
      `INSERT INTO inspections (id, department_id, counter_id, inspector, inspector_id, inspector_name,
         officer_id, officer_name, officer_badge, started_at, checklist)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      [
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
      ],
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
    return (
      await this.#db.all<InspectionRow>(
        'SELECT * FROM inspections WHERE ended_at IS NULL ORDER BY started_at, id',
      )
    ).map(inspection);
  }

  async get(id: number): Promise<InspectionRecord | undefined> {
    const row = await this.#db.get<InspectionRow>('SELECT * FROM inspections WHERE id = ?', [id]);
    return row && inspection(row);
  }

  async list(q: {
    departmentIds: string[] | null;
    departmentId?: string;
    counterId?: string;
    open?: boolean;
    limit: number;
  }) {
    const where: string[] = [];
    const params: Param[] = [];
    if (q.departmentIds) {
      if (q.departmentIds.length === 0) return [];
      where.push('department_id = ANY(?::text[])');
      params.push(q.departmentIds);
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
    return (await this.#db.all<InspectionRow>(sql, [...params, q.limit])).map(inspection);
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
      (await this.#db.run(
        `UPDATE inspections SET ended_at = ?, results = ?, notes = ?,
           officer_name = CASE WHEN officer_id IS NULL THEN coalesce(?::text, officer_name) ELSE officer_name END,
           ended_automatically = ? WHERE id = ? AND ended_at IS NULL`,
        [endedAt, JSON.stringify(results), notes, officerName, automatically, id],
      )) === 1
    );
  }

  async setOfficer(id: number, officer: OfficerRef): Promise<void> {
    await this.#db.run(
      `UPDATE inspections SET officer_id = ?, officer_name = ?, officer_badge = ?
       WHERE id = ? AND officer_id IS NULL`,
      [officer.id, officer.displayName, officer.badgeNumber, id],
    );
  }

  async saveDraft(id: number, draft: InspectionDraft, at: number): Promise<boolean> {
    return (
      (await this.#db.run(
        `UPDATE inspections SET draft = ?, draft_saved_at = ?, draft_saves = draft_saves + 1
         WHERE id = ? AND ended_at IS NULL`,
        [JSON.stringify(draft), at, id],
      )) === 1
    );
  }

  async addObservation(o: Omit<ObservationRecord, 'id'>): Promise<ObservationRecord> {
    const row = await this.#db.get<{ id: number }>(
      'INSERT INTO observations (inspection_id, at, note, still_path) VALUES (?, ?, ?, ?) RETURNING id',
      [o.inspectionId, o.at, o.note, o.stillPath],
    );
    if (!row) throw new Error('observation insert returned no id');
    return { ...o, id: row.id };
  }

  async observations(inspectionId: number): Promise<ObservationRecord[]> {
    const rows = await this.#db.all<{
      id: number;
      inspection_id: number;
      at: number;
      note: string;
      still_path: string | null;
    }>('SELECT * FROM observations WHERE inspection_id = ? ORDER BY at, id', [inspectionId]);
    return rows.map((r) => ({
      id: r.id,
      inspectionId: r.inspection_id,
      at: r.at,
      note: r.note,
      stillPath: r.still_path,
    }));
  }

  async heldSpans(now: number, releaseAfterMs: number, marginMs: number) {
    const rows = await this.#db.all<{ counter_id: string; from_at: number; to_at: number }>(
      `SELECT counter_id, started_at - ?::bigint AS from_at, coalesce(ended_at, ?::bigint) + ?::bigint AS to_at
       FROM inspections WHERE ended_at IS NULL OR ended_at > ?`,
      [marginMs, now, marginMs, now - releaseAfterMs],
    );
    return rows.map((r) => ({ counterId: r.counter_id, from: r.from_at, to: r.to_at }));
  }
}
