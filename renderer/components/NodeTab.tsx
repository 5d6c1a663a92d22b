/**
 * Node/Edge tab: record, edges in/out (click to follow), the attachment decoded by the world's
 * codec (hex + type id otherwise), and provenance: who wrote the node / edge and its attachment,
 * when (click to jump to that tick). Below, the edit controls (attachment, delete, add child) and
 * the intent form (EditPanel.tsx).
 */
import { useEffect } from 'react';
import type { AttachmentDto, EdgeDto, ProvenanceDto } from '../../engine/contract/index';
import { useEcho } from '../state/hooks';
import { elementKey } from '../state/keys';
import { nodeName, shortHash, typeName } from '../state/selectors';
import { echoStore } from '../state/store';
import { HashRow } from './CopyButton';
import { useController } from './context';
import { AddChildForm, AttachmentEditor, DeleteButton, IntentForm } from './EditPanel';

function Attachment({ a }: { a: AttachmentDto | null }) {
  if (!a) return <p className="muted">no attachment</p>;
  if (a.kind === 'descend')
    return (
      <div data-testid="attachment">
        <p>
          portal → child instance <code>{shortHash(a.warp)}</code>
        </p>
        <button type="button" data-testid="open-portal" onClick={() => echoStore.getState().ui.setViewWarp(a.warp ?? null)}>
          open child instance
        </button>
      </div>
    );
  return (
    <div data-testid="attachment">
      {a.codec ? (
        <>
          <p>
            decoded by <b>{a.codec}</b>
          </p>
          <pre className="decoded" data-testid="attachment-decoded">
            {JSON.stringify(a.decoded, null, 2)}
          </pre>
        </>
      ) : (
        <p className="muted">no codec for this type: raw bytes</p>
      )}
      <div className="kv">
        <span>type id</span>
        <code title={a.typeId}>{a.typeId?.slice(0, 16)}…</code>
        <span>bytes</span>
        <code className="hex" data-testid="attachment-hex">
          {a.length} · {a.hex}
        </code>
      </div>
    </div>
  );
}

function EdgeList({ title, edges, dir }: { title: string; edges: readonly EdgeDto[]; dir: 'out' | 'in' }) {
  const c = useController();
  const nodes = useEcho((s) => s.graph.nodes);
  return (
    <>
      <h4>
        {title} ({edges.length})
      </h4>
      <ul className="edge-list" data-testid={`edges-${dir}`}>
        {edges.map((e) => {
          const other = dir === 'out' ? e.to : e.from;
          const n = nodes[elementKey(e.warp, other)];
          return (
            <li key={e.id}>
              <button type="button" className="link" onClick={() => void c.selectNode(e.warp, other)}>
                {dir === 'out' ? '→' : '←'} {n ? nodeName(n) : other.slice(0, 8)}
              </button>{' '}
              <span className="muted">{typeName(e)}</span>{' '}
              <button type="button" className="link small" data-testid="edge-link" data-edge={e.id} title="inspect this edge" onClick={() => void c.selectEdge(e.warp, e.id)}>
                edge {e.label ?? e.id.slice(0, 8)}
              </button>
            </li>
          );
        })}
      </ul>
    </>
  );
}

function Provenance({ rows }: { rows: readonly ProvenanceDto[] }) {
  const c = useController();
  const viewing = useEcho((s) => s.graph.commit);
  return (
    <>
      <h4>provenance</h4>
      {rows.length === 0 && <p className="muted">unchanged since U0</p>}
      <ol className="provenance" data-testid="provenance">
        {rows.map((p) => (
          <li key={`${p.commit}-${p.before}-${p.after}`}>
            <button type="button" className={p.commit === viewing ? 'link current' : 'link'} data-testid="provenance-row" data-commit={p.commit} onClick={() => void c.seek(p.commit)} title="jump to this tick">
              #{p.tick}
            </button>{' '}
            {p.by}: <code>{p.before}</code> → <code>{p.after}</code>
          </li>
        ))}
      </ol>
    </>
  );
}

function EdgeView() {
  const c = useController();
  const sel = useEcho((s) => s.selection.edge);
  const graphEdge = useEcho((s) => (sel ? s.graph.edges[elementKey(sel.warp, sel.id)] : undefined));
  const detail = useEcho((s) => s.inspector.edgeDetail);
  const nodes = useEcho((s) => s.graph.nodes);
  const commit = useEcho((s) => s.graph.commit);
  // The canvas selects edges directly in the store: fetch the detail for whatever is selected.
  useEffect(() => {
    if (sel) void c.refreshEdge();
  }, [sel, commit, c]);
  if (!sel) return null;
  const fresh = detail && detail.edge.id === sel.id && detail.edge.warp === sel.warp ? detail : null;
  const edge = fresh?.edge ?? graphEdge;
  if (!edge) return <p className="muted">this edge does not exist at the viewed commit</p>;
  const from = nodes[elementKey(edge.warp, edge.from)];
  const to = nodes[elementKey(edge.warp, edge.to)];
  return (
    <div data-testid="edge-detail" data-edge={edge.id}>
      <h3 data-testid="edge-title">edge {edge.label ?? shortHash(edge.id)}</h3>
      <HashRow name="id" hash={edge.id} />
      <div className="kv">
        <span>type</span>
        <span>{typeName(edge)}</span>
        <span>from</span>
        <button type="button" className="link" onClick={() => void c.selectNode(edge.warp, edge.from)}>
          {from ? nodeName(from) : edge.from.slice(0, 8)}
        </button>
        <span>to</span>
        <button type="button" className="link" onClick={() => void c.selectNode(edge.warp, edge.to)}>
          {to ? nodeName(to) : edge.to.slice(0, 8)}
        </button>
      </div>
      <h4>attachment (β)</h4>
      {/* Graph records carry no values: the β attachment comes with the detail asked of the host. */}
      {fresh ? <Attachment a={fresh.edge.attachment} /> : <p className="muted small">loading attachment…</p>}
      {fresh ? <Provenance rows={fresh.provenance} /> : <p className="muted small">loading provenance…</p>}
      <details className="edit-box" data-testid="edge-edit" open>
        <summary>edit</summary>
        {fresh ? <AttachmentEditor owner="edge" warp={edge.warp} id={edge.id} attachment={fresh.edge.attachment} /> : null}
        <div className="edit-actions">
          <DeleteButton kind="edge" warp={edge.warp} id={edge.id} />
        </div>
      </details>
    </div>
  );
}

/** Inputs outside the selection: the intent form (worlds with intents). */
function WorldInputs() {
  return (
    <>
      <h4>ingest intent</h4>
      <IntentForm />
    </>
  );
}

export function NodeTab() {
  const sel = useEcho((s) => s.selection.node);
  const edgeSel = useEcho((s) => s.selection.edge);
  const d = useEcho((s) => s.inspector.nodeDetail);
  if (edgeSel)
    return (
      <>
        <EdgeView />
        <WorldInputs />
      </>
    );
  if (!sel)
    return (
      <>
        <p className="muted">Click a node or an edge on the canvas (or search with /) to inspect it.</p>
        <WorldInputs />
      </>
    );
  if (!d || d.node.id !== sel.id) return <p className="muted" data-testid="node-missing">loading… (or the node does not exist at this commit)</p>;
  const n = d.node;
  return (
    <div data-testid="node-detail" data-node={n.id}>
      <h3 data-testid="node-title">{nodeName(n)}</h3>
      <HashRow name="id" hash={n.id} />
      <div className="kv">
        <span>type</span>
        <span title={n.type}>{typeName(n)}</span>
        <span>warp</span>
        <code title={n.warp}>{shortHash(n.warp)}</code>
        <span>reachable</span>
        <span>{n.reachable ? 'yes' : 'no (not in the state root)'}</span>
      </div>
      <h4>attachment (α)</h4>
      <Attachment a={n.attachment} />
      <details className="edit-box" data-testid="node-edit" open>
        <summary>edit</summary>
        <AttachmentEditor owner="node" warp={n.warp} id={n.id} attachment={n.attachment} />
        <div className="edit-actions">
          <DeleteButton kind="node" warp={n.warp} id={n.id} />
        </div>
        <AddChildForm warp={n.warp} from={n.id} />
      </details>
      <Provenance rows={d.provenance} />
      <EdgeList title="out" edges={d.out} dir="out" />
      <EdgeList title="in" edges={d.in} dir="in" />
      <WorldInputs />
    </div>
  );
}
