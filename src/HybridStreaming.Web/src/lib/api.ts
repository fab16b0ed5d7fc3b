// The gateway's API as the pages use it: JSON in and out, errors as RFC 9457 problem details.

export type SessionState = 'starting' | 'live' | 'stopping' | 'ended' | 'failed';
export type StreamMode = 'hybrid' | 'agora-only';

export interface ViewerCounts { current: number; peak: number }

export interface ChannelLive {
  sessionId: string;
  state: SessionState;
  mode: StreamMode | null;
  viewers: number | null;
}

export interface Channel {
  id: string;
  title: string;
  description: string;
  sellerId: string;
  agoraChannelName: string;
  createdAt: string;
  updatedAt: string;
  live?: ChannelLive | null;
}

export interface Component { state: string; detail: string | null; minutes: number | null }

export interface ChannelStatus {
  channelId: string;
  isActive: boolean;
  sessionId: string | null;
  state: SessionState | null;
  mode: StreamMode | null;
  hlsPlaybackUrl: string | null;
  recording: Component | null;
  relay: Component | null;
  startedAt: string | null;
  liveAt: string | null;
  endedAt: string | null;
  reason: string | null;
  viewers: ViewerCounts | null;
}

export interface Playback { sessionId: string; mode: StreamMode; hlsUrl: string | null; appId: string | null; channelName: string | null }

export interface Heartbeat {
  sessionId: string | null;
  state: SessionState;
  mode: StreamMode | null;
  hlsUrl: string | null;
  viewers: ViewerCounts | null;
  counted: boolean;
  nextBeatSeconds: number;
}

export interface RtcToken { appId: string; channelName: string; uid: number; token: string; expiresAt: string; role: string }

export interface TokenGrant { accessToken: string; expiresAt: string; viewerId?: string }

/** An answer other than 2xx, or no answer at all (status 0). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly errors: Record<string, string[]> = {},
    readonly retryAfterSeconds: number | null = null,
  ) {
    super(message);
  }

  /** The network failed, the gateway is overloaded, or a service behind it is down: worth retrying. */
  get transient(): boolean {
    return this.status === 0 || this.status === 429 || this.status >= 500;
  }
}

interface Problem { title?: string; detail?: string; errors?: Record<string, string[]> }

export async function api<T>(method: string, path: string, options: { token?: string | null; body?: unknown; signal?: AbortSignal } = {}): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (options.token) {
    headers.authorization = `Bearer ${options.token}`;
  }
  if (options.body !== undefined) {
    headers['content-type'] = 'application/json';
  }
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      headers,
      body: options.body === undefined ? null : JSON.stringify(options.body),
      signal: options.signal ?? null,
      cache: 'no-store',
    });
  } catch (error) {
    if (error instanceof DOMException && error.name === 'AbortError') {
      throw error;
    }
    throw new ApiError(0, "Can't reach the server.");
  }
  if (response.status === 204) {
    return undefined as T;
  }
  const text = await response.text();
  const json = text ? safeParse(text) : null;
  if (!response.ok) {
    const problem = (json ?? {}) as Problem;
    const retryAfter = Number(response.headers.get('retry-after'));
    throw new ApiError(
      response.status,
      problem.detail ?? problem.title ?? `${response.status} ${response.statusText}`,
      problem.errors ?? {},
      Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : null);
  }
  return json as T;
}

function safeParse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

/** The channel id in /watch/{id}, or null. */
export function channelIdFromPath(pathname: string): string | null {
  const match = /^\/watch\/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\/?$/i.exec(pathname);
  return match ? match[1]!.toLowerCase() : null;
}
