import { useCallback, useEffect, useMemo, useState } from 'react';
import {
  RemoteError,
  type Interaction,
  DownloadLinkSchema,
  PlaybackSchema,
  type Playback,
} from '@counterwatch/shared';
import { describeError } from '../api/describeError';
import { apiRequest } from '../api/http';
import { useT } from '../i18n/i18n';
import { useStore } from '../store/store';
import { interactionPath } from './api';
import { ClipPlayer } from './ClipPlayer';

type PlaybackState =
  | { status: 'loading' }
  | { status: 'ready'; playback: Playback }
  | { status: 'none' }
  | { status: 'error'; error: unknown };

/**
 * One playback request per interaction at a time: each is an audit row, and
 * React's development double-mount must not make two.
 */
const playbackRequests = new Map<number, Promise<Playback>>();
function requestPlayback(id: number): Promise<Playback> {
  let pending = playbackRequests.get(id);
  if (!pending) {
    pending = apiRequest('POST', `${interactionPath(id)}/playback`, PlaybackSchema, {});
    playbackRequests.set(id, pending);
    const forget = (): void => {
      playbackRequests.delete(id);
    };
    pending.then(forget, forget);
  }
  return pending;
}

/** 404 and 503 mean "no recording of that span" (never recorded, gap, or already released). */
function isNoRecording(error: unknown): boolean {
  return error instanceof RemoteError && (error.code === 'not_found' || error.code === 'unavailable');
}

function usePlayback(id: number): { state: PlaybackState; retry: () => void } {
  const [state, setState] = useState<PlaybackState>({ status: 'loading' });
  const [generation, setGeneration] = useState(0);
  useEffect(() => {
    let current = true;
    setState({ status: 'loading' });
    requestPlayback(id)
      .then((playback) => {
        if (current) setState({ status: 'ready', playback });
      })
      .catch((error: unknown) => {
        if (current) setState(isNoRecording(error) ? { status: 'none' } : { status: 'error', error });
      });
    return () => {
      current = false;
    };
  }, [id, generation]);
  const retry = useCallback(() => setGeneration((g) => g + 1), []);
  return { state, retry };
}

/** `/reviews/:id`: the clip with its events, the facts, flags and decisions, and the decision form. */

export function ReviewRecording({ interaction }: { interaction: Interaction }) {
  const interactions = useMemo(() => [interaction], [interaction]);
  const t = useT();
  const lang = useStore((s) => s.lang);
  const { state, retry } = usePlayback(interaction.id);
  const [exporting, setExporting] = useState(false);
  const [exportError, setExportError] = useState<string | null>(null);
  // The link expired (30 min) or the browser cannot decode the clip: say so, offer a fresh link and the export.
  const [videoFailed, setVideoFailed] = useState(false);

  const exportClip = (): void => {
    setExporting(true);
    setExportError(null);
    apiRequest('POST', `${interactionPath(interaction.id)}/export`, DownloadLinkSchema, {})
      .then(({ url }) => {
        // The link answers with an attachment: the browser saves it and this page stays.
        const a = document.createElement('a');
        a.href = url;
        a.download = '';
        document.body.append(a);
        a.click();
        a.remove();
      })
      .catch((e: unknown) =>
        setExportError(isNoRecording(e) ? t('player.noRecording') : describeError(lang, e)),
      )
      .finally(() => setExporting(false));
  };

  let body: React.JSX.Element;
  switch (state.status) {
    case 'loading':
      body = <p className="muted clip-placeholder">{t('player.loading')}</p>;
      break;
    case 'none':
      body = (
        <div className="clip-placeholder" data-recording="none" role="status">
          <p>{t('player.noRecording')}</p>
          <p className="muted small">{t('player.noRecordingExplain')}</p>
        </div>
      );
      break;
    case 'error':
      body = (
        <div className="clip-placeholder" data-recording="error">
          <p className="error" role="alert">
            {describeError(lang, state.error)}
          </p>
          <button type="button" onClick={retry}>
            {t('common.retry')}
          </button>
        </div>
      );
      break;
    case 'ready':
      body = videoFailed ? (
        <div className="clip-placeholder" data-recording="unplayable">
          <p className="error" role="alert">
            {t('player.unplayable')}
          </p>
          <button
            type="button"
            onClick={() => {
              setVideoFailed(false);
              retry();
            }}
          >
            {t('common.retry')}
          </button>
        </div>
      ) : (
        <ClipPlayer
          playback={state.playback}
          interactions={interactions}
          onError={() => setVideoFailed(true)}
        />
      );
      break;
  }

  return (
    <section aria-label={t('player.recording')} data-recording={state.status}>
      {body}
      <div className="row-actions export-row">
        <button
          type="button"
          data-action="export"
          disabled={exporting || state.status === 'none'}
          onClick={exportClip}
        >
          {exporting ? t('player.exporting') : t('player.export')}
        </button>
        <span className="muted small">{t('player.exportExplain')}</span>
      </div>
      {exportError && (
        <p className="error" role="alert">
          {exportError}
        </p>
      )}
    </section>
  );
}
