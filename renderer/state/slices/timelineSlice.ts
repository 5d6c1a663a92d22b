/**
 * Timeline slice: branches, commits (the DAG as the host reports it, extended locally by tick
 * summaries so the tree and scrubber follow a running branch without a round trip), verify results,
 * the divergence being shown and the merge being prepared.
 */
import type { StateCreator } from 'zustand/vanilla';
import type { CommitDto, TimelineDto } from '../../../engine/contract/index';
import type { EchoState, TimelineSlice } from '../types';

export const createTimelineSlice: StateCreator<EchoState, [], [], TimelineSlice> = (set) => ({
  timeline: {
    dto: null,
    summaries: {},
    verify: {},
    divergence: null,
    merge: null,

    setTimeline: (dto) => set((st) => ({ timeline: { ...st.timeline, dto } })),

    applySummary: (s) =>
      set((st) => {
        const summaries = { ...st.timeline.summaries, [s.commit]: s };
        const dto = st.timeline.dto;
        if (!dto) return { timeline: { ...st.timeline, summaries } };
        const known = dto.commits.some((c) => c.commit === s.commit);
        const commit: CommitDto = { commit: s.commit, parents: s.parents, tick: s.tick, kind: s.kind, createdOn: s.branch, rejected: s.rejected };
        const commits = known ? dto.commits : [...dto.commits, commit];
        const branches = dto.branches.map((b) => (b.name === s.branch ? { ...b, head: s.commit, tick: s.tick } : b));
        const next: TimelineDto = { ...dto, commits, branches, viewing: s.commit };
        return { timeline: { ...st.timeline, summaries, dto: next } };
      }),

    addSummary: (s) => set((st) => ({ timeline: { ...st.timeline, summaries: { ...st.timeline.summaries, [s.commit]: s } } })),
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
