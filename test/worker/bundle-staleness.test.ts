/**
 * The compiled worker keeps its prebuilt workflow bundle only while no compiled workflow or domain
 * file is newer. Those files live in capability folders, so the check must look inside them.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { newerSource } from '../../src/workflow-bundle';

describe('the prebuilt bundle staleness check', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bundle-staleness-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const touch = (file: string, secondsAgo: number) => {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, '');
    const at = new Date(Date.now() - secondsAgo * 1000);
    fs.utimesSync(file, at, at);
  };

  it('GIVEN a bundle newer than every source WHEN checked THEN it is fresh', () => {
    touch(path.join(dir, 'workflows', 'peering', 'setup-inter-region-peering.js'), 60);
    touch(path.join(dir, 'bundle.js'), 10);
    expect(newerSource(path.join(dir, 'bundle.js'), [path.join(dir, 'workflows'), path.join(dir, 'missing')])).toBe(
      undefined,
    );
  });

  it('GIVEN a file changed inside a capability folder after the bundle WHEN checked THEN that file is named', () => {
    const changed = path.join(dir, 'workflows', 'failover', 'switch.js');
    touch(path.join(dir, 'bundle.js'), 60);
    touch(changed, 1);
    // The folder's own time is older than the bundle: only a recursive walk sees the change.
    const folderTime = new Date(Date.now() - 120_000);
    fs.utimesSync(path.join(dir, 'workflows', 'failover'), folderTime, folderTime);
    fs.utimesSync(path.join(dir, 'workflows'), folderTime, folderTime);
    expect(newerSource(path.join(dir, 'bundle.js'), [path.join(dir, 'workflows')])).toBe(changed);
  });
});
