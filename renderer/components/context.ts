/** The controller (renderer/state/bridge.ts) reaches components through context. */
import { createContext, useContext } from 'react';
import type { EchoController } from '../state/bridge';

export const ControllerContext = createContext<EchoController | null>(null);

export function useController(): EchoController {
  const c = useContext(ControllerContext);
  if (!c) throw new Error('useController: no ControllerContext provider');
  return c;
}
