/**
 * A drill's `rtoSeconds` says what it measured: its parts are named, with what measured each, and a
 * line says what the figure sums and what it leaves out.
 */
import { describeDrillRto, drillRto } from '../../src/domain/drill/rto';
import type { PromotionRehearsal } from '../../src/domain/drill/types';
import type { FailoverReport } from '../../src/domain/failover/types';

const switched = (rtoSeconds: number | null) =>
  ({ rtoSeconds, recordName: 'drill-app.abc.example.' }) as unknown as FailoverReport;
const rehearsal = (promotionSeconds: number | null): PromotionRehearsal => ({
  dbInstanceIdentifier: 'abc-db-replica-drill-202612071200',
  createSeconds: 40,
  promotionSeconds,
  deleted: true,
});

describe('drillRto', () => {
  it('GIVEN only a rehearsed switch WHEN the RTO is made THEN it is the switch, named, and the line says no promotion was rehearsed', () => {
    const rto = drillRto('d-failover', switched(4.237), undefined);

    expect(rto.rtoSeconds).toBe(4.237);
    expect(rto.rtoParts).toEqual([
      {
        name: 'switch',
        seconds: 4.237,
        measuredBy:
          'failover rehearsal d-failover: from its start, less the drill record setup, to the verified switch of drill-app.abc.example.',
      },
    ]);
    expect(rto.rtoSummary).toMatch(/^rtoSeconds 4\.237 = switch 4\.237 s\. No promotion was rehearsed/);
    expect(rto.rtoSummary).toMatch(/Not counted: the wait for a decision, .* recovery/);
  });

  it('GIVEN a switch and a rehearsed promotion WHEN the RTO is made THEN it is their sum, both parts named', () => {
    const rto = drillRto('d-failover', switched(4.2), rehearsal(8.15));

    expect(rto.rtoSeconds).toBe(12.4);
    expect(rto.rtoParts.map((p) => [p.name, p.seconds])).toEqual([
      ['switch', 4.2],
      ['promotion', 8.15],
    ]);
    expect(rto.rtoParts[1]!.measuredBy).toBe('promotion rehearsal abc-db-replica-drill-202612071200');
    expect(rto.rtoSummary).toMatch(/^rtoSeconds 12\.4 = switch 4\.2 s \+ promotion 8\.15 s\. Not counted/);
    expect(describeDrillRto({ ...rto, rtoTargetSeconds: 300 })).toBe(
      'RTO 12.4 s (switch 4.2 s + promotion 8.15 s), target 300 s',
    );
  });

  it('GIVEN a promotion rehearsal that did not finish WHEN the RTO is made THEN only the switch counts and the line says why', () => {
    const rto = drillRto('d-failover', switched(3), rehearsal(null));

    expect(rto.rtoSeconds).toBe(3);
    expect(rto.rtoParts.map((p) => p.name)).toEqual(['switch']);
    expect(rto.rtoSummary).toContain('The promotion rehearsal did not finish');
  });

  it('GIVEN a failover rehearsal that did not switch WHEN the RTO is made THEN it is null and says so, whatever the promotion took', () => {
    const rto = drillRto('d-failover', null, rehearsal(8));

    expect(rto.rtoSeconds).toBeNull();
    expect(rto.rtoSummary).toMatch(/^rtoSeconds not measured: the failover rehearsal did not switch/);
    expect(describeDrillRto({ ...rto, rtoTargetSeconds: 60 })).toBe('RTO not measured, target 60 s');
  });

  it('GIVEN a report from before the parts were named WHEN the CLI describes it THEN it reads as before', () => {
    expect(describeDrillRto({ rtoSeconds: 5, rtoTargetSeconds: 60 })).toBe('RTO 5 s, target 60 s');
  });
});
