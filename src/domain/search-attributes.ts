import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

/** Registered by `npm run stack:up`; a cluster needs them registered once (see README). */
export const PEERING_CONNECTION_ID = defineSearchAttributeKey('PeeringConnectionId', SearchAttributeType.KEYWORD);
export const REQUESTER_REGION = defineSearchAttributeKey('RequesterRegion', SearchAttributeType.KEYWORD);
export const ACCEPTER_REGION = defineSearchAttributeKey('AccepterRegion', SearchAttributeType.KEYWORD);
export const DRILL_OUTCOME = defineSearchAttributeKey('DrillOutcome', SearchAttributeType.KEYWORD);
