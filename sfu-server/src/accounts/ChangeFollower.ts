import type { Logger } from '../logger.js';
import type { Change, ChangeFeed, FeedSubscription } from '../storage/Storage.js';

/** What the running server does about a change, whoever made it. */
export interface ChangeFollowerHost {
  /** A counter's token or a department's key (or their names) changed: re-read them. */
  directoryChanged(): Promise<void>;
  /** A user's account, password or sessions changed: their live sockets must still hold a valid session. */
  userChanged(userId: number): Promise<void>;
  /** One session was revoked. */
  sessionChanged(sessionHash: string): Promise<void>;
  /** Queue events were stored (by any process): fold what is new in the log. */
  queueChanged(): Promise<void>;
  /** Alerts were opened or changed (by any process): all a batch of the feed names, at once. */
  alertsChanged(alertIds: number[]): Promise<void>;
  /** A department's alert thresholds changed. */
  thresholdsChanged(departmentId: string): Promise<void>;
}

/**
 * Tails the change feed and hands each change to the server, in order, one
 * batch at a time: a token the CLI rotated drops its agent, a password the
 * CLI reset ends that user's consoles, exactly as when the console does it;
 * queue events, alerts and thresholds another server process stored reach
 * this one's state and consoles.
 * Every handler is idempotent — the server's own changes come by here too.
 */
export class ChangeFollower {
  readonly #host: ChangeFollowerHost;
  readonly #logger: Logger;
  readonly #subscription: FeedSubscription;
  /** This process's mark on the queue changes it records. */
  readonly #origin: string;
  #queue: Promise<void> = Promise.resolve();
  #closed = false;

  constructor({ feed, host, logger }: { feed: ChangeFeed; host: ChangeFollowerHost; logger: Logger }) {
    this.#host = host;
    this.#origin = feed.origin;
    this.#logger = logger.child({ module: 'change-follower' });
    this.#subscription = feed.follow((changes) => {
      this.#queue = this.#queue.then(() => this.#apply(changes));
    });
  }

  /** Resolves once the feed knows where this follower starts: every later change comes by here. */
  ready(): Promise<void> {
    return this.#subscription.ready;
  }

  /** Resolves once every change delivered so far has been handled. */
  idle(): Promise<void> {
    return this.#queue;
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#subscription.close();
  }

  async #apply(changes: Change[]): Promise<void> {
    if (this.#closed) return;
    const users = new Set<number>();
    const sessions = new Set<string>();
    const queues = new Set<string>();
    const alerts = new Set<number>();
    const thresholds = new Set<string>();
    let directory = false;
    for (const change of changes) {
      switch (change.kind) {
        case 'counter':
        case 'department':
          directory = true;
          break;
        case 'user':
          users.add(Number(change.subject));
          break;
        case 'session':
          sessions.add(change.subject);
          break;
        case 'queue':
          // Our own were folded as they were stored.
          if (change.subject !== this.#origin) queues.add(change.subject);
          break;
        case 'alert':
          alerts.add(Number(change.subject));
          break;
        case 'thresholds':
          thresholds.add(change.subject);
          break;
        default: {
          const unknown: never = change.kind;
          this.#logger.warn({ kind: String(unknown) }, 'unknown change kind ignored');
        }
      }
    }
    const run = async (what: string, action: () => Promise<void>): Promise<void> => {
      try {
        await action();
      } catch (error) {
        this.#logger.error({ err: error, what }, 'change not applied');
      }
    };
    if (directory) await run('directory', () => this.#host.directoryChanged());
    for (const id of users) await run('user', () => this.#host.userChanged(id));
    for (const hash of sessions) await run('session', () => this.#host.sessionChanged(hash));
    for (const id of thresholds) await run('thresholds', () => this.#host.thresholdsChanged(id));
    // One catch-up reads the log after the last row folded, whichever departments it holds.
    if (queues.size > 0) await run('queue', () => this.#host.queueChanged());
    if (alerts.size > 0) await run('alerts', () => this.#host.alertsChanged([...alerts]));
  }
}
