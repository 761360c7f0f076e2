/**
 * Every AWS operation written in src/activities, found by reading the source: each SDK command,
 * paginator, waiter and credential provider, with the files that use it. Paginators and waiters
 * are resolved by running them once against a stub client.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ROOT } from '../../../harness/stack';

const ACTIVITIES = path.join(ROOT, 'src', 'activities');
/** npm package suffix → IAM service prefix. */
const PREFIX: Record<string, string> = {
  ec2: 'ec2',
  rds: 'rds',
  'route-53': 'route53',
  sts: 'sts',
  'service-quotas': 'servicequotas',
  'auto-scaling': 'autoscaling',
  ecs: 'ecs',
  'route53-recovery-cluster': 'route53-recovery-cluster',
  'cost-explorer': 'ce',
  pricing: 'pricing',
  'cloudwatch-logs': 'logs',
  cloudwatch: 'cloudwatch',
  sns: 'sns',
};
/** Credential providers that call AWS themselves. */
const PROVIDERS: Record<string, string> = { fromTemporaryCredentials: 'sts:AssumeRole' };

type Stub = { send: (command: object) => Promise<never> };

/** The operation a paginator or waiter sends, found by running it once against a stub client. */
async function operationOf(pkg: string, helper: string): Promise<string> {
  const mod = (await import(`@aws-sdk/client-${pkg}`)) as Record<string, unknown>;
  const ClientClass = Object.entries(mod).find(
    ([name, v]) => name.endsWith('Client') && name !== 'Client' && typeof v === 'function' && !name.startsWith('_'),
  )?.[1] as new (c: object) => Stub;
  const client = new ClientClass({ region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
  const abort = new AbortController();
  let sent: string | undefined;
  client.send = (command: object) => {
    sent ??= command.constructor.name.replace(/Command$/, '');
    abort.abort();
    return Promise.reject(Object.assign(new Error('stub'), { name: 'Stub' }));
  };
  const fn = mod[helper] as (config: object, input: object) => unknown;
  try {
    if (helper.startsWith('paginate')) {
      for await (const page of fn({ client }, {}) as AsyncIterable<unknown>) void page;
    } else {
      await fn({ client, minDelay: 1, maxDelay: 1, maxWaitTime: 2, abortSignal: abort.signal }, {});
    }
  } catch {
    // The stub refuses every call; only the first command's name matters.
  }
  if (!sent) throw new Error(`${helper} from @aws-sdk/client-${pkg} sent no command`);
  return sent;
}

/** `service:Operation` for every AWS call written in src/activities. */
export async function staticOperations(): Promise<Map<string, string[]>> {
  const found = new Map<string, string[]>();
  const add = (action: string, where: string) => found.set(action, [...(found.get(action) ?? []), where]);
  // Recursive: activities live in capability folders, and a flat read would audit none of them.
  for (const file of fs
    .readdirSync(ACTIVITIES, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts'))) {
    const text = fs.readFileSync(path.join(ACTIVITIES, file), 'utf8');
    const imported = new Map<string, string>();
    for (const m of text.matchAll(
      /import\s*(?:type\s*)?\{([^}]*)\}\s*from\s*'@aws-sdk\/(client-[\w-]+|credential-providers)'/g,
    )) {
      for (const name of m[1]!
        .split(',')
        .map((n) => n.replace(/^\s*type\s+/, '').trim())
        .filter(Boolean))
        imported.set(name, m[2]!);
    }
    for (const [name, from] of imported) {
      if (!new RegExp(`\\b${name}\\s*\\(`).test(text.replace(/import[\s\S]*?from\s*'[^']*';/g, ''))) continue;
      if (from === 'credential-providers') {
        if (PROVIDERS[name]) add(PROVIDERS[name], file);
        continue;
      }
      const pkg = from.replace(/^client-/, '');
      const prefix = PREFIX[pkg];
      if (!prefix) throw new Error(`${file} imports @aws-sdk/${from}: add its IAM prefix to PREFIX`);
      if (/Command$/.test(name)) add(`${prefix}:${name.replace(/Command$/, '')}`, file);
      else if (/^(paginate|waitUntil)/.test(name))
        add(`${prefix}:${await operationOf(pkg, name)}`, `${file} (${name})`);
    }
  }
  return found;
}
