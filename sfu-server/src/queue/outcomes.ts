import type { EventBatchResult, EventResult, QueueEvent } from '@counterwatch/shared';
import type { EventInsertResult } from '../storage/Storage.js';

/** What the sender is told of one event the store was given. */
export function eventResult(event: QueueEvent, outcome: EventInsertResult): EventResult {
  switch (outcome.status) {
    case 'inserted':
      return { id: event.id, status: 'accepted' };
    case 'duplicate':
      return { id: event.id, status: 'duplicate' };
    case 'id_conflict':
      // Another department's sources are not named to this one.
      return {
        id: event.id,
        status: 'rejected',
        reason: outcome.sameDepartment
          ? `event id ${event.id} is already used by source ${outcome.existingSourceId}; each event needs an id of its own`
          : `event id ${event.id} is already used by another sender; each event needs an id of its own`,
      };
    case 'seq_conflict':
      return {
        id: event.id,
        status: 'rejected',
        reason: `source ${event.source.id} already used sequence ${event.source.seq} for event ${outcome.existingId}`,
      };
    default: {
      const unreachable: never = outcome;
      throw new Error(`unhandled insert outcome ${JSON.stringify(unreachable)}`);
    }
  }
}

/** A batch's answer: its events' results, counted. */
export function summarise(results: EventResult[]): EventBatchResult {
  let accepted = 0;
  let duplicate = 0;
  let rejected = 0;
  for (const r of results) {
    if (r.status === 'accepted') accepted++;
    else if (r.status === 'duplicate') duplicate++;
    else rejected++;
  }
  return { accepted, duplicate, rejected, results };
}
