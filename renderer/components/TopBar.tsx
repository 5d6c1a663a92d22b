/**
 * Top bar: world (with its footprint mode), branch, tick, commit hash (click copies the full hash) with the verified badge,
 * transport (step, step N, play/pause, speed), the determinism check, session export/import and
 * the theme switch.
 */
import { useRef, useState } from 'react';
import { useEcho, useEchoShallow } from '../state/hooks';
import { echoStore } from '../state/store';
import { determinismText, shortHash, syncBadge } from '../state/selectors';
import { useController } from './context';
import { base64ToBytes, copyText, downloadBytes, fileToBase64 } from './platform';

const SPEEDS = [1, 2, 4, 10, 30, 60];
const BUILTIN_WORLDS = ['demo', 'motion', 'dind'];

function WorldPicker() {
  const c = useController();
  const world = useEcho((s) => s.ui.world?.name ?? '…');
  const busy = useEcho((s) => !!s.ui.busy['load']);
  const [open, setOpen] = useState(false);
  const [spec, setSpec] = useState('');
  return (
    <div className="world-picker">
      <label>
        world
        <select
          data-testid="world-select"
          value={BUILTIN_WORLDS.includes(world) ? world : ''}
          onChange={(e) => {
            if (e.target.value) void c.loadWorld(e.target.value);
          }}
          disabled={busy}
        >
          {!BUILTIN_WORLDS.includes(world) && <option value="">{world}</option>}
          {BUILTIN_WORLDS.map((w) => (
            <option key={w} value={w}>
              {w}
            </option>
          ))}
        </select>
      </label>
      <FootprintMode />
      <button type="button" data-testid="open-world" onClick={() => setOpen((o) => !o)} title="Open a world file (.ts) by path">
        Open…
      </button>
      {open && (
        <form
          className="popover"
          onSubmit={(e) => {
            e.preventDefault();
            if (spec.trim()) void c.loadWorld(spec.trim()).then((ok) => ok && setOpen(false));
          }}
        >
          <input data-testid="world-path" autoFocus placeholder="built-in name or path to a world .ts" value={spec} onChange={(e) => setSpec(e.target.value)} />
          <button type="submit" data-testid="world-load" disabled={busy}>
            {busy ? 'loading…' : 'Load'}
          </button>
        </form>
      )}
    </div>
  );
}

/** Whether the world's executors are checked against their footprints (world opt-out). */
function FootprintMode() {
  const strict = useEcho((s) => s.ui.world?.strictFootprints);
  if (strict === undefined) return null;
  return (
    <span
      className={`mode-label ${strict ? 'mode-strict' : 'mode-lenient'}`}
      data-testid="footprint-mode"
      data-strict={String(strict)}
      title={strict ? 'strict footprints: a rewrite that writes outside its declared footprint fails its tick' : 'footprints unchecked: this world opts out (its reference rules write outside their footprints); hashes are unaffected'}
    >
      {strict ? 'strict' : 'unchecked'}
    </span>
  );
}

function BranchPicker() {
  const c = useController();
  const active = useEcho((s) => s.timeline.dto?.active ?? s.graph.branch);
  const names = useEchoShallow((s) => s.timeline.dto?.branches.map((b) => b.name) ?? [active]);
  return (
    <label>
      branch
      <select data-testid="branch-select" value={active} onChange={(e) => void c.switchBranch(e.target.value)}>
        {names.map((n) => (
          <option key={n} value={n}>
            {n}
          </option>
        ))}
      </select>
    </label>
  );
}

function CommitBadge() {
  const c = useController();
  const commit = useEcho((s) => s.graph.commit);
  const tick = useEcho((s) => s.graph.tick);
  const live = useEcho((s) => s.graph.live);
  const badge = useEchoShallow((s) => syncBadge(s));
  return (
    <div className="commit-box">
      <span className="tick" data-testid="tick" data-tick={tick}>
        tick {tick}
        {!live && <span className="scrubbed" title="viewing history; the branch head is later"> (history)</span>}
      </span>
      <button
        type="button"
        className="commit-hash"
        data-testid="commit-hash"
        data-commit={commit ?? ''}
        title={commit ? `${commit} — click to copy` : 'initial state U0'}
        onClick={() => {
          if (commit)
            void copyText(commit).then((ok) => echoStore.getState().ui.pushToast({ level: ok ? 'info' : 'error', code: ok ? 'Copied' : 'CopyFailed', message: ok ? `copied commit ${commit}` : 'clipboard unavailable' }));
        }}
      >
        {shortHash(commit)}
      </button>
      <span className={`badge badge-${badge.level}`} data-testid="sync-badge" data-level={badge.level} title={badge.text}>
        {badge.level === 'ok' ? '✓ ' : badge.level === 'error' ? '✗ ' : ''}
        {badge.text}
      </span>
      {badge.level === 'error' && (
        <button type="button" data-testid="resync" onClick={() => void c.resync()}>
          Resync
        </button>
      )}
    </div>
  );
}

function Transport() {
  const c = useController();
  const playing = useEcho((s) => s.ui.playing);
  const tps = useEcho((s) => s.ui.ticksPerSecond);
  const stepN = useEcho((s) => s.ui.stepN);
  const stepping = useEcho((s) => !!s.ui.busy['step']);
  return (
    <div className="transport">
      <button type="button" data-testid="play" onClick={() => void c.togglePlay()} title="play/pause (Space)" aria-pressed={playing}>
        {playing ? '❚❚ pause' : '▶ play'}
      </button>
      <button type="button" data-testid="step" onClick={() => void c.step(1)} disabled={stepping} title="run one tick (→)">
        ▶| step
      </button>
      <input
        data-testid="step-n-input"
        type="number"
        min={1}
        max={10000}
        value={stepN}
        onChange={(e) => echoStore.getState().ui.setStepN(Number(e.target.value))}
        aria-label="ticks to step"
      />
      <button type="button" data-testid="step-n" onClick={() => void c.step(stepN)} disabled={stepping}>
        step {stepN}
      </button>
      <select
        data-testid="speed"
        value={tps}
        aria-label="speed (ticks per second)"
        onChange={(e) => {
          const v = Number(e.target.value);
          echoStore.getState().ui.setTicksPerSecond(v);
          if (echoStore.getState().ui.playing) void c.play(v);
        }}
      >
        {SPEEDS.map((v) => (
          <option key={v} value={v}>
            ×{v}/s
          </option>
        ))}
      </select>
    </div>
  );
}

function Determinism() {
  const c = useController();
  const d = useEcho((s) => s.ui.determinism);
  const busy = useEcho((s) => !!s.ui.busy['determinism']);
  const legend = d ? d.chains.map((ch, i) => `${String.fromCharCode(65 + i)} = ${ch.label}`).join(', ') : 'A = recorded run, B = 1 worker, C = shuffled apply order';
  return (
    <button
      type="button"
      className={`determinism ${d ? (d.agree ? 'det-ok' : 'det-bad') : ''}`}
      data-testid="determinism-check"
      onClick={() => void c.checkDeterminism()}
      disabled={busy}
      title={`determinism check: ${legend}${d ? ` — ${determinismText(d)}` : ''}`}
    >
      {busy ? (
        'checking…'
      ) : d ? (
        <span data-testid="determinism-result" data-agree={String(d.agree)}>
          {determinismText(d)}
        </span>
      ) : (
        'A=B=C?'
      )}
    </button>
  );
}

function Session() {
  const c = useController();
  const fileRef = useRef<HTMLInputElement>(null);
  const world = useEcho((s) => s.ui.world?.name ?? 'session');
  return (
    <div className="session">
      <button
        type="button"
        data-testid="session-export"
        onClick={() =>
          void c.exportSession().then((r) => {
            if (!r) return;
            downloadBytes(base64ToBytes(r.bytesBase64), `${world}.echo-session`);
            echoStore.getState().ui.pushToast({ level: 'success', code: 'Exported', message: `session exported (${r.commits} commits)` });
          })
        }
      >
        Export
      </button>
      <button type="button" data-testid="session-import" onClick={() => fileRef.current?.click()}>
        Import
      </button>
      <input
        ref={fileRef}
        data-testid="session-file"
        type="file"
        hidden
        onChange={(e) => {
          const f = e.target.files?.[0];
          e.target.value = '';
          if (f) void fileToBase64(f).then((b64) => c.importSession(b64));
        }}
      />
    </div>
  );
}

export function TopBar() {
  const theme = useEcho((s) => s.ui.theme);
  return (
    <header className="topbar" data-testid="topbar">
      <span className="brand">Echo Studio</span>
      <WorldPicker />
      <BranchPicker />
      <CommitBadge />
      <Transport />
      <Determinism />
      <Session />
      <button type="button" data-testid="theme-toggle" onClick={() => echoStore.getState().ui.setTheme(theme === 'dark' ? 'light' : 'dark')} title="switch theme">
        {theme === 'dark' ? '☀' : '☾'}
      </button>
    </header>
  );
}
