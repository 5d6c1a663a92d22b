/** Inspector (right): Node/Edge, Tick, Diff and Profile tabs. */
import { useEffect } from 'react';
import { useEcho } from '../state/hooks';
import { echoStore } from '../state/store';
import type { InspectorTab } from '../state/types';
import { useController } from './context';
import { DiffTab } from './DiffTab';
import { NodeTab } from './NodeTab';
import { ProfileTab } from './ProfileTab';
import { TickTab } from './TickTab';

const TABS: { id: InspectorTab; label: string }[] = [
  { id: 'node', label: 'Node/Edge' },
  { id: 'tick', label: 'Tick' },
  { id: 'diff', label: 'Diff' },
  { id: 'profile', label: 'Profile' },
];

export function Inspector() {
  const c = useController();
  const tab = useEcho((s) => s.inspector.tab);
  const commit = useEcho((s) => s.graph.commit);
  useEffect(() => {
    if (tab === 'tick') void c.loadTickDetail();
    if (tab === 'diff') void c.loadDiff();
  }, [tab, c]);
  return (
    <aside className="inspector" data-testid="inspector">
      <nav className="tabs" role="tablist">
        {TABS.map((t) => (
          <button key={t.id} type="button" role="tab" aria-selected={tab === t.id} className={tab === t.id ? 'tab active' : 'tab'} data-testid={`tab-${t.id}`} onClick={() => echoStore.getState().inspector.setTab(t.id)}>
            {t.label}
          </button>
        ))}
      </nav>
      <div className="tab-body" data-testid={`inspector-${tab}`} data-commit={commit ?? ''}>
        {tab === 'node' && <NodeTab />}
        {tab === 'tick' && <TickTab />}
        {tab === 'diff' && <DiffTab />}
        {tab === 'profile' && <ProfileTab />}
      </div>
    </aside>
  );
}
