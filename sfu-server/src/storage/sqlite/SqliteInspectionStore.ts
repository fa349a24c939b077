import type BetterSqlite3 from 'better-sqlite3';
import { z } from 'zod';
import {
  ChecklistItemSchema,
  ChecklistResultSchema,
  InspectionDraftSchema,
  type InspectionDraft,
  type OfficerRef,
} from '@counterwatch/shared';
import type { InspectionRecord, InspectionStore, NewInspection, ObservationRecord } from '../Storage.js';
import { officerRef } from '../rows/officerRows.js';
import { inList } from './inList.js';

type Db = BetterSqlite3.Database;

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

/** Inspections and their observations on SQLite (the PostgreSQL twin: PgInspectionStore). */
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
