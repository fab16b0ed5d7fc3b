// The Cost API as the pages read it (through the gateway's /api/costs/**, for account holders), and how
// its figures are shown. Amounts come unrounded, in USD; pages show them rounded to cents and keep the
// raw number in a data attribute (data-amount, data-percent, data-value), for people and tests alike.

import type { StreamMode } from './api';

export interface CostItem { name: string; provider: string; quantity: number; unitPricePer1000: number; amount: number }
export interface CostBreakdown { total: number; items: CostItem[] }

export interface CostEstimate {
  hybrid: CostBreakdown;
  agoraOnly: CostBreakdown;
  savingsPercent: number | null;
  breakEvenViewers: number | null;
  priceTableVersion: string;
}

export type SessionCostStatus = 'collecting' | 'provisional' | 'complete';

export interface SessionCost {
  sessionId: string;
  channelId: string;
  sellerId: string;
  status: SessionCostStatus;
  mode: StreamMode;
  requestedMode: StreamMode;
  tier: string;
  audience: string;
  revision: number;
  unconfirmed: string[];
  usage: {
    sellerMinutes: number; recordingMinutes: number; relayMinutes: number;
    hlsViewerMinutes: number; agoraViewerMinutes: number; viewerMinutes: number; peakViewers: number;
  };
  actual: CostBreakdown | null;
  counterfactual: CostBreakdown | null;
  hybridTotal: number | null;
  agoraOnlyTotal: number | null;
  savingsPercent: number | null;
  breakEvenViewers: number | null;
  priceTableVersion: string | null;
  recordedAt: string | null;
}

export interface CostSummary {
  from: string;
  to: string;
  sessions: number;
  sessionsByMode: { hybrid: number; agoraOnly: number };
  total: number;
  agoraOnlyEquivalent: number;
  savingsPercent: number | null;
  viewerMinutes: number;
  costPer1000ViewerHours: number | null;
  provisionalSessions: number;
}

export interface CostDay { date: string; sessions: number; total: number; agoraOnlyEquivalent: number; savingsPercent: number | null }
export interface CostDaily { from: string; to: string; days: CostDay[] }

const usd = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD', minimumFractionDigits: 2, maximumFractionDigits: 2 });
const percent = new Intl.NumberFormat('en-US', { minimumFractionDigits: 1, maximumFractionDigits: 1 });
const count = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const minutes = new Intl.NumberFormat('en-US', { maximumFractionDigits: 1 });

/** An amount in USD rounded to cents ("$1,234.57"); "—" when there is none. */
export function money(amount: number | null | undefined): string {
  return amount === null || amount === undefined || !Number.isFinite(amount) ? '—' : usd.format(amount);
}

/** A savings percentage to one decimal, signed when negative ("74.5%", "-12.3%"); "—" when there is none. */
export function percentText(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) {
    return '—';
  }
  const text = percent.format(value);
  // -0.04 rounds to "-0.0": no sign on a zero.
  return `${text === '-0.0' ? '0.0' : text}%`;
}

/** A whole count ("1,234"). */
export function countText(value: number | null | undefined): string {
  return value === null || value === undefined ? '—' : count.format(value);
}

/** Minutes as people read them: "0.5 min", "42 min", "1 h 5 min". */
export function minutesText(value: number): string {
  if (value < 60) {
    return `${minutes.format(value)} min`;
  }
  const hours = Math.floor(value / 60);
  const rest = Math.round(value - hours * 60);
  return rest === 0 ? `${hours} h` : `${hours} h ${rest} min`;
}

/** The raw number for a data attribute, or null (no attribute) when there is none. */
export function raw(value: number | null | undefined): string | null {
  return value === null || value === undefined ? null : String(value);
}

/** Savings in words: how hybrid compares with agora-only ("would" for a session that ran agora-only). */
export function savingsWords(value: number | null, would = false): string {
  if (value === null) {
    return 'no comparison';
  }
  const verb = would ? 'would ' : '';
  return value >= 0 ? `hybrid ${verb}${would ? 'save' : 'saves'} ${percentText(value)}` : `hybrid ${verb}${would ? 'cost' : 'costs'} ${percentText(-value)} more`;
}
