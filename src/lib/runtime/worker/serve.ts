/**
 * The worker side of the port protocol, shared by the simulation worker and the grader's worker:
 * wait for the port the sandbox iframe hands over, answer each request on it (a thrown error becomes
 * an `ok: false` answer), and say when ready.
 */
import type { PortMessage, WorkerRequest, WorkerResponse } from './protocol.ts';

interface WorkerScope {
  addEventListener(type: 'message', listener: (event: MessageEvent<{ type: string }>) => void): void;
}

export function serveRequests(handle: (request: WorkerRequest) => WorkerResponse | Promise<WorkerResponse>): void {
  (self as unknown as WorkerScope).addEventListener('message', (event) => {
    if (event.data?.type !== 'port') return;
    const port = event.ports[0];
    if (!port) return;
    port.onmessage = (message: MessageEvent<WorkerRequest>) => {
      const request = message.data;
      const failed = (error: unknown): WorkerResponse => ({ id: request.id, ok: false, error: error instanceof Error ? error.message : String(error) });
      let answer: WorkerResponse | Promise<WorkerResponse>;
      try {
        answer = handle(request);
      } catch (error) {
        answer = failed(error);
      }
      void Promise.resolve(answer)
        .catch(failed)
        .then((response) => {
          try {
            port.postMessage(response satisfies PortMessage);
          } catch (error) {
            // An answer the structured clone cannot copy: say so rather than leave the page waiting.
            port.postMessage(failed(new Error(`could not send the answer: ${String(error)}`)) satisfies PortMessage);
          }
        });
    };
    port.postMessage({ type: 'worker-ready' } satisfies PortMessage);
  });
}
