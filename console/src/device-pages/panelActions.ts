import type { CounterAction, CounterPanelState, CounterQueueState } from '@counterwatch/shared';

export type PanelActionName = CounterAction['action'];

/** Every action in panel order. */
export const PANEL_ACTIONS: readonly PanelActionName[] = [
  'call-next',
  'recall',
  'start',
  'finish',
  'no-show',
  'pause',
  'open',
  'close',
];

/**
 * The likely next steps in each state, drawn prominently. Others stay
 * available: the server is the judge and explains a refusal (409).
 */
export function suggestedActions(state: CounterQueueState, hasTicket: boolean): PanelActionName[] {
  switch (state) {
    case 'closed':
      return ['open'];
    case 'paused':
      return ['open'];
    case 'idle':
      return ['call-next'];
    case 'calling':
      return hasTicket ? ['start', 'recall', 'no-show'] : ['call-next'];
    case 'serving':
      return ['finish'];
  }
}

/** Tickets waiting per service, most first, for the panel's table. */
export function waitingRows(state: CounterPanelState): { serviceCode: string; waiting: number }[] {
  return Object.entries(state.waitingByService)
    .map(([serviceCode, waiting]) => ({ serviceCode, waiting }))
    .sort((a, b) => b.waiting - a.waiting || a.serviceCode.localeCompare(b.serviceCode));
}
