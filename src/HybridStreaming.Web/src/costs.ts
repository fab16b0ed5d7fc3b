// What streams cost, /costs, for sellers (their own sessions) and admins (every session): for a range of
// UTC days (the last 30 by default), the Cost API's summary — actual cost, what Agora alone would have
// cost, the savings, the cost per 1,000 viewer-hours, sessions by mode — and one bar pair and one table row
// per day. The chart is SVG built with createElementNS; the table carries the same figures for screen
// readers and for copying.

import './lib/boundary';
import { api, ApiError } from './lib/api';
import { pageConfig } from './lib/config';
import { countText, money, percentText, raw, type CostDaily, type CostDay, type CostSummary } from './lib/costs';
import { byId, h, show, svg } from './lib/dom';
import { problemText } from './lib/forms';
import { account, signOut, type Account } from './lib/identity';
import { offerSignIn, wireSignIn } from './lib/sign-in';

type State = 'loading' | 'ready' | 'error' | 'signed-out';

const config = pageConfig();
const root = byId('costs');
const view = byId('costs-view');
const results = byId('costs-results');
const range = byId<HTMLFormElement>('costs-range');
const fromInput = byId<HTMLInputElement>('costs-from');
const toInput = byId<HTMLInputElement>('costs-to');
const message = byId('costs-message');
const chart = byId('costs-chart') as unknown as SVGSVGElement;
const tableBody = byId<HTMLTableElement>('costs-table').tBodies[0]!;

const roles = new Set(['seller', 'admin']);
const defaultDays = 30;
const isoDate = /^\d{4}-\d{2}-\d{2}$/;

let me: Account | null = null;
/** Only the newest load may change the page. */
let generation = 0;

function setState(state: State): void {
  root.dataset.state = state;
  root.setAttribute('aria-busy', String(state === 'loading'));
}

// ---- who is looking -------------------------------------------------------------------------------------

function start(why?: string): void {
  me = account();
  const allowed = !!me && roles.has(me.role);
  byId('who').textContent = me ? `${me.userId} (${me.role})` : '';
  byId('sign-out').hidden = !me;
  byId('sign-in').hidden = allowed;
  view.hidden = !allowed;
  if (!allowed) {
    generation++;
    setState('signed-out');
    byId('sign-in-why').textContent = why
      ?? (me ? `You are signed in as ${me.userId} (${me.role}). What streams cost is for sellers and admins.` : 'Sellers see what their own streams cost; admins see every stream.');
    offerSignIn(config);
    return;
  }
  byId('costs-scope').textContent = me!.role === 'admin' ? 'Every seller’s streams.' : `Streams of ${me!.userId}.`;
  void load();
}

wireSignIn(() => start());

byId('sign-out').addEventListener('click', () => {
  signOut();
  start();
});

// ---- the range --------------------------------------------------------------------------------------------

function utcDate(date: Date): string {
  return date.toISOString().slice(0, 10);
}

function initialRange(): void {
  const query = new URLSearchParams(location.search);
  const today = new Date();
  const from = query.get('from');
  const to = query.get('to');
  toInput.value = to && isoDate.test(to) ? to : utcDate(today);
  fromInput.value = from && isoDate.test(from) ? from : utcDate(new Date(today.getTime() - (defaultDays - 1) * 86_400_000));
}

range.addEventListener('submit', event => {
  event.preventDefault();
  const query = new URLSearchParams();
  if (fromInput.value) {
    query.set('from', fromInput.value);
  }
  if (toInput.value) {
    query.set('to', toInput.value);
  }
  history.replaceState(null, '', `${location.pathname}?${query.toString()}`);
  void load();
});

// ---- loading ----------------------------------------------------------------------------------------------

async function load(): Promise<void> {
  const mine = ++generation;
  const token = me!.accessToken;
  const query = new URLSearchParams();
  if (fromInput.value) {
    query.set('from', fromInput.value);
  }
  if (toInput.value) {
    query.set('to', toInput.value);
  }
  const suffix = query.toString() ? `?${query.toString()}` : '';
  setState('loading');
  byId<HTMLButtonElement>('costs-apply').disabled = true;
  try {
    const [summary, daily] = await Promise.all([
      api<CostSummary>('GET', `/api/costs/summary${suffix}`, { token }),
      api<CostDaily>('GET', `/api/costs/daily${suffix}`, { token }),
    ]);
    if (mine !== generation) {
      return;
    }
    message.hidden = true;
    message.textContent = '';
    renderSummary(summary);
    renderTable(daily.days);
    // Shown first: the chart takes the width it is given.
    results.hidden = false;
    renderChart(daily);
    setState('ready');
  } catch (error) {
    if (mine !== generation) {
      return;
    }
    if (error instanceof ApiError && error.status === 401) {
      signOut();
      start('Your sign-in has expired. Sign in again as a seller or admin.');
      return;
    }
    if (error instanceof ApiError && error.status === 403) {
      signOut();
      start('That account may not see costs. Sign in as a seller or admin.');
      return;
    }
    message.textContent = error instanceof ApiError && error.transient && Object.keys(error.errors).length === 0
      ? `Can't load the costs right now (${error.message}). Try again in a moment.`
      : problemText(error);
    message.hidden = false;
    results.hidden = true;
    setState('error');
  } finally {
    if (mine === generation) {
      byId<HTMLButtonElement>('costs-apply').disabled = false;
    }
  }
}

// ---- the summary ------------------------------------------------------------------------------------------

function tile(id: string, text: string, attribute: 'data-amount' | 'data-value', value: number | null): void {
  const element = byId(id);
  element.textContent = text;
  const rawValue = raw(value);
  if (rawValue === null) {
    element.removeAttribute(attribute);
  } else {
    element.setAttribute(attribute, rawValue);
  }
}

function renderSummary(summary: CostSummary): void {
  tile('summary-total', money(summary.total), 'data-amount', summary.total);
  tile('summary-agora-only', money(summary.agoraOnlyEquivalent), 'data-amount', summary.agoraOnlyEquivalent);
  tile('summary-savings', percentText(summary.savingsPercent), 'data-value', summary.savingsPercent);
  tile('summary-per-1000-viewer-hours', money(summary.costPer1000ViewerHours), 'data-amount', summary.costPer1000ViewerHours);
  tile('summary-sessions-hybrid', countText(summary.sessionsByMode.hybrid), 'data-value', summary.sessionsByMode.hybrid);
  tile('summary-sessions-agora-only', countText(summary.sessionsByMode.agoraOnly), 'data-value', summary.sessionsByMode.agoraOnly);
  const parts = [
    `${dayText(summary.from, true)} – ${dayText(summary.to, true)} (UTC)`,
    `${countText(summary.sessions)} ${summary.sessions === 1 ? 'session' : 'sessions'}`,
    `${countText(Math.round(summary.viewerMinutes))} viewer-minutes`,
  ];
  if (summary.provisionalSessions > 0) {
    parts.push(`${countText(summary.provisionalSessions)} provisional`);
  }
  byId('summary-note').textContent = parts.join(' · ');
}

/** "Dec 2" (or "Dec 2, 2026") of a yyyy-MM-dd day, in UTC. */
function dayText(date: string, withYear = false): string {
  const at = new Date(`${date}T00:00:00Z`);
  return Number.isNaN(at.getTime())
    ? date
    : at.toLocaleDateString('en-US', { month: 'short', day: 'numeric', timeZone: 'UTC', ...(withYear ? { year: 'numeric' } : {}) });
}

// ---- the chart --------------------------------------------------------------------------------------------

const height = 280;
const margin = { top: 36, right: 12, bottom: 44, left: 64 };

/** A round step for about `ticks` gridlines up to `max`: 1, 2, 2.5 or 5 times a power of ten. */
function niceStep(max: number, ticks: number): number {
  const rough = max / ticks;
  const power = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 2.5, 5, 10].map(factor => factor * power).find(candidate => candidate >= rough);
  return step ?? 10 * power;
}

function axisMoney(value: number, step: number): string {
  const digits = step >= 1 ? 0 : step >= 0.01 ? 2 : Math.min(6, Math.ceil(-Math.log10(step)));
  return new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD', minimumFractionDigits: digits, maximumFractionDigits: digits }).format(value);
}

/** The days the chart shows, to draw them again at a new width. */
let charted: CostDaily | null = null;

function renderChart(daily: CostDaily): void {
  charted = daily;
  const days = daily.days;
  const count = Math.max(days.length, 1);
  // Drawn at the width it has, so its text stays 12 px on a phone too; a range too long for that width
  // keeps 6 px per day and scrolls sideways.
  const available = Math.floor(chart.parentElement?.clientWidth ?? 0) || 720;
  const width = Math.max(available, margin.left + margin.right + count * 6);
  chart.setAttribute('viewBox', `0 0 ${width} ${height}`);
  chart.setAttribute('width', String(width));
  chart.setAttribute('height', String(height));

  const plotWidth = width - margin.left - margin.right;
  const plotHeight = height - margin.top - margin.bottom;
  const largest = Math.max(0, ...days.flatMap(day => [day.total, day.agoraOnlyEquivalent]));
  const step = largest > 0 ? niceStep(largest, 4) : 0.25;
  const top = Math.max(step, Math.ceil(largest / step - 1e-9) * step);
  const y = (amount: number): number => margin.top + plotHeight - (amount / top) * plotHeight;
  const group = plotWidth / count;
  const bar = Math.max(1, Math.min(18, group * 0.38));

  const grid = svg('g', { class: 'chart-grid' });
  const steps = Math.round(top / step);
  for (let index = 0; index <= steps; index++) {
    const tick = index * step;
    const at = y(tick);
    grid.append(
      svg('line', { x1: margin.left, x2: width - margin.right, y1: at, y2: at }),
      svg('text', { x: margin.left - 6, y: at, dy: '0.32em', 'text-anchor': 'end', class: 'chart-label' }, axisMoney(tick, step)));
  }

  const labelEvery = Math.max(1, Math.ceil(count / Math.floor(plotWidth / 64)));
  const bars = svg('g', { class: 'chart-bars' });
  const labels = svg('g', { class: 'chart-x' });
  days.forEach((day, index) => {
    const center = margin.left + group * (index + 0.5);
    bars.append(
      barFor(day, 'actual', day.total, center - bar - 1, bar, y),
      barFor(day, 'agora-only', day.agoraOnlyEquivalent, center + 1, bar, y));
    if (index % labelEvery === 0) {
      labels.append(svg('text', { x: center, y: height - margin.bottom + 16, 'text-anchor': 'middle', class: 'chart-label' }, dayText(day.date)));
    }
  });

  const legend = svg('g', { class: 'chart-legend' },
    svg('rect', { x: margin.left, y: 10, width: 12, height: 12, class: 'bar-actual' }),
    svg('text', { x: margin.left + 18, y: 16, dy: '0.32em', class: 'chart-label' }, 'Actual cost'),
    svg('rect', { x: margin.left + 104, y: 10, width: 12, height: 12, class: 'bar-agora-only' }),
    svg('text', { x: margin.left + 122, y: 16, dy: '0.32em', class: 'chart-label' }, 'Agora-only equivalent'));

  const axes = svg('g', { class: 'chart-axes' },
    svg('line', { x1: margin.left, x2: width - margin.right, y1: y(0), y2: y(0) }),
    svg('text', { x: margin.left + plotWidth / 2, y: height - 6, 'text-anchor': 'middle', class: 'chart-title' }, 'Day (UTC)'),
    svg('text', { x: margin.left - 6, y: margin.top - 14, 'text-anchor': 'end', class: 'chart-title' }, 'USD'));

  show(chart, grid, bars, labels, axes, legend);

  const sum = (pick: (day: CostDay) => number): number => days.reduce((total, day) => total + pick(day), 0);
  const busiest = days.reduce<CostDay | null>((best, day) => (best === null || day.total > best.total ? day : best), null);
  chart.setAttribute('aria-label', days.length === 0
    ? 'Daily costs: no days in this range.'
    : `Daily costs from ${dayText(daily.from, true)} to ${dayText(daily.to, true)}: actual ${money(sum(day => day.total))} in all, `
      + `against ${money(sum(day => day.agoraOnlyEquivalent))} on Agora alone`
      + (busiest && busiest.total > 0 ? `; the most on ${dayText(busiest.date)}, ${money(busiest.total)}.` : '.'));
}

let resizeTimer: ReturnType<typeof setTimeout> | undefined;
window.addEventListener('resize', () => {
  clearTimeout(resizeTimer);
  resizeTimer = setTimeout(() => {
    if (charted && !results.hidden) {
      renderChart(charted);
    }
  }, 150);
});

function barFor(day: CostDay, series: 'actual' | 'agora-only', amount: number, x: number, width: number, y: (amount: number) => number): SVGRectElement {
  const base = y(0);
  // Anything above zero stays visible, however small next to the largest day.
  const barHeight = amount > 0 ? Math.max(1, base - y(amount)) : 0;
  return svg('rect', {
    x: x.toFixed(2),
    y: (base - barHeight).toFixed(2),
    width: width.toFixed(2),
    height: barHeight.toFixed(2),
    class: series === 'actual' ? 'bar-actual' : 'bar-agora-only',
    'data-date': day.date,
    'data-series': series,
    'data-amount': String(amount),
  }, svg('title', {}, `${dayText(day.date, true)}: ${series === 'actual' ? 'actual cost' : 'Agora-only equivalent'} ${money(amount)}`));
}

// ---- the table --------------------------------------------------------------------------------------------

function renderTable(days: CostDay[]): void {
  // The year only when the range spans more than one.
  const withYear = days.length > 0 && days[0]!.date.slice(0, 4) !== days[days.length - 1]!.date.slice(0, 4);
  show(tableBody, ...(days.length === 0
    ? [h('tr', {}, h('td', { colspan: 5, class: 'muted' }, 'No days in this range.'))]
    : days.map(day => h('tr', { 'data-date': day.date },
        h('th', { scope: 'row' }, dayText(day.date, withYear)),
        h('td', { 'data-field': 'sessions', 'data-value': String(day.sessions) }, countText(day.sessions)),
        h('td', { 'data-field': 'total', 'data-amount': String(day.total) }, money(day.total)),
        h('td', { 'data-field': 'agoraOnlyEquivalent', 'data-amount': String(day.agoraOnlyEquivalent) }, money(day.agoraOnlyEquivalent)),
        h('td', { 'data-field': 'savingsPercent', 'data-value': raw(day.savingsPercent) }, percentText(day.savingsPercent))))));
}

initialRange();
start();
