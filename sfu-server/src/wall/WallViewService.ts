import {
  AppError,
  MAX_WALL_VIEWS,
  type Clock,
  type Counter,
  type User,
  type WallView,
  type WallViewBody,
} from '@counterwatch/shared';
import { canSeeAnyLive, canWatch } from '../auth/access.js';
import type { WallViewStore } from '../storage/Storage.js';

export interface WallViewServiceOptions {
  store: WallViewStore;
  counter: (id: string) => Counter | undefined;
  now: Clock;
}

/**
 * Saved wall views: each user's own, never another's. A view may name only
 * counters its owner may watch; one the owner can no longer watch (scope
 * changed) is left out when the view is read, not shown.
 */
export class WallViewService {
  readonly #store: WallViewStore;
  readonly #counter: (id: string) => Counter | undefined;
  readonly #now: Clock;

  constructor(options: WallViewServiceOptions) {
    this.#store = options.store;
    this.#counter = options.counter;
    this.#now = options.now;
  }

  async list(user: User): Promise<WallView[]> {
    this.#mayWatch(user);
    return (await this.#store.list(user.id)).map((v) => this.#visible(user, v));
  }

  async create(user: User, body: WallViewBody): Promise<WallView> {
    this.#mayWatch(user);
    this.#checkCounters(user, body);
    const result = await this.#store.create(user.id, body, this.#now(), MAX_WALL_VIEWS);
    if (result === 'limit')
      throw new AppError('conflict', `at most ${MAX_WALL_VIEWS} saved views; delete one first`);
    if (result === 'name_taken') throw new AppError('conflict', 'a view with this name exists');
    return result;
  }

  async update(user: User, id: number, body: WallViewBody): Promise<WallView> {
    this.#mayWatch(user);
    this.#checkCounters(user, body);
    const result = await this.#store.update(user.id, id, body, this.#now());
    if (result === 'not_found') throw new AppError('not_found', `no view ${id}`);
    if (result === 'name_taken') throw new AppError('conflict', 'a view with this name exists');
    return result;
  }

  async remove(user: User, id: number): Promise<void> {
    this.#mayWatch(user);
    if (!(await this.#store.remove(user.id, id))) throw new AppError('not_found', `no view ${id}`);
  }

  #mayWatch(user: User): void {
    if (!canSeeAnyLive(user)) throw new AppError('forbidden', 'wall views are for live roles');
  }

  /** Unknown and out-of-scope counters get the same answer: nothing is learnt about others. */
  #checkCounters(user: User, body: WallViewBody): void {
    for (const id of body.counterIds ?? []) {
      const counter = this.#counter(id);
      if (!counter || !canWatch(user, counter.departmentId))
        throw new AppError('invalid_request', `unknown counter ${id}`);
    }
  }

  #visible(user: User, view: WallView): WallView {
    if (view.counterIds === null) return view;
    const ids = view.counterIds.filter((id) => {
      const counter = this.#counter(id);
      return counter !== undefined && canWatch(user, counter.departmentId);
    });
    return { ...view, counterIds: ids.length > 0 ? ids : null };
  }
}
