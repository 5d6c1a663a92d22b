/**
 * Merge preview: per conflicting slot its base / ours / theirs values and a choice of ours or
 * theirs; slots changed on one side only merge cleanly. Nothing is committed until "Merge".
 */
import { useEcho } from '../state/hooks';
import { mergeReady, shortHash } from '../state/selectors';
import { echoStore } from '../state/store';
import { useController } from './context';

export function MergeDialog() {
  const c = useController();
  const m = useEcho((s) => s.timeline.merge);
  const ready = useEcho(mergeReady);
  const busy = useEcho((s) => !!s.ui.busy['merge']);
  if (!m) return null;
  const p = m.preview;
  const tl = echoStore.getState().timeline;
  const nothing = p.theirs === null || p.theirs === p.base;
  const chosen = Object.keys(m.resolutions).length;
  return (
    <div className="modal-backdrop">
      <div className="modal" role="dialog" aria-label="merge preview" data-testid="merge-dialog" data-conflicts={p.conflicts.length} data-clean={p.clean}>
        <h2>
          merge <b>{m.theirs}</b> into <b>{m.ours}</b>
        </h2>
        <p className="muted">
          base {shortHash(p.base)} · ours {shortHash(p.ours)} · theirs {shortHash(p.theirs)}
        </p>
        {nothing ? (
          <p data-testid="merge-nothing">
            Nothing to merge: <b>{m.theirs}</b> has no commits that <b>{m.ours}</b> lacks.
          </p>
        ) : (
          <p data-testid="merge-summary">
            {p.clean} slot(s) merge cleanly (changed on one side only); {p.conflicts.length} conflict(s) need a choice ({chosen}/{p.conflicts.length} chosen).
          </p>
        )}
        {p.conflicts.length > 0 && (
          <>
            <div className="merge-bulk">
              <button type="button" data-testid="all-ours" onClick={() => tl.resolveAll('ours')}>
                all ours
              </button>
              <button type="button" data-testid="all-theirs" onClick={() => tl.resolveAll('theirs')}>
                all theirs
              </button>
            </div>
            <div className="conflicts-wrap">
              <table className="conflicts" data-testid="conflicts">
                <thead>
                  <tr>
                    <th>slot</th>
                    <th>base</th>
                    <th>ours ({m.ours})</th>
                    <th>theirs ({m.theirs})</th>
                  </tr>
                </thead>
                <tbody>
                  {p.conflicts.map((k) => {
                    const r = m.resolutions[k.key];
                    return (
                      <tr key={k.key} data-testid="conflict-row" data-key={k.key} data-resolution={r ?? ''}>
                        <td>{k.slot}</td>
                        <td>
                          <code data-testid="conflict-base">{k.base}</code>
                        </td>
                        <td>
                          <label className={r === 'ours' ? 'choice chosen' : 'choice'}>
                            <input type="radio" name={k.key} checked={r === 'ours'} onChange={() => tl.resolve(k.key, 'ours')} data-testid="choose-ours" />
                            <code data-testid="conflict-ours">{k.ours}</code>
                          </label>
                        </td>
                        <td>
                          <label className={r === 'theirs' ? 'choice chosen' : 'choice'}>
                            <input type="radio" name={k.key} checked={r === 'theirs'} onChange={() => tl.resolve(k.key, 'theirs')} data-testid="choose-theirs" />
                            <code data-testid="conflict-theirs">{k.theirs}</code>
                          </label>
                        </td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            </div>
          </>
        )}
        <div className="modal-actions">
          <button type="button" data-testid="merge-cancel" onClick={() => tl.closeMerge()}>
            Cancel
          </button>
          <button type="button" className="primary" data-testid="merge-confirm" disabled={nothing || !ready || busy} onClick={() => void c.commitMerge()}>
            {busy ? 'merging…' : 'Merge'}
          </button>
        </div>
      </div>
    </div>
  );
}
