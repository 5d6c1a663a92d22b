/**
 * Timeline slice: branches, commits (the DAG as the host reports it, extended locally by tick
 * summaries so the tree and scrubber follow a running branch without a round trip), verify results,
 * the divergence being shown and the merge being prepared.
 */
import type { StateCreator } from 'zustand/vanilla';
import type { CommitDto, TimelineDto } from '../../../engine/contract/index';
import type { EchoState, TimelineSlice } from '../types';
import { commitIndex, extendTimeline } from '../selectors';
import { SummaryIndex } from '../summaryIndex';

export const createTimelineSlice: StateCreator<EchoState, [], [], TimelineSlice> = (set, get) => ({
  timeline: {
    dto: null,
    summaries: SummaryIndex.empty(),
    verify: {},
    divergence: null,
    merge: null,

    setTimeline: (dto) => set((st) => ({ timeline: { ...st.timeline, dto } })),

    applySummary: (s) => get().timeline.applySummaries([s]),

    applySummaries: (list) =>
      set((st) => {
        if (list.length === 0) return {};
        const summaries = st.timeline.summaries.with(list);
        const dto = st.timeline.dto;
        if (!dto) return { timeline: { ...st.timeline, summaries } };
        const index = commitIndex(dto);
        const known = new Set<string>();
        const added: CommitDto[] = [];
        let branches = dto.branches;
        for (const s of list) {
          if (!index.has(s.commit) && !known.has(s.commit)) {
            known.add(s.commit);
            added.push({ commit: s.commit, parents: s.parents, tick: s.tick, kind: s.kind, createdOn: s.branch, rejected: s.rejected });
          }
          branches = branches.map((b) => (b.name === s.branch ? { ...b, head: s.commit, tick: s.tick } : b));
        }
        const commits = added.length ? [...dto.commits, ...added] : dto.commits;
        const next: TimelineDto = { ...dto, commits, branches, viewing: list[list.length - 1]!.commit };
        extendTimeline(dto, next, added);
        return { timeline: { ...st.timeline, summaries, dto: next } };
      }),

    addSummary: (s) => set((st) => ({ timeline: { ...st.timeline, summaries: st.timeline.summaries.with([s]) } })),
    setVerify: (v) => set((st) => ({ timeline: { ...st.timeline, verify: { ...st.timeline.verify, [v.branch]: v } } })),
    setDivergence: (d) => set((st) => ({ timeline: { ...st.timeline, divergence: d } })),
    openMerge: (ours, theirs, preview) => set((st) => ({ timeline: { ...st.timeline, merge: { ours, theirs, preview, resolutions: {} } } })),
    resolve: (key, r) =>
      set((st) => (st.timeline.merge ? { timeline: { ...st.timeline, merge: { ...st.timeline.merge, resolutions: { ...st.timeline.merge.resolutions, [key]: r } } } } : {})),
    resolveAll: (r) =>
      set((st) => {
        const m = st.timeline.merge;
        if (!m) return {};
        const resolutions: Record<string, typeof r> = {};
        for (const c of m.preview.conflicts) resolutions[c.key] = r;
        return { timeline: { ...st.timeline, merge: { ...m, resolutions } } };
      }),
    closeMerge: () => set((st) => ({ timeline: { ...st.timeline, merge: null } })),
  },
});
