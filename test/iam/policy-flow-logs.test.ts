/**
 * policy/iam-policy.json's statements for the link's cost and flow logs, read as an auditor would:
 * what may be written where, which role may be passed to whom, and that costs are only read.
 * (test/iam/policy.test.ts checks that the policy and the code name the same actions.)
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ROOT } from '../../harness/stack';

interface Statement {
  Action: string | string[];
  Resource: string | string[];
  Condition?: Record<string, Record<string, string | string[]>>;
}

const POLICY = JSON.parse(fs.readFileSync(path.join(ROOT, 'policy', 'iam-policy.json'), 'utf8')) as {
  Statement: Statement[];
};
const list = (v: string | string[]) => (Array.isArray(v) ? v : [v]);
const policyActions = () => new Set(POLICY.Statement.flatMap((s) => list(s.Action)));

describe('the IAM policy for cost reports and flow logs', () => {
  it("GIVEN the policy WHEN the flow-log and cost statements are read THEN log groups are only the setups' own, the delivery role is only passed to VPC Flow Logs, and costs are read-only", () => {
    const statementsFor = (action: string) => POLICY.Statement.filter((s) => list(s.Action).includes(action));

    for (const action of [
      'logs:CreateLogGroup',
      'logs:DeleteLogGroup',
      'logs:PutRetentionPolicy',
      'logs:TagResource',
    ]) {
      expect({ action, resources: statementsFor(action).flatMap((s) => list(s.Resource)) }).toEqual({
        action,
        resources: ['arn:aws:logs:*:*:log-group:/vpc-peering/flow-logs/*'],
      });
    }
    const passRole = statementsFor('iam:PassRole');
    expect(passRole.map((s) => [list(s.Resource), s.Condition?.StringEquals?.['iam:PassedToService']])).toEqual([
      [['arn:aws:iam::*:role/vpc-peering-flow-logs*'], 'vpc-flow-logs.amazonaws.com'],
    ]);
    const ce = [...policyActions()].filter((a) => a.startsWith('ce:') || a.startsWith('pricing:'));
    expect(ce.sort()).toEqual(['ce:GetCostAndUsage', 'ce:GetCostForecast', 'pricing:GetProducts']);
  });

  it('GIVEN the policy WHEN its flow-log statements are read THEN a flow log is created only with the setup tag, tagged only while created, and deleted only with the tag', () => {
    const statementsFor = (action: string) => POLICY.Statement.filter((s) => list(s.Action).includes(action));
    const onFlowLogs = (s: Statement) => list(s.Resource).some((r) => r.endsWith(':vpc-flow-log/*'));

    const creating = statementsFor('ec2:CreateFlowLogs').filter(onFlowLogs);
    expect(creating.map((s) => s.Condition?.Null?.['aws:RequestTag/vpc-peering:setup-id'])).toEqual(['false']);
    const tagging = statementsFor('ec2:CreateTags').filter(onFlowLogs);
    expect(tagging.map((s) => s.Condition?.StringEquals?.['ec2:CreateAction'])).toEqual([
      expect.arrayContaining(['CreateFlowLogs']),
    ]);
    const deleting = statementsFor('ec2:DeleteFlowLogs');
    expect(deleting.map((s) => s.Condition?.Null?.['aws:ResourceTag/vpc-peering:setup-id'])).toEqual(['false']);
  });
});
