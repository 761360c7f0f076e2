/**
 * The shipped policies evaluated offline by @cloud-copilot/iam-simulate, as AWS would decide a
 * request: the identity policy of the caller (the worker's, or a side role's), and for
 * sts:AssumeRole the side role's trust policy as the resource policy.
 */
import { runSimulation } from '@cloud-copilot/iam-simulate';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ROOT } from '../../../harness/stack';
import type { IamRequest, PolicyName } from './requests';

/** What an operator writes for the placeholders of the shipped policies (README, "IAM"). */
export type Placeholders = Record<string, string>;

export interface Decision {
  result: 'Allowed' | 'ExplicitlyDenied' | 'ImplicitlyDenied' | 'Error';
  /** Context keys the action does not have: a request built wrong, never silently dropped. */
  ignored: string[];
  error?: string;
}

const FILES: Record<PolicyName, string> = {
  worker: 'iam-policy.json',
  requester: 'requester-role-policy.json',
  accepter: 'accepter-role-policy.json',
};

/** A policy file with its placeholders filled in, as the operator deploys it. */
export function deployedPolicy(file: string, fill: Placeholders, dir = path.join(ROOT, 'policy')): unknown {
  let text = fs.readFileSync(path.join(dir, file), 'utf8');
  for (const [placeholder, value] of Object.entries(fill)) text = text.split(placeholder).join(value);
  const left = /<[A-Z_]+>/.exec(text);
  if (left) throw new Error(`${file}: placeholder ${left[0]} left unfilled`);
  return JSON.parse(text);
}

/**
 * A KMS key answers to its key policy first; the default one hands the account's access to IAM
 * (KMS developer guide, "Default key policy"), so the identity policy decides.
 */
function defaultKeyPolicy(account: string): object {
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'Enable IAM User Permissions',
        Effect: 'Allow',
        Principal: { AWS: `arn:aws:iam::${account}:root` },
        Action: 'kms:*',
        Resource: '*',
      },
    ],
  };
}

export class PolicyEvaluator {
  private readonly policies: Record<PolicyName, string>;
  private readonly trust: string;

  constructor(fill: Placeholders, dir = path.join(ROOT, 'policy')) {
    const text = (file: string) => JSON.stringify(deployedPolicy(file, fill, dir));
    this.policies = { worker: text(FILES.worker), requester: text(FILES.requester), accepter: text(FILES.accepter) };
    this.trust = text('side-role-trust-policy.json');
  }

  /**
   * The simulator resolves policy variables in an ARN's resource part only; AWS resolves
   * `${aws:PrincipalAccount}` in the account part too (IAM user guide, "IAM policy elements:
   * Variables and tags"), so it is resolved here for the caller's account.
   */
  async decide(policy: PolicyName, principal: string, request: IamRequest): Promise<Decision> {
    const account = String(request.context['aws:PrincipalAccount']);
    const identity = JSON.parse(this.policies[policy].split('${aws:PrincipalAccount}').join(account)) as object;
    const response = await runSimulation(
      {
        request: {
          // moto names an IAM user in the STS form; IAM names it arn:aws:iam::<account>:user/<name>.
          principal: principal.replace(/^arn:aws:sts::(\d{12}):user\//, 'arn:aws:iam::$1:user/'),
          action: request.action,
          resource: { resource: request.resource, accountId: request.resourceAccount },
          contextVariables: request.context,
        },
        identityPolicies: [{ name: policy, policy: identity }],
        serviceControlPolicies: [],
        resourceControlPolicies: [],
        ...(request.action === 'sts:AssumeRole' ? { resourcePolicy: JSON.parse(this.trust) as object } : {}),
        ...(request.action.startsWith('kms:') ? { resourcePolicy: defaultKeyPolicy(request.resourceAccount) } : {}),
      },
      {},
    );
    if (response.resultType === 'error')
      return { result: 'Error', ignored: [], error: JSON.stringify(response.errors) };
    // "*" for an action whose resource types are all optional (cloudwatch:GetMetricData) is one
    // simulation per type: AWS allows the call when all of them allow it.
    if (response.resultType === 'wildcard')
      return {
        result: response.overallResult,
        ignored: [...new Set(response.results.flatMap((r) => r.ignoredContextKeys ?? []))],
      };
    return { result: response.overallResult, ignored: response.result.ignoredContextKeys ?? [] };
  }
}
