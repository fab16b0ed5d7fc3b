// The buyer's player, /watch/{channelId}. It needs no account: a guest identity is taken (and kept)
// when the buyer has none. Hybrid sessions play HLS from the CDN; agora-only sessions load the Agora Web
// SDK and join as an interactive audience member. While the video plays it sends heartbeats, whose
// answers also carry the session's state: "stopping" and "ended" end playback. Between sessions it polls
// the status (answered from the gateway's memory), so a stream that starts or restarts plays by itself.
// Nothing here keeps a connection to our servers open.

import './lib/boundary';
import { AgoraAudience } from './lib/agora';
import { api, ApiError, channelIdFromPath, type Channel, type ChannelStatus, type Heartbeat, type RtcToken, type StreamMode } from './lib/api';
import { byId, show, viewersText } from './lib/dom';
import { HlsPlayer, hlsEngine } from './lib/hls-player';
import { forgetToken, viewerToken } from './lib/identity';

type Phase = 'loading' | 'not-live' | 'buffering' | 'switching' | 'playing' | 'unreachable' | 'ended' | 'missing' | 'unsupported';

const messages: Record<Phase, string> = {
  'loading': 'Loading…',
  'not-live': 'Not live yet. The stream starts here as soon as the seller goes live.',
  'buffering': 'Loading the stream…',
  // The session moved between the CDN and Agora (a relay that came up late, or one that dropped).
  'switching': 'Switching to the best stream…',
  'playing': '',
  'unreachable': "Can't reach the stream, retrying…",
  'ended': 'Stream ended.',
  'missing': "This channel doesn't exist.",
  'unsupported': "This browser can't play this stream.",
};

const root = byId('watch');
const video = byId<HTMLVideoElement>('video');
const agoraView = byId('agora-view');
const overlay = byId('overlay');
const message = byId('message');
const retry = byId<HTMLButtonElement>('retry');
const spinner = byId('spinner');
const liveBadge = byId('live-badge');
const viewers = byId('viewers');
const unmute = byId<HTMLButtonElement>('unmute');

const channelId = channelIdFromPath(location.pathname);

/** What is playing now. */
interface Playing { sessionId: string; mode: StreamMode; hlsUrl: string | null; player: HlsPlayer | null; audience: AgoraAudience | null }

let phase: Phase = 'loading';
let playing: Playing | null = null;
let timer: ReturnType<typeof setTimeout> | undefined;
let failures = 0;
let beatSeconds = 10;
/** One step at a time: a step asked for while one runs happens right after it. */
let ticking = false;
let tickAgain = false;

function setPhase(next: Phase): void {
  phase = next;
  root.dataset.state = next;
  const text = messages[next];
  overlay.hidden = next === 'playing';
  message.textContent = text;
  spinner.hidden = !(next === 'loading' || next === 'buffering' || next === 'switching' || next === 'unreachable');
  // Every message a buyer can act on has a retry; while loading there is nothing to retry yet.
  retry.hidden = !(next === 'not-live' || next === 'unreachable' || next === 'ended' || next === 'missing');
  liveBadge.hidden = !(next === 'playing' || next === 'buffering' || next === 'switching' || (next === 'unreachable' && playing !== null));
}

function schedule(seconds: number): void {
  clearTimeout(timer);
  timer = setTimeout(() => void tick(), seconds * 1000);
}

/** One step: a heartbeat while media plays, else a status read; then the next step. */
async function tick(): Promise<void> {
  clearTimeout(timer);
  if (ticking) {
    tickAgain = true;
    return;
  }
  ticking = true;
  let token: string | null = null;
  try {
    token = await viewerToken();
    if (playing && isMediaPlaying()) {
      await beat(token);
    } else {
      await follow(await api<ChannelStatus>('GET', `/api/channels/${channelId}/status`, { token }));
    }
    failures = 0;
  } catch (error) {
    onError(error, token);
  } finally {
    ticking = false;
    if (tickAgain) {
      tickAgain = false;
      void tick();
    }
  }
}

function isMediaPlaying(): boolean {
  if (!playing) {
    return false;
  }
  return playing.mode === 'agora-only' ? playing.audience?.receiving === true : !video.paused && video.readyState > 2;
}

async function beat(token: string): Promise<void> {
  const path = playing!.mode === 'agora-only' ? 'agora' : 'hls';
  const answer = await api<Heartbeat>('POST', `/api/channels/${channelId}/viewers/heartbeat`, { token, body: { path } });
  beatSeconds = answer.nextBeatSeconds > 0 ? answer.nextBeatSeconds : beatSeconds;
  if (answer.viewers) {
    viewers.textContent = viewersText(answer.viewers.current);
  }
  await follow({ state: answer.state, sessionId: answer.sessionId, mode: answer.mode, hlsPlaybackUrl: answer.hlsUrl, viewers: answer.viewers });
}

/** Moves the page to where the session is. */
async function follow(status: Pick<ChannelStatus, 'state' | 'sessionId' | 'mode' | 'hlsPlaybackUrl' | 'viewers'>): Promise<void> {
  if (status.viewers && status.state === 'live') {
    viewers.textContent = viewersText(status.viewers.current);
  }
  switch (status.state) {
    case 'live': {
      const same = playing && playing.sessionId === status.sessionId && playing.mode === status.mode
        && (status.mode !== 'hybrid' || (playing.hlsUrl === status.hlsPlaybackUrl && !video.ended));
      if (!same) {
        // A new session, a mode switch, or the same stream after its playlist ended (the relay's push
        // dropped and came back): (re)start the player. A switch of the session being watched says so.
        const switching = playing !== null && playing.sessionId === status.sessionId && playing.mode !== status.mode;
        await startPlayback(status.sessionId!, status.mode ?? 'hybrid', status.hlsPlaybackUrl, switching);
      } else if (isMediaPlaying()) {
        setPhase('playing'); // e.g. after an API error that never stopped the video
      }
      schedule(playing ? beatSeconds : 3);
      return;
    }
    case 'stopping':
    case 'ended':
    case 'failed':
      // A stopping session has nothing more worth watching: the seller pressed Stop.
      await stopPlayback();
      viewers.textContent = '';
      setPhase('ended');
      schedule(10);
      return;
    default:
      // No session yet, or one that is still starting.
      await stopPlayback();
      setPhase('not-live');
      schedule(5);
  }
}

async function startPlayback(sessionId: string, mode: StreamMode, hlsUrl: string | null, switching = false): Promise<void> {
  await stopPlayback();
  setPhase(switching ? 'switching' : 'buffering');
  const next: Playing = { sessionId, mode, hlsUrl, player: null, audience: null };
  playing = next;
  try {
    await play(next);
  } catch (error) {
    // Not playing after all: the next step starts over instead of taking this session as playing. A
    // start that another one replaced meanwhile has nothing more to say.
    if (playing === next) {
      await stopPlayback();
      throw error;
    }
  }
}

/** Marks the page playing (players report it repeatedly; only the first report counts a viewer at once). */
function nowPlaying(next: Playing): void {
  if (playing !== next || phase === 'playing') {
    return;
  }
  setPhase('playing');
  schedule(0.5); // count this viewer at once
}

async function play(next: Playing): Promise<void> {
  const { mode, hlsUrl } = next;
  if (mode === 'hybrid') {
    if (!hlsUrl) {
      throw new Error('The session is live without a playback URL.');
    }
    if (hlsEngine(video) === 'none') {
      setPhase('unsupported');
      return;
    }
    preconnect(hlsUrl);
    video.hidden = false;
    agoraView.hidden = true;
    next.player = new HlsPlayer(video, {
      trouble: kind => {
        if (playing === next && kind !== 'starting') {
          setPhase('unreachable');
          // The stream may have ended or moved: look now rather than at the next beat.
          if (kind === 'gone') {
            schedule(1);
          }
        }
      },
      playing: () => {
        unmute.hidden = !video.muted || playing !== next;
        nowPlaying(next);
      },
    });
    await next.player.play(hlsUrl);
  } else {
    video.hidden = true;
    agoraView.hidden = false;
    const subscriberToken = () => viewerToken().then(token => api<RtcToken>('POST', `/api/channels/${channelId}/rtc-token`, { token, body: { role: 'subscriber' } }));
    next.audience = new AgoraAudience(agoraView, {
      trouble: () => {
        if (playing === next) {
          setPhase('unreachable');
          schedule(2); // the session may have ended: look
        }
      },
      playing: () => nowPlaying(next),
      soundBlocked: () => {
        unmute.hidden = playing !== next; // any click lets the SDK play the sound
      },
    }, subscriberToken);
    const token = await subscriberToken();
    // Not awaited: a join can take long when Agora is slow, and the page keeps following the session meanwhile.
    next.audience.join(token).catch(error => {
      if (playing === next) {
        void stopPlayback();
        onError(error, null);
      }
    });
  }
}

async function stopPlayback(): Promise<void> {
  const current = playing;
  playing = null;
  unmute.hidden = true;
  current?.player?.destroy();
  await current?.audience?.leave();
}

function onError(error: unknown, token: string | null): void {
  if (error instanceof ApiError) {
    if (error.status === 404) {
      void stopPlayback();
      setPhase('missing');
      return;
    }
    if (error.status === 401 && token) {
      // An expired or refused token: take a new identity on the next step.
      forgetToken(token);
    }
  } else {
    console.error(error);
  }
  failures++;
  // A failed heartbeat or status read does not stop a video that plays: say nothing, try again later.
  if (!isMediaPlaying()) {
    setPhase('unreachable');
  }
  const backoff = Math.min(15, 2 ** Math.min(failures, 4));
  schedule(error instanceof ApiError && error.retryAfterSeconds ? Math.max(error.retryAfterSeconds, backoff) : backoff);
}

const preconnected = new Set<string>();
function preconnect(url: string): void {
  const origin = new URL(url, location.href).origin;
  if (origin === location.origin || preconnected.has(origin) || document.querySelector(`link[rel="preconnect"][href="${CSS.escape(origin)}"]`)) {
    return;
  }
  preconnected.add(origin);
  const link = document.createElement('link');
  link.rel = 'preconnect';
  link.href = origin;
  link.crossOrigin = 'anonymous';
  document.head.append(link);
}

async function loadChannel(): Promise<void> {
  try {
    const channel = await api<Channel>('GET', `/api/channels/${channelId}`, { token: await viewerToken() });
    byId('title').textContent = channel.title;
    byId('description').textContent = channel.description;
    document.title = `${channel.title} · HybridStreaming`;
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) {
      setPhase('missing');
    }
    // Anything else: the title stays empty; playback does not depend on it.
  }
}

retry.addEventListener('click', () => {
  failures = 0;
  playing?.player?.retryNow();
  setPhase(playing ? 'buffering' : 'loading');
  void tick();
});
unmute.addEventListener('click', () => {
  video.muted = false; // the click itself also lets the Agora SDK play blocked sound
  unmute.hidden = true;
});
video.addEventListener('volumechange', () => {
  unmute.hidden = !video.muted || !playing || playing.mode !== 'hybrid';
});
// A live stream that reaches its end (the relay restarted, the seller dropped): ask where the session is.
video.addEventListener('ended', () => schedule(0.5));
window.addEventListener('pagehide', () => void stopPlayback());

if (!channelId) {
  show(byId('title'), 'No such page');
  setPhase('missing');
} else {
  setPhase('loading');
  void loadChannel();
  void tick();
}
