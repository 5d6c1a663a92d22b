/**
 * Direct edits from the UI (`echo:edit.apply`): resolves each contract `EditDto` against the live
 * state into an engine `DirectEdit` and applies it with `Engine.edit`, which records it as an
 * input of the next tick (so replay, seek, session export and verify reproduce every hash).
 *
 * Invariants:
 * - Edits apply in request order; each is checked against the state the previous ones left
 *   (an `addEdge` may target a node added just before).
 * - Only well-defined edits pass: targets exist (`NotFound`), new ids are new (`Exists`), and
 *   nothing touches a portal (`NotAllowed`: a descend attachment, an instance root, or a node or
 *   edge whose removal would orphan a child instance). After all edits the portal invariants are
 *   re-checked (`InvalidEdit`).
 * - On any error this module leaves rollback to the caller (`Engine.rollbackInputs(mark)`), so a
 *   request is all-or-nothing.
 */
import {
  atom,
  fromHex,
  makeEdgeId,
  makeNodeId,
  makeTypeId,
  toHex,
  validatePortalInvariants,
  type AttachmentValue,
  type DirectEdit,
  type EdgeId,
  type Engine,
  type NodeId,
  type TypeId,
  type WarpId,
} from '../../engine/index';
import type { AttachmentInputDto, EditDto, Hex } from '../../engine/contract/index';
import { MAX_EDIT_BYTES } from '../../engine/contract/index';
import type { AttachmentCodec, LabelBook } from '../../engine/world';

/** A well-formed edit that cannot be applied (a typed reply code). */
export class EditError extends Error {
  constructor(
    readonly code: 'NotFound' | 'Exists' | 'NotAllowed' | 'InvalidEdit' | 'EncodeFailed' | 'NoCodec',
    message: string,
  ) {
    super(message);
    this.name = 'EditError';
  }
}

export interface EditTarget {
  readonly engine: Engine;
  readonly codecs: readonly AttachmentCodec[];
  /** Display labels; names given to new nodes / edges / types are recorded here. */
  readonly labels: LabelBook;
}

/** What the edits did beyond their own records (for the tick delta). */
export interface AppliedEdits {
  /** Ids created by addNode / addEdge, in request order. */
  readonly created: Hex[];
  /** Edges removed by a node deletion's cascade (the recorded input names only the node). */
  readonly cascadedEdges: { warp: Hex; id: Hex }[];
}

/** Applies `edits` in order through `target.engine.edit`. @throws EditError (the caller rolls back) */
export function applyUiEdits(target: EditTarget, edits: readonly EditDto[]): AppliedEdits {
  const out: AppliedEdits = { created: [], cascadedEdges: [] };
  for (const e of edits) target.engine.edit(resolve(target, e, out));
  try {
    validatePortalInvariants(target.engine.warpState);
  } catch (err) {
    throw new EditError('InvalidEdit', `the edits break a portal invariant: ${err instanceof Error ? err.message : String(err)}`);
  }
  return out;
}

function storeOf(t: EditTarget, warp: Hex) {
  const s = t.engine.warpState.stores.get(warp);
  if (!s) throw new EditError('NotFound', `warp ${warp} does not exist`);
  return s;
}

function label(t: EditTarget, id: Uint8Array, kind: string, name: string | undefined): void {
  const k = toHex(id);
  if (name !== undefined && !t.labels.has(k)) t.labels.set(k, `${kind}:${name}`);
}

function typeOf(t: EditTarget, e: { type?: Hex; typeName?: string }): TypeId {
  if (e.typeName !== undefined) {
    const ty = makeTypeId(e.typeName);
    label(t, ty, 'type', e.typeName);
    return ty;
  }
  return fromHex(e.type!) as TypeId;
}

function isPortal(v: AttachmentValue | undefined): boolean {
  return v?.kind === 'descend';
}

function value(t: EditTarget, v: AttachmentInputDto | null): AttachmentValue | null {
  if (v === null) return null;
  if ('hex' in v) return atom(fromHex(v.typeId) as TypeId, fromHex(v.hex));
  const codec = t.codecs.find((c) => c.name === v.codec);
  if (!codec) throw new EditError('NoCodec', `the world has no codec "${v.codec}"`);
  if (typeof codec.encode !== 'function') throw new EditError('NoCodec', `codec "${v.codec}" cannot encode (it has no encode function)`);
  let bytes: unknown;
  try {
    bytes = codec.encode(v.value);
  } catch (err) {
    throw new EditError('EncodeFailed', `codec "${v.codec}" could not encode the value: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (!(bytes instanceof Uint8Array)) throw new EditError('EncodeFailed', `codec "${v.codec}".encode must return a Uint8Array`);
  if (bytes.length > MAX_EDIT_BYTES) throw new EditError('EncodeFailed', `codec "${v.codec}" produced ${bytes.length} bytes (at most ${MAX_EDIT_BYTES})`);
  return atom(codec.typeId as TypeId, bytes.slice());
}

function resolve(t: EditTarget, e: EditDto, out: AppliedEdits): DirectEdit {
  const store = storeOf(t, e.warp);
  const warp = fromHex(e.warp) as WarpId;
  switch (e.kind) {
    case 'setAttachment': {
      if (e.owner === 'node') {
        if (!store.nodeByHex(e.id)) throw new EditError('NotFound', `node ${e.id} does not exist in warp ${e.warp}`);
        if (isPortal(store.nodeAttachmentByHex(e.id))) throw new EditError('NotAllowed', `node ${e.id} holds a portal; its attachment cannot be edited`);
        return { kind: 'setNodeAttachment', warp, id: fromHex(e.id) as NodeId, value: value(t, e.value) };
      }
      if (!store.edgeByHex(e.id)) throw new EditError('NotFound', `edge ${e.id} does not exist in warp ${e.warp}`);
      if (isPortal(store.edgeAttachmentByHex(e.id))) throw new EditError('NotAllowed', `edge ${e.id} holds a portal; its attachment cannot be edited`);
      return { kind: 'setEdgeAttachment', warp, id: fromHex(e.id) as EdgeId, value: value(t, e.value) };
    }
    case 'addNode': {
      const id = (e.name !== undefined ? makeNodeId(e.name) : fromHex(e.id!)) as NodeId;
      const hex = toHex(id);
      if (store.nodeByHex(hex)) throw new EditError('Exists', `node ${e.name ?? hex} already exists`);
      label(t, id, 'node', e.name);
      out.created.push(hex);
      return { kind: 'insertNode', warp, id, record: { ty: typeOf(t, e) } };
    }
    case 'deleteNode': {
      if (!store.nodeByHex(e.id)) throw new EditError('NotFound', `node ${e.id} does not exist in warp ${e.warp}`);
      for (const [, inst] of t.engine.warpState.instances.sortedEntries()) {
        if (toHex(inst.warpId) === e.warp && toHex(inst.rootNode) === e.id) throw new EditError('NotAllowed', `node ${e.id} is the root of instance ${e.warp}`);
      }
      if (isPortal(store.nodeAttachmentByHex(e.id))) throw new EditError('NotAllowed', `node ${e.id} holds a portal; deleting it would orphan a child instance`);
      const incident = [...store.edgesFromHex(e.id).map((r) => toHex(r.id)), ...store.edgesToHex(e.id)];
      for (const k of incident) {
        if (isPortal(store.edgeAttachmentByHex(k))) throw new EditError('NotAllowed', `edge ${k} of node ${e.id} holds a portal; deleting the node would orphan a child instance`);
      }
      for (const k of new Set(incident)) out.cascadedEdges.push({ warp: e.warp, id: k });
      return { kind: 'deleteNode', warp, id: fromHex(e.id) as NodeId };
    }
    case 'addEdge': {
      if (!store.nodeByHex(e.from)) throw new EditError('NotFound', `node ${e.from} (from) does not exist in warp ${e.warp}`);
      const to = (e.toName !== undefined ? makeNodeId(e.toName) : fromHex(e.to!)) as NodeId;
      if (!store.nodeByHex(toHex(to))) throw new EditError('NotFound', `node ${e.toName ?? e.to} (to) does not exist in warp ${e.warp}`);
      const id = (e.name !== undefined ? makeEdgeId(e.name) : fromHex(e.id!)) as EdgeId;
      const hex = toHex(id);
      if (store.edgeByHex(hex)) throw new EditError('Exists', `edge ${e.name ?? hex} already exists`);
      label(t, id, 'edge', e.name);
      out.created.push(hex);
      const from = fromHex(e.from) as NodeId;
      return { kind: 'insertEdge', warp, from, record: { id, from, to, ty: typeOf(t, e) } };
    }
    case 'deleteEdge': {
      const rec = store.edgeByHex(e.id);
      if (!rec) throw new EditError('NotFound', `edge ${e.id} does not exist in warp ${e.warp}`);
      if (isPortal(store.edgeAttachmentByHex(e.id))) throw new EditError('NotAllowed', `edge ${e.id} holds a portal; deleting it would orphan a child instance`);
      return { kind: 'deleteEdge', warp, from: rec.from, id: rec.id };
    }
  }
}
