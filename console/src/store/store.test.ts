import { beforeEach, describe, expect, it } from 'vitest';
import { alert, counter, departmentMetrics, queue, snapshot } from '../test/fixtures';
import { highestSeverity, openAlertCount, reduceAlerts, emptyAlertsData } from './alertsSlice';
import { patchCounters } from './countersSlice';
import { mergeDepartmentMetrics } from './queuesSlice';
import { useStore } from './store';

describe('patchCounters', () => {
  it('merges queue and media independently and keeps untouched counters identical', () => {
    const before = { q1: counter('q1'), q2: counter('q2') };
    const after = patchCounters(before, [{ id: 'q1', queue: queue({ queueLength: 7, state: 'serving' }) }]);
    expect(after.q1?.queue.queueLength).toBe(7);
    expect(after.q1?.media).toBe(before.q1.media);
    expect(after.q2).toBe(before.q2);
  });

  it('ignores patches for counters it does not know', () => {
    const before = { q1: counter('q1') };
    expect(Object.keys(patchCounters(before, [{ id: 'zz', queue: queue() }]))).toEqual(['q1']);
  });
});

describe('mergeDepartmentMetrics', () => {
  it('replaces by department but never with an older sample', () => {
    const current = { hk: departmentMetrics('hk', 2_000, 5) };
    const next = mergeDepartmentMetrics(current, [
      departmentMetrics('hk', 1_000, 1),
      departmentMetrics('xe', 1_500, 3),
    ]);
    expect(next.hk?.queueLength).toBe(5);
    expect(next.xe?.queueLength).toBe(3);
    expect(mergeDepartmentMetrics(next, [departmentMetrics('hk', 3_000, 9)]).hk?.queueLength).toBe(9);
  });
});

describe('reduceAlerts', () => {
  it('does not chime for the first snapshot, then chimes for new critical alerts only', () => {
    const first = reduceAlerts(emptyAlertsData, [alert(1, { severity: 'critical' })], true);
    expect(first.criticalArrival.seq).toBe(0);
    expect(first.alertsLoaded).toBe(true);

    const warning = reduceAlerts(first, [alert(2, { severity: 'warning' })], false);
    expect(warning.criticalArrival.seq).toBe(0);

    const critical = reduceAlerts(warning, [alert(3, { severity: 'critical' })], false);
    expect(critical.criticalArrival).toEqual({ seq: 1, alertIds: [3] });

    // The same alert acknowledged is not news.
    const acked = reduceAlerts(critical, [alert(3, { severity: 'critical', state: 'acknowledged' })], false);
    expect(acked.criticalArrival.seq).toBe(1);
  });

  it('chimes when a known alert escalates to critical', () => {
    const base = reduceAlerts(emptyAlertsData, [alert(1, { severity: 'warning' })], true);
    const escalated = reduceAlerts(base, [alert(1, { severity: 'critical' })], false);
    expect(escalated.criticalArrival.alertIds).toEqual([1]);
  });

  it('chimes for a critical alert first seen in a reconnect snapshot', () => {
    const base = reduceAlerts(emptyAlertsData, [], true);
    const again = reduceAlerts(base, [alert(5, { severity: 'critical' })], true);
    expect(again.criticalArrival.alertIds).toEqual([5]);
  });

  it('drops resolved alerts from the active list and remembers them as recently resolved', () => {
    const base = reduceAlerts(emptyAlertsData, [alert(1), alert(2, { counterId: 'q2' })], true);
    expect(base.alertIdsByCounter).toEqual({ q1: [1], q2: [2] });
    const resolved = reduceAlerts(base, [alert(1, { state: 'resolved', resolvedAt: 5_000 })], false);
    expect(Object.keys(resolved.alerts)).toEqual(['2']);
    expect(resolved.alertIdsByCounter).toEqual({ q2: [2] });
    expect(resolved.recentlyResolved.map((a) => a.id)).toEqual([1]);
  });

  it('a department alert marks the counters it concerns and the department, not other counters', () => {
    const data = reduceAlerts(
      emptyAlertsData,
      [
        alert(1, { counterId: null, counterIds: ['q2', 'q3'], rule: 'queue_per_counter' }),
        alert(2, { counterId: null, counterIds: [], rule: 'low_satisfaction' }),
        alert(3),
      ],
      true,
    );
    expect(data.alertIdsByCounter).toEqual({ q1: [3], q2: [1], q3: [1] });
    expect(data.alertIdsByDepartment).toEqual({ hk: [1, 2] });
  });

  it('counts open alerts and finds the highest severity', () => {
    const data = reduceAlerts(
      emptyAlertsData,
      [alert(1), alert(2, { state: 'acknowledged', severity: 'critical' }), alert(3, { severity: 'info' })],
      true,
    );
    expect(openAlertCount(data)).toBe(2);
    expect(highestSeverity(Object.values(data.alerts))).toBe('critical');
    expect(highestSeverity([])).toBeNull();
  });
});

describe('store', () => {
  beforeEach(() => {
    useStore.setState({ ...emptyAlertsData, counters: {}, departmentMetrics: {} });
  });

  it('applies a snapshot to every slice at once', () => {
    useStore
      .getState()
      .applySnapshot(
        snapshot({ alerts: [alert(1, { severity: 'critical' })], counters: [counter('q10'), counter('q2')] }),
      );
    const s = useStore.getState();
    expect(s.wallOrder).toEqual(['q2', 'q10']);
    expect(s.departmentMetrics.hk?.at).toBe(10_000);
    expect(s.alerts[1]?.severity).toBe('critical');
    expect(s.criticalArrival.seq).toBe(0);
    expect(s.user?.username).toBe('giamdoc');
  });

  it('takes live updates: counter queues, department metrics and alert upserts', () => {
    const store = useStore.getState();
    store.applySnapshot(snapshot());
    store.applyCounterPatches([{ id: 'q1', queue: queue({ queueLength: 4, oldestWaitingSince: 5_000 }) }]);
    store.applyDepartmentMetrics([departmentMetrics('hk', 11_000, 4)]);
    store.applyAlerts([alert(9, { severity: 'critical' })]);
    const s = useStore.getState();
    expect(s.counters.q1?.queue.queueLength).toBe(4);
    expect(s.departmentMetrics.hk?.queueLength).toBe(4);
    expect(s.criticalArrival.alertIds).toEqual([9]);
  });
});
