import { requestTags, resourceTags, tagList, type Context, type IamRequest } from './context';
import type { RecordedCall } from './recorder';

/**
 * RDS, as its Service Authorization Reference lists each action's resource types: the instance, and
 * for a new read replica also its source and the subnet group and parameter group it names (request
 * tags on each); tags given on create are authorized as AddTagsToResource on the new resource too.
 */
export function rdsRequests(call: RecordedCall, base: Context): IamRequest[] {
  const { region, action, params } = call;
  const own = call.caller.account;
  const arn = (kind: string, id: string) => `arn:aws:rds:${region}:${own}:${kind}:${id}`;
  const on = (key: string, fallback: string, extra: Context = {}): IamRequest => ({
    action: `rds:${action}`,
    resource: call.facts[`arn:${key}`] ?? fallback,
    resourceAccount: own,
    context: { ...base, ...resourceTags(call.tags[key]), ...extra },
  });
  const id = params.DBInstanceIdentifier;
  switch (action) {
    case 'DescribeDBInstances':
      return [on('', arn('db', id ?? '*'))];
    case 'DescribeDBSubnetGroups':
      return [on('', arn('subgrp', params.DBSubnetGroupName ?? '*'))];
    case 'ListTagsForResource':
      return [on('', params.ResourceName!)];
    case 'CreateDBSubnetGroup': {
      const asked = requestTags(tagList(params, 'Tags.Tag'));
      const name = params.DBSubnetGroupName!;
      return [
        on(name, arn('subgrp', name), asked),
        { ...on(name, arn('subgrp', name), asked), action: 'rds:AddTagsToResource' },
      ];
    }
    case 'CreateDBInstanceReadReplica': {
      const asked = requestTags(tagList(params, 'Tags.Tag'));
      const source = params.SourceDBInstanceIdentifier!;
      return [
        on(id!, arn('db', id!), asked),
        { ...on(id!, arn('db', id!), asked), action: 'rds:AddTagsToResource' },
        on(source, source.startsWith('arn:') ? source : arn('db', source), asked),
        ...(params.DBSubnetGroupName
          ? [on(params.DBSubnetGroupName, arn('subgrp', params.DBSubnetGroupName), asked)]
          : []),
        ...(params.DBParameterGroupName ? [on('', arn('pg', params.DBParameterGroupName), asked)] : []),
      ];
    }
    case 'AddTagsToResource':
      return [on(params.ResourceName!, params.ResourceName!, requestTags(tagList(params, 'Tags.Tag')))];
    case 'DeleteDBSubnetGroup':
      return [on(params.DBSubnetGroupName!, arn('subgrp', params.DBSubnetGroupName!))];
  }
  return [on(id!, arn('db', id!))];
}
