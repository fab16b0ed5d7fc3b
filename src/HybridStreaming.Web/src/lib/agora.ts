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
  /** The connection dropped and the SDK is reconnecting by itself. */
  reconnecting(): void;
  /** Media is playing. */
  playing(): void;
}

/** A buyer in an agora-only session: joins as audience with a subscriber token, plays whatever the seller publishes. */
export class AgoraAudience {
  private client: IAgoraRTCClient | null = null;
  private left = false;

  constructor(private readonly container: HTMLElement, private readonly events: AudienceEvents, private readonly renew: () => Promise<RtcToken>) {}

  async join(token: RtcToken): Promise<void> {
    const AgoraRTC = await loadAgora();
    if (this.left) {
      return;
    }
    const client = AgoraRTC.createClient({ mode: 'live', codec: 'vp8' });
    this.client = client;
    await client.setClientRole('audience', { level: InteractiveAudienceLevel });
    client.on('user-published', async (user: IAgoraRTCRemoteUser, mediaType: 'audio' | 'video' | 'datachannel') => {
      if (mediaType === 'datachannel') {
        return;
      }
      await client.subscribe(user, mediaType);
      if (mediaType === 'video') {
        user.videoTrack?.play(this.container, { fit: 'contain' });
        this.events.playing();
      } else {
        user.audioTrack?.play();
        this.events.playing();
      }
    });
    client.on('connection-state-change', (current: string) => {
      if (current === 'RECONNECTING') {
        this.events.reconnecting();
      }
    });
    client.on('token-privilege-will-expire', async () => {
      const next = await this.renew();
      await client.renewToken(next.token);
    });
    await client.join(token.appId, token.channelName, token.token, token.uid);
  }

  async leave(): Promise<void> {
    this.left = true;
    const client = this.client;
    this.client = null;
    await client?.leave().catch(() => undefined);
  }
}

/** A seller publishing camera and microphone (production; locally the emulator's synthetic stream stands in). */
export class AgoraPublisher {
  private client: IAgoraRTCClient | null = null;
  private tracks: [IMicrophoneAudioTrack, ICameraVideoTrack] | null = null;

  async publish(token: RtcToken, preview: HTMLElement): Promise<void> {
    const AgoraRTC = await loadAgora();
    const client = AgoraRTC.createClient({ mode: 'live', codec: 'vp8' });
    await client.setClientRole('host');
    await client.join(token.appId, token.channelName, token.token, token.uid);
    this.client = client;
    this.tracks = await AgoraRTC.createMicrophoneAndCameraTracks(undefined, { encoderConfig: '720p_2' });
    this.tracks[1].play(preview);
    await client.publish(this.tracks);
  }

  async stop(): Promise<void> {
    for (const track of this.tracks ?? []) {
      track.close();
    }
    this.tracks = null;
    await this.client?.leave().catch(() => undefined);
    this.client = null;
  }
}
