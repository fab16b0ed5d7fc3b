// Buyers watching live channels, as the watch page (src/HybridStreaming.Web/src/watch.ts) does, for
// Artillery 2.0.34. See docs/benchmarks.md, "Viewer load (Artillery)".
//
//   npx artillery run -e smoke|load|stress --target http://127.0.0.1:8080 viewers.js
//
// Environment:
//   LOAD_CHANNELS       live channel ids, comma-separated; viewers are spread over them in turn (required)
//   LOAD_VIEWERS        the peak number of concurrent viewers; the profile's shape is scaled to it
//                       (default: the profile's own: smoke 50, load 200, stress 500)
//   LOAD_FORWARDED_FOR  1: every viewer sends an X-Forwarded-For address of its own (10.x.y.z), for a
//                       gateway that trusts the load generator as its proxy (GATEWAY_KNOWN_PROXIES),
//                       so the per-address limits see one buyer per address as in production
//   LOAD_SECONDS        the whole profile's length; every stage is stretched or shrunk alike (default: its own)
//   LOAD_LOCAL_ADDRESS  the loopback address to connect from (e.g. 127.0.0.3), so the run has a
//                       per-address allowance of its own at a gateway that trusts no proxy
//
// Each viewer takes a guest token, reads playback, then plays HLS from the Cloudflare Stream
// emulator: the playlist every #EXT-X-TARGETDURATION and each new segment, a heartbeat every
// nextBeatSeconds (10 s by default) while it plays, a status read every 5 s while nothing plays. It
// leaves when the stream ends (#EXT-X-ENDLIST, or stopping/ended in a heartbeat or status) or when
// the profile says it has watched long enough (profiles.js). Its figures (viewer.js) are api.* for the
// gateway and hls_emulator.* for the emulator's HLS: the latter measure the emulator, not the product.
'use strict';

const { phasesOf, PROFILES } = require('./profiles');

const gateway = { beforeRequest: 'gatewayRequest' };

module.exports = {
  config: {
    processor: './viewer.js',
    http: {
      // A request unanswered after 10 s is an error (ETIMEDOUT), as it would be to a buyer.
      timeout: 10,
    },
    environments: Object.fromEntries(Object.keys(PROFILES).map(name => [name, { phases: phasesOf(name) }])),
    ensure: {
      thresholds: [
        { 'api.response_time.p95': 500 },
        { 'hls_emulator.playlist.response_time.p95': 500 },
      ],
      conditions: [
        {
          // Failed requests of either kind (no answer, 4xx or 5xx) under 1 % of all requests.
          expression: '(api.errors + hls_emulator.errors + load.network_errors) / (api.requests + hls_emulator.requests + load.network_errors) < 0.01',
          strict: true,
        },
      ],
    },
  },
  scenarios: [
    {
      name: 'viewer',
      onError: ['networkError'],
      flow: [
        { function: 'beginViewer' },
        {
          loop: [
            { function: 'nextStep' },
            { post: { ...gateway, url: '/api/viewers/guest', ifTrue: 'isGuestStep', afterResponse: 'onGuest' } },
            { get: { ...gateway, url: '/api/channels/{{ channelId }}/playback', ifTrue: 'isPlaybackStep', afterResponse: 'onPlayback' } },
            { get: { beforeRequest: 'cdnRequest', url: '{{ hlsUrl }}', ifTrue: 'isPlaylistStep', afterResponse: 'onPlaylist' } },
            // The segments the playlist just listed that this viewer has not loaded yet (none on other steps).
            { loop: [{ get: { beforeRequest: 'cdnRequest', url: '{{ $loopElement }}', afterResponse: 'onSegment' } }], over: 'segments' },
            { post: { ...gateway, url: '/api/channels/{{ channelId }}/viewers/heartbeat', ifTrue: 'isHeartbeatStep', afterResponse: 'onHeartbeat' } },
            { get: { ...gateway, url: '/api/channels/{{ channelId }}/status', ifTrue: 'isStatusStep', afterResponse: 'onStatus' } },
          ],
          whileTrue: 'watching',
        },
      ],
    },
  ],
};
