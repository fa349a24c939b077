import { useEffect, useState } from 'react';
import {
  MediaNodesSchema,
  NODES_PATH,
  NodeResponseSchema,
  nodeActionPath,
  type MediaNodeInfo,
  type MediaNodes,
} from '@counterwatch/shared';
import { describeError } from '../api/describeError';
import { apiRequest } from '../api/http';
import { useApiQuery } from '../api/useApiQuery';
import { formatDateTime, useT } from '../i18n/i18n';
import { formatShare } from '../i18n/numbers';
import { useStore } from '../store/store';
import { ConfirmButton } from './ConfirmButton';
import {
  countersByNode,
  groupByDepartment,
  heartbeatAge,
  loadLevel,
  loadShare,
  nodeState,
  type PlacedCounter,
} from './nodes';
import './nodes.css';

/** Heartbeats come every few seconds and nothing pushes them to the console: the tab asks this often. */
const REFRESH_MS = 5_000;

/** The names the section shows counters by (the admin directory, loaded by the page). */
interface Names {
  departments: readonly { id: string; name: string }[];
  counters: readonly PlacedCounter[];
}

/** The nodes list, refreshed while shown (shared with the counters tab through the query cache). */
export function useMediaNodes() {
  const nodes = useApiQuery(NODES_PATH, MediaNodesSchema);
  const { reload } = nodes;
  // One process (role all) has no nodes to watch.
  const single = nodes.data?.role === 'all';
  useEffect(() => {
    if (single) return;
    const timer = window.setInterval(reload, REFRESH_MS);
    return () => window.clearInterval(timer);
  }, [reload, single]);
  return nodes;
}

/**
 * The media nodes for the IT officer: which report, how loaded, which counters each holds, and
 * draining one for maintenance (its counters move away) or putting it back.
 */
export function NodesSection({ names }: { names: Names }) {
  const t = useT();
  const lang = useStore((s) => s.lang);
  const nodes = useMediaNodes();
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const data = nodes.data;

  const act = (node: MediaNodeInfo, drain: boolean): void => {
    setBusy(node.name);
    setError(null);
    setNotice(null);
    apiRequest('POST', nodeActionPath(node.name, drain ? 'drain' : 'undrain'), NodeResponseSchema, {})
      .then(() => setNotice(t(drain ? 'admin.nodes.drained' : 'admin.nodes.undrained', { name: node.name })))
      .catch((e: unknown) => setError(describeError(lang, e)))
      .finally(() => {
        setBusy(null);
        nodes.reload();
      });
  };
  const shownError = error ?? (nodes.error !== null ? describeError(lang, nodes.error) : null);

  return (
    <section aria-labelledby="nodes-title" className="admin-section nodes-section">
      <header className="section-header">
        <h3 id="nodes-title" className="section-title">
          {t('admin.nodes.title')}
        </h3>
        {/* One process has no nodes to watch, so nothing refreshes: no note, no button. */}
        {data?.role !== 'all' && (
          <>
            <span className="muted nodes-refresh-note">
              {t('admin.nodes.autoRefresh', { seconds: REFRESH_MS / 1000 })}
            </span>
            <button type="button" onClick={nodes.reload} disabled={nodes.loading}>
              {t('common.refresh')}
            </button>
          </>
        )}
      </header>
      <p className="muted">{t('admin.nodes.explain')}</p>
      {shownError !== null && (
        <p className="error" role="alert">
          {shownError}
        </p>
      )}
      {notice !== null && (
        <p className="notice" role="status">
          {notice}
        </p>
      )}
      {data && <NodesBody data={data} names={names} busy={busy} onAct={act} />}
    </section>
  );
}

function NodesBody({
  data,
  names,
  busy,
  onAct,
}: {
  data: MediaNodes;
  names: Names;
  busy: string | null;
  onAct: (node: MediaNodeInfo, drain: boolean) => void;
}) {
  const t = useT();
  if (data.nodes.length === 0)
    return (
      <p className="empty" data-nodes-empty={data.role}>
        {t(data.role === 'all' ? 'admin.nodes.single' : 'admin.nodes.none')}
      </p>
    );
  const { byNode, elsewhere } = countersByNode(data, names.counters);
  return (
    <>
      <p className="nodes-summary" data-testid="nodes-summary">
        {t('admin.nodes.summary', {
          alive: data.nodes.filter((n) => n.alive).length,
          total: data.nodes.length,
          draining: data.nodes.filter((n) => n.draining).length,
          placed: Object.keys(data.placements).length,
        })}
      </p>
      <div className="table-scroll">
        <table className="data-table nodes-table">
          <caption className="visually-hidden">{t('admin.nodes.title')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('admin.nodes.name')}</th>
              <th scope="col">{t('admin.nodes.state')}</th>
              <th scope="col">{t('admin.nodes.load')}</th>
              <th scope="col">{t('admin.nodes.placed')}</th>
              <th scope="col">{t('admin.nodes.heartbeat')}</th>
              <th scope="col">
                <span className="visually-hidden">{t('pressure.actions')}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {data.nodes.map((node) => (
              <NodeRow
                key={node.name}
                node={node}
                at={data.at}
                placed={byNode.get(node.name) ?? []}
                departments={names.departments}
                busy={busy === node.name}
                onAct={onAct}
              />
            ))}
          </tbody>
        </table>
      </div>
      {elsewhere.length > 0 && (
        <div className="nodes-elsewhere">
          <h4>{t('admin.nodes.elsewhere')}</h4>
          <ul className="chips">
            {elsewhere.map(({ node, counter }) => (
              <li key={counter.id} className="chip" data-counter-id={counter.id} title={counter.id}>
                {counter.name} → <span className="mono">{node}</span>
              </li>
            ))}
          </ul>
        </div>
      )}
    </>
  );
}

const STATE_CHIP = { alive: 'chip-pass', silent: 'chip-fail', draining: 'chip-running' } as const;

function NodeRow({
  node,
  at,
  placed,
  departments,
  busy,
  onAct,
}: {
  node: MediaNodeInfo;
  at: number;
  placed: PlacedCounter[];
  departments: Names['departments'];
  busy: boolean;
  onAct: (node: MediaNodeInfo, drain: boolean) => void;
}) {
  const t = useT();
  const lang = useStore((s) => s.lang);
  const state = nodeState(node);
  const share = loadShare(node);
  const age = heartbeatAge(at, node.heartbeatAt);
  return (
    <tr data-node-name={node.name} data-state={state} data-draining={node.draining}>
      <th scope="row">
        <span className="node-name mono">{node.name}</span>
        <span className="node-url muted mono">{node.url}</span>
      </th>
      <td>
        <span className="chips">
          <span className={`chip ${STATE_CHIP[state]}`}>{t(`admin.nodes.state.${state}`)}</span>
          {state === 'silent' && node.draining && (
            <span className="chip chip-running">{t('admin.nodes.state.draining')}</span>
          )}
        </span>
      </td>
      <td>
        <div className="node-load" data-level={loadLevel(share)}>
          <span className="node-load-bar" aria-hidden="true">
            <span style={{ width: `${Math.min(1, share ?? 0) * 100}%` }} />
          </span>
          <span className="node-load-text">
            {t('admin.nodes.loadOf', { load: node.load, capacity: node.capacity })}
            {share !== null && <span className="muted"> · {formatShare(lang, share)}</span>}
          </span>
        </div>
      </td>
      <td className="node-counters">
        {placed.length === 0 ? (
          <span className="muted">0</span>
        ) : (
          <details>
            <summary>{t('admin.nodes.showCounters', { count: placed.length })}</summary>
            <ul className="node-departments" aria-label={t('admin.nodes.counters')}>
              {groupByDepartment(placed, departments).map((d) => (
                <li key={d.id} data-department-id={d.id}>
                  {d.name !== '' && <span className="node-department-name">{d.name}</span>}
                  <ul className="chips">
                    {d.counters.map((c) => (
                      <li key={c.id} className="chip" data-counter-id={c.id} title={c.id}>
                        {c.name}
                      </li>
                    ))}
                  </ul>
                </li>
              ))}
            </ul>
          </details>
        )}
      </td>
      <td
        className="node-heartbeat"
        title={formatDateTime(lang, node.heartbeatAt)}
        data-age-seconds={Math.round((at - node.heartbeatAt) / 1000)}
      >
        {t(`admin.nodes.age.${age.unit}`, { value: age.value })}
      </td>
      <td className="node-actions">
        {node.draining ? (
          <ConfirmButton
            action="undrain-node"
            label={t('admin.nodes.undrain')}
            question={t('admin.nodes.undrainQuestion', { name: node.name })}
            busy={busy}
            onConfirm={() => onAct(node, false)}
          />
        ) : (
          <ConfirmButton
            action="drain-node"
            className="danger-outline"
            label={t('admin.nodes.drain')}
            question={t('admin.nodes.drainQuestion', { name: node.name, count: placed.length })}
            busy={busy}
            onConfirm={() => onAct(node, true)}
          />
        )}
      </td>
    </tr>
  );
}
