/** The EC2 calls that change something, as the setup and the teardown (or a rollback) make them. */

export const SETUP_EC2_WRITES = [
  'CreateVpc',
  'ModifyVpcAttribute',
  'CreateSubnet',
  'CreateVpcPeeringConnection',
  'AcceptVpcPeeringConnection',
  'ModifyVpcPeeringConnectionOptions',
  'CreateRoute',
  'CreateSecurityGroup',
  'AuthorizeSecurityGroupIngress',
  'AuthorizeSecurityGroupEgress',
  'RevokeSecurityGroupEgress',
  'CreateTags',
  'CreateNetworkAclEntry',
] as const;

export const TEARDOWN_EC2_WRITES = [
  'DeleteNetworkAclEntry',
  'DeleteTags',
  'DeleteRoute',
  'DeleteSecurityGroup',
  'DeleteVpcPeeringConnection',
  'DeleteSubnet',
  'DeleteVpc',
] as const;
