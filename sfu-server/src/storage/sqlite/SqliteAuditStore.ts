import type BetterSqlite3 from 'better-sqlite3';
import { type AuditAnchor, type AuditEntry, type AuditVerification } from '@counterwatch/shared';
import { GENESIS_HASH, chainHash, type AuditFields } from '../../audit/chain.js';
import type { AuditStore, AuditStoreQuery } from '../Storage.js';
import { auditFromRow, type AuditRow } from '../rows/auditRows.js';

/** The audit trail in SQLite: appends link each row to the previous by hash, in one transaction. */
export class SqliteAuditStore implements AuditStore {
  readonly #db: BetterSqlite3.Database;

  constructor(db: BetterSqlite3.Database) {
    this.#db = db;
  }

  async append(fields: AuditFields): Promise<AuditEntry> {
    return this.#db
      .transaction((): AuditEntry => {
        const head = this.#db
          .prepare<[], { seq: number; hash: string }>('SELECT seq, hash FROM audit_head WHERE id = 1')
          .get();
        const prevHash = head?.hash ?? GENESIS_HASH;
        const seq = (head?.seq ?? 0) + 1;
        const hash = chainHash(prevHash, seq, fields);
        this.#db
          .prepare(
            `INSERT INTO audit_log (seq, at, actor_id, actor, ip, action, department_id, counter_id, object_type, object_id,
             reason, details, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
          )
          .run(
            seq,
            fields.at,
            fields.actorId,
            fields.actor,
            fields.ip,
            fields.action,
            fields.departmentId,
            fields.counterId,
            fields.objectType,
            fields.objectId,
            fields.reason,
            JSON.stringify(fields.details),
            prevHash,
            hash,
          );
        this.#db.prepare('INSERT OR REPLACE INTO audit_head (id, seq, hash) VALUES (1, ?, ?)').run(seq, hash);
        return { ...fields, seq, prevHash, hash };
      })
      .immediate();
  }

  async list(query: AuditStoreQuery): Promise<AuditEntry[]> {
    const where: string[] = [];
    const params: (string | number)[] = [];
    const add = (clause: string, value: string | number | undefined): void => {
      if (value === undefined) return;
      where.push(clause);
      params.push(value);
    };
    // Lists go in as one JSON parameter, however long.
    const anyOf = (column: string, values: string[] | undefined): void =>
      add(`${column} IN (SELECT value FROM json_each(?))`, values && JSON.stringify(values));
    add('at >= ?', query.from);
    add('at <= ?', query.to);
    if (query.actor && 'usernames' in query.actor) anyOf('actor', query.actor.usernames);
    else if (query.actor)
      add("actor LIKE ? ESCAPE '\\'", `%${query.actor.contains.replace(/[\\%_]/g, '\\$&')}%`);
    add('action = ?', query.action);
    anyOf('department_id', query.departmentIds);
    anyOf('counter_id', query.counterIds);
    add('seq < ?', query.beforeSeq);
    const sql = `SELECT * FROM audit_log ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY seq DESC LIMIT ?`;
    return this.#db
      .prepare<(string | number)[], AuditRow>(sql)
      .all(...params, query.limit)
      .map(auditFromRow);
  }

  /** Walks the whole chain: every hash recomputed, every link and sequence number checked, the head matched. */
  async verify(anchor?: AuditAnchor): Promise<AuditVerification> {
    const head = this.#db
      .prepare<[], { seq: number; hash: string }>('SELECT seq, hash FROM audit_head WHERE id = 1')
      .get();
    let prevHash = GENESIS_HASH;
    let expectedSeq = 1;
    let checked = 0;
    const bad = (seq: number, problem: string): AuditVerification => ({
      ok: false,
      checked,
      headSeq: head?.seq ?? 0,
      headHash: head?.hash ?? GENESIS_HASH,
      firstBadSeq: seq,
      problem,
    });
    for (const row of this.#db.prepare<[], AuditRow>('SELECT * FROM audit_log ORDER BY seq').iterate()) {
      if (row.seq !== expectedSeq) return bad(expectedSeq, `row ${expectedSeq} is missing`);
      if (row.prev_hash !== prevHash)
        return bad(row.seq, `row ${row.seq} does not link to row ${row.seq - 1}`);
      let entry: AuditEntry;
      try {
        entry = auditFromRow(row);
      } catch {
        return bad(row.seq, `row ${row.seq} is unreadable`);
      }
      const { seq: _s, prevHash: _p, hash: _h, ...fields } = entry;
      if (chainHash(prevHash, row.seq, fields) !== row.hash)
        return bad(row.seq, `row ${row.seq} was altered`);
      if (anchor && row.seq === anchor.seq && row.hash !== anchor.hash)
        return bad(row.seq, `row ${row.seq} does not match the anchor: the chain was rewritten`);
      prevHash = row.hash;
      expectedSeq += 1;
      checked += 1;
    }
    const lastSeq = expectedSeq - 1;
    if ((head?.seq ?? 0) !== lastSeq || (head?.hash ?? GENESIS_HASH) !== prevHash) {
      return bad(lastSeq + 1, `rows after ${lastSeq} are missing (the head says ${head?.seq ?? 0})`);
    }
    if (anchor && anchor.seq > lastSeq)
      return bad(
        lastSeq + 1,
        `rows ${lastSeq + 1}–${anchor.seq} are missing (the anchor names row ${anchor.seq})`,
      );
    return { ok: true, checked, headSeq: lastSeq, headHash: prevHash, firstBadSeq: null, problem: null };
  }
}
