// Signing in with an account, for the pages that need one (the studio, the costs page). Both pages carry
// the same two forms: #dev-sign-in (Development: pick a user id and a role, and the gateway's development
// endpoint signs the token) and #token-sign-in (elsewhere: paste an access token from the identity
// provider). The account is kept in localStorage (lib/identity), so one sign-in serves every page.
import { api, type TokenGrant } from './api';
import type { PageConfig } from './config';
import { byId } from './dom';
import { fieldErrors } from './forms';
import { signIn } from './identity';

/** Wires both forms; `signedIn` runs after either one has kept the account. */
export function wireSignIn(signedIn: () => void): void {
  byId<HTMLFormElement>('dev-sign-in').addEventListener('submit', async event => {
    event.preventDefault();
    const form = event.currentTarget as HTMLFormElement;
    const data = new FormData(form);
    const userId = String(data.get('userId') ?? '').trim();
    const role = String(data.get('role') ?? 'seller');
    try {
      const grant = await api<TokenGrant>('POST', '/api/dev/token', { body: { userId, role } });
      fieldErrors(form, null);
      signIn({ accessToken: grant.accessToken, expiresAt: grant.expiresAt, userId, role });
      signedIn();
    } catch (error) {
      if (!fieldErrors(form, error)) {
        form.querySelector<HTMLElement>('.field-error[data-for="userId"]')!.textContent = error instanceof Error ? error.message : String(error);
      }
    }
  });

  byId<HTMLFormElement>('token-sign-in').addEventListener('submit', event => {
    event.preventDefault();
    const form = event.currentTarget as HTMLFormElement;
    const token = String(new FormData(form).get('token') ?? '').trim();
    const claims = decodeClaims(token);
    const slot = form.querySelector<HTMLElement>('.field-error[data-for="token"]')!;
    if (!claims?.sub || !claims.exp) {
      slot.textContent = 'That is not an access token (a JWT with sub and exp).';
      return;
    }
    slot.textContent = '';
    // The gateway verifies the token on every call; this only reads who it names.
    signIn({ accessToken: token, expiresAt: new Date(claims.exp * 1000).toISOString(), userId: claims.sub, role: String(claims.role ?? '') });
    signedIn();
  });
}

/** Shows the form this deployment offers (the development picker, or the token field) and focuses it. */
export function offerSignIn(config: PageConfig): void {
  byId('dev-sign-in').hidden = !config.devSignIn;
  byId('token-sign-in').hidden = config.devSignIn;
  (config.devSignIn ? byId<HTMLInputElement>('dev-user') : byId<HTMLTextAreaElement>('token-input')).focus();
}

function decodeClaims(token: string): { sub?: string; exp?: number; role?: unknown } | null {
  try {
    const payload = token.split('.')[1]!.replace(/-/g, '+').replace(/_/g, '/');
    return JSON.parse(atob(payload)) as { sub?: string; exp?: number; role?: unknown };
  } catch {
    return null;
  }
}
