import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CounterTimelineSchema,
  MediaNodesSchema,
  OverviewSchema,
  PlaybackSchema,
  nodeActionPath,
} from '@counterwatch/shared';
import type { ManagedProcess, Stack } from '@counterwatch/demo';
import type { Browser, Page } from 'playwright-core';
import { eventually, expectDecoding, launchChromium, login, mediaStats } from '../support/browser.js';
import { auditCount, withDatabase } from '../support/audit.js';
import type { TestClock } from '../support/clock.js';
import { countRows } from '../support/database.js';
import { getJson, loginCookie, send } from '../support/http.js';
import { countStoredEvents, events } from '../support/queue.js';
import { testBackend, testStack } from '../support/stack.js';

/**
 * Media nodes (issue 11's roles): one control process and three media processes on one PostgreSQL.
 * Agents say hello to the control side, are placed on a node (a department kept together) and
 * publish there; kill -9 a node and its agents are placed on the other one; the node restarted
 * does not take them back; a drained node sends its agents away. The IT officer sees and drains the
 * nodes over REST and in the console's admin page. Recovery times are printed, never asserted.
 */
describe('media nodes', () => {
  let stack: Stack;
  let cleanup: () => Promise<void>;
  let clock: TestClock;
  const nodes = new Map<string, { server: ManagedProcess; url: string; cookie: string }>();
  let password: string;
  let deptA: string[];
  let deptB: string[];
  let browser: Browser;
  let page: Page;
  let controlCookie: string;
  /** When m1 was killed, on the stack's clock (segments are stamped on it). */
  let killedAt = 0;

  const startNode = async (name: string) => {
    // Media nodes record (the control process has nothing to record).
    const peer = await stack.startPeer(name, { CW_ROLE: 'media', CW_NODE_NAME: name, CW_RECORDING: 'true' });
    const cookie = await loginCookie(peer.url, 'director', password);
    nodes.set(name, { ...peer, cookie });
  };
  /** The counters publishing on a node, as that node's own overview has them. */
  const onlineAt = async (name: string): Promise<string[]> => {
    const node = name === 'control' ? { url: stack.url, cookie: controlCookie } : nodes.get(name)!;
    const { status, body } = await getJson(node.url, '/api/v1/overview', node.cookie);
    if (status !== 200) throw new Error(`overview on ${name}: ${status}`);
    return OverviewSchema.parse(body)
      .departments.flatMap((d) => d.counters)
      .filter((c) => c.status === 'online')
      .map((c) => c.id)
      .sort();
  };
  const placements = (): Map<string, string> =>
    new Map(
      stack
        .admin('node', 'list')
        .trim()
        .split('\n')
        .filter(Boolean)
        .map((line) => {
          const [name, state] = line.split('\t');
          return [name!, state!];
        }),
    );
  const sorted = (ids: string[]) => [...ids].sort();
  /** Grid frames the console decoded per counter on its current consumer; undefined while it has none. */
  const framesOf = async (ids: string[]): Promise<Map<string, number | undefined>> => {
    const rows = await mediaStats(page);
    return new Map(
      ids.map((id) => [id, rows.find((r) => r.counterId === id && r.track === 'grid')?.framesDecoded]),
    );
  };
  /**
   * Per counter, ms from `since` until the console decodes a picture from a new consumer (the old
   * one closed with its node's producer; the new one consumes the track piped from the other node).
   */
  const pictureBack = async (ids: string[], since: number): Promise<Map<string, number>> => {
    let previous = await framesOf(ids);
    const replaced = new Set<string>();
    const back = new Map<string, number>();
    return eventually(
      `pictures of ${ids.join(', ')} back on the console`,
      async () => {
        const frames = await framesOf(ids);
        for (const id of ids) {
          const now = frames.get(id);
          if (back.has(id)) continue;
          if (now === undefined || now < (previous.get(id) ?? 0)) replaced.add(id);
          if (replaced.has(id) && now !== undefined && now > 0) back.set(id, Date.now() - since);
        }
        previous = frames;
        return back.size === ids.length ? back : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 100 },
    );
  };

  beforeAll(async () => {
    if (testBackend() !== 'postgres') throw new Error('media nodes need PostgreSQL (CW_TEST_DB=postgres)');
    ({ stack, cleanup, clock } = await testStack('nodes', {
      departments: 2,
      countersPerDepartment: 2,
      serverEnv: { CW_ROLE: 'control', CW_RECORDING: 'false' },
    }));
    password = stack.createUser('director', ['director']);
    deptA = stack.provisioned.departments[0]!.counters.map((c) => c.id);
    deptB = stack.provisioned.departments[1]!.counters.map((c) => c.id);
    await startNode('m1');
    await startNode('m2');
    controlCookie = await loginCookie(stack.url, 'director', password);
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1366, height: 900 } });
    await login(page, stack.url, 'director', password);
  });

  afterAll(async () => {
    await browser?.close();
    await cleanup?.();
  });

  it('places a department together on one node, and the next department on the emptier node', async () => {
    // One department at a time: placement is deterministic only between hellos that do not race.
    for (const id of deptA) await stack.startAgent(id);
    await eventually('department A publishing on m1', async () =>
      (await onlineAt('m1')).join() === sorted(deptA).join() ? true : undefined,
    );
    for (const id of deptB) await stack.startAgent(id);
    await eventually('department B publishing on m2', async () =>
      (await onlineAt('m2')).join() === sorted(deptB).join() ? true : undefined,
    );
    expect(await onlineAt('m1')).toEqual(sorted(deptA));
    // The control process serves the consoles: it shows every node's counters, and pipes their pictures in.
    const all = sorted([...deptA, ...deptB]);
    await eventually('every counter online on the control process', async () =>
      (await onlineAt('control')).join() === all.join() ? true : undefined,
    );
    const increases = await expectDecoding(page, all, 'grid');
    for (const id of all) expect(increases.get(id), id).toBeGreaterThan(5);
    // Each node records its own counters; the console hears of it through the control process.
    await eventually('every counter recording, as the console shows it', async () => {
      const recording = await page.evaluate(
        (ids) =>
          ids.map(
            (id) =>
              (
                window as unknown as {
                  counterwatch: {
                    state: () => { counters: Record<string, { media: { recording: string } }> };
                  };
                }
              ).counterwatch.state().counters[id]?.media.recording,
          ),
        all,
      );
      return recording.every((r) => r === 'recording') ? true : undefined;
    });
    // The focus view and the sound of a counter on a node, piped on demand like the grid; leaving it
    // closes them; tiles off screen pause their consumers — as on one process.
    const focused = deptB[0]!;
    await page.locator(`.tile[data-counter-id="${focused}"]`).click();
    await page.locator('.focus-view video[data-track="focus"]').waitFor();
    expect((await expectDecoding(page, [focused], 'focus')).get(focused)).toBeGreaterThan(10);
    await page.getByRole('button', { name: /Nghe âm thanh|Listen/ }).click();
    await eventually('audio from the node', async () => {
      const row = (await mediaStats(page)).find((r) => r.counterId === focused && r.track === 'audio');
      return row && row.packetsReceived > 20 ? true : undefined;
    });
    await page.keyboard.press('Escape');
    await page.locator('.focus-view').waitFor({ state: 'detached' });
    await eventually('focus and audio consumers closed', async () =>
      (await mediaStats(page)).some((r) => r.track !== 'grid') ? undefined : true,
    );
    await page.locator('[data-control="layout"]').selectOption('size');
    await page.setViewportSize({ width: 400, height: 600 });
    await eventually('off-screen tiles paused, the visible one playing', async () => {
      const grid = (await mediaStats(page)).filter((x) => x.track === 'grid');
      return grid.some((x) => x.paused) && grid.some((x) => !x.paused) ? true : undefined;
    });
    await page.setViewportSize({ width: 1366, height: 900 });
    await page.locator('[data-control="layout"]').selectOption('auto');
    await eventually('all tiles resumed', async () => {
      const grid = (await mediaStats(page)).filter((x) => x.track === 'grid');
      return grid.length === all.length && grid.every((x) => !x.paused) ? true : undefined;
    });

    const listed = stack.admin('node', 'list');
    expect(listed).toMatch(/^m1\talive\thttp:\/\/127\.0\.0\.1:\d+\/\tagents 2\tplaced 2\/\d+$/m);
    expect(listed).toMatch(/^m2\talive\t.*\tplaced 2\//m);
  });

  it('kill -9 a node: its agents publish on the other node; back, it does not take them back', async () => {
    // A queue system keeps posting to a counter's agent across the kill: the agent relays to its node.
    const relayer = deptA[0]!;
    const departmentId = stack.provisioned.departments[0]!.id;
    const e = events(departmentId, 'qs-nodes', 'nodes', clock.now);
    const url = await stack.agentEventsUrl(relayer);
    let posted = 0;
    const posting = (async () => {
      for (let i = 0; i < 30; i++) {
        const batch = Array.from({ length: 5 }, (_, j) =>
          e({
            type: 'ticket.issued',
            ticketId: `nodes-${i}-${j}`,
            ticketNumber: `N${i * 5 + j}`,
            serviceCode: 'id-card',
          }),
        );
        const res = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ events: batch }),
        });
        if (res.status !== 202) throw new Error(`agent answered ${res.status}`);
        posted += batch.length;
        await new Promise((r) => setTimeout(r, 100));
      }
    })();
    await new Promise((r) => setTimeout(r, 1_000));
    killedAt = clock.now();
    const killedAtMachine = Date.now();
    nodes.get('m1')!.server.child.kill('SIGKILL');
    const onConsole = pictureBack(deptA, killedAtMachine);
    const all = sorted([...deptA, ...deptB]);
    const recovered = new Map<string, number>();
    await eventually(
      'department A publishing on m2',
      async () => {
        const online = await onlineAt('m2');
        for (const id of online) if (!recovered.has(id)) recovered.set(id, Date.now() - killedAtMachine);
        return online.join() === all.join() ? true : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 100 },
    );
    const times = deptA.map((id) => recovered.get(id)!);
    process.stdout.write(
      `media nodes: publishing on the other node ${times.join(' ms, ')} ms after kill -9\n`,
    );
    const onScreen = await onConsole;
    process.stdout.write(
      `media nodes: picture back on the console ${deptA.map((id) => onScreen.get(id)).join(' ms, ')} ms after kill -9\n`,
    );
    // Every event the agent took is stored once, whichever node relayed it.
    await posting;
    await eventually('every relayed event stored', async () =>
      countStoredEvents(stack.dataDir, "id LIKE 'nodes-%'") === posted ? true : undefined,
    );
    expect(posted).toBe(150);
    expect(countStoredEvents(stack.dataDir, "source_id = 'qs-nodes'")).toBe(150);
    // The other department's node never stopped: its tiles kept decoding.
    const steady = await expectDecoding(page, deptB, 'grid', { windowMs: 1_000 });
    for (const id of deptB) expect(steady.get(id), id).toBeGreaterThan(3);

    await startNode('m1');
    await eventually('m1 alive again', async () =>
      placements().get('m1')?.startsWith('alive') ? true : undefined,
    );
    // Give any wrong "take it back" a chance to happen: two heartbeats and a reconnect's worth.
    await new Promise((r) => setTimeout(r, 5_000));
    expect(await onlineAt('m1')).toEqual([]);
    expect(await onlineAt('m2')).toEqual(all);
  });

  it('a span across the failover plays as one clip, cut from segments of both nodes, on record', async () => {
    const counterId = deptA[0]!;
    const from = killedAt - 15_000;
    const to = killedAt + 15_000;
    // m2 files its segments every 10 s; m1, restarted, filed what its killed recorder left.
    await eventually(
      'segments filed past the span',
      async () => {
        const { body } = await getJson(
          stack.url,
          `/api/v1/counters/${counterId}/timeline?from=${from}&to=${to}`,
          controlCookie,
        );
        const until = CounterTimelineSchema.parse(body).recordedUntil;
        return until !== null && until >= to ? true : undefined;
      },
      { timeoutMs: 60_000, intervalMs: 1_000 },
    );
    const rows = withDatabase(stack.dataDir, (db) =>
      db
        .prepare(
          'SELECT node, started_at, ended_at FROM segments WHERE counter_id = ? AND ended_at > ? AND started_at < ?',
        )
        .all(counterId, from, to),
    ) as { node: string; started_at: string | number; ended_at: string | number }[];
    const spans = rows
      .map(
        (r) =>
          `${r.node} ${(Number(r.started_at) - killedAt) / 1000}…${(Number(r.ended_at) - killedAt) / 1000}`,
      )
      .join(', ');
    // Both nodes recorded part of the span: the segments stay where they were written.
    expect(new Set(rows.map((r) => r.node))).toEqual(new Set(['m1', 'm2']));

    const before = auditCount(stack.dataDir, 'recording.playback', counterId);
    const res = await send(
      stack.url,
      'POST',
      `/api/v1/counters/${counterId}/playback`,
      JSON.stringify({ from, to, purpose: 'timeline' }),
      { cookie: controlCookie },
    );
    expect(res.status).toBe(200);
    const playback = PlaybackSchema.parse(res.body);
    expect(auditCount(stack.dataDir, 'recording.playback', counterId)).toBe(before + 1);
    const clip = await fetch(`${stack.url}${playback.url}`, { headers: { cookie: controlCookie } });
    expect(clip.status).toBe(200);
    const file = path.join(stack.dataDir, `failover-clip.${playback.container}`);
    fs.writeFileSync(file, Buffer.from(await clip.arrayBuffer()));
    const seconds = Number(
      execFileSync('ffprobe', ['-v', 'error', '-show_entries', 'format=duration', '-of', 'csv=p=0', file])
        .toString()
        .trim(),
    );
    // One clip: the picture before the kill (m1's segments) and after it (m2's), the failover's gap
    // between them; it covers the span from the first segment in it to the end asked.
    const m1End = Math.max(...rows.filter((r) => r.node === 'm1').map((r) => Number(r.ended_at)));
    const m2Start = Math.min(...rows.filter((r) => r.node === 'm2').map((r) => Number(r.started_at)));
    process.stdout.write(
      `media nodes: a ${(to - from) / 1000} s span across the failover plays as one clip of ${seconds.toFixed(1)} s; recording gap ${((m2Start - m1End) / 1000).toFixed(1)} s (segments, s from the kill: ${spans})\n`,
    );
    expect(playback.from).toBeLessThan(killedAt);
    expect(playback.to).toBe(to);
    expect(seconds).toBeGreaterThan((playback.to - playback.from) / 1000 - 10);
    expect(seconds).toBeLessThan((playback.to - playback.from) / 1000 + 1);

    // The node hands its segments to the cluster secret only.
    const segmentId = (
      withDatabase(stack.dataDir, (db) =>
        db.prepare("SELECT id FROM segments WHERE node = 'm2' ORDER BY id LIMIT 1").get(),
      ) as { id: number }
    ).id;
    const m2 = nodes.get('m2')!;
    const refusals: Record<string, string>[] = [
      {},
      { authorization: 'Bearer not-the-cluster-secret-at-all' },
      { cookie: m2.cookie },
    ];
    for (const headers of refusals) {
      const refused = await fetch(`${m2.url}/api/v1/node/segments/${segmentId}`, { headers });
      expect(refused.status).toBe(401);
      await refused.body?.cancel();
    }
    // Another node's segment is not this node's to give, even with the secret.
    const secret = withDatabase(stack.dataDir, (db) =>
      db.prepare("SELECT value FROM settings WHERE key = 'cluster.node_secret'").get(),
    ) as { value: string };
    const m1Segment = (
      withDatabase(stack.dataDir, (db) =>
        db.prepare("SELECT id FROM segments WHERE node = 'm1' ORDER BY id LIMIT 1").get(),
      ) as { id: number }
    ).id;
    const auth = { authorization: `Bearer ${JSON.parse(secret.value) as string}` };
    const own = await fetch(`${m2.url}/api/v1/node/segments/${segmentId}`, { headers: auth });
    expect(own.status).toBe(200);
    await own.body?.cancel();
    const foreign = await fetch(`${m2.url}/api/v1/node/segments/${m1Segment}`, { headers: auth });
    expect(foreign.status).toBe(404);
    await foreign.body?.cancel();
    const bad = await fetch(`${m2.url}/api/v1/node/segments/abc`, { headers: auth });
    expect(bad.status).toBe(400);
    await bad.body?.cancel();
  });

  it('a drained node sends its agents to the others — a new third node takes a department — on the audit trail; undrained, it is back in service', async () => {
    await startNode('m3');
    await eventually('m3 alive', async () =>
      placements().get('m3')?.startsWith('alive') ? true : undefined,
    );
    expect(stack.admin('node', 'drain', ['--node', 'm2'])).toContain('m2: draining');
    const all = sorted([...deptA, ...deptB]);
    await eventually(
      'every counter moved to m1 and m3',
      async () =>
        sorted([...(await onlineAt('m1')), ...(await onlineAt('m3'))]).join() === all.join()
          ? true
          : undefined,
      { timeoutMs: 30_000 },
    );
    // A department moves together; the node that was empty takes one of them.
    const [on1, on3] = [await onlineAt('m1'), await onlineAt('m3')];
    expect([on1.join(), on3.join()].sort()).toEqual([sorted(deptA).join(), sorted(deptB).join()].sort());
    expect(await onlineAt('m2')).toEqual([]);
    expect(placements().get('m2')).toBe('alive,draining');
    expect(auditCount(stack.dataDir, 'node.drain', 'm2')).toBe(1);

    stack.admin('node', 'undrain', ['--node', 'm2']);
    expect(placements().get('m2')).toBe('alive');
    expect(() => stack.admin('node', 'drain', ['--node', 'nowhere'])).toThrow(/no media node nowhere/);
  });

  it('the IT officer lists and drains nodes over REST and in the admin page; a director may not', async () => {
    const adminPassword = stack.createUser('it.officer', ['admin']);
    const admin = await loginCookie(stack.url, 'it.officer', adminPassword);
    const nodesNow = async () => {
      const res = await getJson(stack.url, '/api/v1/nodes', admin);
      expect(res.status).toBe(200);
      return MediaNodesSchema.parse(res.body);
    };
    const list = await nodesNow();
    expect(list.role).toBe('control');
    expect(list.nodes.map((n) => [n.name, n.alive]).sort()).toEqual([
      ['m1', true],
      ['m2', true],
      ['m3', true],
    ]);
    // Each node's count is its share of the placement map (every counter, after the tests above).
    for (const n of list.nodes)
      expect(n.placed, n.name).toBe(Object.values(list.placements).filter((p) => p === n.name).length);

    // A director watches the counters but does not run the nodes.
    expect((await getJson(stack.url, '/api/v1/nodes', controlCookie)).status).toBe(403);
    const post = (p: string, cookie: string, body = '{}') => send(stack.url, 'POST', p, body, { cookie });
    expect((await post(nodeActionPath('m2', 'drain'), controlCookie)).status).toBe(403);
    const codeOf = (res: { status: number; body: Record<string, unknown> }) => [
      res.status,
      (res.body.error as { code: string } | undefined)?.code,
    ];
    expect(codeOf(await post(nodeActionPath('nowhere', 'drain'), admin))).toEqual([404, 'not_found']);
    expect(codeOf(await post(nodeActionPath('no such node!', 'drain'), admin))).toEqual([
      400,
      'invalid_request',
    ]);
    expect(codeOf(await post(nodeActionPath('m2', 'drain'), admin, '{"now":true}'))).toEqual([
      400,
      'invalid_request',
    ]);

    // Drained over REST: on the audit trail as the IT officer (NodeAdmin writes it), and listed so.
    const byOfficer = (action: string) =>
      countRows(stack.dataDir, 'audit_log', 'action = ? AND object_id = ? AND actor = ?', [
        action,
        'm2',
        'it.officer',
      ]);
    const m2 = async () => (await nodesNow()).nodes.find((n) => n.name === 'm2');
    const drained = await post(nodeActionPath('m2', 'drain'), admin);
    expect(drained.status).toBe(200);
    expect(drained.body.node).toMatchObject({ name: 'm2', draining: true });
    expect(byOfficer('node.drain')).toBe(1);
    expect(await m2()).toMatchObject({ alive: true, draining: true });

    // The admin page: both nodes, m2 draining; undrained there, with its confirmation.
    const adminPage = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
    const shots = process.env.CW_SCREENSHOTS_DIR;
    const shoot = async (name: string) => {
      if (!shots) return;
      fs.mkdirSync(shots, { recursive: true });
      await adminPage.screenshot({ path: path.join(shots, name), fullPage: true });
    };
    try {
      // An admin has no live view (no socket to wait for): the header is enough.
      await adminPage.goto(`${stack.url}/`);
      await adminPage.fill('input[name=username]', 'it.officer');
      await adminPage.fill('input[name=password]', adminPassword);
      await adminPage.click('button[type=submit]');
      await adminPage.locator('.app-header').waitFor();
      await adminPage.goto(`${stack.url}/admin?tab=nodes`);
      const row = (name: string) => adminPage.locator(`.nodes-table tr[data-node-name="${name}"]`);
      await row('m1').waitFor();
      expect(await row('m1').getAttribute('data-state')).toBe('alive');
      expect(await row('m2').getAttribute('data-state')).toBe('draining');
      // m1's counters listed, when it has some (every counter, after the tests above).
      const m1Counters = row('m1').locator('summary');
      if ((await m1Counters.count()) > 0) await m1Counters.click();
      await shoot('nodes-1920.png');
      await row('m2').locator('[data-action="undrain-node"]').click();
      await row('m2').locator('[data-action="confirm"]').click();
      await adminPage.locator('.nodes-table tr[data-node-name="m2"][data-state="alive"]').waitFor();
      expect(byOfficer('node.undrain')).toBe(1);
      expect(await m2()).toMatchObject({ alive: true, draining: false });
      await adminPage.setViewportSize({ width: 1366, height: 768 });
      await row('m2').locator('[data-action="drain-node"]').click(); // asks; not confirmed
      await shoot('nodes-1366.png');
      // The counters tab says which node each counter is on.
      await adminPage.goto(`${stack.url}/admin?tab=counters`);
      await adminPage
        .locator('tr[data-counter-id] [data-node], tr[data-counter-id] [data-not-placed]')
        .first()
        .waitFor();
      for (const [counterId, node] of Object.entries(list.placements))
        expect(
          await adminPage.locator(`tr[data-counter-id="${counterId}"] [data-node]`).getAttribute('data-node'),
          counterId,
        ).toBe(node);
      await shoot('counters-1366.png');
    } finally {
      await adminPage.close();
    }
  });
});
