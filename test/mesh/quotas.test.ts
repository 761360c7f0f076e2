/**
 * A mesh past a quota is refused before any change, naming the quota, the VPC and the count; the
 * account's own quota values win where Service Quotas answers. Real dev server and moto; the
 * applied values come from test/support/service-quotas-server.ts, since moto has only defaults.
 */
import {
  AttachInternetGatewayCommand,
  CreateInternetGatewayCommand,
  CreateNetworkAclEntryCommand,
  CreateRouteCommand,
  CreateVpcCommand,
  DescribeNetworkAclsCommand,
  DescribeRouteTablesCommand,
} from '@aws-sdk/client-ec2';
import type { ApplicationFailure } from '@temporalio/common';
import type { MeshPlan, MeshRequest } from '../../src/domain/mesh/types';
import { vpcSnapshot } from '../support/aws-state';
import { applicationFailureOf } from '../support/failures';
import { ec2, startTestWorker, uniqueId, type TestWorker } from '../support/harness';
import { meshLeftovers, startMesh } from '../support/mesh-state';
import { startServiceQuotasServer, type ServiceQuotasServer } from '../support/service-quotas-server';

const REGIONS = ['us-east-1', 'eu-west-1', 'ap-northeast-1', 'us-west-2', 'eu-central-1'];
const TWO_RULES: MeshRequest['allow'] = [
  { protocol: 'tcp', fromPort: 443, toPort: 443 },
  { protocol: 'tcp', fromPort: 22, toPort: 22 },
];
const MUTATING = /^(Create|Delete|Accept|Modify|Authorize|Revoke)/;

function twelveVpcs(): MeshRequest {
  const vpcs: MeshRequest['vpcs'] = {};
  for (let i = 0; i < 12; i++)
    vpcs[`v${i}`] = { region: REGIONS[i % REGIONS.length]!, cidrBlock: `10.${60 + i}.0.0/16` };
  return { vpcs, topology: 'full-mesh', allow: TWO_RULES };
}

let w: TestWorker;
let quotas: ServiceQuotasServer;
let wq: TestWorker;
beforeAll(async () => {
  quotas = await startServiceQuotasServer();
  [w, wq] = await Promise.all([startTestWorker(), startTestWorker({ serviceQuotasEndpoint: quotas.url })]);
});
afterAll(async () => {
  await Promise.all([w?.shutdown(), wq?.shutdown()]);
  await quotas?.close();
});

/** Runs the mesh, expecting it refused: the failure, and the mutating calls it made (none, we hope). */
async function refused(request: MeshRequest): Promise<{ failure: ApplicationFailure; mutating: string[]; id: string }> {
  const id = uniqueId('mesh-quota');
  const from = w.calls.length;
  const failure = await applicationFailureOf((await startMesh(w, request, id)).result());
  const mutating = w.calls.slice(from).filter((c) => MUTATING.test(c.operation));
  return { failure, mutating: mutating.map((c) => `${c.region} ${c.operation}`), id };
}

function plan(worker: TestWorker, request: MeshRequest): Promise<MeshPlan> {
  return worker.client.workflow.execute('PlanPeeringMesh', {
    taskQueue: worker.taskQueue,
    workflowId: uniqueId('mesh-plan'),
    args: [request],
  }) as Promise<MeshPlan>;
}

describe('GIVEN a mesh past a quota WHEN it is set up THEN it is refused with InvalidMeshRequest and nothing is created', () => {
  test('12 VPCs with two allow rules: past the 20 NACL entries per direction', async () => {
    const { failure, mutating, id } = await refused(twelveVpcs());

    expect({ type: failure.type, nonRetryable: failure.nonRetryable }).toEqual({
      type: 'InvalidMeshRequest',
      nonRetryable: true,
    });
    // 11 peers x (22, 443 and the return range), plus the default ACL's rule 100 and its deny.
    expect(failure.message).toMatch(
      /^vpcs\.v0: Rules per network ACL \(L-2AEEBF1A\) would be 35 in \(default ACL\) ingress, past the quota of 20/,
    );
    expect(mutating).toEqual([]);
    expect(await meshLeftovers(id, [], REGIONS)).toEqual([]);
  });

  test("an existing VPC whose ACL is nearly full: 17 entries of its own, plus AWS's rule 100 and deny", async () => {
    const c = ec2('eu-west-1');
    const vpcId = (await c.send(new CreateVpcCommand({ CidrBlock: '10.80.0.0/16' }))).Vpc!.VpcId!;
    const acl = (await c.send(new DescribeNetworkAclsCommand({ Filters: [{ Name: 'vpc-id', Values: [vpcId] }] })))
      .NetworkAcls![0]!.NetworkAclId!;
    for (let i = 0; i < 17; i++) {
      await c.send(
        new CreateNetworkAclEntryCommand({
          NetworkAclId: acl,
          RuleNumber: 200 + i,
          Egress: false,
          Protocol: '6',
          RuleAction: 'allow',
          CidrBlock: `192.168.${i}.0/24`,
          PortRange: { From: 443, To: 443 },
        }),
      );
    }
    const before = await vpcSnapshot('eu-west-1', vpcId);

    const { failure, mutating } = await refused({
      vpcs: {
        full: { region: 'eu-west-1', vpcId },
        a: { region: 'us-east-1', cidrBlock: '10.81.0.0/16' },
        b: { region: 'ap-northeast-1', cidrBlock: '10.82.0.0/16' },
      },
      topology: 'full-mesh',
      allow: [{ protocol: 'tcp', fromPort: 443, toPort: 443 }],
    });

    expect(failure.type).toBe('InvalidMeshRequest');
    expect(failure.message).toContain(`vpcs.full: Rules per network ACL (L-2AEEBF1A) would be 23 in ${acl} ingress`);
    expect(mutating).toEqual([]);
    expect(await vpcSnapshot('eu-west-1', vpcId)).toEqual(before);
  });

  test('an existing route table with 48 routes and 3 peers to add: past the 50 routes per table', async () => {
    const c = ec2('us-west-2');
    const vpcId = (await c.send(new CreateVpcCommand({ CidrBlock: '10.83.0.0/16' }))).Vpc!.VpcId!;
    const igw = (await c.send(new CreateInternetGatewayCommand({}))).InternetGateway!.InternetGatewayId!;
    await c.send(new AttachInternetGatewayCommand({ InternetGatewayId: igw, VpcId: vpcId }));
    const table = (await c.send(new DescribeRouteTablesCommand({ Filters: [{ Name: 'vpc-id', Values: [vpcId] }] })))
      .RouteTables![0]!.RouteTableId!;
    for (let i = 0; i < 47; i++)
      await c.send(
        new CreateRouteCommand({ RouteTableId: table, DestinationCidrBlock: `172.20.${i}.0/24`, GatewayId: igw }),
      );

    const { failure, mutating } = await refused({
      vpcs: {
        busy: { region: 'us-west-2', vpcId },
        a: { region: 'us-east-1', cidrBlock: '10.84.0.0/16' },
        b: { region: 'eu-west-1', cidrBlock: '10.85.0.0/16' },
        c: { region: 'us-west-2', cidrBlock: '10.86.0.0/16' },
      },
      topology: { hub: 'busy' },
      allow: [{ protocol: 'tcp', fromPort: 443, toPort: 443 }],
    });

    expect(failure.type).toBe('InvalidMeshRequest');
    expect(failure.message).toContain(
      `vpcs.busy: Routes per route table (L-93826ACB) would be 51 in ${table}, past the quota of 50`,
    );
    expect(mutating).toEqual([]);
  });
});

describe('GIVEN the Service Quotas API', () => {
  test("WHEN the account's NACL quota is raised to 40 THEN the same 12 VPCs fit, with 40 from Service Quotas and the other quotas AWS's defaults", async () => {
    quotas.setApplied({ 'L-2AEEBF1A': 40 });

    const p = await plan(wq, twelveVpcs());

    expect(p.violations).toEqual([]);
    for (const region of REGIONS) {
      expect(p.quotas[region]).toEqual({
        peerings: { value: 50, source: 'aws-default' },
        routes: { value: 50, source: 'aws-default' },
        groupRules: { value: 60, source: 'aws-default' },
        naclEntries: { value: 40, source: 'service-quotas' },
      });
    }
    const figure = p.vpcs[0]!.figures.find((f) => f.quota === 'naclEntries')!;
    expect(figure).toMatchObject({ planned: 35, limit: 40, tight: true, over: false });
    expect(quotas.calls).toEqual(
      expect.arrayContaining(['GetServiceQuota L-2AEEBF1A', 'GetAWSDefaultServiceQuota L-7E9ECCDB']),
    );
  });

  test('WHEN it refuses (no permission) THEN the plan uses the built-in defaults and says why', async () => {
    quotas.refuse(true);
    try {
      const p = await plan(wq, twelveVpcs());
      expect(p.quotas['us-east-1']!.naclEntries).toEqual({
        value: 20,
        source: 'built-in',
        note: expect.stringContaining('AccessDeniedException'),
      });
      expect(p.violations.length).toBeGreaterThan(0);
    } finally {
      quotas.refuse(false);
    }
  });

  test("WHEN moto answers it THEN its values (AWS's defaults) come from GetServiceQuota", async () => {
    const p = await plan(w, twelveVpcs());
    expect(p.quotas['eu-central-1']!.naclEntries).toEqual({ value: 20, source: 'service-quotas' });
  });
});
