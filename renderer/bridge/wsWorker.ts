/**
 * Worker entry of the browser-mode transport (workerBridge.ts): owns the WebSocket to the engine
 * host, decodes its frames off the UI thread and serves the page through `serveBridge`.
 * The page's first message is `{ kind: 'init', url, token }`.
 */
import { createWsBridge } from './wsBridge';
import { serveBridge, type PortLike, type ToWorker } from './workerBridge';

const scope = globalThis as unknown as PortLike;
let started = false;
scope.addEventListener('message', (ev) => {
  const msg = ev.data as ToWorker;
  if (started || !msg || msg.kind !== 'init') return;
  started = true;
  serveBridge(scope, createWsBridge(msg.url, msg.token));
});
