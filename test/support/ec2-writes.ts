/** The EC2 calls that change something, as the setup and the teardown (or a rollback) make them. */

export const SETUP_EC2_WRITES = [
  'CreateVpc',
  'CreateSubnet',
  'CreateVpcPeeringConnection',
  'AcceptVpcPeeringConnection',
  'ModifyVpcPeeringConnectionOptions',
  'CreateRoute',
  'CreateSecurityGroup',
  'AuthorizeSecurityGroupIngress',
  'AuthorizeSecurityGroupEgress',
  'RevokeSecurityGroupEgress',
  'CreateNetworkAclEntry',
] as const;

export const TEARDOWN_EC2_WRITES = [
  'DeleteNetworkAclEntry',
  'DeleteRoute',
  'DeleteSecurityGroup',
  'DeleteVpcPeeringConnection',
  'DeleteSubnet',
  'DeleteVpc',
] as const;
