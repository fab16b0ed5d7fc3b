// The pages' error boundary. An error our own code did not handle must not leave a page that silently
// stopped: it shows a plain message with a reload. Errors inside the SDKs' own chunks (hls.js and the
// Agora SDK handle and report theirs through events) and in browser extensions are left alone.
import { h } from './dom';

const ours = /\/assets\/(index|watch|studio|costs)\.js|\/assets\/chunks\/chunk-[^/]+\.js/;

function report(): void {
  if (document.getElementById('page-error')) {
    return;
  }
  document.body.prepend(h('div', { id: 'page-error', class: 'page-error', role: 'alert' },
    'Something went wrong on this page. ',
    h('button', { type: 'button', onclick: () => location.reload() }, 'Reload')));
}

window.addEventListener('error', event => {
  if (ours.test(event.filename ?? '')) {
    report();
  }
});

window.addEventListener('unhandledrejection', event => {
  const reason: unknown = event.reason;
  if (reason instanceof Error && ours.test(reason.stack ?? '')) {
    report();
  }
});
