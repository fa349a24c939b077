import { type AuditAnchor, type AuditEntry, type AuditVerification } from '@counterwatch/shared';
import { GENESIS_HASH, chainHash, type AuditFields } from '../../audit/chain.js';
import type { AuditStore, AuditStoreQuery } from '../Storage.js';
import { auditFromRow, type AuditRow } from '../rows/auditRows.js';
import type { Param, PgDb } from './PgDb.js';

/** Any fixed number: the key of the transaction-scoped advisory lock that serialises appends. */
const AUDIT_LOCK = 0x63770002;
const VERIFY_PAGE = 5_000;

/**
 * The audit trail on PostgreSQL. Several server processes (and the CLI) may
 * append at once; the chain stays one chain because each append takes a
 * transaction-scoped advisory lock before reading the head, so appends run one
 * after another across every process, and the head row is updated in the same
 * transaction as the row it names.
 */
export class PgAuditStore implements AuditStore {
  readonly #db: PgDb;

  constructor(db: PgDb) {
    this.#db = db;
  }

  async append(fields: AuditFields): Promise<AuditEntry> {
    return this.#db.tx(async (sql) => {
      await sql.run('SELECT pg_advisory_xact_lock(?)', [AUDIT_LOCK]);
      const head = await sql.get<{ seq: number; hash: string }>(
        'SELECT seq, hash FROM audit_head WHERE id = 1',
      );
      const prevHash = head?.hash ?? GENESIS_HASH;
      const seq = (head?.seq ?? 0) + 1;
      const hash = chainHash(prevHash, seq, fields);
      await sql.run(
        `INSERT INTO audit_log (seq, at, actor_id, actor, ip, action, department_id, counter_id, object_type, object_id,
         reason, details, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        [
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
        ],
      );
      await sql.run(
        `INSERT INTO audit_head (id, seq, hash) VALUES (1, ?, ?)
         ON CONFLICT (id) DO UPDATE SET seq = excluded.seq, hash = excluded.hash`,
        [seq, hash],
      );
      return { ...fields, seq, prevHash, hash };
    });
  }

  async list(query: AuditStoreQuery): Promise<AuditEntry[]> {
    const where: string[] = [];
    const params: Param[] = [];
    const add = (clause: string, value: Param | undefined): void => {
      if (value === undefined) return;
      where.push(clause);
      params.push(value);
    };
    // Lists go in as one array parameter, however long.
    const anyOf = (column: string, values: string[] | undefined): void =>
      add(`${column} = ANY(?::text[])`, values);
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
    return (await this.#db.all<AuditRow>(sql, [...params, query.limit])).map(auditFromRow);
  }

  /** Walks the whole chain in pages, in one repeatable-read snapshot so concurrent appends do not confuse it. */
  async verify(anchor?: AuditAnchor): Promise<AuditVerification> {
    return this.#db.tx(async (sql) => {
      await sql.run('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY');
      const head = await sql.get<{ seq: number; hash: string }>(
        'SELECT seq, hash FROM audit_head WHERE id = 1',
      );
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
      for (let after = 0; ;) {
        const rows = await sql.all<AuditRow>('SELECT * FROM audit_log WHERE seq > ? ORDER BY seq LIMIT ?', [
          after,
          VERIFY_PAGE,
        ]);
        for (const row of rows) {
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
        const last = rows.at(-1);
        if (!last || rows.length < VERIFY_PAGE) break;
        after = last.seq;
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
    });
  }
}
