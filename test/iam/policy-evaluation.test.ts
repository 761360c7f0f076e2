/**
 * The shipped policies, evaluated offline by an IAM simulator (@cloud-copilot/iam-simulate) as AWS
 * would decide each request, since moto enforces no IAM. Every AWS call that real runs make (a setup
 * with flow logs and its teardown, a setup between opted-in VPCs, a mesh plan, a failover with
 * promotion, scaling and routing controls, a database protected, unprotected and re-protected and a
 * drill rehearsing a promotion, and cross-account setups through the side roles) is recorded with the
 * state IAM decides on (iam-recorder.ts) and must be allowed; this release's calls not made by src/
 * yet (Aurora, recovery, the KMS calls RDS makes) are evaluated from the contract's shapes (iam-coming.ts);
 * and each destructive call on what the tool neither made nor was given must be denied.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { PeeringRequest } from '../../src/domain/peering/types';
import { type FaultProxy } from '../../harness/fault-proxy';
import { startStsTrust, type StsTrustLayer } from '../../harness/faithful/sts-trust';
import { ROOT } from '../../harness/stack';
import { PARTNER_ACCOUNT, WORKER_ACCOUNT, WORKER_PRINCIPAL } from '../support/accounts';
import { startArcCluster, type ArcCluster } from '../support/arc-cluster';
import { testEnv } from '../support/env';
import { FROM, TO } from '../support/failover/fixture';
import { startSuiteFaultProxy } from '../support/faithful/layer';
import { startTestWorker, uniqueId, type TestWorker } from '../support/harness';
import { AURORA_CALLS, COMING_CALLS, COMING_PLACEHOLDERS } from '../support/iam/coming';
import { databaseRuns } from '../support/iam/database-runs';
import { evaluatedFailoverAndBack } from '../support/iam/evaluation-failover';
import { PolicyEvaluator } from '../support/iam/evaluate';
import { OUT_OF_SCOPE } from '../support/iam/out-of-scope';
import { startIamRecorder, type IamRecorder, type RecordedCall } from '../support/iam/recorder';
import { iamRequestsOf, policyOf, type IamRequest, type PolicyName } from '../support/iam/requests';
import { crossAccountRuns, EXTERNAL_ID, optInTables } from '../support/iam/roles';
import { existingNetwork } from '../support/real-networks';
import { twoRegionRequest } from '../support/requests';

/**
 * A setup adds routes and NACL entries to the main route table and default ACL of a VPC it creates,
 * which AWS creates untagged: the scoped policy allows them once the setup claims them with its tag
 * (ClaimTheTablesOfAVpcItCreated), which ensureVpc does (src/activities/ec2/vpc.ts), or for a VPC it
 * finds again, the side rules (src/activities/ec2/claim.ts). Calls on such
 * unclaimed tables are counted apart here; now that the setup claims them, there must be none.
 */
const SETUP_CLAIMS_ITS_TABLES = true;
const TABLE_CALLS = /^ec2:(Create|Delete)(Route|NetworkAclEntry)$/;

async function setupAndTeardown(w: TestWorker, request: PeeringRequest): Promise<void> {
  const setupId = uniqueId('eval-setup');
  await w.client.workflow.execute('SetupInterRegionPeering', {
    taskQueue: w.taskQueue,
    workflowId: setupId,
    args: [request],
  });
  await w.client.workflow.execute('TeardownInterRegionPeering', {
    taskQueue: w.taskQueue,
    workflowId: uniqueId('eval-teardown'),
    args: [{ setupWorkflowId: setupId }],
  });
}

interface Verdict {
  call: string;
  recorded?: RecordedCall;
  request: IamRequest;
  result: string;
  ignored: string[];
  error?: string;
}

describe('the shipped IAM policies, evaluated offline', () => {
  let w: TestWorker;
  let proxy: FaultProxy;
  let trust: StsTrustLayer;
  let arc: ArcCluster;
  let recorder: IamRecorder;
  let evaluator: PolicyEvaluator;
  const verdicts: Verdict[] = [];

  beforeAll(async () => {
    [proxy, arc] = await Promise.all([startSuiteFaultProxy(), startArcCluster([FROM, TO])]);
    trust = await startStsTrust({ target: proxy.url });
    recorder = await startIamRecorder({ target: trust.url, motoUrl: testEnv().motoUrl });
    w = await startTestWorker({ endpoint: recorder.url });
    await setupAndTeardown(w, {
      ...twoRegionRequest('eval', 96, [{ protocol: 'tcp', fromPort: 5432, toPort: 5432 }]),
      flowLogs: true,
      flowLogsRoleArn: 'arn:aws:iam::123456789012:role/vpc-peering-flow-logs',
    });
    const [a, b] = [
      await existingNetwork({ region: FROM, cidrBlock: '10.97.0.0/16' }),
      await existingNetwork({ region: TO, cidrBlock: '10.98.0.0/16' }),
    ];
    await Promise.all([optInTables(FROM, a.vpcId), optInTables(TO, b.vpcId)]);
    await setupAndTeardown(w, {
      requester: { region: FROM, vpcId: a.vpcId },
      accepter: { region: TO, vpcId: b.vpcId },
      allow: [{ protocol: 'tcp', fromPort: 443, toPort: 443 }],
    });
    await w.client.workflow.execute('PlanPeeringMesh', {
      taskQueue: w.taskQueue,
      workflowId: uniqueId('eval-mesh-plan'),
      args: [JSON.parse(fs.readFileSync(path.join(ROOT, 'examples', 'mesh.json'), 'utf8'))],
    });
    const dns = await evaluatedFailoverAndBack(w, arc);
    await databaseRuns(w, proxy.url, 222, {
      hostedZoneId: dns['<HOSTED_ZONE_ID>']!,
      recordName: `${dns['<RECORD_NAME>']!}.`,
    });
    await crossAccountRuns(w, true);
    evaluator = new PolicyEvaluator({
      ...dns,
      ...COMING_PLACEHOLDERS,
      '<REQUESTER_ACCOUNT_ID>': PARTNER_ACCOUNT,
      '<ACCEPTER_ACCOUNT_ID>': PARTNER_ACCOUNT,
      '<WORKER_ROLE_ARN>': WORKER_PRINCIPAL,
      '<EXTERNAL_ID>': EXTERNAL_ID,
    });
    const judge = async (
      call: string,
      policy: PolicyName,
      principal: string,
      request: IamRequest,
      recorded?: RecordedCall,
    ) => {
      const d = await evaluator.decide(policy, principal, request);
      verdicts.push({
        call,
        request,
        result: d.result,
        ignored: d.ignored,
        ...(d.error ? { error: d.error } : {}),
        ...(recorded ? { recorded } : {}),
      });
    };
    for (const c of recorder.calls) {
      if (c.facts.stateError)
        throw new Error(`${c.service}:${c.action}: moto could not be read: ${c.facts.stateError}`);
      for (const r of iamRequestsOf(c))
        await judge(`${c.service}:${c.action}`, policyOf(c.caller.arn), c.caller.arn, r, c);
    }
    // UpdateRoutingControlStates is authorized on each routing control it sets.
    for (const [c, arn] of arc.calls.flatMap((c) =>
      (c.entries?.map((e) => e.arn) ?? [c.routingControlArn!]).map((a) => [c, a] as const),
    )) {
      const request: IamRequest = {
        action: `route53-recovery-cluster:${c.operation}`,
        resource: arn,
        resourceAccount: '123456789012',
        context: { 'aws:PrincipalAccount': '123456789012' },
      };
      await judge(request.action, 'worker', WORKER_PRINCIPAL, request);
    }
  });
  afterAll(async () => {
    await w?.shutdown();
    await Promise.all([recorder?.close(), trust?.close(), proxy?.close(), arc?.close()]);
  });

  /**
   * Refused on a route table or ACL that carries neither the setup tag nor the opt-in (the NACL
   * record's own tags grant nothing), of a VPC a setup created (its tag read at call time).
   */
  const awaitingClaim = (v: Verdict): boolean => {
    const c = v.recorded;
    const table = c?.params.RouteTableId ?? c?.params.NetworkAclId;
    if (!c || !table || !TABLE_CALLS.test(v.request.action) || v.result === 'Allowed') return false;
    const vpc = c.facts[`vpc:${table}`] ?? '';
    const tags = c.tags[table] ?? {};
    return !tags['vpc-peering:setup-id'] && !tags['vpc-peering:managed'] && !!c.tags[vpc]?.['vpc-peering:setup-id'];
  };

  it('GIVEN the calls of real runs, with the tags, request tags and record names they carried WHEN each is evaluated THEN every one is allowed, built with only the context keys its action has', () => {
    const awaiting = verdicts.filter(awaitingClaim);
    const refused = verdicts.filter((v) => v.result !== 'Allowed' && !awaiting.includes(v));
    const allowed = verdicts.filter((v) => v.result === 'Allowed');
    console.log(
      `IAM evaluation: ${recorder.calls.length + arc.calls.length} recorded calls, ${verdicts.length} IAM requests: ${allowed.length} allowed, ` +
        `${awaiting.length} on the unclaimed tables of a VPC the setup created, ${refused.length} refused`,
    );

    expect(new Set(verdicts.map((v) => v.request.action)).size).toBeGreaterThanOrEqual(45);
    // The recovery's reads, judged on the alarm's and the health check's own ARNs.
    expect(allowed.map((v) => v.request.resource)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^arn:aws:cloudwatch:eu-west-1:\d{12}:alarm:abc-dr-5xx-/),
        expect.stringMatching(/^arn:aws:route53:::healthcheck\/[0-9a-f-]{36}$/),
      ]),
    );
    expect(
      refused.map(
        (v) => `${v.result}: ${v.request.action} on ${v.request.resource} ${JSON.stringify(v.request.context)}`,
      ),
    ).toEqual([]);
    expect(
      verdicts
        .filter((v) => v.ignored.length || v.error)
        .map((v) => ({ action: v.request.action, ignored: v.ignored, error: v.error })),
    ).toEqual([]);
    expect({ SETUP_CLAIMS_ITS_TABLES, awaiting: awaiting.length > 0 }).toEqual({
      SETUP_CLAIMS_ITS_TABLES,
      awaiting: !SETUP_CLAIMS_ITS_TABLES,
    });
    // The claims themselves were made, in the worker's account and through the side roles, each
    // allowed (ClaimTheTablesOfAVpcItCreated is the one statement that grants them).
    const claims = verdicts.flatMap((v) => {
      const kind = /:(route-table|network-acl)\//.exec(v.request.resource)?.[1];
      const claim = v.request.action === 'ec2:CreateTags' && v.request.context['aws:RequestTag/vpc-peering:setup-id'];
      return kind && claim ? [`${kind} in ${v.request.resourceAccount}: ${v.result}`] : [];
    });
    expect(new Set(claims)).toEqual(
      new Set(
        ['route-table', 'network-acl'].flatMap((kind) =>
          [WORKER_ACCOUNT, PARTNER_ACCOUNT].map((account) => `${kind} in ${account}: Allowed`),
        ),
      ),
    );
  });

  it("GIVEN this release's database and table-claim calls, built from the contract's shapes WHEN each is evaluated THEN every one is allowed", async () => {
    const results = await Promise.all(
      [...COMING_CALLS, ...AURORA_CALLS].map(async (c) => ({
        why: c.why,
        action: c.action,
        ...(await evaluator.decide('worker', WORKER_PRINCIPAL, c)),
      })),
    );

    expect(results.filter((r) => r.result !== 'Allowed' || r.ignored.length)).toEqual([]);
  });

  it('GIVEN destructive calls on what the tool neither made nor was given WHEN each is evaluated THEN every one is denied', async () => {
    const principal = (p: string) =>
      p === 'worker'
        ? WORKER_PRINCIPAL
        : `arn:aws:sts::${PARTNER_ACCOUNT}:assumed-role/vpc-peering-${p}-x/vpc-peering-s`;
    const results = await Promise.all(
      OUT_OF_SCOPE.map(async (c) => ({ what: c.what, ...(await evaluator.decide(c.policy, principal(c.policy), c)) })),
    );
    const denied = results.filter((r) => r.result === 'ExplicitlyDenied' || r.result === 'ImplicitlyDenied');
    console.log(`IAM evaluation: ${denied.length} of ${results.length} out-of-scope calls denied`);

    expect(results.filter((r) => r.ignored.length || r.error)).toEqual([]);
    expect(results.filter((r) => !denied.includes(r)).map((r) => `${r.result}: ${r.what}`)).toEqual([]);
  });
});
