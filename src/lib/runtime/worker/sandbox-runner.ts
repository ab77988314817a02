/**
 * The only script of the sandbox iframe (`sandbox="allow-scripts"`, so an opaque origin: no access to
 * the app's storage, cookies or DOM). It is inlined into the iframe's HTML and allowed by its hash in
 * the iframe's own CSP. It turns the worker source the page posts into a Blob-URL worker (an opaque
 * origin cannot start a worker from a URL) and hands the worker the page's port; from then on the
 * page and the worker talk directly.
 */
import type { ReadyMessage, StartFailedMessage, StartMessage } from './protocol.ts';

let started = false;

addEventListener('message', (event: MessageEvent<StartMessage>) => {
  if (event.source !== parent || started || event.data?.type !== 'lab-sandbox-start') return;
  const port = event.ports[0];
  if (!port) return;
  started = true;
  try {
    const url = URL.createObjectURL(new Blob([event.data.source], { type: 'text/javascript' }));
    const worker = new Worker(url, { name: 'lab-sandbox' });
    worker.addEventListener('error', (e) => {
      const failed: StartFailedMessage = { type: 'start-failed', message: e.message || 'the sandbox worker failed to start' };
      port.postMessage(failed);
    });
    worker.postMessage({ type: 'port' }, [port]);
  } catch (error) {
    const failed: StartFailedMessage = { type: 'start-failed', message: error instanceof Error ? error.message : String(error) };
    port.postMessage(failed);
  }
});

const ready: ReadyMessage = { type: 'lab-sandbox-ready' };
parent.postMessage(ready, '*');
