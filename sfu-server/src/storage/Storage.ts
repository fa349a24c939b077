import type {
  Alert,
  AlertQuery,
  AlertThresholds,
  AuditAnchor,
  AuditEntry as AuditEntryT,
  AuditAction,
  AuditVerification,
  ChecklistItem,
  ChecklistResult,
  InspectionDraft,
  OfficerRef,
  Counter,
  Department,
  DepartmentEntry,
  DeviceKind,
  Finding,
  FlagReason,
  HistoryPoint,
  QueueEvent,
  Rating,
  Role,
  ServiceOutcome,
  User,
  WallView,
  Campaign,
  CampaignInput,
  WallViewBody,
} from '@counterwatch/shared';
import type { AuditFields } from '../audit/chain.js';

/**
 * The one interface the rest of the server stores through. SQLite
 * (better-sqlite3) implements it today; every method is async and atomic on
 * its own so a PostgreSQL implementation can slot in without touching callers.
 */
export interface DepartmentRecord extends DepartmentEntry {
  apiKeyHash: string | null;
  /** Retired: gone from the live side and new assignments; its history stays. */
  retiredAt: number | null;
  retiredBy: string | null;
}

export interface CounterRecord extends Counter {
  tokenHash: string | null;
  retiredAt: number | null;
  retiredBy: string | null;
  /** A one-time enrolment code for the counter's agent waits until then (its hash only is stored). */
  codeExpiresAt: number | null;
}

/** One change of the directory made in the console (or a CSV import). */
export type DirectoryChange =
  | { op: 'create_department'; department: DepartmentEntry }
  | { op: 'update_department'; department: DepartmentEntry }
  | { op: 'retire_department'; id: string }
  | { op: 'create_counter'; counter: Counter }
  | { op: 'update_counter'; counter: Counter }
  | { op: 'retire_counter'; id: string };

/**
 * Departments and counters as the console manages them. Every change marks its
 * row as managed in the database: the provisioning file never overrides it.
 */
export interface DirectoryStore {
  /**
   * Applies the changes in one transaction, all or nothing: `conflict` names
   * the id of a create that met an existing id, or of an update or retirement
   * of an object missing or retired (then nothing changed).
   */
  apply(
    changes: DirectoryChange[],
    at: number,
    by: string,
  ): Promise<{ status: 'ok' } | { status: 'conflict'; id: string }>;
  /** A new one-time code for a counter not retired (replacing any earlier one); false if none such. */
  setCounterCode(counterId: string, codeHash: string, expiresAt: number): Promise<boolean>;
  /** The counter a live code (not used, not expired at `now`) is for. */
  counterForCode(
    codeHash: string,
    now: number,
  ): Promise<{ counterId: string; departmentId: string } | undefined>;
  /**
   * Exchanges a live code for the counter's agent token, atomically: the code
   * is used up, the token replaces the old one. Undefined when the code is
   * unknown, used, expired at `now`, or its counter retired.
   */
  redeemCounterCode(
    codeHash: string,
    tokenHash: string,
    now: number,
  ): Promise<{ counterId: string; departmentId: string } | undefined>;
}

export interface UserRecord extends User {
  passwordHash: string;
  disabled: boolean;
  createdAt: number;
}

export interface NewUser {
  username: string;
  displayName: string;
  passwordHash: string;
  roles: Role[];
  departmentIds: string[] | null;
}

export interface SessionRecord {
  idHash: string;
  userId: number;
  createdAt: number;
  expiresAt: number;
  revokedAt: number | null;
  ip: string | null;
  userAgent: string | null;
}

export interface StoredQueueEvent {
  /** Arrival order at the server. */
  seq: number;
  event: QueueEvent;
  receivedAt: number;
  /** The event's time on our clock (its source's clock corrected when it arrived). */
  correctedAt: number;
}

export type EventInsertResult =
  | { status: 'inserted'; seq: number }
  /** The same source of the same department sent this id before: a replay. */
  | { status: 'duplicate' }
  /** Another source (of this department or, if `sameDepartment` is false, of another) holds this id. */
  | { status: 'id_conflict'; sameDepartment: boolean; existingSourceId: string }
  /** The source already used this sequence number for another event. */
  | { status: 'seq_conflict'; existingId: string };

import type { DailyAggregate } from '@counterwatch/shared';
export type { DailyAggregate };

/**
 * What a change-feed row is about: a user (id), a session (its hash), a
 * counter or a department (id); queue events stored (by the process whose
 * `origin` it names), an alert opened or changed (its id), a department's
 * thresholds (its id).
 */
export type ChangeKind = 'user' | 'session' | 'counter' | 'department' | 'queue' | 'alert' | 'thresholds';

export interface Change {
  seq: number;
  at: number;
  kind: ChangeKind;
  subject: string;
}

export interface ChangeSubscription {
  close(): void;
}

/** A follower of the change feed. */
export interface FeedSubscription extends ChangeSubscription {
  /** Resolves once the follower knows where it starts: every change committed after is delivered. */
  readonly ready: Promise<void>;
}

/**
 * Changes to accounts, sessions and secrets, by any process sharing the
 * database (the server, the operator CLI). Every storage method that makes
 * such a change writes its row in the same transaction.
 */
export interface ChangeFeed {
  /**
   * This process's mark on the queue changes it records. A follower skips its own: the events were
   * folded as they were stored, and a catch-up for them would only hold the ingest's next turn.
   */
  readonly origin: string;
  /**
   * Calls `listener` with the changes committed after this call — by this
   * process at once, by others within about a second — in commit order.
   * SQLite polls `PRAGMA data_version`; PostgreSQL would LISTEN/NOTIFY.
   */
  follow(listener: (changes: Change[]) => void): FeedSubscription;
  /**
   * Whether the push channel is up (PostgreSQL's LISTEN connection); null for
   * a feed that only polls (SQLite). Down, changes still arrive by the poll.
   */
  listening(): boolean | null;
  /**
   * Whether this process holds the writer lease: of several processes on one
   * database exactly one writes what each would otherwise write twice (alerts
   * opened by the rules, history samples). Always true on SQLite (one server).
   */
  leads(): boolean;
  /** Called when the lease is gained or lost. */
  onLeadership(listener: (leading: boolean) => void): ChangeSubscription;
}

/** How the provisioning file's secret for a counter or department was taken. */
export type ProvisionOutcome = 'applied' | 'unchanged' | 'managed_in_database' | 'not_found';

/** The two parts of an alert that change apart: see `Storage.updateAlert`. */
export type AlertPart = 'grade' | 'handling';

export interface StoredAlert extends Alert {
  conditionKey: string;
}

export type NewAlert = Omit<StoredAlert, 'id'>;

export interface Storage {
  // Directory: departments and counters.
  listDepartments(): Promise<DepartmentRecord[]>;
  listCounters(): Promise<CounterRecord[]>;
  /**
   * The provisioning file's seed: inserts what does not exist, updates only
   * rows the console never changed, never revives a retired one. True if it
   * wrote the row.
   */
  saveDepartment(
    department: Department & Partial<Pick<DepartmentEntry, 'level' | 'services'>>,
  ): Promise<boolean>;
  saveCounter(counter: Counter): Promise<boolean>;
  /**
   * Rotates or revokes (null) a counter's agent token in the database: from
   * now on the database owns it and the provisioning file no longer sets it.
   */
  setCounterTokenHash(counterId: string, tokenHash: string | null, at: number): Promise<boolean>;
  setDepartmentApiKeyHash(departmentId: string, apiKeyHash: string | null, at: number): Promise<boolean>;
  /** The provisioning file's hash, taken only if the database never changed this secret itself. */
  provisionCounterTokenHash(counterId: string, tokenHash: string, at: number): Promise<ProvisionOutcome>;
  provisionDepartmentApiKeyHash(departmentId: string, apiKeyHash: string): Promise<ProvisionOutcome>;

  // Accounts (every change also goes to the change feed).
  countUsers(): Promise<number>;
  createUser(user: NewUser, at: number): Promise<UserRecord>;
  getUser(id: number): Promise<UserRecord | undefined>;
  findUserByUsername(username: string): Promise<UserRecord | undefined>;
  listUsers(): Promise<UserRecord[]>;
  setUserPassword(userId: number, passwordHash: string): Promise<boolean>;
  updateUser(
    userId: number,
    fields: { displayName: string; roles: Role[]; departmentIds: string[] | null; disabled: boolean },
  ): Promise<boolean>;

  // Sessions (the cookie value is never stored, only its hash).
  createSession(session: SessionRecord): Promise<void>;
  getSession(idHash: string): Promise<SessionRecord | undefined>;
  revokeSession(idHash: string, at: number): Promise<boolean>;
  revokeUserSessions(userId: number, at: number): Promise<number>;
  listActiveSessions(now: number): Promise<SessionRecord[]>;

  // Queue events: stored once, in one transaction per batch.
  insertQueueEvents(
    events: { event: QueueEvent; receivedAt: number; correctedAt: number }[],
  ): Promise<EventInsertResult[]>;
  /** A department's events received since `since`, in arrival order. */
  listQueueEvents(departmentId: string, since: number): Promise<StoredQueueEvent[]>;
  /** Every department's events with a sequence in (`afterSeq`, `throughSeq`], in log order, at most `limit`. */
  listQueueEventsBetween(afterSeq: number, throughSeq: number, limit: number): Promise<StoredQueueEvent[]>;
  /** The sequence of the last stored event (0 if none): every event up to it is committed. */
  queueEventsHead(): Promise<number>;
  nextSourceSeq(departmentId: string, sourceId: string): Promise<number>;
  /** Every stored event about one ticket, in arrival order (an interaction's event log). */
  listTicketEvents(departmentId: string, ticketId: string): Promise<StoredQueueEvent[]>;

  // Metrics history and daily aggregates.
  insertHistoryPoints(rows: { departmentId: string; point: HistoryPoint }[]): Promise<void>;
  listHistory(departmentId: string, from: number, to: number): Promise<HistoryPoint[]>;
  deleteHistoryBefore(at: number): Promise<number>;
  saveDailyAggregate(departmentId: string, aggregate: DailyAggregate): Promise<void>;
  listDailyAggregates(departmentId: string, fromDay: string, toDay: string): Promise<DailyAggregate[]>;

  // Alerts and their thresholds.
  /** Stores a new alert; refused while another alert of its condition is unresolved. */
  insertAlert(alert: NewAlert): Promise<StoredAlert>;
  /**
   * The alert engine's writes of one moment in one transaction (one commit, one change row): new
   * alerts, in order, stored or `null` where another alert of the condition is still unresolved;
   * and updated parts (as `updateAlert`).
   */
  writeAlerts(
    inserts: readonly NewAlert[],
    updates: readonly { alert: StoredAlert; part: AlertPart }[],
  ): Promise<(StoredAlert | null)[]>;
  /**
   * Writes one part of an alert: its `grade` (severity, details, counters: the rules' part) or its
   * `handling` (state, acknowledgement, snooze, resolution: people's part, and the rules' resolving).
   * Each writer writes only its part, so a re-grade on one process cannot undo an acknowledgement stored
   * by another a moment before (nor an acknowledgement a re-grade).
   */
  updateAlert(alert: StoredAlert, part: AlertPart): Promise<void>;
  getAlert(id: number): Promise<StoredAlert | undefined>;
  /** Several alerts in one read (those that exist, in no particular order). */
  getAlerts(ids: readonly number[]): Promise<StoredAlert[]>;
  listAlerts(query: AlertQuery & { departmentIds?: string[] | null }): Promise<StoredAlert[]>;
  listActiveAlerts(): Promise<StoredAlert[]>;
  getThresholds(departmentId: string): Promise<AlertThresholds | undefined>;
  setThresholds(departmentId: string, thresholds: AlertThresholds): Promise<void>;

  // Supervision areas.
  readonly changes: ChangeFeed;
  readonly audit: AuditStore;
  readonly settings: SettingsStore;
  readonly recordings: RecordingStore;
  readonly reviews: ReviewStore;
  readonly inspections: InspectionStore;
  readonly devices: DeviceStore;
  readonly wallViews: WallViewStore;
  readonly officers: OfficerStore;
  readonly campaigns: CampaignStore;
  readonly directory: DirectoryStore;
  readonly attempts: AttemptStore;
  readonly nodes: NodeStore;

  /** A trivial query: the database answers (health checks). */
  ping(): Promise<void>;

  close(): Promise<void>;
}

/**
 * Attempt counts for rate limits, per (scope, key, fixed window), shared by every process on the
 * database. A key is only compared: callers store a hash of the address or username, never the value.
 */
export interface AttemptStore {
  /**
   * Counts one attempt in the window if it holds fewer than `max` (atomically, whichever process
   * asks): true when taken, false when refused.
   */
  take(scope: string, key: string, windowStart: number, max: number): Promise<boolean>;
  /** Gives back `n` attempts counted in that window (never below zero); nothing if there is none. */
  giveBack(scope: string, key: string, windowStart: number, n?: number): Promise<void>;
  /** Deletes every window of a key and returns what each held (to give it back elsewhere), atomically. */
  clear(scope: string, key: string): Promise<{ windowStart: number; count: number }[]>;
  /** Deletes a scope's windows that started before `before`; how many went. */
  prune(scope: string, before: number): Promise<number>;
}

/** A media node as it last reported itself (see NodeStore). */
export interface MediaNodeRow {
  /** Its configured name (`CW_NODE_NAME`): a node restarted under the same name is the same node. */
  name: string;
  /** Where agents (and other processes) reach it: its http(s) base URL. */
  url: string;
  /** Counters it takes before placement prefers other nodes. */
  capacity: number;
  /** Agents publishing on it at its last heartbeat. */
  load: number;
  /** Set by an admin: no new counters, and its agents are moved away. */
  draining: boolean;
  startedAt: number;
  heartbeatAt: number;
}

/**
 * Media nodes and the counters placed on them, shared by every process on the database: the
 * control side places, the nodes report. A node is alive while its heartbeat is recent; callers
 * decide what "recent" is.
 */
export interface NodeStore {
  /**
   * Registers the node or refreshes its url, capacity, load and heartbeat (a new `startedAt`
   * starts a new life); `draining` is left as an admin set it, and returned.
   */
  heartbeat(
    node: Pick<MediaNodeRow, 'name' | 'url' | 'capacity' | 'load' | 'startedAt'>,
    at: number,
  ): Promise<{ draining: boolean }>;
  /** A node that stops cleanly says so, so nothing waits for its heartbeat to age. */
  remove(name: string): Promise<void>;
  list(): Promise<MediaNodeRow[]>;
  /** false when no node has that name. */
  setDraining(name: string, draining: boolean): Promise<boolean>;
  /** Forgets nodes whose last heartbeat is older than `before` (their placements stay until replaced). */
  prune(before: number): Promise<number>;
  placements(): Promise<{ counterId: string; node: string }[]>;
  placement(counterId: string): Promise<string | undefined>;
  /**
   * Places a counter on `node` only if its placement is still `expected` (null: none), so two
   * processes placing one counter at once agree on one node: true when this call placed it.
   */
  place(counterId: string, node: string, expected: string | null, at: number): Promise<boolean>;
}

/** The staffing advisor's declared campaigns. */
export interface CampaignStore {
  list(): Promise<Campaign[]>;
  /** Refused ('limit') once `max` campaigns are stored; the count and the insert are one transaction. */
  create(input: CampaignInput, at: number, by: string, max: number): Promise<Campaign | 'limit'>;
  get(id: number): Promise<Campaign | undefined>;
  delete(id: number): Promise<boolean>;
}

/** Saved wall views, each owned by one user: every call names the owner. */
export interface WallViewStore {
  list(userId: number): Promise<WallView[]>;
  /** 'limit' when the user already has `max` views (checked and inserted atomically). */
  create(
    userId: number,
    view: WallViewBody,
    at: number,
    max: number,
  ): Promise<WallView | 'limit' | 'name_taken'>;
  update(
    userId: number,
    id: number,
    view: WallViewBody,
    at: number,
  ): Promise<WallView | 'not_found' | 'name_taken'>;
  remove(userId: number, id: number): Promise<boolean>;
}

// ---- Supervision: audit trail, settings, recordings, interactions and review, inspections ----

/** A search of the trail with what was typed already resolved to ids and usernames. */
export interface AuditStoreQuery {
  from?: number | undefined;
  to?: number | undefined;
  /** Rows by one of these usernames, or whose actor contains this text (no account had it). */
  actor?: { usernames: string[] } | { contains: string } | undefined;
  action?: AuditAction | undefined;
  /** Rows in one of these departments (an empty list finds nothing). */
  departmentIds?: string[] | undefined;
  counterIds?: string[] | undefined;
  beforeSeq?: number | undefined;
  limit: number;
}

export interface AuditStore {
  /** Appends one row, linked to the chain; atomic. */
  append(fields: AuditFields): Promise<AuditEntryT>;
  /** Newest first. */
  list(query: AuditStoreQuery): Promise<AuditEntryT[]>;
  /** With an anchor, also checks that row anchor.seq still exists with that hash. */
  verify(anchor?: AuditAnchor): Promise<AuditVerification>;
}

export interface SettingsStore {
  get(key: string): Promise<unknown>;
  set(key: string, value: unknown): Promise<void>;
}

export interface SegmentRecord {
  id: number;
  counterId: string;
  departmentId: string;
  path: string;
  startedAt: number;
  endedAt: number;
  bytes: number;
  container: string;
  /** The media node whose disk holds the file; SINGLE_PROCESS for a server that is its own node. */
  node: string;
}

/** The `node` of segments written by a single-process server (role `all`). */
export const SINGLE_PROCESS = '';

export interface RecordingStore {
  insertSegment(segment: Omit<SegmentRecord, 'id'>): Promise<SegmentRecord>;
  getSegment(id: number): Promise<SegmentRecord | undefined>;
  /** Segments of a counter overlapping [from, to], in time order, whatever node holds them. */
  segmentsOverlapping(counterId: string, from: number, to: number): Promise<SegmentRecord[]>;
  /** One node's segments, oldest first (its retention walks them). */
  oldestSegments(
    node: string,
    limit: number,
    after?: { startedAt: number; id: number },
  ): Promise<SegmentRecord[]>;
  deleteSegment(id: number): Promise<void>;
  /** Bytes of one node's segments (its quota). */
  totalBytes(node: string): Promise<number>;
  lastSegmentEnd(counterId: string): Promise<number | null>;
}

export interface InteractionRecord {
  id: number;
  departmentId: string;
  counterId: string;
  ticketId: string;
  ticketNumber: string;
  serviceCode: string;
  issuedAt: number | null;
  calledAt: number | null;
  startedAt: number;
  finishedAt: number;
  outcome: ServiceOutcome;
  rating: Rating | null;
  ratingComment: string | null;
  ratedAt: number | null;
  /** The officer on duty when the service started, as they were then; kept once set. */
  officer: OfficerRef | null;
  review: 'none' | 'pending' | 'closed';
  reviewClosedAt: number | null;
  keep: boolean;
}

export interface FlagRecord {
  interactionId: number;
  reason: FlagReason;
  note: string | null;
  by: string | null;
  at: number;
}

export interface DecisionRecord {
  interactionId: number;
  finding: Finding;
  note: string;
  by: string;
  at: number;
}

export interface InteractionQuery {
  departmentIds: string[] | null;
  departmentId?: string;
  counterId?: string;
  review?: 'none' | 'pending' | 'closed';
  flagReason?: FlagReason;
  from?: number;
  to?: number;
  limit: number;
}

export interface ReviewStore {
  /** Records a served ticket once; later calls fill in what changed (a rating). */
  upsertInteraction(
    record: Omit<InteractionRecord, 'id' | 'review' | 'reviewClosedAt' | 'keep'>,
  ): Promise<InteractionRecord>;
  /** Several at once, in one transaction, answered in their order; each ticket at most once. */
  upsertInteractions(
    records: readonly Omit<InteractionRecord, 'id' | 'review' | 'reviewClosedAt' | 'keep'>[],
  ): Promise<InteractionRecord[]>;
  getInteraction(id: number): Promise<InteractionRecord | undefined>;
  findInteraction(departmentId: string, ticketId: string): Promise<InteractionRecord | undefined>;
  listInteractions(query: InteractionQuery): Promise<InteractionRecord[]>;
  /** Flags an interaction and opens its review; returns false if that exact flag exists. */
  /**
   * Adds flags in one transaction; for each, whether it is new (the same
   * reason and note on the same interaction is kept once). A new flag reopens
   * its interaction's review.
   */
  addFlags(flags: readonly FlagRecord[]): Promise<boolean[]>;
  flags(interactionIds: number[]): Promise<FlagRecord[]>;
  addDecision(decision: DecisionRecord, keep: boolean): Promise<void>;
  decisions(interactionIds: number[]): Promise<DecisionRecord[]>;
  /** Spans of recording that must be kept: flagged interactions under review or within release days of closing. */
  heldSpans(
    now: number,
    releaseAfterMs: number,
    marginMs: number,
  ): Promise<{ counterId: string; from: number; to: number }[]>;
}

export interface InspectionRecord {
  id: number;
  departmentId: string;
  counterId: string;
  /** The inspector's username. */
  inspector: string;
  /** Their account: null for inspections started before it was recorded (matched by username). */
  inspectorId: number | null;
  /** Their display name when the inspection started (null before it was recorded). */
  inspectorName: string | null;
  /** The officer signed in at the panel, as they were then. */
  officer: OfficerRef | null;
  /** A name typed by the inspector (no officer signed in), or the officer's name. */
  officerName: string | null;
  startedAt: number;
  endedAt: number | null;
  checklist: ChecklistItem[];
  results: Record<string, ChecklistResult>;
  notes: string;
  /** Ended by the server at the maximum duration, not by the inspector. */
  endedAutomatically: boolean;
  /** What the inspector has typed so far, saved as typed; null until the first save. */
  draft: InspectionDraft | null;
  draftSavedAt: number | null;
  /** How many times the draft was saved (the end's audit row and the report say it). */
  draftSaves: number;
}

export type NewInspection = Omit<
  InspectionRecord,
  'endedAt' | 'results' | 'notes' | 'endedAutomatically' | 'draft' | 'draftSavedAt' | 'draftSaves'
>;

export interface ObservationRecord {
  id: number;
  inspectionId: number;
  at: number;
  note: string;
  stillPath: string | null;
}

export interface InspectionStore {
  /** The id the next inspection will get (ids are never reused), so its start is on record before it exists. */
  nextId(): Promise<number>;
  create(record: NewInspection): Promise<InspectionRecord>;
  get(id: number): Promise<InspectionRecord | undefined>;
  /** Inspections not ended yet, oldest first. */
  listOpen(): Promise<InspectionRecord[]>;
  list(query: {
    departmentIds: string[] | null;
    departmentId?: string;
    counterId?: string;
    /** Only those not ended. */
    open?: boolean;
    limit: number;
  }): Promise<InspectionRecord[]>;
  end(
    id: number,
    endedAt: number,
    results: Record<string, ChecklistResult>,
    notes: string,
    officerName: string | null,
    automatically?: boolean,
  ): Promise<boolean>;
  /** Names the officer on duty, if none is named yet. */
  setOfficer(id: number, officer: OfficerRef): Promise<void>;
  /** Saves the draft of an inspection not ended; false if it has ended (or does not exist). */
  saveDraft(id: number, draft: InspectionDraft, at: number): Promise<boolean>;
  addObservation(observation: Omit<ObservationRecord, 'id'>): Promise<ObservationRecord>;
  observations(inspectionId: number): Promise<ObservationRecord[]>;
  /** Spans of recording kept for inspections ended within the release window (or still running). */
  heldSpans(
    now: number,
    releaseAfterMs: number,
    marginMs: number,
  ): Promise<{ counterId: string; from: number; to: number }[]>;
}

// ---- Department devices: kiosks, counter panels, rating pads, hall boards ----

export interface DeviceRecord {
  id: string;
  departmentId: string;
  kind: DeviceKind;
  counterId: string | null;
  name: string;
  createdAt: number;
  createdBy: string;
  codeHash: string | null;
  codeExpiresAt: number | null;
  tokenHash: string | null;
  enrolledAt: number | null;
  lastUsedAt: number | null;
  revokedAt: number | null;
  revokedBy: string | null;
}

export interface DeviceStore {
  create(
    record: Omit<DeviceRecord, 'tokenHash' | 'enrolledAt' | 'lastUsedAt' | 'revokedAt' | 'revokedBy'>,
  ): Promise<DeviceRecord>;
  get(id: string): Promise<DeviceRecord | undefined>;
  list(): Promise<DeviceRecord[]>;
  byTokenHash(tokenHash: string): Promise<DeviceRecord | undefined>;
  byCodeHash(codeHash: string): Promise<DeviceRecord | undefined>;
  /** A new enrolment code for a device not revoked; false if there is none such. */
  setCode(id: string, codeHash: string, expiresAt: number): Promise<boolean>;
  /**
   * Exchanges a live code for a token, atomically: the code is used up, the
   * token replaces any earlier one. Undefined when the code is unknown,
   * used, expired at `now`, or its device revoked.
   */
  enrol(codeHash: string, tokenHash: string, now: number): Promise<DeviceRecord | undefined>;
  /** Revokes for good; false if unknown or already revoked. */
  revoke(id: string, at: number, by: string): Promise<boolean>;
  touch(id: string, at: number): Promise<void>;
}

// ---- Officers at the counters, and their sign-ins at the panels ----

export interface OfficerRecord {
  id: number;
  departmentId: string;
  displayName: string;
  badgeNumber: string;
  pinHash: string;
  disabledAt: number | null;
  createdAt: number;
  createdBy: string;
}

export interface ShiftRecord {
  counterId: string;
  officer: OfficerRef;
  deviceId: string;
  signedInAt: number;
}

export interface OfficerStore {
  create(record: Omit<OfficerRecord, 'id' | 'disabledAt'>): Promise<OfficerRecord>;
  get(id: number): Promise<OfficerRecord | undefined>;
  byBadge(departmentId: string, badgeNumber: string): Promise<OfficerRecord | undefined>;
  list(departmentIds: string[] | null): Promise<OfficerRecord[]>;
  update(
    id: number,
    patch: Partial<Pick<OfficerRecord, 'displayName' | 'pinHash' | 'disabledAt'>>,
  ): Promise<void>;
  /** Opens a shift, closing at `at` any open shift at this counter and any open shift of this officer. */
  signIn(counterId: string, officerId: number, deviceId: string, at: number): Promise<void>;
  /** Closes the counter's open shift; the one closed, if any. */
  signOut(counterId: string, at: number): Promise<ShiftRecord | undefined>;
  /** Closes the officer's open shift (disabled); the one closed, if any. */
  signOutOfficer(officerId: number, at: number): Promise<ShiftRecord | undefined>;
  /** The open shifts. */
  onDuty(): Promise<ShiftRecord[]>;
  /** The shift at this counter that covered `at` (the latest such), if any. */
  onDutyAt(counterId: string, at: number): Promise<ShiftRecord | undefined>;
  /** `onDutyAt` for several counters and times at once, answered in their order. */
  onDutyAtMany(queries: readonly { counterId: string; at: number }[]): Promise<(ShiftRecord | undefined)[]>;
}
