/** The bare script's helpers (bench/bare-setup.ts): what it does as the activities do, without them. */
import {
  CreateTagsCommand,
  DescribeNetworkAclsCommand,
  DescribeRouteTablesCommand,
  type EC2Client,
  type VpcPeeringConnection,
} from '@aws-sdk/client-ec2';
import { WaiterState } from '@smithy/util-waiter';
import { defaultAclOf, mainTableOf } from '../src/activities/ec2/claim';
import { toTags } from '../src/activities/ec2/helpers';
import { waitForPeering } from '../src/activities/ec2/peering-connection';
import * as TAGS from '../src/domain/aws/tags';

/**
 * AWS makes the main route table and default NACL with the VPC, untagged; they are listed a moment
 * later. Both are read at once (as the activity does), then tagged with the setup id in one call.
 */
export async function claimDefaultTables(ec2: EC2Client, vpcId: string, setupId: string): Promise<void> {
  const byVpc = { Filters: [{ Name: 'vpc-id', Values: [vpcId] }] };
  for (const started = Date.now(); Date.now() - started < 60_000; await new Promise((r) => setTimeout(r, 1_000))) {
    const [tables, acls] = await Promise.all([
      ec2.send(new DescribeRouteTablesCommand(byVpc)),
      ec2.send(new DescribeNetworkAclsCommand(byVpc)),
    ]);
    const main = mainTableOf(tables.RouteTables ?? [], vpcId);
    const acl = defaultAclOf(acls.NetworkAcls ?? [], vpcId);
    if (!main || !acl) continue;
    const Tags = toTags({ [TAGS.SETUP_ID_TAG]: setupId });
    await ec2.send(new CreateTagsCommand({ Resources: [main.id, acl.id], Tags }));
    return;
  }
  throw new Error(`${vpcId}: main route table and default NACL not listed after 60 s`);
}

/** The activities' own peering wait (same poll settings); outside an activity it just polls. */
export async function pollPeering(ec2: EC2Client, id: string, done: (p: VpcPeeringConnection | undefined) => boolean) {
  const last = await waitForPeering(ec2, id, 300, (p) => (done(p) ? WaiterState.SUCCESS : WaiterState.RETRY));
  if (!last) throw new Error(`peering ${id}: not visible`);
  return last;
}
