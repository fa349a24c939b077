import { describe, expect, it } from 'vitest';
import { MediaNodesSchema, nodeActionPath, type MediaNodeInfo } from '@counterwatch/shared';
import { countersByNode, groupByDepartment, heartbeatAge, loadLevel, loadShare, nodeState } from './nodes';

const node = (name: string, over: Partial<MediaNodeInfo> = {}): MediaNodeInfo => ({
  name,
  url: `http://10.0.0.1:8080/`,
  alive: true,
  draining: false,
  load: 10,
  capacity: 80,
  placed: 0,
  startedAt: 0,
  heartbeatAt: 0,
  ...over,
});

describe('media nodes in the console', () => {
  it('names the state: silent first, then draining, else alive', () => {
    expect(nodeState({ alive: true, draining: false })).toBe('alive');
    expect(nodeState({ alive: true, draining: true })).toBe('draining');
    expect(nodeState({ alive: false, draining: true })).toBe('silent');
    expect(nodeState({ alive: false, draining: false })).toBe('silent');
  });

  it('shows load as a share of capacity, and warns as it fills', () => {
    expect(loadShare({ load: 20, capacity: 80 })).toBe(0.25);
    expect(loadShare({ load: 3, capacity: 0 })).toBeNull();
    expect(loadLevel(0.25)).toBe('ok');
    expect(loadLevel(0.8)).toBe('high');
    expect(loadLevel(1)).toBe('full');
    expect(loadLevel(1.3)).toBe('full');
    expect(loadLevel(null)).toBe('ok');
  });

  it("counts a heartbeat's age on the server's clock, in the largest whole unit", () => {
    const at = 1_000_000_000;
    expect(heartbeatAge(at, at - 4_900)).toEqual({ unit: 's', value: 4 });
    // A heartbeat stamped a moment after the answer's clock (another process's clock) is "0 s".
    expect(heartbeatAge(at, at + 300)).toEqual({ unit: 's', value: 0 });
    expect(heartbeatAge(at, at - 59_999)).toEqual({ unit: 's', value: 59 });
    expect(heartbeatAge(at, at - 60_000)).toEqual({ unit: 'min', value: 1 });
    expect(heartbeatAge(at, at - 3 * 3_600_000 - 5)).toEqual({ unit: 'h', value: 3 });
    expect(heartbeatAge(at, at - 2 * 86_400_000)).toEqual({ unit: 'd', value: 2 });
  });

  it('lists the counters of each node by name, and those on a node no longer listed apart', () => {
    const { byNode, elsewhere } = countersByNode(
      {
        nodes: [node('m1'), node('m2')],
        placements: { 'hk-q10': 'm1', 'hk-q2': 'm1', 'xe-q1': 'old', mystery: 'm1' },
      },
      [
        { id: 'hk-q10', name: 'Quầy 10', departmentId: 'hk' },
        { id: 'hk-q2', name: 'Quầy 2', departmentId: 'hk' },
        { id: 'xe-q1', name: 'Quầy xe 1', departmentId: 'xe' },
      ],
    );
    expect(byNode.get('m1')?.map((c) => c.name)).toEqual(['mystery', 'Quầy 2', 'Quầy 10']);
    expect(byNode.get('m2')).toEqual([]);
    expect(elsewhere).toEqual([
      { node: 'old', counter: { id: 'xe-q1', name: 'Quầy xe 1', departmentId: 'xe' } },
    ]);
  });

  it("groups a node's counters by department, departments by name, the unknown under their id", () => {
    const q = (id: string, departmentId: string) => ({ id, name: 'Quầy 1', departmentId });
    const groups = groupByDepartment(
      [q('b-q1', 'b'), q('a-q1', 'a'), q('b-q2', 'b'), q('x', '')],
      [
        { id: 'a', name: 'Phường Ba Đình' },
        { id: 'b', name: 'Phường Hoàn Kiếm' },
      ],
    );
    expect(groups.map((g) => [g.name, g.counters.map((c) => c.id)])).toEqual([
      ['', ['x']],
      ['Phường Ba Đình', ['a-q1']],
      ['Phường Hoàn Kiếm', ['b-q1', 'b-q2']],
    ]);
  });

  it('reads the list as the server sends it, and encodes a node name in an action path', () => {
    const body = { role: 'control', at: 5, nodes: [node('m1')], placements: { 'hk-q1': 'm1' } };
    expect(MediaNodesSchema.parse(body)).toEqual(body);
    expect(MediaNodesSchema.safeParse({ ...body, role: 'edge' }).success).toBe(false);
    expect(MediaNodesSchema.safeParse({ ...body, placements: { 'Bad Id': 'm1' } }).success).toBe(false);
    expect(nodeActionPath('m1', 'drain')).toBe('/api/v1/nodes/m1/drain');
    expect(nodeActionPath('a/b', 'undrain')).toBe('/api/v1/nodes/a%2Fb/undrain');
  });
});
