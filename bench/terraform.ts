/**
 * Terraform as the peer: bench/terraform/main.tf, the ABC Corp topology, applied, applied again with
 * no change, and destroyed against the bench's moto (through its counting proxy), offline. The
 * provider comes from a local filesystem mirror named in a CLI config file the bench writes; when
 * terraform or the provider is missing, `findTerraform` says why and the bench skips this part.
 */
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { naclPlan, securityGroupPlan, type SgPermission } from '../src/domain/peering/rules-plan';
import type { PeeringRequest } from '../src/domain/peering/types';

const ROOT = path.resolve(__dirname, '..');
const CONFIG_DIR = path.join(ROOT, 'bench', 'terraform');
export const PROVIDER_VERSION = '5.100.0';
const PROVIDER_PATH = `registry.terraform.io/hashicorp/aws/${PROVIDER_VERSION}/linux_amd64`;

/** Where provider mirrors usually are (TF_PROVIDER_MIRROR first): the folder above registry.terraform.io. */
const MIRROR_CANDIDATES = [
  process.env.TF_PROVIDER_MIRROR,
  '/opt/tf-plugins',
  path.join(process.env.HOME ?? '', '.terraform.d', 'plugins'),
  path.join(process.env.HOME ?? '', '.local', 'share', 'terraform', 'plugins'),
  '/usr/local/share/terraform/plugins',
  '/usr/share/terraform/plugins',
];

export type TerraformFound = { bin: string; version: string; mirror: string } | { missing: string };

function run(
  file: string,
  args: string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {},
): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    execFile(
      file,
      args,
      { cwd: options.cwd, env: options.env, timeout: options.timeoutMs ?? 600_000, maxBuffer: 64 * 1024 * 1024 },
      (err, stdout, stderr) =>
        resolve({ code: err ? Number((err as { code?: number }).code ?? 1) || 1 : 0, output: `${stdout}${stderr}` }),
    );
  });
}

/** Terraform on PATH (or TERRAFORM_BIN) and the hashicorp/aws provider in a filesystem mirror. */
export async function findTerraform(): Promise<TerraformFound> {
  const bin = process.env.TERRAFORM_BIN ?? 'terraform';
  const version = await run(bin, ['version', '-json'], { env: { ...process.env, CHECKPOINT_DISABLE: '1' } });
  if (version.code !== 0)
    return { missing: `terraform is not on PATH (${bin}: ${version.output.trim() || 'not found'})` };
  const v = /"terraform_version":\s*"([^"]+)"/.exec(version.output)?.[1] ?? 'unknown';
  const mirror = MIRROR_CANDIDATES.find((dir) => dir && fs.existsSync(path.join(dir, PROVIDER_PATH)));
  if (!mirror) {
    return {
      missing: `the hashicorp/aws ${PROVIDER_VERSION} provider is in no filesystem mirror (looked for ${PROVIDER_PATH} under ${MIRROR_CANDIDATES.filter(Boolean).join(', ')}; set TF_PROVIDER_MIRROR)`,
    };
  }
  return { bin, version: v, mirror };
}

const sgRules = (perms: SgPermission[]) =>
  perms.map((p) => ({
    protocol: p.protocol,
    from_port: p.fromPort,
    to_port: p.toPort,
    cidr_block: p.cidrBlock,
    description: p.description ?? '',
  }));

/** The request as Terraform variables, its rules from the workflow's own plan functions. */
export function terraformVars(request: PeeringRequest, ec2Endpoint: string, setupId: string): Record<string, unknown> {
  const sides = { requester: request.requester, accepter: request.accepter };
  const base = request.naclRuleBase ?? 900;
  const rules = Object.fromEntries(
    (['requester', 'accepter'] as const).map((role) => {
      const own = sides[role].cidrBlock!;
      const peer = sides[role === 'requester' ? 'accepter' : 'requester'].cidrBlock!;
      const sg = securityGroupPlan(own, peer, request.allow);
      const nacl = naclPlan(own, peer, request.allow, base).map((e) => ({
        rule_number: e.ruleNumber,
        egress: e.egress,
        protocol: e.protocol,
        from_port: e.fromPort,
        to_port: e.toPort,
        cidr_block: e.cidrBlock,
      }));
      return [role, { ingress: sgRules(sg.ingress), egress: sgRules(sg.egress), nacl }];
    }),
  );
  const side = (s: PeeringRequest['requester']) => ({ region: s.region, cidr_block: s.cidrBlock!, name: s.name ?? '' });
  return {
    ec2_endpoint: ec2Endpoint,
    setup_id: setupId,
    tags: request.tags ?? {},
    dns_resolution: request.dnsResolution !== false,
    requester: side(request.requester),
    accepter: side(request.accepter),
    rules,
  };
}

export interface TerraformRun {
  ms: number;
  output: string;
}

export interface TerraformWorkdir {
  dir: string;
  /** `terraform init` once, offline, from the mirror. */
  init(): Promise<TerraformRun>;
  apply(): Promise<TerraformRun>;
  destroy(): Promise<TerraformRun>;
  /** Points the next runs at another endpoint (the realistic profile's proxy, say) and forgets the state. */
  retarget(ec2Endpoint: string, setupId: string): void;
}

/** A working directory with main.tf, the variables and a CLI config naming only the mirror. */
export function terraformWorkdir(
  found: { bin: string; mirror: string },
  request: PeeringRequest,
  dir: string,
  ec2Endpoint: string,
  setupId: string,
): TerraformWorkdir {
  fs.mkdirSync(dir, { recursive: true });
  fs.copyFileSync(path.join(CONFIG_DIR, 'main.tf'), path.join(dir, 'main.tf'));
  const cliConfig = path.join(dir, 'terraform.rc');
  fs.writeFileSync(
    cliConfig,
    [
      'disable_checkpoint = true',
      'provider_installation {',
      '  filesystem_mirror {',
      `    path    = ${JSON.stringify(found.mirror)}`,
      '    include = ["registry.terraform.io/hashicorp/aws"]',
      '  }',
      '}',
      '',
    ].join('\n'),
  );
  const writeVars = (endpoint: string, id: string) =>
    fs.writeFileSync(
      path.join(dir, 'terraform.tfvars.json'),
      `${JSON.stringify(terraformVars(request, endpoint, id), null, 2)}\n`,
    );
  writeVars(ec2Endpoint, setupId);
  // No AWS settings from the shell (a profile, a region, real keys) reach the provider.
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!/^(AWS_|TF_)/.test(k)) env[k] = v;
  Object.assign(env, {
    TF_CLI_CONFIG_FILE: cliConfig,
    TF_IN_AUTOMATION: '1',
    TF_INPUT: '0',
    CHECKPOINT_DISABLE: '1',
    AWS_EC2_METADATA_DISABLED: 'true',
  });
  const tf = async (what: string, args: string[]): Promise<TerraformRun> => {
    const started = performance.now();
    const { code, output } = await run(found.bin, args, { cwd: dir, env });
    const ms = performance.now() - started;
    fs.writeFileSync(path.join(dir, `${what}.log`), output);
    if (code !== 0)
      throw new Error(
        `terraform ${what} failed (exit ${code}); log ${path.join(dir, `${what}.log`)}:\n${output.slice(-3000)}`,
      );
    return { ms, output };
  };
  return {
    dir,
    init: () => tf('init', ['init', '-input=false', '-no-color']),
    apply: () => tf('apply', ['apply', '-auto-approve', '-input=false', '-no-color']),
    destroy: () => tf('destroy', ['destroy', '-auto-approve', '-input=false', '-no-color']),
    retarget(endpoint, id) {
      writeVars(endpoint, id);
      for (const f of ['terraform.tfstate', 'terraform.tfstate.backup']) fs.rmSync(path.join(dir, f), { force: true });
    },
  };
}

/** "Apply complete! Resources: 26 added, 0 changed, 0 destroyed." → 26 added. */
export function appliedCounts(output: string): { added: number; changed: number; destroyed: number } | undefined {
  const m = /Resources: (\d+) added, (\d+) changed, (\d+) destroyed/.exec(output);
  if (m) return { added: Number(m[1]), changed: Number(m[2]), destroyed: Number(m[3]) };
  const d = /Resources: (\d+) destroyed/.exec(output);
  if (d) return { added: 0, changed: 0, destroyed: Number(d[1]) };
  if (/No changes\./.test(output)) return { added: 0, changed: 0, destroyed: 0 };
  return undefined;
}
