/** The AWS-faithful layer: who may set a peering's DNS options, and when (harness/faithful/dns-options.ts). */
import {
  AcceptVpcPeeringConnectionCommand,
  CreateVpcCommand,
  CreateVpcPeeringConnectionCommand,
  DescribeVpcPeeringConnectionsCommand,
  ModifyVpcAttributeCommand,
  ModifyVpcPeeringConnectionOptionsCommand,
  type EC2Client,
} from '@aws-sdk/client-ec2';
import { MotoReader, SUITE_PROFILE } from '../../harness/faithful';
import { ACCEPTER, failureOf, REQUESTER, useProxiedMoto } from '../support/proxied-moto';

const env = useProxiedMoto({ faithful: { ...SUITE_PROFILE, skip: ['pagination', 'eventual-consistency'] } });
const { viaProxy, direct } = env;
const OTHER_ACCOUNT = '111122223333';

async function vpc(ec2: EC2Client, cidr: string, dns: { hostnames: boolean }): Promise<string> {
  const id = (await ec2.send(new CreateVpcCommand({ CidrBlock: cidr }))).Vpc!.VpcId!;
  // CreateVpc turns DNS support on and hostnames off, as on AWS.
  if (dns.hostnames) await ec2.send(new ModifyVpcAttributeCommand({ VpcId: id, EnableDnsHostnames: { Value: true } }));
  return id;
}

/** A peering between two VPCs made straight in moto; accepted unless told otherwise. */
async function peering(options: { hostnames?: boolean; accept?: boolean } = {}) {
  const accepterEc2 = direct(ACCEPTER);
  const a = await vpc(direct(REQUESTER), '10.50.0.0/16', { hostnames: true });
  const b = await vpc(accepterEc2, '10.60.0.0/16', { hostnames: options.hostnames ?? true });
  const pcx = (
    await direct(REQUESTER).send(
      new CreateVpcPeeringConnectionCommand({ VpcId: a, PeerVpcId: b, PeerRegion: ACCEPTER }),
    )
  ).VpcPeeringConnection!.VpcPeeringConnectionId!;
  if (options.accept ?? true)
    await accepterEc2.send(new AcceptVpcPeeringConnectionCommand({ VpcPeeringConnectionId: pcx }));
  return { pcx, accepterVpc: b };
}

function setDns(region: string, pcx: string, side: 'Requester' | 'Accepter') {
  return viaProxy(region).send(
    new ModifyVpcPeeringConnectionOptionsCommand({
      VpcPeeringConnectionId: pcx,
      [`${side}PeeringConnectionOptions`]: { AllowDnsResolutionFromRemoteVpc: true },
    }),
  );
}

async function dnsOptions(pcx: string) {
  const { VpcPeeringConnections = [] } = await direct(REQUESTER).send(
    new DescribeVpcPeeringConnectionsCommand({ VpcPeeringConnectionIds: [pcx] }),
  );
  const p = VpcPeeringConnections[0];
  return {
    requester: p?.RequesterVpcInfo?.PeeringOptions?.AllowDnsResolutionFromRemoteVpc,
    accepter: p?.AccepterVpcInfo?.PeeringOptions?.AllowDnsResolutionFromRemoteVpc,
  };
}

describe('AWS-faithful layer: DNS options of a peering', () => {
  test('GIVEN an active peering of two VPCs with DNS WHEN each side sets its option in its own region THEN both are on', async () => {
    const { pcx } = await peering();

    await setDns(REQUESTER, pcx, 'Requester');
    await setDns(ACCEPTER, pcx, 'Accepter');

    expect(await dnsOptions(pcx)).toEqual({ requester: true, accepter: true });
  });

  test('GIVEN a peering not accepted yet WHEN a DNS option is set THEN OperationNotPermitted, not active, and nothing changes', async () => {
    const { pcx } = await peering({ accept: false });

    const err = await failureOf(setDns(REQUESTER, pcx, 'Requester'));

    expect(err.name).toBe('OperationNotPermitted');
    expect(err.message).toBe(`Peering ${pcx} is not active. Peering options can be added only to active peerings.`);
    expect(await dnsOptions(pcx)).toEqual({ requester: false, accepter: false });
  });

  test("GIVEN an active peering WHEN a side's option is set from the other side's region THEN OperationNotPermitted, a different region", async () => {
    const { pcx } = await peering();

    const requesterFromAccepter = await failureOf(setDns(ACCEPTER, pcx, 'Requester'));
    const accepterFromRequester = await failureOf(setDns(REQUESTER, pcx, 'Accepter'));

    expect([requesterFromAccepter.name, requesterFromAccepter.message]).toEqual([
      'OperationNotPermitted',
      "Requester's VPC Peering connection options cannot be modified for a different region",
    ]);
    expect(accepterFromRequester.message).toBe(
      "Accepter's VPC Peering connection options cannot be modified for a different region",
    );
    expect(await dnsOptions(pcx)).toEqual({ requester: false, accepter: false });
  });

  test("GIVEN a cross-account peering in one region WHEN the requester's account sets the accepter side's option THEN OperationNotPermitted, no permission", async () => {
    const other = new MotoReader(env.motoUrl);
    const theirs = other.ec2(REQUESTER, OTHER_ACCOUNT);
    const a = await vpc(direct(REQUESTER), '10.70.0.0/16', { hostnames: true });
    const b = await vpc(theirs, '10.80.0.0/16', { hostnames: true });
    const pcx = (
      await direct(REQUESTER).send(
        new CreateVpcPeeringConnectionCommand({ VpcId: a, PeerVpcId: b, PeerOwnerId: OTHER_ACCOUNT }),
      )
    ).VpcPeeringConnection!.VpcPeeringConnectionId!;
    await theirs.send(new AcceptVpcPeeringConnectionCommand({ VpcPeeringConnectionId: pcx }));

    const err = await failureOf(setDns(REQUESTER, pcx, 'Accepter'));

    expect(err.name).toBe('OperationNotPermitted');
    expect(err.message).toBe('User 123456789012 does not have permission to modify the accepter side peering options');
    await setDns(REQUESTER, pcx, 'Requester');
    expect(await dnsOptions(pcx)).toEqual({ requester: true, accepter: false });
    other.close();
  });

  test('GIVEN an active peering whose accepter VPC has DNS hostnames off WHEN remote DNS is enabled THEN OperationNotPermitted, and once hostnames are on it succeeds', async () => {
    const { pcx, accepterVpc } = await peering({ hostnames: false });

    const err = await failureOf(setDns(REQUESTER, pcx, 'Requester'));

    expect(err.name).toBe('OperationNotPermitted');
    expect(err.message).toContain(`enableDnsHostnames is off for ${accepterVpc}`);
    expect(await dnsOptions(pcx)).toEqual({ requester: false, accepter: false });
    await direct(ACCEPTER).send(
      new ModifyVpcAttributeCommand({ VpcId: accepterVpc, EnableDnsHostnames: { Value: true } }),
    );
    await setDns(REQUESTER, pcx, 'Requester');
    expect(await dnsOptions(pcx)).toEqual({ requester: true, accepter: false });
  });
});
