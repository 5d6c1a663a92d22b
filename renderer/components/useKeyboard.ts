/**
 * Keyboard: Space play/pause, → step (or seek forward when viewing history), ← step back (seek),
 * F fork, / search, Ctrl+C copies the viewed commit hash (when no text is selected).
 */
import { useEffect } from 'react';
import type { EchoController } from '../state/bridge';
import { branchChain, chainPosition } from '../state/selectors';
import { echoStore } from '../state/store';
import { copyText } from './platform';

function typingIn(t: EventTarget | null): boolean {
  if (!(t instanceof HTMLElement)) return false;
  const tag = t.tagName;
  return tag === 'INPUT' || tag === 'TEXTAREA' || tag === 'SELECT' || t.isContentEditable;
}

export function useKeyboard(c: EchoController): void {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.altKey || e.metaKey || typingIn(e.target)) return;
      const s = echoStore.getState();
      if (s.timeline.merge) return; // the merge dialog has the keyboard
      if (e.ctrlKey) {
        if ((e.key === 'c' || e.key === 'C') && !window.getSelection()?.toString() && s.graph.commit) {
          e.preventDefault();
          void copyText(s.graph.commit).then((ok) => ok && s.ui.pushToast({ level: 'info', code: 'Copied', message: `copied commit ${s.graph.commit}` }));
        }
        return;
      }
      switch (e.key) {
        case ' ':
          e.preventDefault();
          void c.togglePlay();
          break;
        case 'ArrowRight': {
          e.preventDefault();
          if (s.graph.live) void c.step(1);
          else {
            const at = chainPosition(branchChain(s.timeline.dto), s.graph.commit);
            void c.seekTick(s.graph.commit === null ? 1 : at + 1);
          }
          break;
        }
        case 'ArrowLeft':
          e.preventDefault();
          void c.stepBack();
          break;
        case 'f':
        case 'F':
          e.preventDefault();
          void c.fork();
          break;
        case '/':
          e.preventDefault();
          s.ui.focusSearch();
          break;
        case 'Escape':
          s.selection.clear();
          break;
      }
    };
    // A focused button would also "click" on Space's keyup: the shortcut already handled it.
    const onKeyUp = (e: KeyboardEvent) => {
      if (e.key === ' ' && e.target instanceof HTMLButtonElement) e.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    window.addEventListener('keyup', onKeyUp);
    return () => {
      window.removeEventListener('keydown', onKey);
      window.removeEventListener('keyup', onKeyUp);
    };
  }, [c]);
}
