// HLS playback of a live stream into a <video>. Apple's browsers play HLS natively, and there hls.js is
// never loaded. Everywhere else hls.js (from npm, pinned) is imported lazily, only when a stream is
// played: Chromium now also answers canPlayType('application/vnd.apple.mpegurl') with "maybe", but its
// native player has neither hls.js's recovery from network and media errors nor its live-edge control.

import type Hls from 'hls.js';
import type { ErrorData } from 'hls.js';

/** starting: the stream has no playlist yet (normal for a few seconds after going live). */
export type PlayerProblem = 'starting' | 'network' | 'media' | 'gone';

export interface HlsPlayerEvents {
  /** The stream has a problem the player is recovering from (it retries by itself). */
  trouble(kind: PlayerProblem): void;
  /** Frames are moving again. */
  playing(): void;
}

const appleVendor = typeof navigator !== 'undefined' && navigator.vendor === 'Apple Computer, Inc.';
const hasMse = typeof window !== 'undefined' && ('MediaSource' in window || 'ManagedMediaSource' in window);

/** Which engine this browser gets: native HLS on Safari and iOS, hls.js where Media Source Extensions exist, else none. */
export function hlsEngine(video: HTMLVideoElement): 'native' | 'hls.js' | 'none' {
  const native = video.canPlayType('application/vnd.apple.mpegurl') !== '';
  if (native && (appleVendor || !hasMse)) {
    return 'native';
  }
  return hasMse ? 'hls.js' : native ? 'native' : 'none';
}

export class HlsPlayer {
  private hls: Hls | null = null;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private networkRetries = 0;
  private mediaRecoveries = 0;
  private lastMediaRecovery = 0;
  private destroyed = false;
  private everPlayed = false;
  private readonly onPlaying = () => {
    this.networkRetries = 0;
    this.everPlayed = true;
    this.events.playing();
  };
  private readonly onNativeError = () => this.retryNative();

  constructor(private readonly video: HTMLVideoElement, private readonly events: HlsPlayerEvents) {
    video.addEventListener('playing', this.onPlaying);
  }

  async play(url: string): Promise<void> {
    const engine = hlsEngine(this.video);
    if (engine === 'none') {
      throw new Error("This browser can't play HLS video.");
    }
    if (engine === 'native') {
      this.video.addEventListener('error', this.onNativeError);
      this.video.src = url;
      this.start();
      return;
    }
    // The light build: live video and audio, without subtitles, alternate audio or DRM, which these streams never carry.
    const { default: HlsClass } = await import('hls.js/light');
    if (this.destroyed) {
      return;
    }
    const hls = new HlsClass({
      // Live: stay three segments behind the edge, and catch up rather than drift when the tab stalls.
      liveSyncDurationCount: 3,
      liveMaxLatencyDurationCount: 10,
      maxLiveSyncPlaybackRate: 1.5,
      backBufferLength: 30,
      enableWorker: true,
      workerPath: '/assets/hls.worker.js',
    });
    this.hls = hls;
    hls.on(HlsClass.Events.ERROR, (_event, data) => this.onHlsError(HlsClass, data));
    hls.on(HlsClass.Events.FRAG_BUFFERED, () => {
      this.networkRetries = 0;
      // Recovered before the buffer ran dry: there is no stall, so no 'playing' event, to say so.
      if (this.everPlayed && !this.video.paused) {
        this.events.playing();
      }
    });
    hls.attachMedia(this.video);
    hls.loadSource(url);
    this.start();
  }

  /**
   * Starts playing muted (browsers allow autoplay only without sound); the page offers unmuting. Not
   * awaited: play() settles only once media arrives, and a refusal leaves the video's own controls to start it.
   */
  private start(): void {
    this.video.muted = true;
    this.video.play().catch(() => undefined);
  }

  private onHlsError(HlsClass: typeof Hls, data: ErrorData): void {
    if (this.destroyed || !data.fatal) {
      return; // hls.js retries non-fatal errors itself
    }
    const hls = this.hls!;
    if (data.type === HlsClass.ErrorTypes.MEDIA_ERROR) {
      // hls.js's recipe: recover once; if it happens again soon, swap the audio codec and recover again.
      const now = Date.now();
      this.events.trouble('media');
      if (now - this.lastMediaRecovery > 3000 || this.mediaRecoveries === 0) {
        this.mediaRecoveries = 1;
        hls.recoverMediaError();
      } else {
        this.mediaRecoveries++;
        hls.swapAudioCodec();
        hls.recoverMediaError();
      }
      this.lastMediaRecovery = now;
      // Recovery re-attaches the media element, which leaves it paused.
      this.start();
      return;
    }
    const gone = data.response?.code === 404 || data.response?.code === 410;
    // Without a manifest (a live input whose first playlist is not there yet, or an outage from the
    // start) only loading the source again helps; with one, hls.js resumes where it stopped.
    const noManifest = data.details === HlsClass.ErrorDetails.MANIFEST_LOAD_ERROR
      || data.details === HlsClass.ErrorDetails.MANIFEST_LOAD_TIMEOUT
      || data.details === HlsClass.ErrorDetails.MANIFEST_PARSING_ERROR;
    this.events.trouble(noManifest && !this.everPlayed && !gone ? 'starting' : gone ? 'gone' : 'network');
    if (data.type === HlsClass.ErrorTypes.NETWORK_ERROR || gone) {
      const url = hls.url;
      // Cloudflare answers a live input's manifest with 204 until its broadcast has segments: ask again soon.
      this.scheduleRetry(() => (noManifest && url ? hls.loadSource(url) : hls.startLoad()), noManifest ? 2000 : 8000);
      return;
    }
    // Anything else hls.js cannot recover from: start over with a new instance.
    const url = hls.url;
    this.scheduleRetry(() => {
      this.detach();
      if (url) {
        void this.play(url);
      }
    });
  }

  private retryNative(): void {
    if (this.destroyed) {
      return;
    }
    this.events.trouble('network');
    const url = this.video.src;
    this.scheduleRetry(() => {
      this.video.src = url;
      this.start();
    });
  }

  /** Backs off 1, 2, 4 … maxMs between attempts; any loaded fragment resets it. */
  private scheduleRetry(action: () => void, maxMs = 8000): void {
    clearTimeout(this.retryTimer);
    const wait = Math.min(maxMs, 1000 * 2 ** Math.min(this.networkRetries, 3));
    this.networkRetries++;
    this.retryTimer = setTimeout(() => {
      if (!this.destroyed) {
        action();
      }
    }, wait);
  }

  /** Retry now (the page's "Try again"). */
  retryNow(): void {
    this.networkRetries = 0;
    if (this.hls) {
      this.hls.startLoad();
    } else if (this.video.src) {
      this.video.load();
    }
    // Called from a click: a play() the browser refused as autoplay is allowed now.
    this.start();
  }

  private detach(): void {
    this.hls?.destroy();
    this.hls = null;
  }

  destroy(): void {
    this.destroyed = true;
    clearTimeout(this.retryTimer);
    this.video.removeEventListener('playing', this.onPlaying);
    this.video.removeEventListener('error', this.onNativeError);
    this.detach();
    this.video.removeAttribute('src');
    this.video.load();
  }
}
