// Who the page acts as. A signed-in account (the studio's sign-in, kept in localStorage) is used when
// there is one; otherwise a guest identity from the gateway: a viewer token of at most two hours and a
// viewerId the page keeps, so a renewed token (and presence, and unique-viewer counts) stays the same viewer.
import { api, type TokenGrant } from './api';

const accountKey = 'hybridstreaming.account';
const guestKey = 'hybridstreaming.guest';
/** Renew a token this long before it expires. */
const renewAheadMs = 120_000;

export interface Account { accessToken: string; expiresAt: string; userId: string; role: string }
interface Guest { accessToken: string; expiresAt: string; viewerId: string }

function read<T>(key: string): T | null {
  try {
    const text = localStorage.getItem(key);
    return text ? (JSON.parse(text) as T) : null;
  } catch {
    return null;
  }
}

function write(key: string, value: unknown): void {
  try {
    if (value === null) {
      localStorage.removeItem(key);
    } else {
      localStorage.setItem(key, JSON.stringify(value));
    }
  } catch {
    // Private mode or a full quota: the identity lives as long as the page, which is still correct.
  }
}

const fresh = (grant: { expiresAt: string } | null): boolean => grant !== null && Date.parse(grant.expiresAt) - Date.now() > renewAheadMs;

export function account(): Account | null {
  const kept = read<Account>(accountKey);
  return kept && fresh(kept) ? kept : null;
}

export function signIn(value: Account): void {
  write(accountKey, value);
}

export function signOut(): void {
  write(accountKey, null);
}

let guestInFlight: Promise<Guest> | null = null;
let guestInMemory: Guest | null = null;

/** A guest token, renewed with the kept viewerId when it is near its end. */
async function guest(): Promise<Guest> {
  const kept = guestInMemory ?? read<Guest>(guestKey);
  if (kept && fresh(kept)) {
    return kept;
  }
  guestInFlight ??= (async () => {
    try {
      const grant = await api<TokenGrant>('POST', '/api/viewers/guest', { body: kept?.viewerId ? { viewerId: kept.viewerId } : {} });
      const next: Guest = { accessToken: grant.accessToken, expiresAt: grant.expiresAt, viewerId: grant.viewerId ?? kept?.viewerId ?? '' };
      guestInMemory = next;
      write(guestKey, next);
      return next;
    } finally {
      guestInFlight = null;
    }
  })();
  return guestInFlight;
}

/** The token for viewer routes: the account's, else a guest's. */
export async function viewerToken(): Promise<string> {
  return account()?.accessToken ?? (await guest()).accessToken;
}

/** Drops a token the gateway refused (401), so the next call takes a new one. */
export function forgetToken(token: string): void {
  if (guestInMemory?.accessToken === token || read<Guest>(guestKey)?.accessToken === token) {
    const viewerId = (guestInMemory ?? read<Guest>(guestKey))?.viewerId ?? '';
    guestInMemory = { accessToken: '', expiresAt: new Date(0).toISOString(), viewerId };
    write(guestKey, guestInMemory);
  }
  if (read<Account>(accountKey)?.accessToken === token) {
    signOut();
  }
}
