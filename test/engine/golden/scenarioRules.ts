/**
 * The rules of the reference scenarios (../shared/vectors/SCENARIOS.md §3), rebuilt from text.
 */
import {
  Footprint,
  atom,
  edgeBeta,
  makeEdgeId,
  makeNodeId,
  makeRuleId,
  makeTypeId,
  makeWarpId,
  nodeAlpha,
  toHex,
  utf8,
  type RewriteRule,
} from '../../../engine/index';

const exists: RewriteRule['matcher'] = (view, s) => view.node(s) !== undefined;

export function addChildRule(): RewriteRule {
  const childEdgeTy = makeTypeId('edge:child');
  const count = (view: Parameters<RewriteRule['matcher']>[0], s: Uint8Array) =>
    view.edgesFrom(s as never).filter((e) => toHex(e.ty) === toHex(childEdgeTy)).length;
  return {
    id: makeRuleId('test/add_child'),
    name: 'test/add_child',
    matcher: exists,
    computeFootprint: (view, s) => {
      const n = count(view, s);
      return new Footprint().readNode(s).writeNode(makeNodeId(`child-${n}`)).writeEdge(makeEdgeId(`child-edge-${n}`));
    },
    executor: (view, s, delta) => {
      const n = count(view, s);
      const w = view.warpId();
      const child = makeNodeId(`child-${n}`);
      delta.emit({ op: 'UpsertNode', node: { warp: w, local: child }, record: { ty: makeTypeId('child') } });
      delta.emit({ op: 'UpsertEdge', warp: w, record: { id: makeEdgeId(`child-edge-${n}`), from: s, to: child, ty: childEdgeTy } });
    },
  };
}

export function s3BuildRule(): RewriteRule {
  const [a, b, c] = ['s3/a', 's3/b', 's3/c'].map(makeNodeId) as [ReturnType<typeof makeNodeId>, ReturnType<typeof makeNodeId>, ReturnType<typeof makeNodeId>];
  const edges = (s: ReturnType<typeof makeNodeId>) => [
    { id: makeEdgeId('s3/root->a'), from: s, to: a },
    { id: makeEdgeId('s3/a->b'), from: a, to: b },
    { id: makeEdgeId('s3/root->c'), from: s, to: c },
    { id: makeEdgeId('s3/c->b'), from: c, to: b },
  ];
  return {
    id: makeRuleId('s3/build'),
    name: 's3/build',
    matcher: exists,
    computeFootprint: (view, s) => {
      const w = view.warpId();
      const fp = new Footprint().readNode(s).writeNode(a).writeNode(b).writeNode(c);
      for (const e of edges(s)) fp.writeEdge(e.id);
      return fp.writeAttachment(nodeAlpha(w, a)).writeAttachment(nodeAlpha(w, b)).writeAttachment(edgeBeta(w, makeEdgeId('s3/a->b')));
    },
    executor: (view, s, delta) => {
      const w = view.warpId();
      const thing = makeTypeId('s3/thing');
      for (const n of [a, b, c]) delta.emit({ op: 'UpsertNode', node: { warp: w, local: n }, record: { ty: thing } });
      for (const e of edges(s)) delta.emit({ op: 'UpsertEdge', warp: w, record: { ...e, ty: makeTypeId('s3/link') } });
      const blob = makeTypeId('s3/blob');
      delta.emit({ op: 'SetAttachment', key: nodeAlpha(w, a), value: atom(blob, utf8('hello-a')) });
      delta.emit({ op: 'SetAttachment', key: nodeAlpha(w, b), value: atom(blob, new Uint8Array([0, 1, 2, 255])) });
      delta.emit({ op: 'SetAttachment', key: edgeBeta(w, makeEdgeId('s3/a->b')), value: atom(makeTypeId('s3/edge-blob'), utf8('weight=7')) });
    },
  };
}

export function s3DeleteRule(): RewriteRule {
  return {
    id: makeRuleId('s3/delete'),
    name: 's3/delete',
    matcher: exists,
    computeFootprint: (view, s) => new Footprint().writeNode(s).writeAttachment(nodeAlpha(view.warpId(), s)),
    executor: (view, s, delta) => delta.emit({ op: 'DeleteNode', node: { warp: view.warpId(), local: s } }),
  };
}

export function s4SetRule(which: 'a' | 'b'): RewriteRule {
  const bytes = utf8(which.toUpperCase());
  return {
    id: makeRuleId(`s4/set_${which}`),
    name: `s4/set_${which}`,
    matcher: exists,
    computeFootprint: (view, s) => new Footprint().readNode(s).writeAttachment(nodeAlpha(view.warpId(), s)),
    executor: (view, s, delta) =>
      delta.emit({ op: 'SetAttachment', key: nodeAlpha(view.warpId(), s), value: atom(makeTypeId('s4/value'), bytes) }),
  };
}

export function boawTouchRule(): RewriteRule {
  return {
    id: makeRuleId('boaw/touch'),
    name: 'boaw/touch',
    matcher: exists,
    computeFootprint: (view, s) => {
      const fp = new Footprint().withFactorMask(1n);
      if (view.node(s)) fp.writeAttachment(nodeAlpha(view.warpId(), s));
      return fp;
    },
    executor: (view, s, delta) =>
      delta.emit({ op: 'SetAttachment', key: nodeAlpha(view.warpId(), s), value: atom(makeTypeId('boaw/marker'), utf8('touched')) }),
  };
}

export function s7OpenPortalRule(): RewriteRule {
  return {
    id: makeRuleId('s7/open_portal'),
    name: 's7/open_portal',
    matcher: exists,
    computeFootprint: (view, s) => new Footprint().readNode(s).writeAttachment(nodeAlpha(view.warpId(), s)),
    executor: (view, s, delta) =>
      delta.emit({
        op: 'OpenPortal',
        key: nodeAlpha(view.warpId(), s),
        childWarp: makeWarpId('s7/child'),
        childRoot: makeNodeId('s7/child-root'),
        init: { kind: 'empty', rootRecord: { ty: makeTypeId('s7/child-world') } },
      }),
  };
}
