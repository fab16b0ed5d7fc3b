// The viewer of viewers.js: what the watch page does next, and the figures of each answer.
//
// Figures (Artillery custom metrics; each latency is request start -> whole body read, in ms):
//   api.response_time, api.<guest|playback|heartbeat|status>.response_time   the gateway's endpoints
//   api.requests, api.errors (4xx/5xx), api.codes.<status>, api.rejected_without_retry_after (429/503)
//   hls_emulator.playlist.response_time, hls_emulator.segment.response_time    the Cloudflare Stream
//     emulator's HLS: these measure the emulator, not the product
//   hls_emulator.requests, hls_emulator.errors, hls_emulator.codes.<status>, hls_emulator.not_started (204)
//   phase.<n>.api.response_time, phase.<n>.hls_emulator.playlist.response_time, phase.<n>.api.requests,
//     phase.<n>.api.errors, phase.<n>.hls_emulator.requests, phase.<n>.hls_emulator.errors   by stage of
//     the profile (profiles.js), from this worker's clock
//   viewers.arrived, viewers.playing (first segment loaded), viewers.left.ended, viewers.left.watch_time,
//     viewers.left.failed (a request got no answer: Artillery ends the viewer), viewers.concurrent (this
//     worker's viewers watching, at every arrival and leave: its max is the viewers reached)
//   heartbeats.counted, heartbeats.not_counted, load.network_errors (no answer: refused, reset, timeout)
'use strict';

const http = require('node:http');
const { threadId } = require('node:worker_threads');
const { stagesOf, arrivalsAt, stageAt, leaveTime, firstArrivalOffset } = require('./profiles');

const channels = (process.env.LOAD_CHANNELS ?? '').split(',').map(c => c.trim()).filter(Boolean);
const forwardedFor = process.env.LOAD_FORWARDED_FOR === '1';
const localAddress = process.env.LOAD_LOCAL_ADDRESS || null;

/** The watch page reads the status this often while nothing plays. */
const STATUS_POLL_SECONDS = 5;
/** hls.js starts this many segments behind the live edge. */
const LIVE_SYNC_SEGMENTS = 3;

let stages = null;
/** This worker's clock: Date.now() at the start of the profile's phases. */
let epoch = null;
let sequence = 0;
/** Viewers of this worker watching now (arrived, not left). */
let active = 0;

const ZERO_COUNTERS = [
  'api.requests', 'api.errors', 'hls_emulator.requests', 'hls_emulator.errors', 'load.network_errors',
  'viewers.arrived', 'viewers.left.ended', 'viewers.left.watch_time', 'heartbeats.counted',
];

function beginViewer(context, events, done) {
  if (channels.length === 0) {
    return done(new Error('LOAD_CHANNELS names no channel to watch.'));
  }

  const now = Date.now();
  stages ??= stagesOf(context.vars.$environment ?? 'smoke');
  epoch ??= now - firstArrivalOffset(stages) * 1000;
  const arrivedAt = (now - epoch) / 1000;
  const number = Math.max(1, Math.round(arrivalsAt(stages, arrivedAt)));
  sequence++;
  const viewer = {
    channelId: channels[(sequence - 1) % channels.length],
    leaveAt: epoch + leaveTime(stages, number, arrivedAt) * 1000,
    address: `10.${threadId % 256}.${(sequence >> 8) & 255}.${sequence & 255}`,
    agent: localAddress ? new http.Agent({ keepAlive: true, localAddress }) : null,
    token: null,
    viewerId: null,
    hlsUrl: null,
    lastSequence: -1,
    playing: false,
    step: null,
    next: { guest: now },
    failures: 0,
    left: null,
  };
  for (const name of ZERO_COUNTERS) {
    events.emit('counter', name, 0);
  }

  events.emit('counter', 'viewers.arrived', 1);
  events.emit('histogram', 'viewers.concurrent', ++active);
  context.vars._viewer = viewer;
  context.vars.channelId = viewer.channelId;
  context.vars.segments = [];
  return done();
}

/** Waits until the viewer's next step is due and says which it is; or leaves. */
function nextStep(context, events, done) {
  const viewer = context.vars._viewer;
  context.vars.segments = [];
  viewer.step = null;
  const due = Object.entries(viewer.next).filter(([, at]) => at !== null).sort((a, b) => a[1] - b[1])[0];
  const at = due ? due[1] : Infinity;
  if (at >= viewer.leaveAt) {
    setTimeout(() => {
      leave(viewer, events, 'watch_time');
      done();
    }, Math.max(0, viewer.leaveAt - Date.now()));
    return;
  }

  setTimeout(() => {
    viewer.step = due[0];
    viewer.next[due[0]] = null;
    context.vars.hlsUrl = viewer.hlsUrl;
    done();
  }, Math.max(0, at - Date.now()));
}

function leave(viewer, events, reason) {
  if (viewer.left) {
    return;
  }

  viewer.left = reason;
  viewer.next = {};
  viewer.agent?.destroy();
  events.emit('counter', `viewers.left.${reason}`, 1);
  events.emit('histogram', 'viewers.concurrent', --active);
}

const isGuestStep = vars => vars._viewer.step === 'guest';
const isPlaybackStep = vars => vars._viewer.step === 'playback';
const isPlaylistStep = vars => vars._viewer.step === 'playlist';
const isHeartbeatStep = vars => vars._viewer.step === 'heartbeat';
const isStatusStep = vars => vars._viewer.step === 'status';

function watching(context, next) {
  return next(!context.vars._viewer.left);
}

/** A gateway request: the viewer's token, its own address when the gateway trusts us as its proxy. */
function gatewayRequest(request, context, events, done) {
  const viewer = context.vars._viewer;
  request.headers = { ...request.headers };
  if (forwardedFor) {
    request.headers['x-forwarded-for'] = viewer.address;
  }

  if (viewer.step === 'guest') {
    // A renewal keeps the viewer id (unique viewers stay unique).
    if (viewer.viewerId) {
      request.json = { viewerId: viewer.viewerId };
    }
  } else {
    request.headers.authorization = `Bearer ${viewer.token}`;
  }

  if (viewer.step === 'heartbeat') {
    request.json = { path: 'hls' };
  }

  return cdnRequest(request, context, events, done);
}

/** Any request: from the chosen local address, on the viewer's own connections. */
function cdnRequest(request, context, events, done) {
  const viewer = context.vars._viewer;
  if (viewer.agent) {
    request.agent = { http: viewer.agent };
  }

  return done();
}

function phase() {
  return stageAt(stages, (Date.now() - epoch) / 1000);
}

function latency(response) {
  const phases = response.timings?.phases;
  return phases?.total ?? phases?.firstByte ?? 0;
}

/** Records a gateway answer; returns whether it is a success (2xx). */
function recordApi(endpoint, response, events) {
  const code = response.statusCode;
  const ms = latency(response);
  const p = phase();
  events.emit('histogram', 'api.response_time', ms);
  events.emit('histogram', `api.${endpoint}.response_time`, ms);
  events.emit('histogram', `phase.${p}.api.response_time`, ms);
  events.emit('counter', 'api.requests', 1);
  events.emit('counter', `phase.${p}.api.requests`, 1);
  events.emit('counter', `api.codes.${code}`, 1);
  const ok = code >= 200 && code < 300;
  if (!ok) {
    events.emit('counter', 'api.errors', 1);
    events.emit('counter', `phase.${p}.api.errors`, 1);
    if ((code === 429 || code === 503) && !(Number(response.headers['retry-after']) > 0)) {
      events.emit('counter', 'api.rejected_without_retry_after', 1);
    }
  }

  return ok;
}

function recordHls(kind, response, events) {
  const code = response.statusCode;
  const ms = latency(response);
  const p = phase();
  events.emit('histogram', `hls_emulator.${kind}.response_time`, ms);
  if (kind === 'playlist') {
    events.emit('histogram', `phase.${p}.hls_emulator.playlist.response_time`, ms);
  }

  events.emit('counter', 'hls_emulator.requests', 1);
  events.emit('counter', `phase.${p}.hls_emulator.requests`, 1);
  events.emit('counter', `hls_emulator.codes.${code}`, 1);
  const ok = code >= 200 && code < 300;
  if (!ok) {
    events.emit('counter', 'hls_emulator.errors', 1);
    events.emit('counter', `phase.${p}.hls_emulator.errors`, 1);
  }

  return ok;
}

/** The watch page's back-off after a failed step: 2, 4, 8, 15 s, or Retry-After if longer. */
function retryLater(viewer, step, response) {
  viewer.failures++;
  const backoff = Math.min(15, 2 ** Math.min(viewer.failures, 4));
  const retryAfter = Number(response?.headers?.['retry-after']);
  viewer.next[step] = Date.now() + 1000 * (retryAfter > 0 ? Math.max(retryAfter, backoff) : backoff);
}

function json(response) {
  try {
    return JSON.parse(response.body);
  } catch {
    return null;
  }
}

function onGuest(request, response, context, events, done) {
  const viewer = context.vars._viewer;
  if (recordApi('guest', response, events)) {
    const body = json(response);
    viewer.token = body?.accessToken ?? null;
    viewer.viewerId = body?.viewerId ?? viewer.viewerId;
    viewer.failures = 0;
    // A renewed token carries on where the viewer was.
    if (!viewer.hlsUrl && viewer.next.status == null) {
      viewer.next.playback = Date.now();
    }
  } else {
    retryLater(viewer, 'guest', response);
  }

  return done();
}

/** A failed API step: 401 takes a new identity first, as the watch page does. */
function apiFailed(viewer, step, response) {
  if (response.statusCode === 401) {
    viewer.token = null;
    viewer.next.guest = Date.now();
  }

  retryLater(viewer, step, response);
}

function onPlayback(request, response, context, events, done) {
  const viewer = context.vars._viewer;
  if (recordApi('playback', response, events)) {
    viewer.failures = 0;
    const body = json(response);
    if (body?.mode === 'hybrid' && body.hlsUrl) {
      play(viewer, body.hlsUrl);
    } else {
      // Not live, or Agora only (not played here): follow the status as the page does between sessions.
      viewer.next.status = Date.now() + STATUS_POLL_SECONDS * 1000;
    }
  } else {
    apiFailed(viewer, 'playback', response);
  }

  return done();
}

function play(viewer, hlsUrl) {
  if (viewer.hlsUrl !== hlsUrl) {
    viewer.hlsUrl = hlsUrl;
    viewer.lastSequence = -1;
  }

  viewer.next.status = null;
  viewer.next.playlist = Date.now();
}

function stopPlaying(viewer) {
  viewer.hlsUrl = null;
  viewer.playing = false;
  viewer.next.playlist = null;
  viewer.next.heartbeat = null;
}

function onPlaylist(request, response, context, events, done) {
  const viewer = context.vars._viewer;
  const ok = recordHls('playlist', response, events);
  if (response.statusCode === 204) {
    // The emulator's "stream has not yet started": look again in a second.
    events.emit('counter', 'hls_emulator.not_started', 1);
    viewer.next.playlist = Date.now() + 1000;
    return done();
  }

  if (!ok) {
    // The stream may have ended or moved: ask where the session is, as the page does on trouble.
    stopPlaying(viewer);
    retryLater(viewer, 'status', response);
    return done();
  }

  const playlist = parsePlaylist(response.body);
  if (playlist.ended) {
    leave(viewer, events, 'ended');
    return done();
  }

  const fresh = playlist.segments.filter(s => s.sequence > viewer.lastSequence);
  const load = viewer.lastSequence < 0 ? fresh.slice(-LIVE_SYNC_SEGMENTS) : fresh;
  if (load.length > 0) {
    viewer.lastSequence = load[load.length - 1].sequence;
  }

  context.vars.segments = load.map(s => new URL(s.uri, request.url).toString());
  viewer.next.playlist = Date.now() + playlist.targetDuration * 1000;
  return done();
}

function onSegment(request, response, context, events, done) {
  const viewer = context.vars._viewer;
  if (recordHls('segment', response, events) && !viewer.playing && viewer.hlsUrl) {
    // Media plays: count this viewer at once, then beat on the server's schedule.
    viewer.playing = true;
    events.emit('counter', 'viewers.playing', 1);
    viewer.next.heartbeat = Date.now() + 500;
  }

  return done();
}

function onHeartbeat(request, response, context, events, done) {
  const viewer = context.vars._viewer;
  if (!recordApi('heartbeat', response, events)) {
    apiFailed(viewer, 'heartbeat', response);
    return done();
  }

  viewer.failures = 0;
  const beat = json(response) ?? {};
  events.emit('counter', beat.counted ? 'heartbeats.counted' : 'heartbeats.not_counted', 1);
  follow(viewer, events, { state: beat.state, mode: beat.mode, hlsUrl: beat.hlsUrl });
  if (viewer.playing && !viewer.left) {
    viewer.next.heartbeat = Date.now() + 1000 * (beat.nextBeatSeconds > 0 ? beat.nextBeatSeconds : 10);
  }

  return done();
}

function onStatus(request, response, context, events, done) {
  const viewer = context.vars._viewer;
  if (!recordApi('status', response, events)) {
    apiFailed(viewer, 'status', response);
    return done();
  }

  viewer.failures = 0;
  const status = json(response) ?? {};
  follow(viewer, events, { state: status.state, mode: status.mode, hlsUrl: status.hlsPlaybackUrl });
  return done();
}

/** Moves the viewer to where the session is (watch.ts, follow()). */
function follow(viewer, events, { state, mode, hlsUrl }) {
  switch (state) {
    case 'live':
      if (mode === 'hybrid' && hlsUrl) {
        if (hlsUrl !== viewer.hlsUrl) {
          stopPlaying(viewer);
          play(viewer, hlsUrl);
        }
      } else {
        stopPlaying(viewer);
        viewer.next.status = Date.now() + STATUS_POLL_SECONDS * 1000;
      }

      return;
    case 'stopping':
    case 'ended':
    case 'failed':
      leave(viewer, events, 'ended');
      return;
    default:
      stopPlaying(viewer);
      viewer.next.status = Date.now() + STATUS_POLL_SECONDS * 1000;
  }
}

/** A media playlist: its target duration, segments with their media sequence numbers, and ENDLIST. */
function parsePlaylist(text) {
  const result = { targetDuration: 1, segments: [], ended: false };
  let sequence = 0;
/** Viewers of this worker watching now (arrived, not left). */
let active = 0;
  for (const raw of String(text ?? '').split('\n')) {
    const line = raw.trim();
    if (line.startsWith('#EXT-X-TARGETDURATION:')) {
      result.targetDuration = Math.max(1, Number(line.slice(22)) || 1);
    } else if (line.startsWith('#EXT-X-MEDIA-SEQUENCE:')) {
      sequence = Number(line.slice(22)) || 0;
    } else if (line === '#EXT-X-ENDLIST') {
      result.ended = true;
    } else if (line.length > 0 && !line.startsWith('#')) {
      result.segments.push({ sequence: sequence++, uri: line });
    }
  }

  return result;
}

/** A request that got no answer at all: Artillery ends the viewer (vusers.failed); counted here as an error. */
function networkError(error, request, context, events, done) {
  events.emit('counter', 'load.network_errors', 1);
  const viewer = context.vars._viewer;
  if (viewer && !viewer.left) {
    leave(viewer, events, 'failed');
  }

  return done();
}

module.exports = {
  beginViewer,
  nextStep,
  watching,
  isGuestStep,
  isPlaybackStep,
  isPlaylistStep,
  isHeartbeatStep,
  isStatusStep,
  gatewayRequest,
  cdnRequest,
  onGuest,
  onPlayback,
  onPlaylist,
  onSegment,
  onHeartbeat,
  onStatus,
  networkError,
  parsePlaylist,
};
