/**
 * Long operations in flight (step N, verify, merge, session export/import, determinism check):
 * label, progress from `echo:op.progress` and a Cancel button. A cancelled operation answers with
 * a `Cancelled` info toast; its state is what the host documents (nothing changed, or for step N
 * the ticks committed before the cancel).
 */
import { useEchoShallow } from '../state/hooks';
import { useController } from './context';

export function OpsBar() {
  const c = useController();
  const ops = useEchoShallow((s) => Object.values(s.ui.ops));
  if (ops.length === 0) return null;
  return (
    <div className="ops-bar" data-testid="ops-bar" role="status">
      {ops.map((op) => (
        <div key={op.id} className="op" data-testid="op" data-op={op.id} data-done={op.done} data-total={op.total}>
          <span className="op-label">{op.label}</span>
          <progress max={op.total || 1} value={op.total ? op.done : undefined} />
          <span className="op-count">{op.total ? `${op.done}/${op.total}` : '…'}</span>
          <button type="button" data-testid="op-cancel" disabled={op.cancelling} onClick={() => void c.cancelOp(op.id)}>
            {op.cancelling ? 'cancelling…' : 'Cancel'}
          </button>
        </div>
      ))}
    </div>
  );
}
