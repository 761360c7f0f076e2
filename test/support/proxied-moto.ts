/**
 * For the fault proxy's own tests (and the AWS-faithful layer's): a moto started for the test file
 * alone (reset before every test), the proxy in front of it, EC2 clients through the proxy or
 * straight to moto, and the small AWS steps the tests are made of.
 */
import {
  AcceptVpcPeeringConnectionCommand,
  CreateVpcCommand,
  CreateVpcPeeringConnectionCommand,
  DescribeVpcPeeringConnectionsCommand,
  DescribeVpcsCommand,
  EC2Client,
  type VpcPeeringConnection,
} from '@aws-sdk/client-ec2';
import { type FaithfulOptions } from '../../harness/faithful';
import { startFaultProxy, type FaultProxy } from '../../harness/fault-proxy';
import { startMoto, type MotoServer } from '../../harness/stack';

export const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };
export const REQUESTER = 'us-east-1';
export const ACCEPTER = 'us-west-2';

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export async function failureOf(
  promise: Promise<unknown>,
): Promise<Error & { $metadata?: { httpStatusCode?: number }; code?: string }> {
  try {
    await promise;
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected the call to fail');
}

export function createTaggedVpc(client: EC2Client, name: string, cidr = '10.0.0.0/16') {
  return client.send(
    new CreateVpcCommand({
      CidrBlock: cidr,
      TagSpecifications: [{ ResourceType: 'vpc', Tags: [{ Key: 'Name', Value: name }] }],
    }),
  );
}

/**
 * Starts moto and the proxy (seed 42) for this test file, and empties both before every test.
 * With `faithful`, the proxy is also the AWS-faithful layer.
 */
export function useProxiedMoto(options: { faithful?: FaithfulOptions } = {}) {
  let moto: MotoServer | undefined;
  let motoUrl = '';
  let proxy: FaultProxy;

  beforeAll(async () => {
    moto = await startMoto();
    motoUrl = moto.url;
    proxy = await startFaultProxy({ target: motoUrl, seed: 42, ...options });
  }, 60_000);

  afterAll(async () => {
    await proxy?.close();
    await moto?.stop();
  });

  beforeEach(async () => {
    await fetch(`${motoUrl}/moto-api/reset`, { method: 'POST' });
    proxy.clearRules();
    proxy.resetStats();
  });

  function viaProxy(region = REQUESTER, maxAttempts = 1): EC2Client {
    return new EC2Client({ region, endpoint: proxy.url, credentials, maxAttempts });
  }

  function direct(region = REQUESTER): EC2Client {
    return new EC2Client({ region, endpoint: motoUrl, credentials, maxAttempts: 1 });
  }

  async function countVpcsNamed(name: string, region = REQUESTER): Promise<number> {
    const { Vpcs = [] } = await direct(region).send(new DescribeVpcsCommand({}));
    return Vpcs.filter((v) => v.Tags?.some((t) => t.Key === 'Name' && t.Value === name)).length;
  }

  /** Two VPCs in two regions, created directly in moto, and a peering requested through the proxy. */
  async function requestPeering(): Promise<string> {
    const a = await createTaggedVpc(direct(REQUESTER), 'requester', '10.10.0.0/16');
    const b = await createTaggedVpc(direct(ACCEPTER), 'accepter', '10.20.0.0/16');
    const created = await viaProxy(REQUESTER).send(
      new CreateVpcPeeringConnectionCommand({ VpcId: a.Vpc?.VpcId, PeerVpcId: b.Vpc?.VpcId, PeerRegion: ACCEPTER }),
    );
    const pcx = created.VpcPeeringConnection?.VpcPeeringConnectionId;
    if (pcx === undefined) throw new Error('no pcx id');
    return pcx;
  }

  async function describePeering(region: string, pcx: string): Promise<VpcPeeringConnection | undefined> {
    const out = await viaProxy(region).send(
      new DescribeVpcPeeringConnectionsCommand({ VpcPeeringConnectionIds: [pcx] }),
    );
    return out.VpcPeeringConnections?.find((p) => p.VpcPeeringConnectionId === pcx);
  }

  function accept(pcx: string) {
    return viaProxy(ACCEPTER).send(new AcceptVpcPeeringConnectionCommand({ VpcPeeringConnectionId: pcx }));
  }

  return {
    /** The proxy of this file, once beforeAll has started it. */
    get proxy(): FaultProxy {
      return proxy;
    },
    get motoUrl(): string {
      return motoUrl;
    },
    viaProxy,
    direct,
    countVpcsNamed,
    requestPeering,
    describePeering,
    accept,
  };
}
