/**
 * Splitting big messages into parts, so a receiver handles each in its own task. A 100k-entity
 * tick delta (~57 MB of JSON) delivered as one message costs the UI thread one multi-hundred-ms
 * task to decode; as parts of `CHUNK_ITEMS` array items (~5–15 ms each here) it costs many short
 * ones, and frames keep coming in between.
 *
 * `split` walks a plain-data value (objects and arrays, at most `MAX_DEPTH` levels) and replaces
 * every array longer than `CHUNK_ITEMS` by a hole marker; the head (the value with holes) goes
 * first, then the holes' items in order, `CHUNK_ITEMS` per part. `Assembler` puts them back and
 * hands out the original value once its last part arrived. Parts of different messages may
 * interleave; parts of one message arrive in order (the transports here are ordered).
 *
 * No DOM or Node types: used by the browser-mode WebSocket worker and the page, and by Electron's
 * main process (events as `PieceEnvelope`s) and the renderer's preload wrapper alike.
 */

export const CHUNK_ITEMS = 1000;
const MAX_DEPTH = 4;
const HOLE = '__echoHole';

/** One wire message: a head (with `parts` parts to follow), or a part of message `m`. */
export type Piece<H> = { readonly kind: 'head'; readonly m: number; readonly head: H; readonly parts: number } | { readonly kind: 'part'; readonly m: number; readonly hole: number; readonly items: readonly unknown[] };

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && Object.getPrototypeOf(v) === Object.prototype;
}

/** The pieces of `value` as message number `m` (just the head when nothing is big). */
export function split<H>(m: number, value: H, chunk = CHUNK_ITEMS): Piece<H>[] {
  const holes: unknown[][] = [];
  const walk = (v: unknown, depth: number): unknown => {
    if (Array.isArray(v)) {
      if (v.length > chunk) {
        holes.push(v);
        return { [HOLE]: holes.length - 1 };
      }
      if (depth >= MAX_DEPTH) return v;
      let out: unknown[] | null = null;
      for (let i = 0; i < v.length; i++) {
        const w = walk(v[i], depth + 1);
        if (w !== v[i]) (out ??= v.slice())[i] = w;
      }
      return out ?? v;
    }
    if (isPlainObject(v) && depth < MAX_DEPTH) {
      let out: Record<string, unknown> | null = null;
      for (const k of Object.keys(v)) {
        const w = walk(v[k], depth + 1);
        if (w !== v[k]) (out ??= { ...v })[k] = w;
      }
      return out ?? v;
    }
    return v;
  };
  const head = walk(value, 0) as H;
  const pieces: Piece<H>[] = [];
  let parts = 0;
  for (const a of holes) parts += Math.ceil(a.length / chunk);
  pieces.push({ kind: 'head', m, head, parts });
  holes.forEach((a, hole) => {
    for (let i = 0; i < a.length; i += chunk) pieces.push({ kind: 'part', m, hole, items: a.slice(i, i + chunk) });
  });
  return pieces;
}

interface Pending {
  readonly head: unknown;
  readonly arrays: unknown[][];
  left: number;
}

/** Reassembles pieces; `accept` returns the whole value when `piece` completed it. */
export class Assembler {
  private readonly pending = new Map<number, Pending>();

  /** Messages still waiting for parts. */
  get waiting(): number {
    return this.pending.size;
  }

  accept<H>(piece: Piece<H>): { readonly done: true; readonly value: H } | { readonly done: false } {
    if (piece.kind === 'head') {
      if (piece.parts === 0) return { done: true, value: piece.head };
      this.pending.set(piece.m, { head: piece.head, arrays: [], left: piece.parts });
      return { done: false };
    }
    const p = this.pending.get(piece.m);
    if (!p) return { done: false }; // a part without its head: dropped
    const arr = (p.arrays[piece.hole] ??= []);
    for (const item of piece.items) arr.push(item);
    if (--p.left > 0) return { done: false };
    this.pending.delete(piece.m);
    return { done: true, value: fill(p.head, p.arrays) as H };
  }
}

function fill(v: unknown, arrays: readonly unknown[][]): unknown {
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) v[i] = fill(v[i], arrays);
    return v;
  }
  if (isPlainObject(v)) {
    if (HOLE in v && typeof v[HOLE] === 'number' && Object.keys(v).length === 1) return arrays[v[HOLE]] ?? [];
    for (const k of Object.keys(v)) v[k] = fill(v[k], arrays);
  }
  return v;
}

/**
 * How a piece travels on an event channel that also carries whole payloads (Electron IPC): wrapped,
 * so a receiver tells it from a payload. Contract payloads never have an `echoPiece` field.
 */
export interface PieceEnvelope {
  readonly echoPiece: Piece<unknown>;
}

/** The messages to send for `value` as message `m`: `[value]` when it is small, else its envelopes. */
export function envelopes(m: number, value: unknown, chunk = CHUNK_ITEMS): unknown[] {
  const pieces = split(m, value, chunk);
  if (pieces.length === 1) return [value];
  return pieces.map((p) => ({ echoPiece: p }) satisfies PieceEnvelope);
}

/** True when `x` is a well-formed `PieceEnvelope` (anything else is a whole payload). */
export function isPieceEnvelope(x: unknown): x is PieceEnvelope {
  if (!isPlainObject(x) || !('echoPiece' in x)) return false;
  const p = x['echoPiece'];
  if (!isPlainObject(p) || typeof p['m'] !== 'number' || !Number.isSafeInteger(p['m'])) return false;
  if (p['kind'] === 'head') return typeof p['parts'] === 'number' && Number.isSafeInteger(p['parts']) && p['parts'] >= 0;
  return p['kind'] === 'part' && typeof p['hole'] === 'number' && Number.isSafeInteger(p['hole']) && p['hole'] >= 0 && Array.isArray(p['items']);
}
