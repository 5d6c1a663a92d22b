/**
 * Direct edits from the inspector: the attachment editor (a world codec's JSON when the codec can
 * encode, else type id + hex), clear, delete node / edge, add a child node, and the intent form.
 *
 * Invariants:
 * - Everything goes through the controller (`applyEdits`, `ingestIntent`), i.e. the contract; the
 *   host commits each request as the next tick and the graph follows through the tick stream.
 * - Edits apply to the head of the active branch: while the view shows history the controls are
 *   disabled and say why.
 * - Input is checked here only for the user's sake (hex shape, JSON syntax); the host validates.
 */
import { useEffect, useState } from 'react';
import type { AttachmentDto, EditDto, JsonValue } from '../../engine/contract/index';
import { useEcho } from '../state/hooks';
import { useController } from './context';

const HEX = /^(?:[0-9a-f]{2})*$/;
const ID = /^[0-9a-f]{64}$/;

/** Edits are allowed when the view shows the active branch head. */
function useEditable(): { ok: boolean; why: string } {
  const live = useEcho((s) => s.graph.live);
  const busy = useEcho((s) => !!s.ui.busy['edit'] || !!s.ui.busy['intent']);
  if (!live) return { ok: false, why: 'viewing history: edits apply at the branch head (seek to it, or fork here)' };
  if (busy) return { ok: false, why: 'committing…' };
  return { ok: true, why: '' };
}

function utf8Hex(text: string): string {
  return Array.from(new TextEncoder().encode(text), (b) => b.toString(16).padStart(2, '0')).join('');
}

/** Edits the α (node) or β (edge) attachment of one element. */
export function AttachmentEditor({ owner, warp, id, attachment }: { owner: 'node' | 'edge'; warp: string; id: string; attachment: AttachmentDto | null }) {
  const c = useController();
  const encoders = useEcho((s) => s.ui.world?.encoders ?? []);
  const editable = useEditable();
  const portal = attachment?.kind === 'descend';
  const initialCodec = attachment?.codec && encoders.includes(attachment.codec) ? attachment.codec : '';
  const [codec, setCodec] = useState(initialCodec);
  const [json, setJson] = useState(attachment?.decoded !== undefined ? JSON.stringify(attachment.decoded) : '');
  const [typeId, setTypeId] = useState(attachment?.typeId ?? '');
  const [hex, setHex] = useState(attachment?.hex ?? '');
  const [error, setError] = useState('');
  // A new selection or a new value (another tick) resets the form.
  const key = `${warp}/${id}/${attachment?.hex ?? attachment?.warp ?? 'none'}`;
  useEffect(() => {
    setCodec(initialCodec);
    setJson(attachment?.decoded !== undefined ? JSON.stringify(attachment.decoded) : '');
    setTypeId(attachment?.typeId ?? '');
    setHex(attachment?.hex ?? '');
    setError('');
  }, [key]);
  if (portal) return <p className="muted small">a portal slot cannot be edited</p>;

  const submit = () => {
    let value: EditDto & { kind: 'setAttachment' };
    if (codec) {
      let v: JsonValue;
      try {
        v = JSON.parse(json) as JsonValue;
      } catch {
        setError('not valid JSON');
        return;
      }
      value = { kind: 'setAttachment', owner, warp, id, value: { codec, value: v } };
    } else {
      const h = hex.trim().toLowerCase();
      if (!ID.test(typeId.trim())) return setError('type id: 64 lowercase hex digits');
      if (!HEX.test(h)) return setError('bytes: an even number of hex digits');
      value = { kind: 'setAttachment', owner, warp, id, value: { typeId: typeId.trim(), hex: h } };
    }
    setError('');
    void c.applyEdits([value]);
  };

  return (
    <form
      className="edit-form"
      data-testid="attachment-editor"
      onSubmit={(e) => {
        e.preventDefault();
        submit();
      }}
    >
      <label>
        encode with
        <select data-testid="edit-codec" value={codec} onChange={(e) => setCodec(e.target.value)}>
          <option value="">raw bytes (type id + hex)</option>
          {encoders.map((n) => (
            <option key={n} value={n}>
              codec {n}
            </option>
          ))}
        </select>
      </label>
      {codec ? (
        <textarea data-testid="edit-json" rows={2} value={json} onChange={(e) => setJson(e.target.value)} placeholder='{"heat": 42}' spellCheck={false} />
      ) : (
        <>
          <input data-testid="edit-typeid" value={typeId} onChange={(e) => setTypeId(e.target.value)} placeholder="type id (64 hex digits)" spellCheck={false} />
          <textarea data-testid="edit-hex" rows={2} value={hex} onChange={(e) => setHex(e.target.value)} placeholder="bytes as hex" spellCheck={false} />
        </>
      )}
      {error && (
        <p className="bad small" data-testid="edit-error">
          {error}
        </p>
      )}
      <div className="edit-actions">
        <button type="submit" data-testid="edit-attachment-apply" disabled={!editable.ok} title={editable.why || 'commit this value as the next tick'}>
          Set {owner === 'node' ? 'α' : 'β'}
        </button>
        <button type="button" data-testid="edit-attachment-clear" disabled={!editable.ok || !attachment} title={editable.why || 'remove the attachment'} onClick={() => void c.applyEdits([{ kind: 'setAttachment', owner, warp, id, value: null }])}>
          Clear
        </button>
      </div>
      {!editable.ok && <p className="muted small">{editable.why}</p>}
    </form>
  );
}

/** Deletes the selected node (with its edges) or edge. */
export function DeleteButton({ kind, warp, id }: { kind: 'node' | 'edge'; warp: string; id: string }) {
  const c = useController();
  const editable = useEditable();
  return (
    <button
      type="button"
      className="danger"
      data-testid={`delete-${kind}`}
      disabled={!editable.ok}
      title={editable.why || (kind === 'node' ? 'delete this node and its edges (committed as the next tick)' : 'delete this edge (committed as the next tick)')}
      onClick={() => void c.applyEdits([{ kind: kind === 'node' ? 'deleteNode' : 'deleteEdge', warp, id }])}
    >
      Delete {kind}
    </button>
  );
}

/** Adds a node and an edge to it from the selected node, in one commit (so it is reachable). */
export function AddChildForm({ warp, from }: { warp: string; from: string }) {
  const c = useController();
  const editable = useEditable();
  const [name, setName] = useState('');
  const [type, setType] = useState('user/node');
  return (
    <form
      className="edit-form inline"
      data-testid="add-child"
      onSubmit={(e) => {
        e.preventDefault();
        const n = name.trim();
        if (!n) return;
        void c
          .applyEdits([
            { kind: 'addNode', warp, name: n, typeName: type.trim() || 'user/node' },
            { kind: 'addEdge', warp, from, toName: n, name: `${n}/in`, typeName: 'user/child' },
          ])
          .then((r) => r && setName(''));
      }}
    >
      <input data-testid="add-child-name" value={name} onChange={(e) => setName(e.target.value)} placeholder="new node name" />
      <input data-testid="add-child-type" value={type} onChange={(e) => setType(e.target.value)} placeholder="type name" />
      <button type="submit" data-testid="add-child-apply" disabled={!editable.ok || !name.trim()} title={editable.why || 'add a child node (and the edge to it) as the next tick'}>
        Add child
      </button>
    </form>
  );
}

/** Ingests an intent (UTF-8 text or hex bytes) into the inbox; shown for worlds with intents. */
export function IntentForm() {
  const c = useController();
  const intents = useEcho((s) => s.ui.world?.intents ?? false);
  const editable = useEditable();
  const [mode, setMode] = useState<'text' | 'hex'>('text');
  const [text, setText] = useState('');
  const [error, setError] = useState('');
  if (!intents) return <p className="muted small">this world consumes no intents</p>;
  return (
    <form
      className="edit-form inline"
      data-testid="intent-form"
      onSubmit={(e) => {
        e.preventDefault();
        const hex = mode === 'text' ? utf8Hex(text) : text.trim().toLowerCase();
        if (!HEX.test(hex)) return setError('an even number of hex digits');
        setError('');
        void c.ingestIntent(hex).then((r) => r && setText(''));
      }}
    >
      <select data-testid="intent-mode" value={mode} onChange={(e) => setMode(e.target.value as 'text' | 'hex')} aria-label="intent bytes as">
        <option value="text">text</option>
        <option value="hex">hex</option>
      </select>
      <input data-testid="intent-input" value={text} onChange={(e) => setText(e.target.value)} placeholder={mode === 'text' ? 'intent bytes as UTF-8 text' : 'intent bytes as hex'} spellCheck={false} />
      <button type="submit" data-testid="intent-ingest" disabled={!editable.ok} title={editable.why || 'ingest into the inbox and commit as the next tick'}>
        Ingest
      </button>
      {error && <span className="bad small">{error}</span>}
    </form>
  );
}
