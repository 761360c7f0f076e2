/**
 * Stable `type`s of the failures this project raises itself: workflows, activities and the CLI
 * compare these constants, never the strings. Operators and outside tests match on the strings, so
 * a value never changes.
 */
export const FailureTypes = {
  InvalidPeeringRequest: 'InvalidPeeringRequest',
  InvalidMeshRequest: 'InvalidMeshRequest',
  MeshNotFound: 'MeshNotFound',
  MeshStillRunning: 'MeshStillRunning',
  PeeringFailed: 'PeeringFailed',
  PeeringNotVisible: 'PeeringNotVisible',
  PeeringAlreadyExists: 'PeeringAlreadyExists',
  RouteConflict: 'RouteConflict',
  NaclRuleConflict: 'NaclRuleConflict',
  NotCreatedBySetup: 'NotCreatedBySetup',
  SetupNotFound: 'SetupNotFound',
  DeleteIncomplete: 'DeleteIncomplete',
  InvalidFailoverRequest: 'InvalidFailoverRequest',
  /** An `approve` or `abort` Update the run refused in its state; the message says why. */
  DecisionRejected: 'DecisionRejected',
  ReplicaNotFound: 'ReplicaNotFound',
  /** The replica reached a state from which no promotion follows (failed, stopped, storage-full …). */
  PromotionFailed: 'PromotionFailed',
  DrillRecordInUse: 'DrillRecordInUse',
  SetupConflict: 'SetupConflict',
  SetupStillRunning: 'SetupStillRunning',
  NaclQuotaExceeded: 'NaclQuotaExceeded',
  WaitTimedOut: 'WaitTimedOut',
  /** A bounded check got no answer at all: the region (or service) looks down. */
  Unreachable: 'Unreachable',
  ScaleTargetNotFound: 'ScaleTargetNotFound',
  /** No endpoint of the ARC cluster answered; the next attempt tries them all again. */
  ClusterUnreachable: 'ClusterUnreachable',
  /** STS refused a side's role (no such role, a trust policy without the worker, a wrong external ID). */
  AssumeRoleRefused: 'AssumeRoleRefused',
  /**
   * A side's role is outside the worker's allowlist (`ASSUMABLE_ROLE_ARNS`): refused by the worker
   * itself, before STS is asked. Its details name the role; workflows report it as their bad input.
   */
  RoleNotAllowed: 'RoleNotAllowed',
  InvalidTeardownRequest: 'InvalidTeardownRequest',
  InvalidDrillRequest: 'InvalidDrillRequest',
  InvalidCostReportRequest: 'InvalidCostReportRequest',
  /** A setup failed; the message says which step, its cause, and what the rollback did. */
  SetupFailed: 'SetupFailed',
  MeshFailed: 'MeshFailed',
  TeardownIncomplete: 'TeardownIncomplete',
  /** A failover request whose routing-control plan cannot be made. */
  PlanError: 'PlanError',
  /** A Cost Explorer answer past what one report may page through. */
  CostReportTooLarge: 'CostReportTooLarge',
  CapacityTimeout: 'CapacityTimeout',
  CapacityChanged: 'CapacityChanged',
  CreateFlowLogsFailed: 'CreateFlowLogsFailed',
  /** A wait stopped because its activity was cancelled. */
  Cancelled: 'Cancelled',
  /** Database protection (ProtectDatabase, UnprotectDatabase, ReprotectDatabase). */
  InvalidProtectionRequest: 'InvalidProtectionRequest',
  /** A name the protection would use is taken by something it did not make. */
  ProtectionConflict: 'ProtectionConflict',
  /** The replica was promoted: it holds the data now, and is not deleted. */
  ProtectionInUse: 'ProtectionInUse',
  /** A protection failed; the message says which step, its cause, and what the rollback did. */
  ProtectionFailed: 'ProtectionFailed',
  ProtectionNotFound: 'ProtectionNotFound',
  ProtectionStillRunning: 'ProtectionStillRunning',
  /** The replica reached a state from which replication does not follow (failed, error, terminated …). */
  ReplicationFailed: 'ReplicationFailed',
  /** The replica's ReplicaLag did not come down to the gate in time (or never reported). */
  ReplicationNotCaughtUp: 'ReplicationNotCaughtUp',
  /** The record no longer holds what preflight read: the switch's DELETE+CREATE batch was refused, DNS unchanged. */
  RecordChanged: 'RecordChanged',
} as const;

export type FailureType = (typeof FailureTypes)[keyof typeof FailureTypes];

/** Failures no retry can mend: activities raise them non-retryable, and every retry policy stops on them. */
export const NON_RETRYABLE_FAILURES: readonly FailureType[] = [
  FailureTypes.InvalidPeeringRequest,
  FailureTypes.PeeringFailed,
  FailureTypes.PeeringAlreadyExists,
  FailureTypes.RouteConflict,
  FailureTypes.NaclRuleConflict,
  FailureTypes.NotCreatedBySetup,
  FailureTypes.SetupNotFound,
  FailureTypes.SetupConflict,
  FailureTypes.SetupStillRunning,
  FailureTypes.NaclQuotaExceeded,
  FailureTypes.AssumeRoleRefused,
  FailureTypes.RoleNotAllowed,
  FailureTypes.InvalidProtectionRequest,
  FailureTypes.ProtectionConflict,
  FailureTypes.ProtectionInUse,
  FailureTypes.ProtectionNotFound,
  FailureTypes.ProtectionStillRunning,
  FailureTypes.ReplicationFailed,
  FailureTypes.ReplicationNotCaughtUp,
  FailureTypes.RecordChanged,
];
