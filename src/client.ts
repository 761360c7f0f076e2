import { Client, Connection } from '@temporalio/client';
import { loadTemporalSettings } from './config';
import { EXIT, UsageError } from './cli/output';
import { costCommand } from './cli/cost-command';
import { protectCommand, reprotectCommand, unprotectCommand } from './cli/database-commands';
import { abortCommand, approveCommand, failoverCommand } from './cli/failover-commands';
import { setupCommand, teardownCommand, type CommandContext } from './cli/peering-commands';
import { meshCommand } from './cli/mesh-commands';
import { drillCommand, drillsCommand, scheduleCommand } from './cli/drill-commands';
import { statusCommand } from './cli/status-command';

type Command = (ctx: CommandContext, argv: string[]) => Promise<number>;

const COMMANDS: Record<string, Command> = {
  setup: setupCommand,
  teardown: teardownCommand,
  status: statusCommand,
  failover: failoverCommand,
  approve: approveCommand,
  abort: abortCommand,
  drill: drillCommand,
  schedule: scheduleCommand,
  drills: drillsCommand,
  mesh: meshCommand,
  cost: costCommand,
  protect: protectCommand,
  unprotect: unprotectCommand,
  reprotect: reprotectCommand,
};

const USAGE = `usage: npm run client -- <command> [flags]
  setup    --file request.json [--requester-role ARN] [--accepter-role ARN] [--external-id ID]
           [--route-table-tag Key=Value]... [--id ID] [--wait] [--json-out result.json]
           (id default: peering-<region>-<CIDR or VPC>-<region>-<CIDR or VPC>; run again, it finds its network)
  teardown --setup-id ID | --file teardown.json | --peering pcx-… --requester-region R --accepter-region R [--wait]
  status   <workflowId> [--wait]
  failover --file failover.json [--drill] [--approval auto|signal] [--id ID] [--wait] [--json-out report.json]   (exit 1 unless completed)
           (id default: failover[-drill]-<zone>-<record>-<from>-to-<to>; one run per record and direction at a time)
  failover list [--limit 10] [--json]   (recent runs, newest first: outcome, RTO, RPO, who decided)
  failover show <workflowId> [--run RUN_ID] [--json]   (one run's report, step by step)
  failover approve <workflowId> [--by NAME]   (shows preflight's findings first; exit 2 when the run rejects it)
  failover abort   <workflowId> [--reason TEXT] [--by NAME]   (exit 2 when rejected: after an approval)
  approve | abort  <workflowId> …   (the same, kept from before)
  drill    --file drill.json [--id ID] [--wait] [--json-out report.json]   (exit 1 when the drill fails)
  schedule create --name N (--every 7d | --cron "0 3 * * 1") --file drill.json [--paused] [--note T]
  schedule list [--json] | describe N | trigger N | pause N | unpause N | delete N
  drills   [--last 10] [--outcome passed|failed|running] [--json]
  mesh plan     --file mesh.json [--id MESH_ID] [--json]   (changes nothing; exit 2 past a quota)
  mesh setup    --file mesh.json [--id ID] [--wait] [--json-out result.json]   (id default: mesh-<keys>-<hash of members>)
  mesh teardown --id MESH_ID [--wait]
  cost     --setup-id ID | --peering pcx-… --requester-region R --accepter-region R | --file report.json
           [--start YYYY-MM-DD --end YYYY-MM-DD] [--granularity MONTHLY|DAILY] [--budget USD] [--json]   (exit 1 when over budget)
  protect   --file protect.json [--id ID] [--wait] [--json-out report.json]   (id default: protect-<region>-<replica id>)
  unprotect --id PROTECT_WORKFLOW_ID   (deletes only what that protection made; refuses a promoted replica)
  reprotect --file reprotect.json [--id ID] [--wait] [--json-out report.json]   (id default: reprotect-<primary>-into-<old primary>)
Exit codes: 0 success, 1 the run failed, 2 bad input.`;

async function run(): Promise<number> {
  const [name, ...argv] = process.argv.slice(2);
  const command = name ? COMMANDS[name] : undefined;
  if (!command) {
    console.error(name && name !== 'help' && name !== '--help' ? `unknown command "${name}"\n${USAGE}` : USAGE);
    return name && name !== 'help' && name !== '--help' ? EXIT.badInput : EXIT.ok;
  }
  const settings = loadTemporalSettings();
  let connection: Connection | undefined;
  const client = async () => {
    connection ??= await Connection.connect(settings.connectionOptions);
    return new Client({ connection, namespace: settings.namespace });
  };
  try {
    return await command({ client, namespace: settings.namespace, taskQueue: settings.taskQueue }, argv);
  } finally {
    await connection?.close();
  }
}

run().then(
  (code) => process.exit(code),
  (err) => {
    if (err instanceof UsageError) {
      console.error(err.message);
      process.exit(EXIT.badInput);
    }
    console.error(err);
    process.exit(EXIT.failed);
  },
);
