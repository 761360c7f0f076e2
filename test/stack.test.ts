import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { testEnv } from './support/env';
import { SEARCH_ATTRIBUTES, startTemporalDevServer } from '../harness/stack';

describe('local stack started by jest global setup', () => {
  it("GIVEN the run's Temporal dev server WHEN its search attributes are listed THEN the project's custom attributes are registered as Keyword", async () => {
    const { temporalAddress } = testEnv();
    const connection = await Connection.connect({ address: temporalAddress });
    try {
      const info = await connection.workflowService.getSystemInfo({});
      expect(info.serverVersion).toBeTruthy();

      const { customAttributes } = await connection.operatorService.listSearchAttributes({ namespace: 'default' });

      for (const name of SEARCH_ATTRIBUTES) {
        expect({ name, type: customAttributes?.[name] }).toEqual({ name, type: 2 /* INDEXED_VALUE_TYPE_KEYWORD */ });
      }
    } finally {
      await connection.close();
    }
  });

  it("GIVEN the run's Temporal dev server WHEN its Web UI is fetched THEN it answers 200", async () => {
    const { temporalUiUrl } = testEnv();

    const res = await fetch(`${temporalUiUrl}/`);
    await res.body?.cancel();

    expect(res.status).toBe(200);
  });

  it("GIVEN the run's moto server WHEN /moto-api/ is fetched THEN it answers 200", async () => {
    const { motoUrl } = testEnv();

    const res = await fetch(`${motoUrl}/moto-api/`);
    await res.body?.cancel();

    expect(res.status).toBe(200);
  });
});

describe('startTemporalDevServer restart', () => {
  it('GIVEN a dev server with a running workflow WHEN it is killed with SIGKILL and restarted THEN the workflow is still there on the same address', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stack-test-'));
    const server = await startTemporalDevServer({ dbFile: path.join(dir, 'temporal.db') });
    try {
      const workflowId = `stack-sanity-${Date.now()}`;
      let connection = await Connection.connect({ address: server.address });
      // No worker polls this queue, so the workflow simply stays Running.
      await new Client({ connection }).workflow.start('NoSuchWorkflow', {
        taskQueue: 'stack-sanity',
        workflowId,
        args: [],
      });
      await connection.close();
      const firstPid = server.pid;

      await server.stop({ signal: 'SIGKILL' });
      await server.restart();

      expect(server.pid).not.toBe(firstPid);
      connection = await Connection.connect({ address: server.address });
      try {
        const description = await new Client({ connection }).workflow.getHandle(workflowId).describe();
        expect(description.status.name).toBe('RUNNING');
      } finally {
        await connection.close();
      }
    } finally {
      await server.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
