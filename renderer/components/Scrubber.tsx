/**
 * Scrubber (bottom): drag to seek over the active branch's first-parent chain (0 = U0). Marks show
 * rejections, fork points and merges. Seeking is observational: it never changes history.
 */
import { useEffect, useMemo, useState } from 'react';
import { useEcho } from '../state/hooks';
import { branchChain, chainPosition, drawnMarks } from '../state/selectors';
import { useController } from './context';

const THUMB = 14;
/** Most mark places on the track (a long chain's marks are binned: selectors.drawnMarks). */
const MARK_BINS = 240;

export function Scrubber() {
  const c = useController();
  const dto = useEcho((s) => s.timeline.dto);
  const commit = useEcho((s) => s.graph.commit);
  const graphTick = useEcho((s) => s.graph.tick);
  const chain = useMemo(() => branchChain(dto), [dto]);
  const max = chain.length;
  const marks = useMemo(() => drawnMarks(dto, chain, MARK_BINS), [dto, chain]);
  const idx = commit === null ? 0 : chainPosition(chain, commit);
  const current = idx > 0 || commit === null ? idx : Math.min(graphTick, max);
  const [drag, setDrag] = useState<number | null>(null);
  useEffect(() => {
    // The view arrived where the drag asked: hand control back to the store.
    if (drag !== null && drag === current) setDrag(null);
  }, [current, drag]);
  const value = drag ?? current;
  const left = (at: number) => `calc(${THUMB / 2}px + (100% - ${THUMB}px) * ${at})`;

  return (
    <footer className="scrubber" data-testid="scrubber-bar">
      <button type="button" data-testid="scrub-back" onClick={() => value > 0 && void c.seekTick(value - 1)} disabled={value <= 0} title="previous commit (←)">
        ◀
      </button>
      <div className="scrub-track">
        <div className="marks" aria-hidden>
          {marks.map((m) => (
            <span key={`${m.kind}-${m.bin}`} className={`mark mark-${m.kind}`} style={{ left: left(m.at) }} title={m.title} data-testid={`mark-${m.kind}`} data-count={m.count} />
          ))}
        </div>
        <input
          type="range"
          data-testid="scrubber"
          min={0}
          max={max}
          step={1}
          value={value}
          aria-label="seek tick"
          onChange={(e) => {
            const v = Number(e.target.value);
            setDrag(v);
            void c.seekTick(v);
          }}
        />
      </div>
      <button type="button" data-testid="scrub-forward" onClick={() => value < max && void c.seekTick(value + 1)} disabled={value >= max} title="next commit">
        ▶
      </button>
      <span className="scrub-label" data-testid="scrubber-label" data-value={current} data-max={max}>
        tick {current} / {max}
      </span>
      <span className="legend-marks muted">
        <span className="mark-key mark-rejected" /> rejections <span className="mark-key mark-fork" /> forks <span className="mark-key mark-merge" /> merges
      </span>
    </footer>
  );
}
