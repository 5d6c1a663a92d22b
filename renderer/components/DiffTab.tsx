/**
 * Diff tab: ops and slots between two commits (default: the viewed tick vs its parent), plus the
 * first divergence between two branches when one was asked for (Timeline → compare).
 */
import { useMemo } from 'react';
import type { CommitDto } from '../../engine/contract/index';
import { useEcho } from '../state/hooks';
import { commitIndex, commitOptions, shortHash, slotText } from '../state/selectors';
import { echoStore } from '../state/store';
import { useController } from './context';

/** Commits listed by the diff pickers: the most recent ones, plus the two picked (selectors.commitOptions). */
const DIFF_PICK_LIMIT = 300;

function Divergence() {
  const c = useController();
  const d = useEcho((s) => s.timeline.divergence);
  const dto = useEcho((s) => s.timeline.dto);
  if (!d) return null;
  const idx = commitIndex(dto);
  const tickOf = (h: string | null) => (h ? (idx.get(h)?.tick ?? '?') : '—');
  let text: string;
  if (d.index === null) text = `${d.aName} and ${d.bName} are identical (same head)`;
  else if (d.a === null) text = `${d.aName} is a prefix of ${d.bName}: ${d.bName} continues at tick ${d.index + 1}`;
  else if (d.b === null) text = `${d.bName} is a prefix of ${d.aName}: ${d.aName} continues at tick ${d.index + 1}`;
  else text = `first divergence at tick ${d.index + 1}: ${d.aName} ${shortHash(d.a)} (#${tickOf(d.a)}) vs ${d.bName} ${shortHash(d.b)} (#${tickOf(d.b)})`;
  return (
    <div className="divergence" data-testid="divergence" data-index={d.index ?? ''}>
      <h4>
        compare {d.aName} ↔ {d.bName}{' '}
        <button type="button" className="link" onClick={() => echoStore.getState().timeline.setDivergence(null)}>
          ✕
        </button>
      </h4>
      <p data-testid="divergence-text">{text}</p>
      <p className="muted">found with {d.hashCompares} hash comparisons (binary search over the commit chains)</p>
      {d.a && d.b && (
        <button type="button" onClick={() => void c.loadDiff(d.a, d.b!)}>
          diff these two commits
        </button>
      )}
      {(d.receipts.onlyA.length > 0 || d.receipts.onlyB.length > 0) && (
        <details>
          <summary>
            receipts: {d.receipts.onlyA.length} only in {d.aName}, {d.receipts.onlyB.length} only in {d.bName}
          </summary>
          <ul className="mono-list">
            {d.receipts.onlyA.slice(0, 50).map((r) => (
              <li key={'a' + r}>− {r}</li>
            ))}
            {d.receipts.onlyB.slice(0, 50).map((r) => (
              <li key={'b' + r}>+ {r}</li>
            ))}
          </ul>
        </details>
      )}
      {(d.ops.onlyA.length > 0 || d.ops.onlyB.length > 0) && (
        <details>
          <summary>
            ops: {d.ops.onlyA.length} only in {d.aName}, {d.ops.onlyB.length} only in {d.bName}
          </summary>
          <ul className="mono-list">
            {d.ops.onlyA.slice(0, 50).map((r) => (
              <li key={'a' + r}>− {r}</li>
            ))}
            {d.ops.onlyB.slice(0, 50).map((r) => (
              <li key={'b' + r}>+ {r}</li>
            ))}
          </ul>
        </details>
      )}
    </div>
  );
}

function CommitSelect({ value, options, onChange, testId, allowU0 }: { value: string; options: CommitDto[]; onChange: (v: string) => void; testId: string; allowU0?: boolean }) {
  return (
    <select data-testid={testId} value={value} onChange={(e) => onChange(e.target.value)} title={`the latest ${DIFF_PICK_LIMIT} commits, plus the picked ones (to diff an older commit, seek to it first)`}>
      {allowU0 && <option value="">U0</option>}
      {options.map((c) => (
        <option key={c.commit} value={c.commit}>
          #{c.tick} {c.createdOn} {shortHash(c.commit)}
          {c.kind === 'merge' ? ' ◆' : ''}
        </option>
      ))}
    </select>
  );
}

export function DiffTab() {
  const ctl = useController();
  const diff = useEcho((s) => s.inspector.diff);
  const pair = useEcho((s) => s.inspector.diffPair);
  const commit = useEcho((s) => s.graph.commit);
  const dto = useEcho((s) => s.timeline.dto);
  const busy = useEcho((s) => !!s.ui.busy['diff']);
  const a = diff?.a ?? '';
  const b = diff?.b ?? commit ?? '';
  const options = useMemo(() => commitOptions(dto, [a, b], DIFF_PICK_LIMIT), [dto, a, b]);
  return (
    <div data-testid="diff-view">
      <Divergence />
      <div className="diff-pick">
        <CommitSelect testId="diff-a" value={a} options={options} allowU0 onChange={(v) => void ctl.loadDiff(v || null, b)} />
        <span>→</span>
        <CommitSelect testId="diff-b" value={b} options={options} onChange={(v) => void ctl.loadDiff(a || null, v)} />
        {pair && (
          <button
            type="button"
            onClick={() => {
              echoStore.getState().inspector.setDiffPair(null);
              void ctl.loadDiff();
            }}
            title="back to: this tick vs the previous one"
          >
            this tick
          </button>
        )}
      </div>
      {commit === null && !pair && <p className="muted">U0: nothing to diff yet.</p>}
      {busy && <p className="muted">diffing…</p>}
      {diff && (
        <>
          <p className="muted" data-testid="diff-summary">
            {shortHash(diff.a)} → {shortHash(diff.b)}: {diff.ops.length} ops, {diff.slots.length} slots written by {shortHash(diff.b)}
          </p>
          <h4>ops</h4>
          <ol className="ops" data-testid="diff-ops">
            {diff.ops.slice(0, 400).map((o, i) => (
              <li key={i}>
                <span className={`op op-${o.op}`}>{o.op}</span> {o.summary}
              </li>
            ))}
            {diff.ops.length > 400 && <li className="muted">… {diff.ops.length - 400} more</li>}
          </ol>
          <h4>slots</h4>
          <div className="slots">
            {diff.slots.slice(0, 400).map((s, i) => (
              <code key={i} className="slot">
                {slotText(s)}
              </code>
            ))}
          </div>
        </>
      )}
    </div>
  );
}
