/** The fault proxy's VPC peering state on top of moto: NotFound outside the creating region, provisioning, failed. */
import { DescribeVpcPeeringConnectionsCommand } from '@aws-sdk/client-ec2';
import { ACCEPTER, failureOf, REQUESTER, sleep, useProxiedMoto } from '../support/proxied-moto';

const env = useProxiedMoto();
const { viaProxy, requestPeering, describePeering, accept } = env;

describe('fault proxy in front of moto: peering state', () => {
  test('GIVEN peering-not-found WHEN the accepter region looks within the window THEN NotFound, and after it the peering is there', async () => {
    env.proxy.setRules([{ kind: 'peering-not-found', seconds: 1.5 }]);
    const pcx = await requestPeering();

    const describeErr = await failureOf(describePeering(ACCEPTER, pcx));
    expect(describeErr.name).toBe('InvalidVpcPeeringConnectionID.NotFound');
    expect(describeErr.message).toBe(`The vpcPeeringConnection ID '${pcx}' does not exist`);
    expect((await failureOf(accept(pcx))).name).toBe('InvalidVpcPeeringConnectionID.NotFound');
    // Listing everything in the accepter region does not show it either; the requester region does.
    const listed = await viaProxy(ACCEPTER).send(new DescribeVpcPeeringConnectionsCommand({}));
    expect(listed.VpcPeeringConnections?.map((p) => p.VpcPeeringConnectionId)).not.toContain(pcx);
    expect((await describePeering(REQUESTER, pcx))?.Status?.Code).toBe('pending-acceptance');

    await sleep(1600);

    expect((await describePeering(ACCEPTER, pcx))?.Status?.Code).toBe('pending-acceptance');
    expect((await accept(pcx)).VpcPeeringConnection?.Status?.Code).toBe('active');
  });

  test('GIVEN peering-provisioning WHEN the peering is accepted THEN both regions see provisioning until the window ends, then active', async () => {
    env.proxy.setRules([{ kind: 'peering-provisioning', seconds: 1.5 }]);
    const pcx = await requestPeering();

    const accepted = await accept(pcx);

    expect(accepted.VpcPeeringConnection?.Status?.Code).toBe('provisioning');
    expect((await describePeering(REQUESTER, pcx))?.Status).toEqual({ Code: 'provisioning', Message: 'Provisioning' });
    expect((await describePeering(ACCEPTER, pcx))?.Status?.Code).toBe('provisioning');

    await sleep(1600);

    expect((await describePeering(REQUESTER, pcx))?.Status?.Code).toBe('active');
    expect((await describePeering(ACCEPTER, pcx))?.Status?.Code).toBe('active');
  });

  test('GIVEN peering-failed WHEN a peering is requested THEN it is reported failed and accepting it is InvalidStateTransition', async () => {
    env.proxy.setRules([{ kind: 'peering-failed' }]);
    const pcx = await requestPeering();

    const status = (await describePeering(REQUESTER, pcx))?.Status;
    expect(status?.Code).toBe('failed');
    expect(status?.Message).toMatch(/overlapping CIDR/);
    expect((await describePeering(ACCEPTER, pcx))?.Status?.Code).toBe('failed');
    expect((await failureOf(accept(pcx))).name).toBe('InvalidStateTransition');
  });

  test('GIVEN peering-failed on accept WHEN the peering is accepted THEN the accept answer and later reads say failed', async () => {
    env.proxy.setRules([{ kind: 'peering-failed', action: 'AcceptVpcPeeringConnection' }]);
    const pcx = await requestPeering();
    expect((await describePeering(REQUESTER, pcx))?.Status?.Code).toBe('pending-acceptance');

    const accepted = await accept(pcx);

    expect(accepted.VpcPeeringConnection?.Status?.Code).toBe('failed');
    expect((await describePeering(ACCEPTER, pcx))?.Status?.Code).toBe('failed');
  });
});
