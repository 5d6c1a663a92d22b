/**
 * Profile tab: candidates / applied / rejected per tick as a small chart over the active branch,
 * and per-rule counts. Counts are deterministic; wall times are not (said on screen).
 */
import { useEffect, useMemo } from 'react';
import { useEcho } from '../state/hooks';
import { branchChain, profileRows, ruleTotals } from '../state/selectors';
import { useController } from './context';

/** The profile charts the branch's most recent commits (its per-batch cost stays bounded). */
const PROFILE_TICKS = 500;

const W = 320;
const H = 120;
const SERIES = [
  { key: 'candidates', colour: '#94a3b8' },
  { key: 'applied', colour: '#22c55e' },
  { key: 'rejected', colour: '#ef4444' },
] as const;

export function ProfileTab() {
  const ctl = useController();
  const dto = useEcho((s) => s.timeline.dto);
  const summaries = useEcho((s) => s.timeline.summaries);
  const busy = useEcho((s) => !!s.ui.busy['profile']);
  const fullChain = useMemo(() => branchChain(dto), [dto]);
  const chain = useMemo(() => fullChain.slice(-PROFILE_TICKS), [fullChain]);
  const rows = useMemo(() => profileRows(chain, summaries), [chain, summaries]);
  const totals = useMemo(() => ruleTotals(rows), [rows]);
  const missing = chain.length - rows.length;
  useEffect(() => {
    if (missing > 0 && !busy) void ctl.loadProfile(PROFILE_TICKS);
    // Only when the tab opens or the branch grows without summaries.
  }, [missing, busy, ctl]);
  const max = rows.reduce((m, r) => Math.max(m, r.candidates), 1);
  const x = (i: number) => (rows.length <= 1 ? W / 2 : (i / (rows.length - 1)) * (W - 10) + 5);
  const y = (v: number) => H - 5 - (v / max) * (H - 15);
  const millis = rows.filter((r) => r.millis !== null).map((r) => r.millis!);
  return (
    <div data-testid="profile-view">
      <p className="note" data-testid="profile-note">
        Counts are deterministic: identical on every machine. Times are wall-clock on this host and are <b>not</b> deterministic.
      </p>
      {rows.length === 0 ? (
        <p className="muted">{busy ? 'loading…' : 'no ticks yet'}</p>
      ) : (
        <svg className="chart" data-testid="profile-chart" data-points={rows.length} viewBox={`0 0 ${W} ${H}`} width="100%" role="img" aria-label="candidates, applied and rejected per tick">
          {SERIES.map((s) => (
            <polyline key={s.key} fill="none" stroke={s.colour} strokeWidth={1.5} points={rows.map((r, i) => `${x(i).toFixed(1)},${y(r[s.key]).toFixed(1)}`).join(' ')} />
          ))}
          <text x={4} y={10} className="chart-label">
            max {max}
          </text>
        </svg>
      )}
      <div className="chart-legend">
        {SERIES.map((s) => (
          <span key={s.key}>
            <span className="swatch" style={{ background: s.colour }} /> {s.key}
          </span>
        ))}
        <span className="muted" data-testid="profile-range">
          ticks {rows[0]?.tick ?? 0}–{rows[rows.length - 1]?.tick ?? 0}
          {fullChain.length > PROFILE_TICKS ? ` (the last ${PROFILE_TICKS} of ${fullChain.length})` : ''}
        </span>
      </div>
      <h4>per rule over {rows.length} ticks</h4>
      <table className="rules" data-testid="profile-rules">
        <thead>
          <tr>
            <th>rule</th>
            <th>applied</th>
            <th>rejected</th>
          </tr>
        </thead>
        <tbody>
          {totals.map((t) => (
            <tr key={t.rule}>
              <td>{t.rule}</td>
              <td>{t.applied}</td>
              <td>{t.rejected}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {millis.length > 0 && (
        <p className="muted">
          time per tick (not deterministic): median {median(millis).toFixed(2)} ms, max {Math.max(...millis).toFixed(2)} ms over {millis.length} ticks timed by the host
        </p>
      )}
    </div>
  );
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? 0;
}
