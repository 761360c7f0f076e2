import type { PeeringResult, TeardownResult } from '../domain/types';
import { SETUP_STEPS } from '../workflows/setup-peering';
import type { ProgressView } from './follow';

const count = (value: unknown): number => (Array.isArray(value) ? value.length : 0);

export const setupView: ProgressView = {
  steps: SETUP_STEPS,
  read: (p) => ({
    step: String(p.step),
    resources: count(p.created),
    ...(p.step === 'rollback' ? { detail: `rolling back ${count(p.created)} resource(s)` } : {}),
  }),
  summarize: (result) => {
    const r = result as PeeringResult;
    return `${r.peeringConnectionId} is ${r.status} between ${r.requester.vpcId} (${r.requester.region}) and ${r.accepter.vpcId} (${r.accepter.region}); ${r.created.length} resource(s) created`;
  },
};

export const teardownView: ProgressView = {
  steps: ['locate', 'inventory', 'delete'],
  read: (p) => ({ step: String(p.step), resources: count(p.found), detail: `${count(p.found)} resource(s) found` }),
  summarize: (result) => {
    const r = result as TeardownResult;
    return `deleted ${r.deleted.length}, ${r.alreadyGone.length} already gone`;
  },
};

/** Views by workflow type, for `status --wait` on a run this CLI did not start. */
export const PROGRESS_VIEWS: Record<string, ProgressView> = {
  SetupInterRegionPeering: setupView,
  TeardownInterRegionPeering: teardownView,
};
