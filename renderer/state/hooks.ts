/** React binding of the store: `useEcho(selector)` reads a narrow slice and re-renders on change. */
import { useStore } from 'zustand';
import { useShallow } from 'zustand/react/shallow';
import { echoStore } from './store';
import type { EchoState } from './types';

/** Reads `selector(state)` from the app store; select the smallest value you need. */
export function useEcho<T>(selector: (s: EchoState) => T): T {
  return useStore(echoStore, selector);
}

/** Like `useEcho` for derived arrays/objects: shallow-compared, so a new-but-equal list does not re-render. */
export function useEchoShallow<T>(selector: (s: EchoState) => T): T {
  return useStore(echoStore, useShallow(selector));
}
