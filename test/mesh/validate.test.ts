/** The mesh request's checks that need no AWS: each bad input names its field. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { MeshRequest } from '../../src/domain/mesh/types';
import { validateMeshRequest } from '../../src/domain/mesh/validate';

const EXAMPLE = JSON.parse(fs.readFileSync(path.resolve(__dirname, '../../examples/mesh.json'), 'utf8')) as MeshRequest;

const edit = (change: (r: MeshRequest) => void): unknown => {
  const copy = JSON.parse(JSON.stringify(EXAMPLE)) as MeshRequest;
  change(copy);
  return copy;
};

test('GIVEN examples/mesh.json THEN it is valid, with two of its VPCs in us-east-1', () => {
  expect(validateMeshRequest(EXAMPLE)).toMatchObject({ ok: true });
  expect(Object.values(EXAMPLE.vpcs).filter((v) => v.region === 'us-east-1')).toHaveLength(2);
});

test.each([
  ['one VPC only', (r: MeshRequest) => (r.vpcs = { use1: r.vpcs.use1! }), 'vpcs', 'at least two'],
  ['a key with capitals', (r: MeshRequest) => (r.vpcs.Bad = r.vpcs.use1!), 'vpcs.Bad', 'a-z'],
  ['a key with a double hyphen', (r: MeshRequest) => (r.vpcs['a--b'] = r.vpcs.use1!), 'vpcs.a--b', '--'],
  ['a hub that is not a VPC', (r: MeshRequest) => (r.topology = { hub: 'nope' }), 'topology.hub', 'not one of'],
  ['an unknown topology', (r: MeshRequest) => (r.topology = 'ring' as never), 'topology', 'full-mesh'],
  ['a region typo', (r: MeshRequest) => (r.vpcs.euw1!.region = 'eu-west1'), 'vpcs.euw1.region', 'region'],
  [
    'both vpcId and cidrBlock',
    (r: MeshRequest) => (r.vpcs.apne1!.vpcId = 'vpc-0123456789abcdef0'),
    'vpcs.apne1.cidrBlock',
    'exactly one',
  ],
  [
    'overlapping CIDRs',
    (r: MeshRequest) => (r.vpcs.shared!.cidrBlock = '10.1.128.0/17'),
    'vpcs.shared.cidrBlock',
    'overlaps vpcs.euw1',
  ],
  [
    'the same VPC twice',
    (r: MeshRequest) => {
      r.vpcs.use1 = { region: 'us-east-1', vpcId: 'vpc-0123456789abcdef0' };
      r.vpcs.shared = { region: 'us-east-1', vpcId: 'vpc-0123456789abcdef0' };
    },
    'vpcs.shared.vpcId',
    'same VPC as vpcs.use1',
  ],
  ['an empty allow', (r: MeshRequest) => (r.allow = []), 'allow', 'at least one rule'],
  [
    'an all-protocol rule',
    (r: MeshRequest) => (r.allow[0]!.protocol = 'all' as never),
    'allow[0].protocol',
    'tcp, udp or icmp',
  ],
  [
    'a narrowed rule',
    (r: MeshRequest) => (r.allow[0]!.cidrBlock = '10.0.1.0/24'),
    'allow[0].cidrBlock',
    'not supported in a mesh',
  ],
  ['the mesh tag given', (r: MeshRequest) => (r.tags = { 'vpc-peering:mesh-id': 'x' }), 'tags', 'set by the mesh'],
  ['more at once than AWS lets wait', (r: MeshRequest) => (r.maxConcurrent = 26), 'maxConcurrent', '25'],
  ['an unknown field', (r: MeshRequest) => ((r as unknown as Record<string, unknown>).peers = 3), '(request)', 'peers'],
])('GIVEN %s THEN it is refused, naming the field', (_what, change, field, reason) => {
  const out = validateMeshRequest(edit(change));
  expect(out.ok).toBe(false);
  if (out.ok) return;
  expect(out.error.field).toBe(field);
  expect(out.error.reason).toContain(reason);
});
