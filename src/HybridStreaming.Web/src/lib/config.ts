// What the gateway tells the pages about this deployment, in <script type="application/json" id="hs-config">
// (data, never executed; the gateway writes it when it starts).

export interface PageConfig {
  /** Origin of HLS playback (Cloudflare Stream), or null when only a wildcard is known. */
  playbackOrigin: string | null;
  /** Development: the studio may sign in with the gateway's development tokens. */
  devSignIn: boolean;
  /** How the studio's seller publishes: the Agora emulator's synthetic stream (Development) or the Agora Web SDK. */
  sellerMedia: 'emulator' | 'agora';
}

const fallback: PageConfig = { playbackOrigin: null, devSignIn: false, sellerMedia: 'agora' };

export function pageConfig(): PageConfig {
  const element = document.getElementById('hs-config');
  if (!element?.textContent) {
    return fallback;
  }
  try {
    return { ...fallback, ...(JSON.parse(element.textContent) as Partial<PageConfig>) };
  } catch {
    return fallback;
  }
}
