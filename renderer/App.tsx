/** The Studio window: top bar, timeline | canvas | inspector, scrubber; merge dialog, long operations and toasts float. */
import { useEffect } from 'react';
import type { EchoController } from './state/bridge';
import { useEcho } from './state/hooks';
import { ControllerContext } from './components/context';
import { TopBar } from './components/TopBar';
import { TimelinePanel } from './components/TimelinePanel';
import { GraphCanvas } from './components/GraphCanvas';
import { Inspector } from './components/Inspector';
import { Scrubber } from './components/Scrubber';
import { MergeDialog } from './components/MergeDialog';
import { Toasts } from './components/Toasts';
import { OpsBar } from './components/OpsBar';
import { useKeyboard } from './components/useKeyboard';

function Shell({ controller }: { controller: EchoController }) {
  useKeyboard(controller);
  const theme = useEcho((s) => s.ui.theme);
  const loaded = useEcho((s) => s.graph.loaded);
  useEffect(() => {
    document.documentElement.dataset['theme'] = theme;
  }, [theme]);
  return (
    <div className="app" data-testid="app-shell" data-loaded={String(loaded)}>
      <TopBar />
      <TimelinePanel />
      <GraphCanvas />
      <Inspector />
      <Scrubber />
      <MergeDialog />
      <OpsBar />
      <Toasts />
    </div>
  );
}

export function App({ controller }: { controller: EchoController }) {
  return (
    <ControllerContext.Provider value={controller}>
      <Shell controller={controller} />
    </ControllerContext.Provider>
  );
}
