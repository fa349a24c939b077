import fs from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { AppError, nodeSegmentPath } from '@counterwatch/shared';
import type { Logger } from '../logger.js';
import { localSegmentFile } from '../recording/clips.js';
import type { SegmentFetcher } from '../recording/ClipService.js';
import type { MediaNodeRow, RecordingStore, SegmentRecord } from '../storage/Storage.js';
import { isClusterSecret } from './clusterSecret.js';

/** A whole segment (about 10 s at 500 kbps: under a megabyte) on a LAN; a dead node fails faster. */
const FETCH_TIMEOUT_MS = 30_000;

export interface NodeSegmentServerOptions {
  node: string;
  /** Real path of the node's recordings root. */
  root: string;
  store: Pick<RecordingStore, 'getSegment'>;
  secret: () => Promise<string>;
  logger: Logger;
}

/**
 * A media node's side: hands the segments it wrote to control processes that present the cluster
 * secret, and nothing else — not another node's row, not a file outside its recordings folder.
 */
export class NodeSegmentServer {
  readonly #options: NodeSegmentServerOptions;
  readonly #logger: Logger;

  constructor(options: NodeSegmentServerOptions) {
    this.#options = options;
    this.#logger = options.logger.child({ module: 'node-segments' });
  }

  /** Throws unauthenticated unless `token` is the cluster secret. */
  async authenticate(token: string | undefined): Promise<void> {
    if (token === undefined || !isClusterSecret(token, await this.#options.secret())) {
      this.#logger.warn('segment request refused: wrong cluster secret');
      throw new AppError('unauthenticated', 'the cluster secret is required (Authorization: Bearer …)');
    }
  }

  /** The file of segment `id`, if this node wrote it and still has it. */
  async file(id: number): Promise<{ file: string; segment: SegmentRecord }> {
    const segment = await this.#options.store.getSegment(id);
    // Another node's segment answers like one that does not exist: this node cannot vouch for it.
    if (!segment || segment.node !== this.#options.node)
      throw new AppError('not_found', 'no such segment on this node');
    const file = await localSegmentFile(this.#options.root, segment, this.#logger);
    if (file === null) throw new AppError('not_found', 'segment file missing on this node');
    this.#logger.info({ segmentId: id, counterId: segment.counterId }, 'segment sent to a control process');
    return { file, segment };
  }
}

/**
 * A control process's side: copies a segment from the node that holds it, found by its name in the
 * nodes table (a node silent for a while keeps its row and URL, and answers again once back).
 */
export class NodeSegmentClient implements SegmentFetcher {
  readonly #nodes: () => Promise<MediaNodeRow[]>;
  readonly #secret: () => Promise<string>;
  readonly #logger: Logger;

  constructor(options: {
    nodes: () => Promise<MediaNodeRow[]>;
    secret: () => Promise<string>;
    logger: Logger;
  }) {
    this.#nodes = options.nodes;
    this.#secret = options.secret;
    this.#logger = options.logger.child({ module: 'node-segments' });
  }

  async fetch(segment: SegmentRecord, file: string): Promise<boolean> {
    const node = (await this.#nodes()).find((n) => n.name === segment.node);
    const log = { segmentId: segment.id, node: segment.node };
    if (!node) {
      this.#logger.warn(log, 'segment on a node no longer known; left out of the clip');
      return false;
    }
    let response: Response;
    try {
      response = await fetch(new URL(nodeSegmentPath(segment.id).slice(1), withSlash(node.url)), {
        headers: { authorization: `Bearer ${await this.#secret()}` },
        signal: AbortSignal.timeout(FETCH_TIMEOUT_MS),
      });
    } catch (error) {
      this.#logger.warn({ ...log, err: error }, 'node unreachable; its segment left out of the clip');
      return false;
    }
    if (!response.ok || !response.body) {
      await response.body?.cancel();
      this.#logger.warn({ ...log, status: response.status }, 'node refused a segment; left out of the clip');
      return false;
    }
    await pipeline(Readable.fromWeb(response.body), fs.createWriteStream(file, { mode: 0o600 }));
    // A transfer cut short is not a segment: the row knows its size.
    const { size } = await fs.promises.stat(file);
    if (size !== segment.bytes) {
      this.#logger.warn({ ...log, size, bytes: segment.bytes }, 'segment fetched incomplete; left out');
      return false;
    }
    return true;
  }
}

const withSlash = (url: string): string => (url.endsWith('/') ? url : `${url}/`);
