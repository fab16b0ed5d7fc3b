// Placeholder until the real page lands: loads the player chunk as the page will.
void import('hls.js').then(({ default: Hls }) => console.log('watch', Hls.isSupported()));
