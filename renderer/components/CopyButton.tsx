/** A small "copy" button for hashes; confirms with a toast. */
import { echoStore } from '../state/store';
import { copyText } from './platform';

export function CopyButton({ text, label = 'copy', testId }: { text: string; label?: string; testId?: string }) {
  return (
    <button
      type="button"
      className="copy-btn"
      title={`copy ${text}`}
      data-testid={testId}
      onClick={() => {
        void copyText(text).then((ok) =>
          echoStore.getState().ui.pushToast(ok ? { level: 'info', code: 'Copied', message: `copied ${text.slice(0, 16)}…` } : { level: 'error', code: 'CopyFailed', message: 'the clipboard is not available' }),
        );
      }}
    >
      {label}
    </button>
  );
}

/** A hash shown short, full on hover, with a copy button. */
export function HashRow({ name, hash, testId }: { name: string; hash: string; testId?: string }) {
  return (
    <div className="hash-row" data-testid={testId} data-hash={hash}>
      <span className="hash-name">{name}</span>
      <code title={hash}>{hash.slice(0, 16)}…</code>
      <CopyButton text={hash} />
    </div>
  );
}
