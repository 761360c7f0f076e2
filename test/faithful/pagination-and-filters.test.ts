/** The AWS-faithful layer: small pages (pagination.ts) and the peering filters moto ignores (peering-filters.ts). */
import {
  CreateSecurityGroupCommand,
  CreateVpcCommand,
  CreateVpcPeeringConnectionCommand,
  DescribeRouteTablesCommand,
  DescribeSecurityGroupsCommand,
  DescribeVpcPeeringConnectionsCommand,
  DescribeVpcsCommand,
  paginateDescribeRouteTables,
  paginateDescribeVpcPeeringConnections,
  paginateDescribeVpcs,
  CreateRouteTableCommand,
} from '@aws-sdk/client-ec2';
import { SUITE_PROFILE } from '../../harness/faithful';
import { createTaggedVpc, failureOf, useProxiedMoto } from '../support/proxied-moto';

const env = useProxiedMoto({ faithful: { ...SUITE_PROFILE, pageSize: 2, skip: ['eventual-consistency'] } });
const { viaProxy, direct } = env;

async function collect<P, T>(
  pages: AsyncIterable<P>,
  pick: (p: P) => T[] | undefined,
): Promise<{ items: T[]; pages: number }> {
  const items: T[] = [];
  let count = 0;
  for await (const page of pages) {
    count++;
    items.push(...(pick(page) ?? []));
  }
  return { items, pages: count };
}

describe('AWS-faithful layer: pagination', () => {
  test('GIVEN five VPCs with one tag WHEN they are described by that tag THEN a call answers two and a NextToken, and only following the tokens finds all five', async () => {
    const ids = [];
    for (let i = 0; i < 5; i++) ids.push((await createTaggedVpc(direct(), 'paged', `10.${i}.0.0/16`)).Vpc!.VpcId!);
    const filter = { Filters: [{ Name: 'tag:Name', Values: ['paged'] }] };

    const first = await viaProxy().send(new DescribeVpcsCommand(filter));
    const all = await collect(paginateDescribeVpcs({ client: viaProxy() }, filter), (p) => p.Vpcs);

    expect(first.Vpcs).toHaveLength(2);
    expect(first.NextToken).toBeDefined();
    expect(all.pages).toBe(3);
    expect(all.items.map((v) => v.VpcId).sort()).toEqual([...ids].sort());
  });

  test('GIVEN a VPC with three route tables WHEN they are listed with MaxResults 5 THEN pages hold two, fewer than asked, and the paginator gets all three', async () => {
    const vpcId = (await direct().send(new CreateVpcCommand({ CidrBlock: '10.20.0.0/16' }))).Vpc!.VpcId!;
    await direct().send(new CreateRouteTableCommand({ VpcId: vpcId }));
    await direct().send(new CreateRouteTableCommand({ VpcId: vpcId }));
    const byVpc = { Filters: [{ Name: 'vpc-id', Values: [vpcId] }] };

    const page = await viaProxy().send(new DescribeRouteTablesCommand({ ...byVpc, MaxResults: 5 }));
    const all = await collect(
      paginateDescribeRouteTables({ client: viaProxy(), pageSize: 5 }, byVpc),
      (p) => p.RouteTables,
    );

    expect(page.RouteTables).toHaveLength(2);
    expect(page.NextToken).toBeDefined();
    expect(all.items).toHaveLength(3);
  });

  test('GIVEN four security groups WHEN they are described without MaxResults THEN all come at once, as AWS promises, and with MaxResults they come two by two', async () => {
    const vpcId = (await direct().send(new CreateVpcCommand({ CidrBlock: '10.30.0.0/16' }))).Vpc!.VpcId!;
    for (const name of ['a', 'b', 'c']) {
      await direct().send(new CreateSecurityGroupCommand({ VpcId: vpcId, GroupName: name, Description: name }));
    }
    const byVpc = { Filters: [{ Name: 'vpc-id', Values: [vpcId] }] };

    const whole = await viaProxy().send(new DescribeSecurityGroupsCommand(byVpc));
    const paged = await viaProxy().send(new DescribeSecurityGroupsCommand({ ...byVpc, MaxResults: 5 }));

    expect(whole.SecurityGroups).toHaveLength(4);
    expect(whole.NextToken).toBeUndefined();
    expect(paged.SecurityGroups).toHaveLength(2);
    expect(paged.NextToken).toBeDefined();
  });

  test('GIVEN a NextToken WHEN it is sent with another filter, or a token is made up THEN InvalidPaginationToken', async () => {
    for (let i = 0; i < 3; i++) await createTaggedVpc(direct(), 'tok', `10.${40 + i}.0.0/16`);
    const { NextToken } = await viaProxy().send(
      new DescribeVpcsCommand({ Filters: [{ Name: 'tag:Name', Values: ['tok'] }] }),
    );

    const reused = await failureOf(
      viaProxy().send(new DescribeVpcsCommand({ Filters: [{ Name: 'tag:Name', Values: ['other'] }], NextToken })),
    );
    const madeUp = await failureOf(viaProxy().send(new DescribeVpcsCommand({ NextToken: 'bm90LWEtdG9rZW4' })));

    expect(NextToken).toBeDefined();
    expect(reused.name).toBe('InvalidPaginationToken');
    expect(madeUp.name).toBe('InvalidPaginationToken');
  });
});

describe('AWS-faithful layer: peering filters', () => {
  async function peerings() {
    const [a, b, c] = await Promise.all(
      ['10.60.0.0/16', '10.61.0.0/16', '10.62.0.0/16'].map(
        async (cidr) => (await direct().send(new CreateVpcCommand({ CidrBlock: cidr }))).Vpc!.VpcId!,
      ),
    );
    const peer = async (vpc: string, peerVpc: string, setup: string) =>
      (
        await direct().send(
          new CreateVpcPeeringConnectionCommand({
            VpcId: vpc,
            PeerVpcId: peerVpc,
            TagSpecifications: [{ ResourceType: 'vpc-peering-connection', Tags: [{ Key: 'SetupId', Value: setup }] }],
          }),
        )
      ).VpcPeeringConnection!.VpcPeeringConnectionId!;
    return { a: a!, ab: await peer(a!, b!, 's1'), ac: await peer(a!, c!, 's2'), bc: await peer(b!, c!, 's3') };
  }

  test('GIVEN three peerings WHEN they are described by requester VPC and by tag THEN only the matching ones come back, though moto alone answers all three', async () => {
    const p = await peerings();
    const ids = async (filter: { Name: string; Values: string[] }) =>
      (
        await collect(
          paginateDescribeVpcPeeringConnections({ client: viaProxy() }, { Filters: [filter] }),
          (x) => x.VpcPeeringConnections,
        )
      ).items
        .map((x) => x.VpcPeeringConnectionId)
        .sort();

    expect(await ids({ Name: 'requester-vpc-info.vpc-id', Values: [p.a] })).toEqual([p.ab, p.ac].sort());
    expect(await ids({ Name: 'tag:SetupId', Values: ['s3'] })).toEqual([p.bc]);
    expect(await ids({ Name: 'tag:SetupId', Values: ['s*'] })).toHaveLength(3);
    expect(await ids({ Name: 'status-code', Values: ['active'] })).toEqual([]);
    const raw = await direct().send(
      new DescribeVpcPeeringConnectionsCommand({ Filters: [{ Name: 'tag:SetupId', Values: ['s3'] }] }),
    );
    expect(raw.VpcPeeringConnections).toHaveLength(3);
  });

  test('GIVEN a filter name AWS does not know WHEN peerings are described with it THEN InvalidParameterValue', async () => {
    const err = await failureOf(
      viaProxy().send(
        new DescribeVpcPeeringConnectionsCommand({ Filters: [{ Name: 'requester-vpc', Values: ['x'] }] }),
      ),
    );

    expect([err.name, err.message]).toEqual(['InvalidParameterValue', "The filter 'requester-vpc' is invalid"]);
  });
});
