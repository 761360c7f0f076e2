/**
 * The setup's stages, as the `progress` query's `step` names them. The last two are one activity
 * per stage (per side for the rules), since each extra task costs a round trip through the server;
 * `completed` and failures still name the contract's finer steps.
 */
export const SETUP_STAGES = {
  vpcs: ['vpcs'],
  'request-peering': ['request-peering'],
  'establish-peering': ['accept-peering', 'wait-active', 'dns'],
  'side-rules': ['routes', 'security-groups', 'network-acls'],
  /** Only with `flowLogs: true`; a setup without them goes from side-rules to done. */
  'flow-logs': ['flow-logs'],
} as const;

export type SetupStage = keyof typeof SETUP_STAGES;
export const SETUP_STEPS = Object.keys(SETUP_STAGES) as SetupStage[];
