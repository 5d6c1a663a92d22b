/**
 * Tick tab: the viewed tick's candidates in canonical order (rule, scope, applied/rejected).
 * Selecting one draws its footprint on the canvas — reads and writes in two colours — and, for a
 * rejected one, outlines its blockers and lists the exact overlapping slots. Hashes with copy
 * buttons.
 */
import { useMemo, useState } from 'react';
import type { CandidateDto, SlotDto } from '../../engine/contract/index';
import { useEcho } from '../state/hooks';
import { overlapSentence, scopeText, slotText } from '../state/selectors';
import { echoStore } from '../state/store';
import { HashRow } from './CopyButton';
import { useController } from './context';

function Slots({ title, slots, cls }: { title: string; slots: readonly SlotDto[]; cls: string }) {
  if (slots.length === 0) return null;
  return (
    <div className={`slots ${cls}`}>
      <span className="slot-title">{title}</span>
      {slots.map((s, i) => (
        <code key={i} className="slot">
          {slotText(s)}
        </code>
      ))}
    </div>
  );
}

function CandidateDetail({ c, all }: { c: CandidateDto; all: readonly CandidateDto[] }) {
  return (
    <div className="candidate-detail" data-testid="candidate-detail" data-index={c.index} data-disposition={c.disposition}>
      <h4>
        #{c.index} {c.rule} @ {scopeText(c)} — <span className={c.disposition === 'applied' ? 'ok' : 'bad'}>{c.disposition}</span>
      </h4>
      <Slots title="reads" slots={c.footprint.reads} cls="reads" />
      <Slots title="writes" slots={c.footprint.writes} cls="writes" />
      <Slots title="ports" slots={c.footprint.ports} cls="ports" />
      {c.disposition === 'rejected' && (
        <div className="blockers" data-testid="blockers">
          <h4>blocked by {c.blockedBy.length === 1 ? 'one earlier rewrite' : `${c.blockedBy.length} earlier rewrites`}</h4>
          {c.overlaps.map((o) => {
            const b = all[o.blocker];
            if (!b) return null;
            return (
              <div key={o.blocker} className="blocker" data-testid="blocker" data-blocker={o.blocker}>
                <button type="button" className="link" onClick={() => echoStore.getState().selection.selectCandidate(o.blocker)}>
                  #{b.index} {b.rule} @ {scopeText(b)}
                </button>
                <ul>
                  {o.slots.map((ov, i) => (
                    <li key={i} data-testid="overlap-sentence">
                      {overlapSentence(ov, b)}
                    </li>
                  ))}
                </ul>
              </div>
            );
          })}
        </div>
      )}
    </div>
  );
}

export function TickTab() {
  const ctl = useController();
  const d = useEcho((s) => s.inspector.tickDetail);
  const commit = useEcho((s) => s.graph.commit);
  const selected = useEcho((s) => s.selection.candidate);
  const [onlyRejected, setOnlyRejected] = useState(false);
  const list = useMemo(() => (d ? d.candidates.filter((c) => !onlyRejected || c.disposition === 'rejected') : []), [d, onlyRejected]);
  if (commit === null) return <p className="muted">U0, the initial state: no tick has run yet.</p>;
  if (!d || d.summary.commit !== commit)
    return (
      <p className="muted">
        loading tick…{' '}
        <button type="button" onClick={() => void ctl.loadTickDetail()}>
          reload
        </button>
      </p>
    );
  const s = d.summary;
  const sel = selected !== null ? d.candidates[selected] : undefined;
  return (
    <div data-testid="tick-detail" data-commit={s.commit}>
      <h3>
        tick {s.tick} {s.kind === 'merge' && '◆ merge'}{' '}
        <span className="muted">
          {s.candidates} candidates · {s.applied} applied · {s.rejected} rejected · {s.ops} ops
        </span>
      </h3>
      <details open className="hashes">
        <summary>hashes</summary>
        <HashRow name="commit" hash={s.commit} testId="hash-commit" />
        <HashRow name="state root" hash={s.stateRoot} testId="hash-state-root" />
        <HashRow name="patch digest" hash={s.patchDigest} />
        <HashRow name="plan digest" hash={s.planDigest} />
        <HashRow name="decision digest" hash={s.decisionDigest} />
        <HashRow name="rewrites digest" hash={s.rewritesDigest} />
      </details>
      {d.inputs.length > 0 && <p className="muted">inputs before this tick: {d.inputs.join(', ')}</p>}
      <div className="cand-head">
        <h4>candidates (canonical order)</h4>
        <label>
          <input type="checkbox" data-testid="only-rejected" checked={onlyRejected} onChange={(e) => setOnlyRejected(e.target.checked)} /> rejected only
        </label>
      </div>
      <ol className="candidates" data-testid="candidates">
        {list.map((c) => (
          <li key={c.index}>
            <button
              type="button"
              className={`candidate ${c.disposition}${selected === c.index ? ' selected' : ''}`}
              data-testid="candidate"
              data-index={c.index}
              data-disposition={c.disposition}
              onClick={() => echoStore.getState().selection.selectCandidate(selected === c.index ? null : c.index)}
            >
              <span className="cand-idx">#{c.index}</span> <span className="cand-rule">{c.rule}</span> <span className="cand-scope">{scopeText(c)}</span>{' '}
              <span className={c.disposition === 'applied' ? 'ok' : 'bad'}>{c.disposition === 'applied' ? '✓ applied' : `✗ rejected by #${c.blockedBy.join(', #')}`}</span>
            </button>
          </li>
        ))}
      </ol>
      {sel && <CandidateDetail c={sel} all={d.candidates} />}
    </div>
  );
}
