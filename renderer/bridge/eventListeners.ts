/**
 * The event-listener table every `EchoBridge` transport shares (WebSocket, worker port).
 *
 * Invariants:
 * - `on` accepts only contract event channels (`EchoRemoteError(UnknownChannel)` otherwise) and
 *   returns an unsubscribe function.
 * - `dispatch` calls the channel's listeners in subscription order over a snapshot of the set, so
 *   a listener may unsubscribe itself; a throwing listener is logged and never stops the others.
 */
import { EchoRemoteError, EVENT_CHANNELS, type EchoEvents, type EventChannel } from '../../engine/contract/ipc';

const EVENTS: ReadonlySet<string> = new Set<string>(EVENT_CHANNELS);

export interface EventListeners {
  on<K extends EventChannel>(channel: K, listener: (payload: EchoEvents[K]) => void): () => void;
  dispatch(channel: string, payload: unknown): void;
}

export function createEventListeners(): EventListeners {
  const listeners = new Map<string, Set<(payload: unknown) => void>>();
  return {
    on(channel, listener) {
      if (typeof channel !== 'string' || !EVENTS.has(channel)) throw new EchoRemoteError('UnknownChannel', `not an event channel: ${String(channel).slice(0, 60)}`);
      const set = listeners.get(channel) ?? new Set();
      listeners.set(channel, set);
      const l = listener as (payload: unknown) => void;
      set.add(l);
      return () => {
        set.delete(l);
      };
    },
    dispatch(channel, payload) {
      for (const l of Array.from(listeners.get(channel) ?? [])) {
        try {
          l(payload);
        } catch (e) {
          console.error(`echo bridge: a ${channel} listener threw`, e);
        }
      }
    },
  };
}
