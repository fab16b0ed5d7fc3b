// The seller's studio, /studio: sign in, create and edit channels, go live and stop, and follow the
// session without reloading — starting → live (hybrid, or agora-only with the reason) → stopping → ended —
// with an HLS preview of what buyers see, the live viewer count and peak, and the recording and relay states.
//
// The seller's camera: with the local Agora emulator (Development), the emulator's synthetic seller stream
// joins the channel through the gateway's /api/dev/seller-stream; against real Agora the studio publishes
// camera and microphone with the Agora Web SDK.

import './lib/boundary';
import { AgoraPublisher } from './lib/agora';
import { api, ApiError, type Channel, type ChannelStatus, type RtcToken } from './lib/api';
import { pageConfig } from './lib/config';
import { money, minutesText, percentText, raw, savingsWords, type CostEstimate, type SessionCost } from './lib/costs';
import { byId, h, show, viewersText } from './lib/dom';
import { fieldErrors } from './lib/forms';
import { HlsPlayer } from './lib/hls-player';
import { account, signOut, type Account } from './lib/identity';
import { offerSignIn, wireSignIn } from './lib/sign-in';

const config = pageConfig();
const root = byId('studio');
const channelList = byId<HTMLUListElement>('my-channels');
const panel = byId('channel-panel');
const editForm = byId<HTMLFormElement>('edit-channel');
const newForm = byId<HTMLFormElement>('new-channel');
const goLive = byId<HTMLButtonElement>('go-live');
const stop = byId<HTMLButtonElement>('stop');
const problem = byId('studio-error');
const sessionState = byId('session-state');
const preview = byId<HTMLVideoElement>('preview');
const previewNote = byId('preview-note');

let me: Account | null = null;
let channels: Channel[] = [];
let selected: Channel | null = null;
let status: ChannelStatus | null = null;
let pollTimer: ReturnType<typeof setTimeout> | undefined;
let previewPlayer: { url: string; player: HlsPlayer } | null = null;
let publisher: AgoraPublisher | null = null;
/** The seller stream this page started (emulator), to end it after the session. */
let sellerStream: { channelName: string; uid: number } | null = null;
/** The channel the seller's media (camera or emulator stream) belongs to. */
let mediaChannelId: string | null = null;
/** A go-live or stop is in flight: its buttons stay disabled, and polls leave the seller's media alone. */
let busy = false;

// ---- errors ------------------------------------------------------------------------------------------

function showProblem(error: unknown): void {
  const text = error instanceof ApiError ? error.message : error instanceof Error ? error.message : String(error);
  problem.textContent = text;
  problem.hidden = false;
  if (error instanceof ApiError && error.status === 401) {
    void leaveStudio();
  }
}

function clearProblem(): void {
  problem.hidden = true;
  problem.textContent = '';
}

// ---- sign-in -----------------------------------------------------------------------------------------

function start(): void {
  me = account();
  byId('who').textContent = me ? `${me.userId} (${me.role})` : '';
  byId('sign-out').hidden = !me;
  byId('sign-in').hidden = !!me;
  byId('workspace').hidden = !me;
  root.dataset.state = me ? 'signed-in' : 'signed-out';
  if (!me) {
    offerSignIn(config);
    return;
  }
  void loadChannels();
}

wireSignIn(start);

/** Signing out (or a refused token) ends the seller's media and the preview too. */
async function leaveStudio(): Promise<void> {
  stopPreview();
  await stopSellerMedia();
  signOut();
  select(null);
  start();
}

byId('sign-out').addEventListener('click', () => void leaveStudio());

// ---- channels ----------------------------------------------------------------------------------------

async function loadChannels(selectId?: string): Promise<void> {
  try {
    channels = await api<Channel[]>('GET', `/api/channels?sellerId=${encodeURIComponent(me!.userId)}&limit=200`, { token: me!.accessToken });
    renderChannels();
    const wanted = selectId ?? selected?.id ?? new URLSearchParams(location.hash.slice(1)).get('channel');
    select(channels.find(channel => channel.id === wanted) ?? channels[0] ?? null);
  } catch (error) {
    showProblem(error);
  }
}

function renderChannels(): void {
  const focused = (document.activeElement as HTMLElement | null)?.dataset.channelId;
  show(channelList, ...(channels.length === 0
    ? [h('li', { class: 'muted' }, 'No channels yet: create your first one below.')]
    : channels.map(channel => h('li', {},
        h('button', {
          type: 'button',
          class: `channel-pick${channel.id === selected?.id ? ' selected' : ''}`,
          'aria-current': channel.id === selected?.id ? 'true' : null,
          'data-channel-id': channel.id,
          onclick: () => select(channel),
        }, channel.title, channel.live?.state === 'live' ? h('span', { class: 'badge live' }, 'LIVE') : null)))));
  // Rebuilding the list must not take the keyboard's place away.
  if (focused) {
    channelList.querySelector<HTMLElement>(`[data-channel-id="${CSS.escape(focused)}"]`)?.focus();
  }
}

function select(channel: Channel | null): void {
  const changed = channel?.id !== selected?.id;
  selected = channel;
  panel.hidden = !channel;
  renderChannels();
  if (changed) {
    resetCost();
  }
  if (!channel) {
    stopPolling();
    return;
  }
  history.replaceState(null, '', `#channel=${channel.id}`);
  byId<HTMLInputElement>('edit-title').value = channel.title;
  byId<HTMLTextAreaElement>('edit-description').value = channel.description;
  byId<HTMLAnchorElement>('watch-link').href = `/watch/${channel.id}`;
  byId('channel-heading').textContent = channel.title;
  if (changed) {
    status = null;
    stopPreview();
    clearProblem();
    renderStatus();
    void poll();
  }
}

newForm.addEventListener('submit', async event => {
  event.preventDefault();
  const data = new FormData(newForm);
  try {
    const created = await api<Channel>('POST', '/api/channels', { token: me!.accessToken, body: { title: data.get('title'), description: data.get('description') } });
    fieldErrors(newForm, null);
    newForm.reset();
    await loadChannels(created.id);
  } catch (error) {
    if (!fieldErrors(newForm, error)) {
      showProblem(error);
    }
  }
});

editForm.addEventListener('submit', async event => {
  event.preventDefault();
  const data = new FormData(editForm);
  try {
    const updated = await api<Channel>('PUT', `/api/channels/${selected!.id}`, { token: me!.accessToken, body: { title: data.get('title'), description: data.get('description') } });
    fieldErrors(editForm, null);
    byId('saved').textContent = 'Saved.';
    setTimeout(() => (byId('saved').textContent = ''), 3000);
    channels = channels.map(channel => (channel.id === updated.id ? { ...channel, ...updated } : channel));
    select({ ...selected!, ...updated });
  } catch (error) {
    if (!fieldErrors(editForm, error)) {
      showProblem(error);
    }
  }
});

// ---- going live and stopping ---------------------------------------------------------------------------

goLive.addEventListener('click', async () => {
  const channel = selected!;
  if (busy) {
    return;
  }
  clearProblem();
  busy = true;
  renderStatus();
  stopPolling();
  try {
    const publisherToken = () => api<RtcToken>('POST', `/api/channels/${channel.id}/rtc-token`, { token: me!.accessToken, body: { role: 'publisher' } });
    await startSellerMedia(channel.id, await publisherToken(), publisherToken);
    await api('POST', `/api/channels/${channel.id}/live`, { token: me!.accessToken });
  } catch (error) {
    showProblem(error);
  } finally {
    busy = false;
  }
  await poll();
});

stop.addEventListener('click', async () => {
  if (busy) {
    return;
  }
  clearProblem();
  busy = true;
  renderStatus();
  try {
    await api('DELETE', `/api/channels/${selected!.id}/live`, { token: me!.accessToken });
  } catch (error) {
    showProblem(error);
  } finally {
    busy = false;
  }
  await poll();
});

async function startSellerMedia(channelId: string, rtc: RtcToken, renew: () => Promise<RtcToken>): Promise<void> {
  mediaChannelId = channelId;
  if (config.sellerMedia === 'emulator') {
    try {
      await api('POST', '/api/dev/seller-stream', { token: me!.accessToken, body: { channelName: rtc.channelName, uid: rtc.uid, token: rtc.token } });
    } catch (error) {
      // Already in the channel (a reload during a session): that is the state we want.
      if (!(error instanceof ApiError && error.status === 409)) {
        throw error;
      }
    }
    sellerStream = { channelName: rtc.channelName, uid: rtc.uid };
    return;
  }
  const camera = byId('camera');
  camera.hidden = false;
  publisher = new AgoraPublisher();
  await publisher.publish(rtc, camera, renew);
}

async function stopSellerMedia(): Promise<void> {
  mediaChannelId = null;
  if (sellerStream) {
    const { channelName, uid } = sellerStream;
    sellerStream = null;
    await api('DELETE', `/api/dev/seller-stream/${encodeURIComponent(channelName)}/${uid}`, { token: me!.accessToken }).catch(() => undefined);
  }
  if (publisher) {
    await publisher.stop();
    publisher = null;
    byId('camera').hidden = true;
  }
}

// ---- following the session -----------------------------------------------------------------------------

function stopPolling(): void {
  clearTimeout(pollTimer);
}

async function poll(): Promise<void> {
  stopPolling();
  const channel = selected;
  if (!channel || !me) {
    return;
  }
  let next = 5;
  try {
    const answer = await api<ChannelStatus>('GET', `/api/channels/${channel.id}/status`, { token: me.accessToken });
    if (selected?.id !== channel.id) {
      return;
    }
    status = answer;
    renderStatus();
    followCost(answer);
    // The channel's LIVE badge in the list follows the session too.
    const liveNow = answer.state === 'live';
    if (liveNow !== (channel.live?.state === 'live')) {
      const live = liveNow ? { sessionId: answer.sessionId!, state: answer.state!, mode: answer.mode, viewers: answer.viewers?.current ?? null } : null;
      channels = channels.map(item => (item.id === channel.id ? { ...item, live } : item));
      selected = channels.find(item => item.id === channel.id) ?? selected;
      renderChannels();
    }
    next = answer.state === 'starting' || answer.state === 'stopping' ? 1 : answer.state === 'live' ? 2 : 5;
    // The session this page's media belonged to is over (never during a go-live, before it exists).
    if (!answer.isActive && !busy && mediaChannelId === channel.id) {
      await stopSellerMedia();
    }
  } catch (error) {
    showProblem(error);
  }
  pollTimer = setTimeout(() => void poll(), next * 1000);
}

const steps = ['starting', 'live', 'stopping', 'ended'];

function renderStatus(): void {
  const state = status?.state ?? null;
  const active = status?.isActive ?? false;
  sessionState.dataset.state = state ?? 'none';
  sessionState.dataset.mode = status?.mode ?? '';
  goLive.disabled = active || busy;
  stop.disabled = !active || state === 'stopping' || busy;

  const at = state === 'failed' ? steps.length : steps.indexOf(state ?? '');
  for (const item of byId('timeline').querySelectorAll<HTMLElement>('li')) {
    const index = steps.indexOf(item.dataset.step!);
    item.className = at < 0 ? '' : index < at ? 'done' : index === at ? 'current' : '';
    if (index === at) {
      item.setAttribute('aria-current', 'step');
    } else {
      item.removeAttribute('aria-current');
    }
  }

  sessionState.textContent = describe(status);
  byId('viewers-current').textContent = String(status?.viewers?.current ?? 0);
  byId('viewers-peak').textContent = String(status?.viewers?.peak ?? 0);
  byId('recording').textContent = component(status?.recording);
  byId('relay').textContent = component(status?.relay);

  const hlsUrl = state === 'live' && status?.mode === 'hybrid' ? status.hlsPlaybackUrl : null;
  if (hlsUrl && previewPlayer?.url !== hlsUrl) {
    stopPreview();
    const player = new HlsPlayer(preview, { trouble: kind => (previewNote.textContent = kind === 'starting' ? 'Preview: waiting for the first segments…' : 'Preview: reconnecting…'), playing: () => (previewNote.textContent = '') });
    previewPlayer = { url: hlsUrl, player };
    previewNote.textContent = 'Preview: loading…';
    void player.play(hlsUrl);
  } else if (!hlsUrl && previewPlayer) {
    stopPreview();
  }
  if (!hlsUrl) {
    previewNote.textContent = state === 'live' && status?.mode === 'agora-only'
      ? 'No HLS preview: this session is agora-only, buyers watch through Agora.'
      : 'The HLS preview shows what buyers see once the stream is live.';
  }
}

function describe(current: ChannelStatus | null): string {
  if (!current?.state) {
    return 'Not live.';
  }
  switch (current.state) {
    case 'starting': return 'Starting: recording and the CDN relay are coming up…';
    case 'live': return current.mode === 'agora-only'
      ? `Live · agora-only${current.reason ? `: ${current.reason}` : ''}`
      : 'Live · hybrid: buyers watch over HLS from the CDN.';
    case 'stopping': return 'Stopping…';
    case 'ended': return `Ended${current.reason ? ` (${current.reason})` : ''}.`;
    case 'failed': return `Failed${current.reason ? `: ${current.reason}` : ''}.`;
  }
}

function component(value: ChannelStatus['recording'] | undefined): string {
  if (!value) {
    return '–';
  }
  return value.detail ? `${value.state} (${value.detail})` : value.state;
}

function stopPreview(): void {
  previewPlayer?.player.destroy();
  previewPlayer = null;
}

// ---- what the stream costs -------------------------------------------------------------------------------
// While the session is live: an estimate from GET /api/costs/estimate every 15 s, for the viewers now and
// the minutes since it went live, at HD list prices. Once it has ended: what it cost, from the Cost API's
// ledger (GET /api/costs/sessions/{id}), which is written once every usage fact has arrived (complete) or
// at a deadline without some of them (provisional). Nothing here ever interrupts the studio: a failed call
// shows as "unavailable" in the meter and nowhere else.

const meter = byId('cost-meter');
const estimateEverySeconds = 15;
/** Ask the ledger every 2 s for the first minute after the end, then every 10 s, for at most 15 min. */
const ledgerFastMs = 2_000;
const ledgerSlowMs = 10_000;
const ledgerFastForMs = 60_000;
const ledgerGiveUpMs = 15 * 60_000;

/** The live session the meter estimates. */
let estimating: string | null = null;
let estimateTimer: ReturnType<typeof setTimeout> | undefined;
/** The ended session whose cost the meter shows (or waits for), and since when. */
let costOf: string | null = null;
let costSince = 0;
let costTimer: ReturnType<typeof setTimeout> | undefined;

/** Follows the session the status names: estimates while it is live, its cost once it has ended. */
function followCost(current: ChannelStatus | null): void {
  const sessionId = current?.sessionId ?? null;
  if (!current || !sessionId || current.state === 'starting') {
    // No session, or a new one coming up: the last session's figures go.
    resetCost();
    return;
  }
  if (current.state === 'live') {
    if (estimating !== sessionId) {
      resetCost();
      estimating = sessionId;
      void estimate(sessionId);
    }
    return;
  }
  stopEstimates();
  // Ended, or failed after it had gone live (both are priced); 'stopping' keeps the last estimate.
  const over = current.state === 'ended' || (current.state === 'failed' && current.liveAt !== null);
  if (over && costOf !== sessionId) {
    costOf = sessionId;
    costSince = Date.now();
    renderCostWaiting();
    void sessionCost(sessionId);
  }
}

function stopEstimates(): void {
  estimating = null;
  clearTimeout(estimateTimer);
}

function resetCost(): void {
  stopEstimates();
  costOf = null;
  clearTimeout(costTimer);
  meter.hidden = true;
  meter.dataset.state = 'none';
  show(meter);
}

async function estimate(sessionId: string): Promise<void> {
  const current = status;
  if (estimating !== sessionId || !me || current?.sessionId !== sessionId || current.state !== 'live') {
    return;
  }
  const mode = current.mode ?? 'hybrid';
  const viewers = current.viewers?.current ?? 0;
  const since = Date.parse(current.liveAt ?? current.startedAt ?? '');
  const elapsed = Number.isFinite(since) ? (Date.now() - since) / 60_000 : 0;
  const minutes = Math.round(Math.min(10_080, Math.max(0.1, elapsed)) * 1000) / 1000;
  try {
    const answer = await api<CostEstimate>('GET', `/api/costs/estimate?viewers=${viewers}&minutes=${minutes}&tier=hd`, { token: me.accessToken });
    if (estimating === sessionId) {
      renderEstimate(answer, mode, viewers, minutes);
    }
  } catch {
    if (estimating === sessionId) {
      renderEstimateUnavailable();
    }
  }
  if (estimating === sessionId) {
    clearTimeout(estimateTimer);
    estimateTimer = setTimeout(() => void estimate(sessionId), estimateEverySeconds * 1000);
  }
}

function renderEstimate(answer: CostEstimate, mode: ChannelStatus['mode'], viewers: number, minutes: number): void {
  const hybrid = mode !== 'agora-only';
  const figure = hybrid ? answer.hybrid.total : answer.agoraOnly.total;
  const other = hybrid ? answer.agoraOnly.total : answer.hybrid.total;
  meter.hidden = false;
  meter.dataset.state = 'estimate';
  show(meter,
    h('h3', {}, 'Cost so far'),
    h('p', { class: 'cost-figure' },
      h('span', { id: 'cost-estimate', class: 'amount', 'data-amount': raw(figure) }, money(figure)),
      h('span', { class: 'muted' }, hybrid ? ' hybrid' : ' agora-only')),
    h('p', { class: 'cost-other' },
      hybrid ? 'Agora-only would cost ' : 'Hybrid would cost ',
      h('span', { id: 'cost-estimate-other', class: 'amount', 'data-amount': raw(other) }, money(other)),
      ' · ',
      h('span', { id: 'cost-estimate-savings', 'data-percent': raw(answer.savingsPercent) }, savingsWords(answer.savingsPercent, !hybrid))),
    h('p', { id: 'cost-estimate-basis', class: 'muted' },
      `Estimate at HD list prices, ${viewersText(viewers)} for ${minutesText(minutes)}.`));
}

function renderEstimateUnavailable(): void {
  meter.hidden = false;
  meter.dataset.state = 'unavailable';
  show(meter, h('h3', {}, 'Cost so far'), h('p', { class: 'muted' }, 'Estimate unavailable.'));
}

async function sessionCost(sessionId: string): Promise<void> {
  if (costOf !== sessionId || !me) {
    return;
  }
  let keepAsking = true;
  try {
    const cost = await api<SessionCost>('GET', `/api/costs/sessions/${encodeURIComponent(sessionId)}`, { token: me.accessToken });
    if (costOf !== sessionId) {
      return;
    }
    if (cost.status === 'complete' || cost.status === 'provisional') {
      renderSessionCost(cost);
      // A provisional ledger is revised when the missing facts arrive late.
      keepAsking = cost.status === 'provisional';
    }
  } catch (error) {
    if (costOf !== sessionId) {
      return;
    }
    // 404: the Cost API has not heard of the session yet. A refusal will not change by asking again.
    if (error instanceof ApiError && (error.status === 401 || error.status === 403)) {
      renderCostUnavailable();
      keepAsking = false;
    }
  }
  const waited = Date.now() - costSince;
  if (!keepAsking) {
    return;
  }
  if (waited >= ledgerGiveUpMs) {
    if (meter.dataset.state === 'waiting') {
      renderCostUnavailable();
    }
    return;
  }
  clearTimeout(costTimer);
  costTimer = setTimeout(() => void sessionCost(sessionId), waited < ledgerFastForMs ? ledgerFastMs : ledgerSlowMs);
}

function renderCostWaiting(): void {
  meter.hidden = false;
  meter.dataset.state = 'waiting';
  show(meter,
    h('h3', {}, 'What this stream cost'),
    h('p', { id: 'session-cost-waiting', class: 'muted', role: 'status' }, 'Working out what this stream cost…'));
}

function renderCostUnavailable(): void {
  meter.hidden = false;
  meter.dataset.state = 'unavailable';
  show(meter,
    h('h3', {}, 'What this stream cost'),
    h('p', { class: 'muted' }, 'The cost of this stream is not available yet. ', h('a', { href: '/costs' }, 'See all costs'), ' later.'));
}

function renderSessionCost(cost: SessionCost): void {
  const total = cost.actual?.total ?? null;
  meter.hidden = false;
  meter.dataset.state = 'final';
  show(meter,
    h('h3', {}, 'What this stream cost'),
    h('div', { id: 'session-cost', class: 'session-cost', 'data-status': cost.status, 'data-session-id': cost.sessionId, role: 'status' },
      h('p', { class: 'cost-figure' },
        h('span', { id: 'session-cost-total', class: 'amount', 'data-amount': raw(total) }, money(total)),
        h('span', { class: 'muted' }, ` ${cost.mode}, ${minutesText(cost.usage.sellerMinutes)}, peak ${viewersText(cost.usage.peakViewers)}`)),
      h('dl', { class: 'cost-compare' },
        h('dt', {}, 'Hybrid'),
        h('dd', { id: 'session-cost-hybrid', class: 'amount', 'data-amount': raw(cost.hybridTotal) }, money(cost.hybridTotal)),
        h('dt', {}, 'Agora-only'),
        h('dd', { id: 'session-cost-agora-only', class: 'amount', 'data-amount': raw(cost.agoraOnlyTotal) }, money(cost.agoraOnlyTotal)),
        h('dt', {}, 'Saved by hybrid'),
        h('dd', { id: 'session-cost-savings', 'data-percent': raw(cost.savingsPercent) }, percentText(cost.savingsPercent))),
      cost.status === 'provisional'
        ? h('p', { id: 'session-cost-note', class: 'note' },
            `Provisional: written at the deadline before ${cost.unconfirmed.length > 0 ? `these facts arrived: ${cost.unconfirmed.join(', ')}` : 'every usage fact arrived'}. It is revised when they do.`)
        : null,
      h('p', { class: 'muted' }, 'At list prices. ', h('a', { href: '/costs' }, 'All costs'))));
}

start();
