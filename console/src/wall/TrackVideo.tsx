import { useEffect, useRef, type RefObject } from 'react';
import type { MediaTrack } from '@counterwatch/shared';
import { useServices } from '../app/services';

/**
 * A <video> (or <audio>) showing one counter's track. It only tells the
 * media client what it shows and whether it is on screen; consuming,
 * pausing and re-consuming happen there.
 */
export function TrackVideo({
  counterId,
  track,
  className,
  videoRef,
  onFirstFrame,
}: {
  counterId: string;
  track: MediaTrack;
  className?: string;
  /** Lends the element out (the inspection's "capture this moment" draws from it). */
  videoRef?: RefObject<HTMLVideoElement | null>;
  /** Called once the element has a picture to show. */
  onFirstFrame?: () => void;
}) {
  const { media } = useServices();
  const ref = useRef<HTMLVideoElement>(null);

  useEffect(() => {
    const element = ref.current;
    if (!element) return;
    const detach = media.attach(counterId, track, element);
    if (videoRef) videoRef.current = element;
    const observer = new IntersectionObserver(
      (entries) => {
        for (const entry of entries) media.setVisible(counterId, track, element, entry.isIntersecting);
      },
      { threshold: 0.01 },
    );
    observer.observe(element);
    return () => {
      observer.disconnect();
      detach();
      if (videoRef?.current === element) videoRef.current = null;
    };
  }, [media, counterId, track, videoRef]);

  return (
    <video
      ref={ref}
      className={className}
      data-counter-id={counterId}
      data-track={track}
      muted
      autoPlay
      playsInline
      disablePictureInPicture
      onLoadedData={onFirstFrame}
    />
  );
}

/** The focus view's sound: rendered only while the user listens. */
export function TrackAudio({ counterId }: { counterId: string }) {
  const { media } = useServices();
  const ref = useRef<HTMLAudioElement>(null);
  useEffect(() => {
    const element = ref.current;
    if (!element) return;
    const detach = media.attach(counterId, 'audio', element);
    media.setVisible(counterId, 'audio', element, true);
    return detach;
  }, [media, counterId]);
  return <audio ref={ref} autoPlay data-counter-id={counterId} data-track="audio" />;
}
