// The Agora Web SDK (agora-rtc-sdk-ng 4.24.8, from npm), imported only when a session is agora-only
// (the watch page) or a seller publishes from the studio without the local emulator: it is ~1.5 MB, and
// a hybrid session's buyers never need it.

import type { IAgoraRTC, IAgoraRTCClient, IAgoraRTCRemoteUser, ICameraVideoTrack, IMicrophoneAudioTrack } from 'agora-rtc-sdk-ng';
import type { RtcToken } from './api';

let sdk: Promise<IAgoraRTC> | null = null;

export function loadAgora(): Promise<IAgoraRTC> {
  sdk ??= import('agora-rtc-sdk-ng').then(module => {
    const AgoraRTC = module.default;
    AgoraRTC.setLogLevel(3); // warnings and errors only
    AgoraRTC.disableLogUpload();
    return AgoraRTC;
  });
  return sdk;
}

/**
 * Agora's interactive-live audience level (AUDIENCE_LEVEL_ULTRA_LOW_LATENCY): the latency the cost model
 * prices by default for agora-only viewers ("interactive" audience). Level 1 would be broadcast streaming.
 */
export const InteractiveAudienceLevel = 2;

export interface AudienceEvents {
  /** The connection dropped, or the seller's media went away; the SDK reconnects by itself. */
  trouble(): void;
  /** Media is playing. */
  playing(): void;
  /** The browser blocked audio until the buyer interacts with the page (any click resumes it). */
  soundBlocked(): void;
}

/**
 * A buyer in an agora-only session: joins as audience with a subscriber token and plays whatever the
 * seller publishes. Subscriber uids are ephemeral (a new one with every token), so a token near its end
 * is replaced by leaving and joining again with a new token rather than by renewToken.
 */
export class AgoraAudience {
  private client: IAgoraRTCClient | null = null;
  private left = false;
  private rejoining = false;

  /** Whether media from the seller is arriving now. */
  receiving = false;

  constructor(private readonly container: HTMLElement, private readonly events: AudienceEvents, private readonly newToken: () => Promise<RtcToken>) {}

  async join(token: RtcToken): Promise<void> {
    const AgoraRTC = await loadAgora();
    if (this.left) {
      return;
    }
    AgoraRTC.onAutoplayFailed = () => this.events.soundBlocked();
    const client = AgoraRTC.createClient({ mode: 'live', codec: 'vp8' });
    this.client = client;
    await client.setClientRole('audience', { level: InteractiveAudienceLevel });
    client.on('user-published', (user: IAgoraRTCRemoteUser, mediaType: 'audio' | 'video' | 'datachannel') => {
      if (mediaType !== 'datachannel') {
        void this.subscribe(client, user, mediaType);
      }
    });
    const lost = () => {
      this.receiving = false;
      this.events.trouble();
    };
    client.on('user-unpublished', lost);
    client.on('user-left', lost);
    client.on('connection-state-change', (current: string) => {
      if (current === 'RECONNECTING' || current === 'DISCONNECTED') {
        lost();
      }
    });
    const replace = () => void this.rejoin();
    client.on('token-privilege-will-expire', replace);
    client.on('token-privilege-did-expire', replace);
    await client.join(token.appId, token.channelName, token.token, token.uid);
    if (this.left) {
      await client.leave().catch(() => undefined);
    }
  }

  private async subscribe(client: IAgoraRTCClient, user: IAgoraRTCRemoteUser, mediaType: 'audio' | 'video'): Promise<void> {
    try {
      await client.subscribe(user, mediaType);
      if (mediaType === 'video') {
        user.videoTrack?.play(this.container, { fit: 'contain' });
      } else {
        user.audioTrack?.play();
      }
      this.receiving = true;
      this.events.playing();
    } catch {
      this.events.trouble();
    }
  }

  private async rejoin(): Promise<void> {
    if (this.rejoining || this.left) {
      return;
    }
    this.rejoining = true;
    try {
      const token = await this.newToken();
      const old = this.client;
      this.client = null;
      this.receiving = false;
      await old?.leave().catch(() => undefined);
      await this.join(token);
    } catch {
      this.events.trouble();
    } finally {
      this.rejoining = false;
    }
  }

  async leave(): Promise<void> {
    this.left = true;
    this.receiving = false;
    const client = this.client;
    this.client = null;
    await client?.leave().catch(() => undefined);
  }
}

/** A seller publishing camera and microphone (production; locally the emulator's synthetic stream stands in). */
export class AgoraPublisher {
  private client: IAgoraRTCClient | null = null;
  private tracks: [IMicrophoneAudioTrack, ICameraVideoTrack] | null = null;

  private stopped = false;

  /** renew: a new publisher token (the seller's uid is stable, so renewToken works). */
  async publish(token: RtcToken, preview: HTMLElement, renew: () => Promise<RtcToken>): Promise<void> {
    const AgoraRTC = await loadAgora();
    const client = AgoraRTC.createClient({ mode: 'live', codec: 'vp8' });
    this.client = client;
    await client.setClientRole('host');
    client.on('token-privilege-will-expire', async () => {
      await client.renewToken((await renew()).token).catch(() => undefined);
    });
    await client.join(token.appId, token.channelName, token.token, token.uid);
    const tracks = await AgoraRTC.createMicrophoneAndCameraTracks(undefined, { encoderConfig: '720p_2' });
    if (this.stopped) {
      // Stopped while the browser asked for the camera: release it at once.
      tracks.forEach(track => track.close());
      return;
    }
    this.tracks = tracks;
    tracks[1].play(preview);
    await client.publish(tracks);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const track of this.tracks ?? []) {
      track.close();
    }
    this.tracks = null;
    await this.client?.leave().catch(() => undefined);
    this.client = null;
  }
}
