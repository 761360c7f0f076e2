/** The AWS-faithful layer: the VPC peering lifecycle as AWS runs it (harness/faithful/peering-lifecycle.ts). */
import {
  AcceptVpcPeeringConnectionCommand,
  CreateVpcPeeringConnectionCommand,
  DeleteVpcPeeringConnectionCommand,
  DescribeVpcPeeringConnectionsCommand,
} from '@aws-sdk/client-ec2';
import { SUITE_PROFILE } from '../../harness/faithful';
import { OVERLAP_MESSAGE } from '../../harness/faithful/peering-lifecycle';
import { ACCEPTER, createTaggedVpc, failureOf, REQUESTER, sleep, useProxiedMoto } from '../support/proxied-moto';

// Half a second in each passing state, a second and a half before a dead peering is purged.
const env = useProxiedMoto({
  faithful: { ...SUITE_PROFILE, lagSeconds: [0.5, 0.5], purgeAfterSeconds: 1.5, skip: ['pagination'] },
});
const { viaProxy, direct, describePeering } = env;

async function request(requesterCidr: string, accepterCidr: string): Promise<{ pcx: string; a: string; b: string }> {
  const a = (await createTaggedVpc(direct(REQUESTER), 'req', requesterCidr)).Vpc!.VpcId!;
  const b = (await createTaggedVpc(direct(ACCEPTER), 'acc', accepterCidr)).Vpc!.VpcId!;
  const out = await viaProxy(REQUESTER).send(
    new CreateVpcPeeringConnectionCommand({ VpcId: a, PeerVpcId: b, PeerRegion: ACCEPTER }),
  );
  return { pcx: out.VpcPeeringConnection!.VpcPeeringConnectionId!, a, b };
}

async function listed(region: string): Promise<string[]> {
  const out = await viaProxy(region).send(new DescribeVpcPeeringConnectionsCommand({}));
  return (out.VpcPeeringConnections ?? []).map((p) => p.VpcPeeringConnectionId!);
}

describe('AWS-faithful layer: peering lifecycle', () => {
  test('GIVEN a peering just requested WHEN it is described in its region THEN it is initiating-request first, then pending-acceptance', async () => {
    const { pcx } = await request('10.10.0.0/16', '10.20.0.0/16');

    const first = await describePeering(REQUESTER, pcx);
    await sleep(600);
    const later = await describePeering(REQUESTER, pcx);

    expect(first?.Status).toEqual({ Code: 'initiating-request', Message: 'Initiating Request to 123456789012' });
    expect(later?.Status?.Code).toBe('pending-acceptance');
  });

  test('GIVEN VPCs with overlapping CIDRs WHEN a peering is requested THEN it goes to failed, cannot be accepted or deleted, and is purged, though moto keeps it pending', async () => {
    const { pcx } = await request('10.30.0.0/16', '10.30.128.0/17');
    await sleep(600);

    const status = (await describePeering(REQUESTER, pcx))?.Status;
    const acceptErr = await failureOf(
      viaProxy(ACCEPTER).send(new AcceptVpcPeeringConnectionCommand({ VpcPeeringConnectionId: pcx })),
    );
    const deleteErr = await failureOf(
      viaProxy(REQUESTER).send(new DeleteVpcPeeringConnectionCommand({ VpcPeeringConnectionId: pcx })),
    );

    expect(status).toEqual({ Code: 'failed', Message: OVERLAP_MESSAGE });
    expect((await describePeering(ACCEPTER, pcx))?.Status?.Code).toBe('failed');
    expect(acceptErr.name).toBe('InvalidStateTransition');
    expect(deleteErr.name).toBe('InvalidStateTransition');
    const raw = await direct(REQUESTER).send(
      new DescribeVpcPeeringConnectionsCommand({ VpcPeeringConnectionIds: [pcx] }),
    );
    expect(raw.VpcPeeringConnections?.[0]?.Status?.Code).toBe('pending-acceptance');
    await sleep(1600);
    expect((await failureOf(describePeering(REQUESTER, pcx))).name).toBe('InvalidVpcPeeringConnectionID.NotFound');
    expect(await listed(REQUESTER)).not.toContain(pcx);
  });

  test('GIVEN an active peering WHEN it is deleted THEN it is deleting, then deleted and still visible, then purged from both regions, though moto keeps it', async () => {
    const { pcx } = await request('10.40.0.0/16', '10.50.0.0/16');
    await sleep(600);
    await viaProxy(ACCEPTER).send(new AcceptVpcPeeringConnectionCommand({ VpcPeeringConnectionId: pcx }));

    await viaProxy(REQUESTER).send(new DeleteVpcPeeringConnectionCommand({ VpcPeeringConnectionId: pcx }));

    expect((await describePeering(REQUESTER, pcx))?.Status?.Code).toBe('deleting');
    await sleep(600);
    expect((await describePeering(REQUESTER, pcx))?.Status?.Code).toBe('deleted');
    expect(await listed(ACCEPTER)).toContain(pcx);
    await sleep(1500);
    expect((await failureOf(describePeering(ACCEPTER, pcx))).name).toBe('InvalidVpcPeeringConnectionID.NotFound');
    expect(await listed(REQUESTER)).not.toContain(pcx);
    expect(await listed(ACCEPTER)).not.toContain(pcx);
    const raw = await direct(REQUESTER).send(
      new DescribeVpcPeeringConnectionsCommand({ VpcPeeringConnectionIds: [pcx] }),
    );
    expect(raw.VpcPeeringConnections?.[0]?.Status?.Code).toBe('deleted');
  });

  test('GIVEN a live peering between two VPCs WHEN another is requested between them THEN VpcPeeringConnectionAlreadyExists, and once the first is deleted a new one can be', async () => {
    const { pcx, a, b } = await request('10.60.0.0/16', '10.70.0.0/16');
    const again = () =>
      viaProxy(REQUESTER).send(new CreateVpcPeeringConnectionCommand({ VpcId: a, PeerVpcId: b, PeerRegion: ACCEPTER }));

    const err = await failureOf(again());

    expect(err.name).toBe('VpcPeeringConnectionAlreadyExists');
    await viaProxy(REQUESTER).send(new DeleteVpcPeeringConnectionCommand({ VpcPeeringConnectionId: pcx }));
    await sleep(600);
    expect((await again()).VpcPeeringConnection?.VpcPeeringConnectionId).not.toBe(pcx);
  });
});
