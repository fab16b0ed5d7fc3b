// The channel list, /: live channels first, with a live badge and the viewer count. It reads with a guest
// identity (taken when the buyer has none) and refreshes every 15 s while the tab is visible.

import './lib/boundary';
import { api, ApiError, type Channel } from './lib/api';
import { byId, h, show, viewersText } from './lib/dom';
import { forgetToken, viewerToken } from './lib/identity';

const refreshSeconds = 15;
const list = byId('channels');
let timer: ReturnType<typeof setTimeout> | undefined;

function card(channel: Channel): HTMLElement {
  const live = channel.live?.state === 'live';
  const starting = channel.live?.state === 'starting';
  return h('li', { class: `channel${live ? ' is-live' : ''}`, 'data-channel-id': channel.id },
    h('a', { href: `/watch/${channel.id}`, class: 'channel-link' },
      h('div', { class: 'channel-head' },
        live ? h('span', { class: 'badge live' }, 'LIVE') : starting ? h('span', { class: 'badge soon' }, 'Starting') : null,
        live ? h('span', { class: 'viewers' }, viewersText(channel.live?.viewers)) : null),
      h('h2', { class: 'title' }, channel.title),
      channel.description ? h('p', { class: 'description' }, channel.description) : null,
      h('p', { class: 'seller muted' }, `by ${channel.sellerId}`)));
}

async function refresh(): Promise<void> {
  clearTimeout(timer);
  let token: string | null = null;
  try {
    token = await viewerToken();
    const channels = await api<Channel[]>('GET', '/api/channels?limit=100', { token });
    list.dataset.state = 'ready';
    list.setAttribute('aria-busy', 'false');
    const focused = (document.activeElement?.closest('[data-channel-id]') as HTMLElement | null)?.dataset.channelId;
    show(list, channels.length === 0
      ? h('p', { class: 'muted' }, 'No channels yet. Sellers create them in the ', h('a', { href: '/studio' }, 'studio'), '.')
      : h('ul', { class: 'channel-grid' }, ...channels.map(card)));
    // A refresh must not take the keyboard's place away.
    if (focused) {
      list.querySelector<HTMLElement>(`[data-channel-id="${CSS.escape(focused)}"] a`)?.focus();
    }
    timer = setTimeout(() => void refresh(), refreshSeconds * 1000);
  } catch (error) {
    if (error instanceof ApiError && error.status === 401 && token) {
      forgetToken(token);
    }
    list.dataset.state = 'error';
    list.setAttribute('aria-busy', 'false');
    const text = error instanceof ApiError && !error.transient ? error.message : "Can't reach the server, retrying…";
    show(list, h('div', { class: 'problem', role: 'alert' },
      h('p', {}, text),
      h('button', { type: 'button', onclick: () => void refresh() }, 'Try again')));
    timer = setTimeout(() => void refresh(), 5000);
  }
}

document.addEventListener('visibilitychange', () => {
  if (document.visibilityState === 'visible') {
    void refresh();
  } else {
    clearTimeout(timer);
  }
});

void refresh();
