/**
 * The CLI's default workflow ids: stable for the same target, different for another, readable, and
 * within the limits of the places an id ends up (Temporal ids, tag values, a mesh pair's child id).
 */
import fc from 'fast-check';
import {
  DEFAULT_ID_MAX,
  failoverDefaultId,
  fitId,
  meshDefaultId,
  reprotectDefaultId,
  setupDefaultId,
} from '../../src/cli/default-ids';

const side = (region: string, cidrBlock: string) => ({ region, cidrBlock });

describe('default workflow ids', () => {
  it('GIVEN a setup WHEN its id is made THEN it names both sides, VPC ids and other accounts included', () => {
    expect(
      setupDefaultId({ requester: side('us-east-1', '10.0.0.0/16'), accepter: side('eu-west-1', '10.1.0.0/16') }),
    ).toBe('peering-us-east-1-10.0.0.0-16-eu-west-1-10.1.0.0-16');
    expect(
      setupDefaultId({
        requester: { region: 'us-east-1', vpcId: 'vpc-0123456789abcdef0' },
        accepter: {
          region: 'eu-west-1',
          cidrBlock: '10.1.0.0/16',
          roleArn: 'arn:aws:iam::222233334444:role/vpc-peering-dr',
        },
      }),
    ).toBe('peering-us-east-1-vpc-0123456789abcdef0-eu-west-1-10.1.0.0-16-222233334444');
  });

  it('GIVEN the same sides swapped WHEN the ids are made THEN they differ (requester and accepter are not the same roles)', () => {
    const a = side('us-east-1', '10.0.0.0/16');
    const b = side('eu-west-1', '10.1.0.0/16');
    expect(setupDefaultId({ requester: a, accepter: b })).not.toBe(setupDefaultId({ requester: b, accepter: a }));
  });

  it('GIVEN a failover and its failback WHEN their ids are made THEN they name the zone, the record and the direction; a drill is apart', () => {
    const req = {
      hostedZoneId: 'Z0123456789ABC',
      recordName: 'app.abc.example.',
      from: { region: 'us-east-1' },
      to: { region: 'eu-west-1' },
    };
    expect(failoverDefaultId(req)).toBe('failover-Z0123456789ABC-app.abc.example-us-east-1-to-eu-west-1');
    expect(failoverDefaultId({ ...req, from: req.to, to: req.from })).toBe(
      'failover-Z0123456789ABC-app.abc.example-eu-west-1-to-us-east-1',
    );
    expect(failoverDefaultId({ ...req, drill: true })).toBe(
      'failover-drill-Z0123456789ABC-app.abc.example-us-east-1-to-eu-west-1',
    );
    expect(failoverDefaultId({ ...req, hostedZoneId: '/hostedzone/Z0123456789ABC' })).toBe(failoverDefaultId(req));
  });

  it('GIVEN a mesh WHEN its id is made THEN it lists the keys and a hash that changes with any member', () => {
    const vpcs = { use1: side('us-east-1', '10.0.0.0/16'), euw1: side('eu-west-1', '10.1.0.0/16') };
    const id = meshDefaultId({ vpcs });
    expect(id).toMatch(/^mesh-euw1-use1-[0-9a-f]{8}$/);
    expect(meshDefaultId({ vpcs: { euw1: vpcs.euw1, use1: vpcs.use1 } })).toBe(id);
    expect(meshDefaultId({ vpcs: { ...vpcs, euw1: side('eu-west-1', '10.2.0.0/16') } })).not.toBe(id);
  });

  it('GIVEN a re-protection WHEN its id is made THEN it names the new primary and the old one', () => {
    expect(
      reprotectDefaultId({
        primary: { region: 'eu-west-1', dbInstanceIdentifier: 'abc-db-replica' },
        oldPrimary: { region: 'us-east-1', dbInstanceIdentifier: 'abc-db' },
      }),
    ).toBe('reprotect-eu-west-1-abc-db-replica-into-us-east-1-abc-db');
  });

  it('GIVEN any parts WHEN they are fitted THEN the id is within the limit, of safe characters, and two different long ids stay apart', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ maxLength: 80 }), { minLength: 1, maxLength: 6 }), (parts) => {
        const id = fitId(parts);
        expect(id.length).toBeLessThanOrEqual(DEFAULT_ID_MAX);
        expect(id).toMatch(/^[A-Za-z0-9.-]*$/);
      }),
    );
    const long = 'x'.repeat(200);
    expect(fitId([long, 'a'])).not.toBe(fitId([long, 'b']));
    expect(fitId([long, 'a'])).toMatch(/^x+-[0-9a-f]{8}$/);
  });
});
