/**
 * Public shapes of `PeeringCostReport` (README, "What the link costs"). Plain JSON, so
 * `temporal workflow start --type PeeringCostReport --input-file f.json` works and `DrDrill` can run
 * it as a child workflow.
 */
import { type PeeringTarget } from '../peering/types';

export type CostGranularity = 'MONTHLY' | 'DAILY';

export interface CostReportRequest {
  /** The same two forms as DrDrill's: the setup that made the peering, or the peering itself. */
  peering: PeeringTarget;
  /** First day, `YYYY-MM-DD`, inclusive. @default the first day of the current month (UTC) */
  start?: string;
  /** Last day, `YYYY-MM-DD`, exclusive. @default the first day of the next month */
  end?: string;
  /** @default "MONTHLY" */
  granularity?: CostGranularity;
  /** Compared with the period's total cost; no comparison without it. */
  budgetUsd?: number;
}

export interface DirectionCost {
  from: string;
  to: string;
  /**
   * Bytes that crossed, in GB: the larger of what the sending region billed as Out and the
   * receiving region as In (in one account they are the same bytes, counted once).
   */
  gb: number;
  /** Everything billed for this direction: Out, plus In where AWS charges it. */
  costUsd: number;
}

export interface CostPeriod {
  start: string;
  end: string;
  /** Cost Explorer's own flag: the period is not closed yet and its figures may still change. */
  estimated: boolean;
  directions: DirectionCost[];
  costUsd: number;
}

/** The list price of one GB sent from `from` to `to`. */
export interface TransferRate {
  from: string;
  to: string;
  /** `null` when neither the Pricing API nor the fallback table knows the pair. */
  usdPerGb: number | null;
  source: 'pricing-api' | 'fallback-table';
  /** For the fallback table: the date its prices were taken. */
  asOf?: string;
  /** Why the fallback was used, or what the Pricing API answered. */
  note?: string;
}

/** Bytes that one side sent over the peering to one port, from its VPC flow logs (traffic-path 5). */
export interface PortTraffic {
  from: string;
  to: string;
  protocol: string;
  port: number;
  bytes: number;
  gb: number;
  /** `gb` times the direction's rate; absent without a rate. */
  estimatedUsd?: number;
}

export interface FlowLogTraffic {
  ports: PortTraffic[];
  /** The log groups read, as `region:name`. */
  logGroups: string[];
  /** Flow-log records that went over the inter-region peering. */
  records: number;
  /** Set when a bound stopped the reading early, or a side had no usable flow log. */
  note?: string;
}

export interface CostReport {
  peeringConnectionId: string | null;
  setupWorkflowId?: string;
  /** `[requester, accepter]`. */
  regions: [string, string];
  /** Every usage type the report asked Cost Explorer for. */
  usageTypes: string[];
  start: string;
  end: string;
  granularity: CostGranularity;
  periods: CostPeriod[];
  totalGb: number;
  totalCostUsd: number;
  /** Cost Explorer's forecast for the rest of the current month; absent where it did not answer. */
  forecastUsd?: number;
  /** Why there is no forecast, when there is none. */
  forecastNote?: string;
  budgetUsd?: number;
  overBudget: boolean;
  rates: TransferRate[];
  /** Present when either VPC has a usable flow log. */
  flowLogs?: FlowLogTraffic;
  /** What the figures cover, said plainly. */
  scope: string;
  /** AWS calls this report made, by service; Cost Explorer charges per request. */
  calls: Record<string, number>;
}

export interface ForecastResult {
  forecastUsd?: number;
  note?: string;
}

export interface ReadFlowTrafficResult {
  traffic: FlowLogTraffic | null;
  /** FilterLogEvents requests made. */
  pages: number;
}

/** The registered workflow type names: each is the exported workflow function's name. */
export const CostWorkflows = {
  PeeringCostReport: 'PeeringCostReport',
} as const;
