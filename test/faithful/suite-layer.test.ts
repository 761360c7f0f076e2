/**
 * The suite runs behind the AWS-faithful layer unless TEST_RAW_MOTO=1: what the code under test
 * calls (testEnv().awsUrl) is the layer, what the tests check against (testEnv().motoUrl) is moto.
 */
import { DescribeVpcsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { testEnv } from '../support/env';
import { rawMotoRequested, suiteFaithfulOptions } from '../../harness/faithful';
import { CREDENTIALS, ec2, uniqueId } from '../support/harness';
import { createTaggedVpc, sleep } from '../support/proxied-moto';

describe("the suite's AWS", () => {
  test('GIVEN this run WHEN its AWS endpoint is inspected THEN it is the faithful layer in front of moto, or moto itself when TEST_RAW_MOTO asks', async () => {
    const env = testEnv();

    if (rawMotoRequested()) {
      expect(env.awsUrl).toBe(env.motoUrl);
      expect(env.faithfulPid).toBeNull();
    } else {
      expect(env.awsUrl).not.toBe(env.motoUrl);
      expect((await fetch(`${env.awsUrl}/__faults/stats`)).status).toBe(200);
    }
  });

  test('GIVEN the layer is on WHEN a VPC is created through the run AWS endpoint and found by its tag at once THEN it is missing until the lag has passed, while moto has it', async () => {
    const options = suiteFaithfulOptions();
    const aws = new EC2Client({ region: 'us-east-2', endpoint: testEnv().awsUrl, credentials: CREDENTIALS });
    const name = uniqueId('lag');
    const byTag = { Filters: [{ Name: 'tag:Name', Values: [name] }] };

    await createTaggedVpc(aws, name, '10.99.0.0/16');
    const atOnce = await aws.send(new DescribeVpcsCommand(byTag));
    const inMoto = await ec2('us-east-2').send(new DescribeVpcsCommand(byTag));

    expect(inMoto.Vpcs).toHaveLength(1);
    expect(atOnce.Vpcs).toHaveLength(options ? 0 : 1);
    await sleep(((options?.lagSeconds[1] ?? 0) + 0.1) * 1000);
    expect((await aws.send(new DescribeVpcsCommand(byTag))).Vpcs).toHaveLength(1);
  });
});
