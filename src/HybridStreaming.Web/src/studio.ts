// Placeholder until the real page lands: loads the Agora Web SDK chunk as the page will.
void import('agora-rtc-sdk-ng').then(({ default: AgoraRTC }) => console.log('studio', AgoraRTC.VERSION));
