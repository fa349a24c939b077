/**
 * Part 4: viewing across nodes. One control process and one media node (recording off) with V
 * counters; one headless Chromium wall (every tile a grid consumer). Measured in turn, CPU of the
 * control's and the node's processes over a window each:
 *   rest    — no viewer (before, and again between direct and pipe: their mean is the base, their
 *             difference the noise);
 *   direct  — the wall opened on the media node itself: its own WebRTC transport there, what a
 *             "transport per node" design costs per stream (the single-node baseline);
 *   pipe    — the wall on the control process: each watched track piped from the node into the
 *             control's router (PipeTransport pair per department, SRTP), as the product does;
 *   after   — the viewer gone, the pipes left open (they stay until the node drops the track).
 * Time to first picture per tile: the console's own attach → first decoded frame (firstFrameMs),
 * on the node directly, through the pipe when it is made on demand (cold), and on a reload (warm).
 */
import type { Page } from 'playwright-core';
import { launchChromium, login, mediaStats } from '../../support/browser.js';
import { ScaleCluster, descendants, log, measureCpu, pct, sleep } from './cluster.js';
import { percentile, table } from '../stats.js';

export interface ViewingResult {
  streams: number;
  /** Cores, per viewed grid stream. */
  directNode: number;
  pipeControl: number;
  pipeNode: number;
  idlePipes: number;
  /** Cores: how far the two rests differ, node and control together (the noise of a window). */
  restNoise: number;
  /** firstFrameMs per tile. */
  firstDirect: number[];
  firstPipeCold: number[];
  firstPipeWarm: number[];
}

/** Waits until every counter's grid tile decodes; the tiles' attach → first frame times. */
async function firstPictures(page: Page, count: number): Promise<number[]> {
  const deadline = Date.now() + 90_000;
  for (;;) {
    const rows = (await mediaStats(page).catch(() => [])).filter((r) => r.track === 'grid');
    const ready = rows.filter((r) => r.firstFrameMs !== null && r.framesDecoded > 0);
    if (ready.length >= count || Date.now() > deadline) {
      if (ready.length < count) log(`  only ${ready.length}/${count} tiles showed a picture in 90 s`);
      return ready.map((r) => r.firstFrameMs ?? 0);
    }
    await sleep(250);
  }
}

const ms = (values: number[]) =>
  `${Math.round(percentile(values, 50))} / ${Math.round(percentile(values, 95))} / ${values.length > 0 ? Math.max(...values) : 'n/a'}`;

export async function viewing(counters: number, windowMs: number): Promise<ViewingResult> {
  log(
    `\n== 4. Viewing across nodes: ${counters} grid tiles, pipe into the control vs the node's own transport ==`,
  );
  const cluster = await ScaleCluster.create('view', counters);
  const browser = await launchChromium();
  try {
    const node = await cluster.startNode(0, { CW_RECORDING: 'false' });
    await cluster.stack.startLoadPublisher(cluster.counterIds);
    await cluster.waitOnline('control', counters, 120_000);
    await sleep(5_000);
    const control = cluster.stack.server.pid!;
    const groups = () => ({
      control: [control, ...descendants(control)],
      node: [node.server.pid!, ...descendants(node.server.pid!)],
    });
    const rest1 = await measureCpu(groups(), windowMs);
    log(`  rest: control ${pct(rest1.cores.control)}, node ${pct(rest1.cores.node)}`);

    const open = async (url: string): Promise<Page> => {
      const page = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
      await login(page, url, 'bench', cluster.password).catch(() =>
        page.waitForSelector('.app-header [data-connection="connected"]', { timeout: 120_000 }),
      );
      return page;
    };
    const directPage = await open(node.url);
    const firstDirect = await firstPictures(directPage, counters);
    await sleep(3_000);
    const direct = await measureCpu(groups(), windowMs);
    await directPage.close();
    log(
      `  direct on the node: node ${pct(direct.cores.node)}; first picture p50/p95/max ${ms(firstDirect)} ms`,
    );
    await sleep(3_000);
    // Rest again: the node's ingest varies with the machine's load; the two rests show the noise.
    const rest2 = await measureCpu(groups(), windowMs);
    const rest = {
      cores: {
        control: (rest1.cores.control + rest2.cores.control) / 2,
        node: (rest1.cores.node + rest2.cores.node) / 2,
      },
    };
    log(`  rest again: control ${pct(rest2.cores.control)}, node ${pct(rest2.cores.node)}`);

    const pipePage = await open(cluster.stack.url);
    const firstPipeCold = await firstPictures(pipePage, counters);
    await sleep(3_000);
    const pipe = await measureCpu(groups(), windowMs);
    log(
      `  piped to the control: control ${pct(pipe.cores.control)}, node ${pct(pipe.cores.node)}; ` +
        `first picture (pipe made on demand) ${ms(firstPipeCold)} ms`,
    );
    await pipePage.reload();
    const firstPipeWarm = await firstPictures(pipePage, counters);
    log(`  reload, pipes already there: first picture ${ms(firstPipeWarm)} ms`);
    await pipePage.close();
    await sleep(3_000);
    const after = await measureCpu(groups(), windowMs);

    const streams = counters;
    const result: ViewingResult = {
      streams,
      directNode: (direct.cores.node - rest.cores.node) / streams,
      pipeControl: (pipe.cores.control - rest.cores.control) / streams,
      pipeNode: (pipe.cores.node - rest.cores.node) / streams,
      restNoise:
        Math.abs(rest1.cores.node - rest2.cores.node) + Math.abs(rest1.cores.control - rest2.cores.control),
      idlePipes: (after.cores.control + after.cores.node - rest.cores.control - rest.cores.node) / streams,
      firstDirect,
      firstPipeCold,
      firstPipeWarm,
    };
    log('\nCPU of the server processes (node.js + mediasoup workers), % of one core, Chromium not counted:');
    log(
      table([
        ['phase', 'control', 'media node', 'machine cores busy'],
        [
          'rest (no viewer), before',
          pct(rest1.cores.control),
          pct(rest1.cores.node),
          rest1.machineCores.toFixed(2),
        ],
        ['rest, between', pct(rest2.cores.control), pct(rest2.cores.node), rest2.machineCores.toFixed(2)],
        [
          `direct: ${streams} tiles on the node`,
          pct(direct.cores.control),
          pct(direct.cores.node),
          direct.machineCores.toFixed(2),
        ],
        [
          `pipe: ${streams} tiles on the control`,
          pct(pipe.cores.control),
          pct(pipe.cores.node),
          pipe.machineCores.toFixed(2),
        ],
        [
          'after: viewer gone, pipes open',
          pct(after.cores.control),
          pct(after.cores.node),
          after.machineCores.toFixed(2),
        ],
      ]),
    );
    log(
      table([
        ['per viewed grid stream', 'control', 'media node', 'both', 'first picture p50 / p95 / max ms'],
        [
          'transport per node (direct)',
          '–',
          pct(result.directNode, 2),
          pct(result.directNode, 2),
          ms(firstDirect),
        ],
        [
          'pipe, made on demand',
          pct(result.pipeControl, 2),
          pct(result.pipeNode, 2),
          pct(result.pipeControl + result.pipeNode, 2),
          ms(firstPipeCold),
        ],
        ['pipe, already there (reload)', '', '', '', ms(firstPipeWarm)],
        ['pipes left open, no viewer', '', '', pct(result.idlePipes, 2), ''],
      ]),
    );
    return result;
  } finally {
    await browser.close().catch(() => undefined);
    await cluster.stop();
  }
}
