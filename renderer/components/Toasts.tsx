/** Non-blocking toasts (bottom left, styles.css): errors stay longer; click one for its details. */
import { useEffect, useState } from 'react';
import { useEcho } from '../state/hooks';
import { echoStore } from '../state/store';
import type { Toast } from '../state/types';

function ToastItem({ t }: { t: Toast }) {
  const [open, setOpen] = useState(false);
  useEffect(() => {
    if (open) return;
    const ms = t.level === 'error' ? 12_000 : 4_000;
    const h = setTimeout(() => echoStore.getState().ui.dismissToast(t.id), ms);
    return () => clearTimeout(h);
  }, [t, open]);
  return (
    <div className={`toast toast-${t.level}`} data-testid="toast" data-level={t.level} data-code={t.code} role={t.level === 'error' ? 'alert' : 'status'} onClick={() => setOpen((o) => !o)}>
      <div className="toast-head">
        <b>{t.code}</b>
        <button
          type="button"
          className="link"
          aria-label="dismiss"
          onClick={(e) => {
            e.stopPropagation();
            echoStore.getState().ui.dismissToast(t.id);
          }}
        >
          ✕
        </button>
      </div>
      <div className="toast-msg">{t.message}</div>
      {open && t.detail && <div className="toast-detail">{t.detail}</div>}
    </div>
  );
}

export function Toasts() {
  const toasts = useEcho((s) => s.ui.toasts);
  return (
    <div className="toasts" aria-live="polite">
      {toasts.map((t) => (
        <ToastItem key={t.id} t={t} />
      ))}
    </div>
  );
}
