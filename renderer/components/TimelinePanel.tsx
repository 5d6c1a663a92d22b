/**
 * Timeline (left): the branch tree with fork points and merge commits; fork here, switch,
 * replay-verify, compare (first divergence) and merge (opens the conflict preview); below it the
 * active branch's recent commits (click to seek, right-click for more).
 */
import { useMemo, useState } from 'react';
import type { CommitDto } from '../../engine/contract/index';
import { useEcho } from '../state/hooks';
import { branchChain, branchTree, nextForkName, shortHash } from '../state/selectors';
import { echoStore } from '../state/store';
import { useController } from './context';

function VerifyResult({ branch }: { branch: string }) {
  const v = useEcho((s) => s.timeline.verify[branch]);
  const busy = useEcho((s) => !!s.ui.busy[`verify:${branch}`]);
  if (busy) return <span className="muted">replaying…</span>;
  if (!v) return null;
  return (
    <span className={v.ok ? 'ok' : 'bad'} data-testid={`verify-result-${branch}`} data-ok={String(v.ok)} title={v.error ?? ''}>
      {v.ok ? `✓ ${v.count} replayed` : `✗ at ${shortHash(v.firstBad)}`}
    </span>
  );
}

function CommitMenu({ commit, x, y, onClose }: { commit: CommitDto; x: number; y: number; onClose: () => void }) {
  const c = useController();
  const viewing = useEcho((s) => s.graph.commit);
  const act = (f: () => void) => () => {
    f();
    onClose();
  };
  return (
    <div className="context-menu" style={{ left: x, top: y }} data-testid="commit-menu" onMouseLeave={onClose}>
      <button type="button" onClick={act(() => void c.fork(undefined, commit.commit))}>
        Fork here
      </button>
      <button
        type="button"
        onClick={act(() => {
          echoStore.getState().inspector.setTab('diff');
          void c.loadDiff(viewing, commit.commit);
        })}
      >
        Compare with viewed commit
      </button>
      <button type="button" onClick={act(() => void c.seek(commit.commit))}>
        Seek here
      </button>
    </div>
  );
}

export function TimelinePanel() {
  const c = useController();
  const dto = useEcho((s) => s.timeline.dto);
  const viewing = useEcho((s) => s.graph.commit);
  const rows = useMemo(() => branchTree(dto), [dto]);
  const chain = useMemo(() => branchChain(dto), [dto]);
  const [forkName, setForkName] = useState('');
  const [compareWith, setCompareWith] = useState<Record<string, string>>({});
  const [menu, setMenu] = useState<{ commit: CommitDto; x: number; y: number } | null>(null);
  const active = dto?.active ?? 'main';
  const recent = chain.slice(-40).reverse();
  const placeholder = nextForkName(dto);

  return (
    <aside className="timeline" data-testid="timeline">
      <h2>Timeline</h2>
      <form
        className="fork-form"
        onSubmit={(e) => {
          e.preventDefault();
          void c.fork(forkName || undefined).then(() => setForkName(''));
        }}
      >
        <input data-testid="fork-name" placeholder={placeholder} value={forkName} onChange={(e) => setForkName(e.target.value)} aria-label="new branch name" />
        <button type="submit" data-testid="fork" title="fork at the viewed commit (F)">
          Fork here
        </button>
      </form>
      <ul className="branches" data-testid="branch-tree">
        {rows.map((r) => {
          const others = rows.filter((o) => o.name !== r.name).map((o) => o.name);
          const cmp = compareWith[r.name] ?? (r.name === 'main' ? others[0] : 'main') ?? '';
          return (
            <li key={r.name} className={r.active ? 'branch active' : 'branch'} data-testid={`branch-${r.name}`} data-head={r.head ?? ''} data-tick={r.tick}>
              <div className="branch-head">
                <button type="button" className="branch-name" onClick={() => void c.switchBranch(r.name)} title="switch to this branch" data-testid={`switch-${r.name}`}>
                  {r.active ? '●' : '○'} {r.name}
                </button>
                <span className="muted">
                  #{r.tick} {shortHash(r.head)}
                </span>
              </div>
              {r.forkedFrom && (
                <div className="fork-point muted" data-testid={`forkpoint-${r.name}`}>
                  ├─ from {r.forkedFrom.branch} at #{r.forkedFrom.tick}
                  {r.own === 0 ? ' (no own commits)' : `, +${r.own}`}
                </div>
              )}
              {r.merges.map((m) => (
                <div key={m.commit} className="merge-commit" data-testid="merge-commit" data-commit={m.commit} data-parents={m.parents.length}>
                  ◆ merge at #{m.tick} ({m.parents.length} parents) {shortHash(m.commit)}
                </div>
              ))}
              <div className="branch-actions">
                <button type="button" data-testid={`verify-${r.name}`} onClick={() => void c.verify(r.name)} title="replay from U0 and check every hash">
                  verify
                </button>
                <VerifyResult branch={r.name} />
                {others.length > 0 && (
                  <>
                    <select aria-label="other branch" value={cmp} onChange={(e) => setCompareWith({ ...compareWith, [r.name]: e.target.value })} data-testid={`other-${r.name}`}>
                      {others.map((o) => (
                        <option key={o} value={o}>
                          {o}
                        </option>
                      ))}
                    </select>
                    <button type="button" data-testid={`compare-${r.name}`} onClick={() => void c.diverge(r.name, cmp)} title="first divergence">
                      compare
                    </button>
                    <button type="button" data-testid={`merge-into-${r.name}`} onClick={() => void c.previewMerge(r.name, cmp)} title={`merge ${cmp} into ${r.name}`}>
                      merge ←
                    </button>
                  </>
                )}
              </div>
            </li>
          );
        })}
      </ul>
      <h3>
        {active}: commits <span className="muted">(newest first)</span>
      </h3>
      <ol className="commits" data-testid="commit-list">
        {recent.map((cm) => (
          <li
            key={cm.commit}
            className={cm.commit === viewing ? 'commit viewing' : 'commit'}
            data-testid="commit-row"
            data-commit={cm.commit}
            onClick={() => void c.seek(cm.commit)}
            onContextMenu={(e) => {
              e.preventDefault();
              setMenu({ commit: cm, x: e.clientX, y: e.clientY });
            }}
            title="click: seek · right-click: fork here / compare"
          >
            <span className="commit-tick">#{cm.tick}</span> {cm.kind === 'merge' ? '◆' : '●'} <code>{shortHash(cm.commit)}</code>
            {cm.rejected > 0 && <span className="rej"> {cm.rejected}✗</span>}
          </li>
        ))}
        <li className={viewing === null ? 'commit viewing' : 'commit'} onClick={() => void c.seek(null)} data-testid="commit-row-u0">
          <span className="commit-tick">#0</span> ○ U0
        </li>
      </ol>
      {menu && <CommitMenu {...menu} onClose={() => setMenu(null)} />}
    </aside>
  );
}
