import {
  CreateNetworkAclEntryCommand,
  DescribeNetworkAclsCommand,
  paginateDescribeNetworkAcls,
  type EC2Client,
  type NetworkAcl,
  type NetworkAclEntry,
} from '@aws-sdk/client-ec2';
import { PROTOCOL_NUMBER } from '../domain/protocols';
import type { NaclEntrySpec } from '../domain/rules-plan';
import type { ResourceRef } from '../domain/types';
import type { AwsClients } from './aws-clients';
import { collect } from './ec2-helpers';
import { AwsErrors, FailureTypes, isNamed, nonRetryable } from './errors';

export interface EnsureNaclInput {
  region: string;
  roleArn?: string;
  vpcId: string;
  entries: NaclEntrySpec[];
}

export async function describeVpcAcls(ec2: EC2Client, vpcId: string): Promise<NetworkAcl[]> {
  const acls = await collect(
    paginateDescribeNetworkAcls({ client: ec2 }, { Filters: [{ Name: 'vpc-id', Values: [vpcId] }] }),
    (p) => p.NetworkAcls,
  );
  return acls.filter((a) => a.VpcId === vpcId);
}

export function findEntry(
  acl: NetworkAcl,
  spec: Pick<NaclEntrySpec, 'ruleNumber' | 'egress'>,
): NetworkAclEntry | undefined {
  return acl.Entries?.find((e) => e.RuleNumber === spec.ruleNumber && Boolean(e.Egress) === spec.egress);
}

/** Same rule number and direction with the same content: ours, or a harmless identical rule. */
export function entryMatches(entry: NetworkAclEntry, spec: NaclEntrySpec): boolean {
  const sameTraffic =
    spec.protocol === 'icmp'
      ? entry.IcmpTypeCode?.Type === spec.fromPort && entry.IcmpTypeCode?.Code === spec.toPort
      : entry.PortRange?.From === spec.fromPort && entry.PortRange?.To === spec.toPort;
  return (
    entry.Protocol === PROTOCOL_NUMBER[spec.protocol] &&
    entry.RuleAction === 'allow' &&
    entry.CidrBlock === spec.cidrBlock &&
    sameTraffic
  );
}

export function describeSpec(spec: NaclEntrySpec): string {
  return `${spec.egress ? 'egress' : 'ingress'} rule ${spec.ruleNumber} (${spec.protocol} ${spec.fromPort}-${spec.toPort} ${spec.cidrBlock})`;
}

export async function createNaclEntry(ec2: EC2Client, aclId: string, spec: NaclEntrySpec): Promise<void> {
  await ec2.send(
    new CreateNetworkAclEntryCommand({
      NetworkAclId: aclId,
      RuleNumber: spec.ruleNumber,
      Egress: spec.egress,
      Protocol: PROTOCOL_NUMBER[spec.protocol],
      RuleAction: 'allow',
      CidrBlock: spec.cidrBlock,
      ...(spec.protocol === 'icmp'
        ? { IcmpTypeCode: { Type: spec.fromPort, Code: spec.toPort } }
        : { PortRange: { From: spec.fromPort, To: spec.toPort } }),
    }),
  );
}

function naclConflict(aclId: string, spec: NaclEntrySpec): Error {
  return nonRetryable(
    FailureTypes.NaclRuleConflict,
    `${aclId} already has a different ${describeSpec(spec)}; choose another naclRuleBase`,
  );
}

/**
 * Creates the entry. When one is already at that number (a lost earlier attempt, or a race), it is
 * done if it has the same content, and a conflict otherwise: never overwritten.
 */
export async function createNaclEntryOnce(ec2: EC2Client, aclId: string, spec: NaclEntrySpec): Promise<void> {
  try {
    await createNaclEntry(ec2, aclId, spec);
  } catch (err) {
    if (!isNamed(err, AwsErrors.NaclEntryAlreadyExists)) throw err;
    const acl = (await ec2.send(new DescribeNetworkAclsCommand({ NetworkAclIds: [aclId] }))).NetworkAcls?.[0];
    const entry = acl && findEntry(acl, spec);
    if (!entry || !entryMatches(entry, spec)) throw naclConflict(aclId, spec);
  }
}

export function createNetworkAclActivities(clients: AwsClients) {
  /**
   * Adds the planned entries to every NACL of the VPC. An entry already at that number with other
   * content belongs to someone else: it is reported, never overwritten.
   */
  async function ensureNaclEntries(
    input: EnsureNaclInput,
  ): Promise<{ networkAclIds: string[]; created: ResourceRef[] }> {
    const ec2 = clients.ec2(input.region, input.roleArn);
    const acls = await describeVpcAcls(ec2, input.vpcId);
    for (const acl of acls) {
      for (const spec of input.entries) {
        const existing = findEntry(acl, spec);
        if (existing && !entryMatches(existing, spec)) throw naclConflict(acl.NetworkAclId!, spec);
      }
    }
    const created: ResourceRef[] = [];
    for (const acl of acls) {
      for (const spec of input.entries) {
        if (!findEntry(acl, spec)) await createNaclEntryOnce(ec2, acl.NetworkAclId!, spec);
        created.push({
          type: 'network-acl-entry',
          region: input.region,
          id: acl.NetworkAclId!,
          ruleNumber: spec.ruleNumber,
          egress: spec.egress,
        });
      }
    }
    return { networkAclIds: acls.map((a) => a.NetworkAclId!), created };
  }

  return { ensureNaclEntries };
}
