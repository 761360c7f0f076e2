import {
  CreateNetworkAclEntryCommand,
  CreateTagsCommand,
  DeleteTagsCommand,
  DescribeNetworkAclsCommand,
  paginateDescribeNetworkAcls,
  type EC2Client,
  type NetworkAcl,
  type NetworkAclEntry,
} from '@aws-sdk/client-ec2';
import { accessOf, type SideAccess } from '../../domain/aws/access';
import { isIpv6Cidr } from '../../domain/net/cidr6';
import {
  contentOfSpec,
  naclFingerprint,
  naclRecordKeysIn,
  naclRecordTags,
  readNaclRecordTags,
  type NaclEntryContent,
  type NaclRecord,
} from '../../domain/peering/nacl-record';
import { PROTOCOL_NUMBER } from '../../domain/net/protocols';
import { VPC_QUOTAS } from '../../domain/aws/quotas';
import type { NaclEntrySpec } from '../../domain/peering/rules-plan';
import type { AwsClients } from '../aws/clients';
import { collect } from './helpers';
import { claimUnclaimed, defaultAclOf } from './claim';
import { AwsErrors, isNamed, nonRetryable } from '../aws/errors';
import { retryNotFound, type ConsistencyWindows } from '../aws/waiting';
import { FailureTypes } from '../../domain/failure-types';
import { type ResourceRef } from '../../domain/aws/resource-ref';

export interface EnsureNaclInput extends SideAccess {
  region: string;
  vpcId: string;
  /** The peering the entries serve: each ACL records the entries made for it under this peering's tags. */
  peeringConnectionId: string;
  entries: NaclEntrySpec[];
  /** Claim the VPC's default ACL first when it carries no setup tag (a VPC this run made; see ./claim). */
  claim?: Record<string, string>;
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
    (entry.CidrBlock ?? entry.Ipv6CidrBlock) === spec.cidrBlock &&
    sameTraffic
  );
}

export function contentOfEntry(entry: NetworkAclEntry): NaclEntryContent {
  return {
    protocol: entry.Protocol ?? '',
    ruleAction: entry.RuleAction ?? '',
    cidrBlock: entry.CidrBlock ?? entry.Ipv6CidrBlock ?? '',
    ...(entry.PortRange ? { fromPort: entry.PortRange.From, toPort: entry.PortRange.To } : {}),
    ...(entry.IcmpTypeCode ? { icmpType: entry.IcmpTypeCode.Type, icmpCode: entry.IcmpTypeCode.Code } : {}),
  };
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
      ...(isIpv6Cidr(spec.cidrBlock) ? { Ipv6CidrBlock: spec.cidrBlock } : { CidrBlock: spec.cidrBlock }),
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
export async function createNaclEntryOnce(
  ec2: EC2Client,
  aclId: string,
  spec: NaclEntrySpec,
  notFoundSeconds = 0,
): Promise<void> {
  try {
    // A new VPC's ACL may be NotFound for a while after the VPC's create.
    await retryNotFound(notFoundSeconds, () => createNaclEntry(ec2, aclId, spec));
  } catch (err) {
    if (!isNamed(err, AwsErrors.NaclEntryAlreadyExists)) throw err;
    const acl = (await ec2.send(new DescribeNetworkAclsCommand({ NetworkAclIds: [aclId] }))).NetworkAcls?.[0];
    const entry = acl && findEntry(acl, spec);
    if (!entry || !entryMatches(entry, spec)) throw naclConflict(aclId, spec);
  }
}

/** Both directions' records of `pcx` on one ACL, as its tags hold them. */
export function readNaclRecords(acl: NetworkAcl, pcx: string): Record<'ingress' | 'egress', NaclRecord> {
  return {
    ingress: readNaclRecordTags(acl.Tags, pcx, false),
    egress: readNaclRecordTags(acl.Tags, pcx, true),
  };
}

/**
 * Writes the records back to the ACL whose tags were read as `acl`: a non-empty one as its tags,
 * an empty one by removing them (and any part a longer record had used).
 */
export async function writeNaclRecords(
  ec2: EC2Client,
  acl: NetworkAcl,
  pcx: string,
  records: Partial<Record<'ingress' | 'egress', NaclRecord>>,
  notFoundSeconds = 0,
): Promise<void> {
  const aclId = acl.NetworkAclId!;
  const directions = Object.entries(records).map(([dir, record]) => ({ egress: dir === 'egress', record }));
  const Tags = directions.flatMap((d) => naclRecordTags(pcx, d.egress, d.record));
  const kept = new Set(Tags.map((t) => t.Key));
  const stale = directions.flatMap((d) => naclRecordKeysIn(acl.Tags, pcx, d.egress)).filter((key) => !kept.has(key));
  if (Tags.length) {
    await retryNotFound(notFoundSeconds, () => ec2.send(new CreateTagsCommand({ Resources: [aclId], Tags })));
  }
  if (stale.length) {
    await ec2.send(new DeleteTagsCommand({ Resources: [aclId], Tags: stale.map((Key) => ({ Key })) }));
  }
}

/**
 * Creates the missing entries in one ACL and records them there first: an entry made just before a
 * crash is then still known to be this setup's, and an entry that was already there never is.
 */
export async function createRecordedEntries(
  ec2: EC2Client,
  acl: NetworkAcl,
  pcx: string,
  missing: NaclEntrySpec[],
  notFoundSeconds = 0,
): Promise<Record<'ingress' | 'egress', NaclRecord>> {
  const records = readNaclRecords(acl, pcx);
  const touched = new Set<'ingress' | 'egress'>();
  for (const spec of missing) {
    const direction = spec.egress ? 'egress' : 'ingress';
    const fingerprint = naclFingerprint(contentOfSpec(spec));
    if (records[direction].get(spec.ruleNumber) === fingerprint) continue; // recorded by an earlier attempt
    records[direction].set(spec.ruleNumber, fingerprint);
    touched.add(direction);
  }
  if (touched.size) {
    const changed = Object.fromEntries([...touched].map((d) => [d, records[d]]));
    await writeNaclRecords(ec2, acl, pcx, changed, notFoundSeconds);
  }
  for (const spec of missing) await createNaclEntryOnce(ec2, acl.NetworkAclId!, spec, notFoundSeconds);
  return records;
}

/** AWS counts an ACL's entries per direction, and IPv4 and IPv6 entries apart. */
function checkQuota(acl: NetworkAcl, missing: NaclEntrySpec[]): void {
  for (const egress of [false, true]) {
    for (const ipv6 of [false, true]) {
      const version = ipv6 ? 'IPv6' : 'IPv4';
      const have = (acl.Entries ?? []).filter(
        (e) => Boolean(e.Egress) === egress && Boolean(e.Ipv6CidrBlock) === ipv6,
      ).length;
      const adding = missing.filter((s) => s.egress === egress && isIpv6Cidr(s.cidrBlock) === ipv6).length;
      // Once the VPC has an IPv6 block, the IPv6 default deny counts too, whether or not it is listed yet.
      const deny = ipv6 && adding && have === 0 ? 1 : 0;
      if (adding && have + deny + adding > VPC_QUOTAS.naclEntries.default) {
        throw nonRetryable(
          FailureTypes.NaclQuotaExceeded,
          `${acl.NetworkAclId} has ${have + deny} ${version} ${egress ? 'egress' : 'ingress'} entries (its default deny included); adding ${adding} would make ${have + deny + adding}, above AWS's ${VPC_QUOTAS.naclEntries.default} per direction and IP version`,
        );
      }
    }
  }
}

export function createNetworkAclActivities(clients: AwsClients, windows: ConsistencyWindows) {
  /**
   * Adds the planned entries to every NACL of the VPC, and answers exactly the entries this setup
   * made (recorded on each ACL): an identical entry that was already there is used but not
   * claimed. An entry already at that number with other content belongs to someone else: it is
   * reported, never overwritten. The quota is checked in every ACL before any entry is made.
   */
  async function ensureNaclEntries(
    input: EnsureNaclInput,
  ): Promise<{ networkAclIds: string[]; created: ResourceRef[] }> {
    const ec2 = clients.ec2(input.region, accessOf(input));
    const pcx = input.peeringConnectionId;
    const acls = await describeVpcAcls(ec2, input.vpcId);
    const missing = new Map<string, NaclEntrySpec[]>();
    for (const acl of acls) {
      for (const spec of input.entries) {
        const existing = findEntry(acl, spec);
        if (existing && !entryMatches(existing, spec)) throw naclConflict(acl.NetworkAclId!, spec);
      }
      missing.set(
        acl.NetworkAclId!,
        input.entries.filter((spec) => !findEntry(acl, spec)),
      );
      checkQuota(acl, missing.get(acl.NetworkAclId!)!);
    }
    if (input.claim) await claimUnclaimed(ec2, [defaultAclOf(acls, input.vpcId)], input.claim, windows.notFoundSeconds);
    const created: ResourceRef[] = [];
    for (const acl of acls) {
      const aclId = acl.NetworkAclId!;
      const records = await createRecordedEntries(ec2, acl, pcx, missing.get(aclId)!, windows.notFoundSeconds);
      for (const spec of input.entries) {
        const recorded = records[spec.egress ? 'egress' : 'ingress'].get(spec.ruleNumber);
        if (recorded !== naclFingerprint(contentOfSpec(spec))) continue;
        created.push({
          type: 'network-acl-entry',
          region: input.region,
          id: aclId,
          ruleNumber: spec.ruleNumber,
          egress: spec.egress,
          target: pcx,
        });
      }
    }
    return { networkAclIds: acls.map((a) => a.NetworkAclId!), created };
  }

  return { ensureNaclEntries };
}

/** Whether the entry at `ref` is still the one the record says the setup made. */
export function isRecordedEntry(acl: NetworkAcl, entry: NetworkAclEntry, pcx: string): boolean {
  const recorded = readNaclRecords(acl, pcx)[entry.Egress ? 'egress' : 'ingress'].get(entry.RuleNumber!);
  return recorded !== undefined && recorded === naclFingerprint(contentOfEntry(entry));
}

/** Drops deleted (or vanished) entries from their ACLs' records, removing a record once it is empty. */
export async function forgetNaclEntries(
  ec2: EC2Client,
  refs: Array<{ id: string; ruleNumber?: number; egress?: boolean; target?: string }>,
): Promise<void> {
  const byAcl = new Map<string, typeof refs>();
  for (const ref of refs) {
    if (!ref.target || ref.ruleNumber === undefined) continue;
    const key = `${ref.id}|${ref.target}`;
    byAcl.set(key, [...(byAcl.get(key) ?? []), ref]);
  }
  for (const group of byAcl.values()) {
    const { id: aclId, target: pcx } = group[0]!;
    let acl: NetworkAcl | undefined;
    try {
      acl = (await ec2.send(new DescribeNetworkAclsCommand({ NetworkAclIds: [aclId] }))).NetworkAcls?.[0];
    } catch (err) {
      if (isNamed(err, 'InvalidNetworkAclID.NotFound')) continue; // gone with its VPC, record and all
      throw err;
    }
    if (!acl) continue;
    const records = readNaclRecords(acl, pcx!);
    const changed: Partial<Record<'ingress' | 'egress', NaclRecord>> = {};
    for (const ref of group) {
      const direction = ref.egress ? 'egress' : 'ingress';
      if (records[direction].delete(ref.ruleNumber!)) changed[direction] = records[direction];
    }
    if (Object.keys(changed).length) await writeNaclRecords(ec2, acl, pcx!, changed);
  }
}
