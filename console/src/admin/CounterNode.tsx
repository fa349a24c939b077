import type { MediaNodes } from '@counterwatch/shared';
import { useT } from '../i18n/i18n';
import { nodeState } from './nodes';

/** The node a counter is placed on, with that node's state, for the counters tab. */
export function CounterNode({ counterId, nodes }: { counterId: string; nodes: MediaNodes }) {
  const t = useT();
  const name = nodes.placements[counterId];
  if (name === undefined)
    return (
      <span className="muted" data-not-placed>
        {t('admin.counters.notPlaced')}
      </span>
    );
  const node = nodes.nodes.find((n) => n.name === name);
  const state = node ? nodeState(node) : null;
  return (
    <span className="counter-node" data-node={name} data-node-state={state ?? 'gone'}>
      <span className="mono">{name}</span>
      {state === null ? (
        <span className="muted">({t('admin.counters.nodeGone')})</span>
      ) : (
        state !== 'alive' && (
          <span className={`chip ${state === 'silent' ? 'chip-fail' : 'chip-running'}`}>
            {t(`admin.nodes.state.${state}`)}
          </span>
        )
      )}
    </span>
  );
}
